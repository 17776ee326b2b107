"""Load the 12 regions, 75 prefectures/provinces (decree 2-15-40) and the ICNPO sectors.

Reads the CSV files shipped in associations/data/; imports no app code (historical models only).
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    Region = apps.get_model("associations", "Region")
    Province = apps.get_model("associations", "Province")
    Sector = apps.get_model("associations", "Sector")
    with open(DATA / "ma_territories.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            region, _ = Region.objects.update_or_create(
                code=row["region_code"], defaults={"name_fr": row["region_fr"], "name_ar": row["region_ar"]}
            )
            Province.objects.update_or_create(
                region=region,
                name_fr=row["unit_fr"],
                defaults={"name_ar": row["unit_ar"], "kind": row["unit_kind"]},
            )
    with open(DATA / "sectors_icnpo.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Sector.objects.update_or_create(
                code=row["code"],
                defaults={"name_en": row["name_en"], "name_fr": row["name_fr"], "name_ar": row["name_ar"]},
            )


class Migration(migrations.Migration):
    dependencies = [("associations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
