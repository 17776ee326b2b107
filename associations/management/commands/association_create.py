"""`manage.py association_create`: onboard an association from the command line (operators)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from associations import services
from associations.capabilities import RoleKind
from associations.errors import WaslError
from associations.models import Association, Province, Region, Sector
from associations.tenancy import association_scope


class Command(BaseCommand):
    help = (
        "Register an association. The president is an existing user (--president EMAIL); "
        "if nobody has that e-mail yet, they are invited as president instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name-ar", required=True)
        parser.add_argument("--name-fr", required=True)
        parser.add_argument("--acronym", default="")
        parser.add_argument("--region", required=True, help="Region code, e.g. MA-06")
        parser.add_argument("--province", required=True, help="Prefecture or province, French name")
        parser.add_argument("--sector", required=True, help="ICNPO code, e.g. ICNPO-02")
        parser.add_argument("--reach", default="local", choices=Association.Reach.values)
        parser.add_argument("--address", default="")
        parser.add_argument("--founded", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
        parser.add_argument("--public-utility", action="store_true")
        parser.add_argument("--president", required=True, help="E-mail of the president")
        parser.add_argument(
            "--operator", help="E-mail of the operator recorded as the actor (default: president)"
        )
        parser.add_argument(
            "--confirm-similar-name",
            action="store_true",
            help="Register even though another association has a name that reads the same",
        )

    def handle(self, *args, **options):
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"Unknown region {options['region']!r}. Codes: MA-01 … MA-12.")
        province = Province.objects.filter(region=region, name_fr__iexact=options["province"]).first()
        if province is None:
            names = ", ".join(region.provinces.values_list("name_fr", flat=True))
            raise CommandError(
                f"Unknown province {options['province']!r} in {region.code}. Choose one of: {names}"
            )
        sector = Sector.objects.filter(code=options["sector"]).first()
        if sector is None:
            raise CommandError(f"Unknown sector {options['sector']!r}.")
        president = User.objects.filter(email__iexact=options["president"]).first()
        operator = (
            User.objects.filter(email__iexact=options["operator"]).first() if options["operator"] else None
        )
        actor = president or operator
        if actor is None:
            raise CommandError("Neither the president nor --operator has an account; give an --operator.")
        values = {
            "name_ar": options["name_ar"],
            "name_fr": options["name_fr"],
            "acronym": options["acronym"],
            "region": region,
            "province": province,
            "sector": sector,
            "reach": options["reach"],
            "address": options["address"],
            "founded_on": options["founded"],
            "is_public_utility": options["public_utility"],
        }
        try:
            with transaction.atomic():  # all or nothing: no association without its president
                association = services.association_register(
                    actor=actor, confirm_similar_name=options["confirm_similar_name"], **values
                )
                if president is None:
                    # The operator holds the association until the invited president accepts.
                    with association_scope(association):
                        services.invitation_create(
                            actor=actor,
                            email=options["president"],
                            kind=RoleKind.PRESIDENT,
                            confirm_second_holder=True,  # the operator is president only until then
                        )
        except WaslError as exc:
            hint = " (--confirm-similar-name to go ahead)" if exc.code == "similar_name" else ""
            raise CommandError(f"{exc.field or 'error'}: {exc.message}{hint}") from exc
        if president is None:
            self.stdout.write(f"Invited {options['president']} as president.")
        self.stdout.write(
            self.style.SUCCESS(f"Created association {association.slug} (id {association.pk}).")
        )
