"""Paid sessions: a seat of a priced session is paid through finance (payment_record): the entry
posted to the training income account, a receipt numbered in the "other" series and sent to the
payer — a member, or an outside participant by name. The enrolment shows paid/unpaid; a session that
confirms seats only once paid refuses attendance and certificates before. Bad input changes nothing."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from associations.errors import WaslError
from associations.tenancy import association_scope
from finance.models import Entry, Payment, Receipt
from finance.services.receipts import receipt_cancel
from notifications.models import Message
from training import services
from training.models import Certificate, Enrolment, Session
from training.tests.helpers import course_with_session, days, enrol, members, platform_course_with_session


def priced(tenant, *, price="250.00", required=False, capacity=3, dates=None):
    course, session = course_with_session(tenant, capacity=capacity, dates=dates, min_attendance_percent=100)
    with association_scope(tenant.association):
        Session.objects.filter(pk=session.pk).update(price=Decimal(price), payment_required=required)
        return course, Session.objects.get(pk=session.pk)


def pay(tenant, enrolment, **kwargs):
    kwargs.setdefault("method", "cash")
    kwargs.setdefault("date", timezone.localdate())
    with association_scope(tenant.association):
        return services.enrolment_payment_record(actor=tenant.treasurer, enrolment_id=enrolment.pk, **kwargs)


def counts(tenant):
    with association_scope(tenant.association):
        return (Payment.objects.count(), Receipt.objects.count(), Entry.objects.count())


def url(tenant, name, **kwargs):
    return reverse(f"training:{name}", kwargs={"association_slug": tenant.association.slug, **kwargs})


def test_a_member_pays_the_seat_with_a_receipt_in_the_other_series(tenant_a):
    _course, session = priced(tenant_a)
    learner = members(tenant_a, 1)[0]
    enrolment = enrol(tenant_a, learner, session=session)
    with association_scope(tenant_a.association):
        assert Enrolment.objects.select_related("session", "payment").get(pk=enrolment.pk).payment_due
    payment = pay(tenant_a, enrolment)
    with association_scope(tenant_a.association):
        enrolment = Enrolment.objects.select_related("session", "payment").get(pk=enrolment.pk)
        assert enrolment.payment_id == payment.pk and enrolment.is_paid and not enrolment.payment_due
        assert payment.amount == Decimal("250.00") and payment.payer_member_id == learner.pk
        receipt = payment.receipts.get()
        assert receipt.series == "other" and receipt.label.startswith("R")
        lines = sorted(
            (line.account.code, line.debit, line.credit)
            for line in payment.entry.lines.select_related("account")
        )
        assert lines == [
            ("5161", Decimal("250.00"), Decimal("0.00")),
            ("71243", Decimal("0.00"), Decimal("250.00")),
        ]
        assert Message.objects.filter(
            dedup_key=f"finance.receipt:{receipt.pk}", to_address=learner.email
        ).exists()


def test_an_outside_participant_pays_by_name_and_gets_the_receipt(tenant_a):
    _course, session = priced(tenant_a, price="120.50")
    with association_scope(tenant_a.association):
        _invitation, raw = services.course_invitation_create(
            actor=tenant_a.president, session_id=session.pk, full_name="Karima Outside",
            email="karima@example.ma",
        )  # fmt: skip
        enrolment = services.course_invitation_accept(raw_token=raw)
    payment = pay(tenant_a, enrolment, method="transfer", reference="VIR-778")
    with association_scope(tenant_a.association):
        assert payment.payer_member_id is None and payment.payer_name == "Karima Outside"
        assert payment.amount == Decimal("120.50") and payment.reference == "VIR-778"
        receipt = payment.receipts.get()
        assert receipt.series == "other"
        assert receipt.document.snapshot["payer"] == "Karima Outside"
        assert Message.objects.filter(
            dedup_key=f"finance.receipt:{receipt.pk}", to_address="karima@example.ma"
        ).exists()
        assert Enrolment.objects.select_related("payment").get(pk=enrolment.pk).is_paid


def test_refusals_change_nothing(tenant_a):
    _course, session = priced(tenant_a, capacity=1)
    first, second = members(tenant_a, 2)
    seated = enrol(tenant_a, first, session=session)
    waiting = enrol(tenant_a, second, session=session)
    _free_course, free_session = course_with_session(tenant_a, capacity=2)
    free = enrol(tenant_a, second, session=free_session)
    _platform_course, platform_session = platform_course_with_session(capacity=2)
    with association_scope(tenant_a.association):
        from training.models import PlatformSession

        PlatformSession.objects.filter(pk=platform_session.pk).update(price=Decimal("90.00"))
    platform = enrol(tenant_a, first, platform_session=platform_session)
    before = counts(tenant_a)
    for enrolment, code in ((waiting, "not_seated"), (free, "free"), (platform, "platform")):
        with pytest.raises(WaslError) as caught:
            pay(tenant_a, enrolment)
        assert caught.value.code == code
    with pytest.raises(WaslError) as caught:  # finance's own checks: a cheque needs its number
        pay(tenant_a, seated, method="cheque")
    assert caught.value.field == "cheque_number"
    assert counts(tenant_a) == before
    pay(tenant_a, seated)
    with pytest.raises(WaslError) as caught:
        pay(tenant_a, seated)
    assert caught.value.code == "paid"
    assert counts(tenant_a)[:2] == (before[0] + 1, before[1] + 1)


def test_a_seat_confirmed_only_once_paid(tenant_a):
    _course, session = priced(tenant_a, required=True, dates=days(0, 1))
    enrolment = enrol(tenant_a, members(tenant_a, 1)[0], session=session)
    today = timezone.localdate()
    with association_scope(tenant_a.association):
        with pytest.raises(WaslError) as caught:
            services.attendance_record(
                actor=tenant_a.president, enrolment_id=enrolment.pk, day=today, status="present"
            )
        assert caught.value.code == "unpaid"
        assert services.enrolment_complete_if_due(actor=tenant_a.president, enrolment_id=enrolment.pk) is None
        assert not Certificate.objects.filter(enrolment=enrolment).exists()
    pay(tenant_a, enrolment)
    with association_scope(tenant_a.association):
        services.attendance_record(
            actor=tenant_a.president, enrolment_id=enrolment.pk, day=today, status="present"
        )
        # The only day recorded and the rule met: the certificate is issued at once.
        assert Certificate.objects.filter(enrolment=enrolment).exists()


def test_a_cancelled_receipt_makes_the_seat_unpaid_again(tenant_a):
    _course, session = priced(tenant_a, required=True)
    enrolment = enrol(tenant_a, members(tenant_a, 1)[0], session=session)
    payment = pay(tenant_a, enrolment)
    with association_scope(tenant_a.association):
        receipt_cancel(actor=tenant_a.treasurer, receipt_id=payment.receipts.get().pk, reason="Erreur")
        enrolment = Enrolment.objects.select_related("session", "payment").get(pk=enrolment.pk)
        assert not enrolment.is_paid and enrolment.payment_due and not enrolment.seat_confirmed
    second = pay(tenant_a, enrolment)  # paid again: a new payment and receipt
    with association_scope(tenant_a.association):
        assert Enrolment.objects.get(pk=enrolment.pk).payment_id == second.pk != payment.pk


def test_the_treasurer_records_it_from_the_page_and_others_cannot(tenant_a):
    _course, session = priced(tenant_a, required=True)
    enrolment = enrol(tenant_a, members(tenant_a, 1)[0], session=session)
    before = counts(tenant_a)
    president = Client(headers={"Accept-Language": "fr"})
    president.force_login(tenant_a.president)
    page = president.get(url(tenant_a, "session", session_id=session.pk)).content.decode()
    assert "À payer" in page  # the officer sees the seat unpaid
    for client_user in (tenant_a.president, tenant_a.member):
        client = Client()
        client.force_login(client_user)
        assert client.get(url(tenant_a, "enrolment_pay", enrolment_id=enrolment.pk)).status_code == 403
        response = client.post(
            url(tenant_a, "enrolment_pay", enrolment_id=enrolment.pk),
            {"method": "cash", "date": timezone.localdate().isoformat()},
        )
        assert response.status_code == 403
    assert counts(tenant_a) == before
    treasurer = Client(headers={"Accept-Language": "fr"})
    treasurer.force_login(tenant_a.treasurer)
    listing = treasurer.get(url(tenant_a, "payments") + "?only=unpaid").content.decode()
    assert url(tenant_a, "enrolment_pay", enrolment_id=enrolment.pk) in listing
    bad = treasurer.post(
        url(tenant_a, "enrolment_pay", enrolment_id=enrolment.pk),
        {"method": "cheque", "date": timezone.localdate().isoformat()},
    )
    assert bad.status_code == 400 and counts(tenant_a) == before
    done = treasurer.post(
        url(tenant_a, "enrolment_pay", enrolment_id=enrolment.pk),
        {"method": "cash", "date": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "Paiement enregistré" in done.content.decode()
    with association_scope(tenant_a.association):
        label = Enrolment.objects.get(pk=enrolment.pk).payment.receipts.get().label
    assert label in done.content.decode()
    page = president.get(url(tenant_a, "session", session_id=session.pk)).content.decode()
    assert "À payer" not in page and "Place payée" in page
    again = treasurer.get(url(tenant_a, "enrolment_pay", enrolment_id=enrolment.pk)).content.decode()
    assert "déjà payée" in again and "<form" not in again.split("<main", 1)[-1].split("</main>")[0]
