"""Demo data of the communication module: Al Amal's public page (its object and contact, a
published activity report and a draft) and one announcement sent to its active members.
Registered as the "communication" demo seeder, after the register's."""

from __future__ import annotations

from associations.demo import demo_user
from associations.models import Association
from associations.tenancy import association_scope
from communication import services
from communication.models import Announcement, Post


def seed_communication() -> list[str]:
    association = Association.objects.get(acronym="AADE")
    president = demo_user("president@demo.wasl.ma")
    with association_scope(association):
        if Post.objects.exists():
            return ["communication: already seeded"]
        services.public_profile_save(
            actor=president,
            object_ar="دعم تمدرس الأطفال ومحاربة الهدر المدرسي في أحياء الدار البيضاء.",
            object_fr="Soutenir la scolarité des enfants et lutter contre le décrochage scolaire.",
            contact_email="contact@al-amal.example.ma",
            contact_phone="0522000000",
        )
        report = services.post_save(
            actor=president,
            values={
                "kind": Post.Kind.ACTIVITY,
                "title_ar": "حملة توزيع الأدوات المدرسية",
                "body_ar": "وزعت الجمعية 300 محفظة على تلاميذ ثلاث مدارس بفضل متطوعيها وشركائها.",
                "title_fr": "Distribution de fournitures scolaires",
                "body_fr": "L'association a distribué 300 cartables aux élèves de trois écoles, grâce à ses "
                "bénévoles et à ses partenaires.",
            },
        )
        services.post_publish(actor=president, post_id=report.pk, publish=True)
        services.post_save(
            actor=president,
            values={"title_fr": "Brouillon : sortie de fin d'année", "body_fr": "À compléter."},
        )
        announcement = services.announcement_save(
            actor=president,
            values=services.AnnouncementValues(
                subject_ar="الجمع العام العادي",
                body_ar="ندعوكم إلى حضور الجمع العام العادي يوم السبت المقبل على الساعة العاشرة صباحًا.",
                subject_fr="Assemblée générale ordinaire",
                body_fr="Nous vous invitons à l'assemblée générale ordinaire samedi prochain à 10 h.",
                sms_text="AG ordinaire samedi 10h au siege de l'association.",
                by_email=True,
                by_sms=True,
                audience={"members.status": "active"},
            ),
        )
        services.announcement_confirm(actor=president, announcement_id=announcement.pk)
        while services.announcement_queue_chunk(announcement_id=announcement.pk):
            pass
        count = Announcement.objects.get(pk=announcement.pk).recipient_count
    return [
        f"communication: Al Amal's public page at /p/{association.slug}/, an announcement to {count} members"
    ]
