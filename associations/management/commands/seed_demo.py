"""`manage.py seed_demo`: demo users and associations for `make run`. Safe to run again."""

from __future__ import annotations

from datetime import date

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from accounts.models import User
from associations import services
from associations.capabilities import RoleKind
from associations.models import Association, Province, Region, Sector
from associations.tenancy import association_scope

DEMO_USERS = [
    # email, full name, platform role
    ("president@demo.wasl.ma", "Fatima Zahra El Amrani", ""),
    ("treasurer@demo.wasl.ma", "Youssef Benali", ""),
    ("secretary@demo.wasl.ma", "Khadija Ait Lahcen", ""),
    ("member@demo.wasl.ma", "Omar Idrissi", ""),
    ("ministry@demo.wasl.ma", "Nadia Berrada", "ministry"),
    ("admin@demo.wasl.ma", "Platform Admin", "admin"),
]

DEMO_ASSOCIATIONS = [
    {
        "name_ar": "جمعية الأمل للتنمية والتربية",
        "name_fr": "Association Al Amal pour le développement et l'éducation",
        "acronym": "AADE",
        "region": "MA-06",
        "province": "Casablanca",
        "sector": "ICNPO-02",
        "reach": "provincial",
        "address": "12 rue Ibn Batouta, Casablanca",
        "founded_on": date(2009, 3, 14),
        "legal_status": "final",
        "final_receipt_number": "RF-2009-0481",
        "final_receipt_date": date(2009, 5, 2),
        "roles": {
            "president@demo.wasl.ma": RoleKind.PRESIDENT,
            "treasurer@demo.wasl.ma": RoleKind.TREASURER,
            "secretary@demo.wasl.ma": RoleKind.SECRETARY_GENERAL,
            "member@demo.wasl.ma": RoleKind.MEMBER,
        },
    },
    {
        "name_ar": "جمعية أصدقاء البيئة بفاس",
        "name_fr": "Association des Amis de l'Environnement de Fès",
        "acronym": "AAEF",
        "region": "MA-03",
        "province": "Fès",
        "sector": "ICNPO-05",
        "reach": "local",
        "address": "Avenue Hassan II, Fès",
        "founded_on": date(2015, 10, 1),
        "legal_status": "provisional",
        "provisional_receipt_number": "RP-2015-112",
        "provisional_receipt_date": date(2015, 10, 20),
        "roles": {"treasurer@demo.wasl.ma": RoleKind.PRESIDENT, "member@demo.wasl.ma": RoleKind.TREASURER},
    },
    {
        "name_ar": "تعاونية تيفاوين للثقافة الأمازيغية",
        "name_fr": "Association Tifawin pour la culture amazighe",
        "acronym": "ATCA",
        "region": "MA-09",
        "province": "Agadir Ida-Outanane",
        "sector": "ICNPO-01",
        "reach": "regional",
        "address": "Quartier Talborjt, Agadir",
        "founded_on": date(2018, 6, 9),
        "roles": {"secretary@demo.wasl.ma": RoleKind.PRESIDENT},
    },
]


FIRST_NAMES = [
    ("Amina", "أمينة"),
    ("Youssef", "يوسف"),
    ("Khadija", "خديجة"),
    ("Omar", "عمر"),
    ("Salma", "سلمى"),
    ("Hamza", "حمزة"),
    ("Imane", "إيمان"),
    ("Mehdi", "المهدي"),
    ("Zineb", "زينب"),
    ("Anas", "أنس"),
]
LAST_NAMES = [
    ("Alaoui", "العلوي"),
    ("Bennani", "بناني"),
    ("Chraibi", "الشرايبي"),
    ("Idrissi", "الإدريسي"),
    ("Tazi", "التازي"),
    ("Berrada", "برادة"),
    ("El Fassi", "الفاسي"),
    ("Ouazzani", "الوزاني"),
]


class Command(BaseCommand):
    help = "Create demo users and associations (idempotent) and print the demo logins."

    @transaction.atomic
    @translation.override("en")  # the printed summary is for the operator's terminal
    def handle(self, *args, **options):
        password = settings.WASL_DEMO_PASSWORD
        users = {}
        for email, name, platform_role in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=password, full_name=name)
                user.is_ministry_reviewer = platform_role == "ministry"
                user.is_staff = user.is_superuser = platform_role == "admin"
                user.save(update_fields=["is_ministry_reviewer", "is_staff", "is_superuser"])
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            users[email] = user

        for spec in DEMO_ASSOCIATIONS:
            spec = dict(spec)
            roles = spec.pop("roles")
            if Association.objects.filter(name_fr=spec["name_fr"]).exists():
                continue
            region = Region.objects.get(code=spec.pop("region"))
            spec["province"] = Province.objects.get(region=region, name_fr=spec.pop("province"))
            spec["region"] = region
            spec["sector"] = Sector.objects.get(code=spec.pop("sector"))
            president_email = next(e for e, k in roles.items() if k == RoleKind.PRESIDENT)
            president = users[president_email]
            association = services.association_register(actor=president, **spec)
            if association.final_receipt_number or association.provisional_receipt_number:
                # The demo operator has checked these receipts; Tifawin has none yet: it stays unverified.
                services.association_verify(actor=users["admin@demo.wasl.ma"], association_id=association.pk)
            with association_scope(association):
                for email, kind in roles.items():
                    if email == president_email:
                        continue
                    services.role_grant(actor=president, user=users[email], kind=kind)

        self._seed_register(users)
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/accounts/login/")
        )
        self.stdout.write(f"  password for every demo account: {password}")
        platform_labels = {"ministry": "ministry reviewer", "admin": "platform admin (/admin/)"}
        for email, _name, platform_role in DEMO_USERS:
            held = [
                f"{kind.label} of {spec['acronym']}"
                for spec in DEMO_ASSOCIATIONS
                for holder, kind in spec["roles"].items()
                if holder == email
            ]
            platform = platform_labels.get(platform_role)
            self.stdout.write(f"  {email:26} {platform or ', '.join(held)}")

    def _seed_register(self, users) -> None:
        """Categories and 40 members in AADE, its join form open; member@ linked to their row."""
        from members import services as member_services
        from members.models import Member

        association = Association.objects.get(acronym="AADE")
        with association_scope(association):
            if Member.objects.exists():
                return
            president = users["president@demo.wasl.ma"]
            categories = [
                member_services.category_save(actor=president, name_ar=ar, name_fr=fr, annual_dues=dues)
                for ar, fr, dues in (
                    ("عضو مؤسس", "Membre fondateur", 0),
                    ("منخرط نشيط", "Membre actif", 120),
                    ("عضو شرفي", "Membre d'honneur", 0),
                )
            ]
            for i in range(40):
                first, last = FIRST_NAMES[i % len(FIRST_NAMES)], LAST_NAMES[(i * 3) % len(LAST_NAMES)]
                member_services.member_admit(
                    actor=president,
                    first_name_latin=first[0],
                    first_name_ar=first[1],
                    last_name_latin=last[0],
                    last_name_ar=last[1],
                    phone=f"06{61000000 + i * 7919:08d}",
                    category=categories[0 if i < 5 else 1],
                    join_date=date(2009 + i % 15, 1 + i % 12, 1 + i % 27),
                    gender="F" if i % 2 == 0 else "M",
                )
            member = member_services.member_admit(
                actor=president,
                first_name_latin="Omar",
                last_name_latin="Idrissi",
                first_name_ar="عمر",
                last_name_ar="الإدريسي",
                email="member@demo.wasl.ma",
                category=categories[1],
                cin="BE123456",
            )
            Member.objects.filter(pk=member.pk).update(user=users["member@demo.wasl.ma"])
            member_services.membership_settings_update(actor=president, join_form_open=True)
