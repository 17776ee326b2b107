"""Demo data of the member register: categories and 41 members in AADE, its join form open, and
member@demo.wasl.ma linked to their row. Registered as the "members" demo seeder, run after the
"associations" one (which creates the demo users and associations)."""

from __future__ import annotations

from datetime import date

from associations.demo import demo_user
from associations.models import Association
from associations.tenancy import association_scope
from members import services
from members.models import Member

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


def seed_register() -> list[str]:
    association = Association.objects.get(acronym="AADE")
    with association_scope(association):
        if Member.objects.exists():
            return []
        president = demo_user("president@demo.wasl.ma")
        categories = [
            services.category_save(actor=president, name_ar=ar, name_fr=fr, annual_dues=dues)
            for ar, fr, dues in (
                ("عضو مؤسس", "Membre fondateur", 0),
                ("منخرط نشيط", "Membre actif", 120),
                ("عضو شرفي", "Membre d'honneur", 0),
            )
        ]
        for i in range(40):
            first, last = FIRST_NAMES[i % len(FIRST_NAMES)], LAST_NAMES[(i * 3) % len(LAST_NAMES)]
            services.member_admit(
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
        member = services.member_admit(
            actor=president,
            first_name_latin="Omar",
            last_name_latin="Idrissi",
            first_name_ar="عمر",
            last_name_ar="الإدريسي",
            email="member@demo.wasl.ma",
            category=categories[1],
            cin="BE123456",
        )
        Member.objects.filter(pk=member.pk).update(user=demo_user("member@demo.wasl.ma"))
        services.membership_settings_update(actor=president, join_form_open=True)
    return []
