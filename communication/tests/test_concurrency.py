"""Two officers (or a double click reaching two workers) sending the same announcement at the same
moment, and two chunk tasks running at once: each member still gets one message per channel."""

import threading

import pytest
from django.db import connection

from associations.errors import WaslError
from associations.tenancy import association_scope
from communication import services
from communication.models import Announcement, AnnouncementRecipient
from communication.services import AnnouncementValues
from members import services as member_services
from notifications.models import Message


def run_together(target, count=2):
    barrier = threading.Barrier(count)
    outcomes = []

    def runner():
        try:
            barrier.wait(timeout=5)
            outcomes.append(target())
        except Exception as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sends_at_once_queue_each_message_once():
    from conftest import build_tenant

    tenant = build_tenant("conc")
    with association_scope(tenant.association):
        for i in range(20):
            member_services.member_admit(
                actor=tenant.president,
                first_name_latin=f"C{i}",
                last_name_latin="X",
                email=f"c{i}@conc.ma",
                phone=f"0661{i:06d}",
            )
        announcement = services.announcement_save(
            actor=tenant.president,
            values=AnnouncementValues(subject_fr="S", body_fr="B", sms_text="T", by_email=True, by_sms=True),
        )

    def confirm():
        with association_scope(tenant.association):
            return services.announcement_confirm(actor=tenant.president, announcement_id=announcement.pk)

    outcomes = run_together(confirm)
    refused = [o for o in outcomes if isinstance(o, WaslError)]
    assert len(refused) == 1 and refused[0].code == "already_sent"

    def chunk():
        with association_scope(tenant.association):
            return services.announcement_queue_chunk(announcement_id=announcement.pk, size=7)

    while any(o is True for o in run_together(chunk)):
        pass
    with association_scope(tenant.association):
        keys = list(
            Message.objects.filter(template_key="communication.announcement").values_list(
                "dedup_key", flat=True
            )
        )
        assert len(keys) == len(set(keys)) == 42  # 21 members × 2 channels
        assert AnnouncementRecipient.objects.filter(announcement=announcement).count() == 21
        assert Announcement.objects.get(pk=announcement.pk).status == Announcement.Status.QUEUED
