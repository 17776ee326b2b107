"""Demo data of the tenant core: users, three associations and their boards (for `make run`).

Registered as the "associations" demo seeder; `manage.py seed_demo` runs it first.
"""

from __future__ import annotations

from datetime import date

from allauth.account.models import EmailAddress
from django.conf import settings

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
        "demo_name": "Al Amal",  # as the README's table of demo logins names it
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
        "demo_name": "Amis de l'Environnement de Fès",  # as the README's table of demo logins names it
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
        "demo_name": "Tifawin",  # as the README's table of demo logins names it
        "region": "MA-09",
        "province": "Agadir Ida-Outanane",
        "sector": "ICNPO-01",
        "reach": "regional",
        "address": "Quartier Talborjt, Agadir",
        "founded_on": date(2018, 6, 9),
        "roles": {"secretary@demo.wasl.ma": RoleKind.PRESIDENT},
    },
]


def demo_user(email: str) -> User:
    """A demo account created by this seeder (for the seeders that depend on it)."""
    return User.objects.get(email=email)


def seed_associations() -> list[str]:
    """Create the demo users and associations that do not exist yet."""
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
        spec.pop("demo_name")
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

    return []  # the logins are printed last, by the command (`demo_login_lines`)


def demo_login_lines(base_url: str) -> list[str]:
    """The demo logins, for the operator's terminal: where to log in, the password, and what each
    account is, with the associations named as in the README."""
    platform_labels = {"ministry": "ministry reviewer", "admin": "platform admin (Django admin at /admin/)"}
    lines = [
        f"Log in at {base_url}/accounts/login/ with one of these accounts,",
        f"password for every one: {settings.WASL_DEMO_PASSWORD}",
    ]
    for email, _name, platform_role in DEMO_USERS:
        held = [
            f"{str(kind.label).lower()} of {spec['demo_name']}"
            for spec in DEMO_ASSOCIATIONS
            for holder, kind in spec["roles"].items()
            if holder == email
        ]
        lines.append(f"  {email:24} {platform_labels.get(platform_role) or ', '.join(held)}")
    return lines
