"""Outside participants: an officer withdraws an invitation (after a confirmation; the link then
refuses, the row stays); a participant reaches their own page — enrolments and certificates, with
the PDF — through a signed, expiring link sent through the outbox. Tampered, expired or another
association's link refused; nothing of anyone else shown."""

import re
from datetime import timedelta
from unittest import mock

from django.core import signing
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from associations.tenancy import association_scope
from documents.files import private_storage
from notifications.models import Message
from training import services
from training.models import Certificate, CourseInvitation, Enrolment
from training.tests.helpers import course_with_session, days


def invite(tenant, session, name="Outside Person", email="outside@example.ma"):
    with association_scope(tenant.association):
        return services.course_invitation_create(
            actor=tenant.president, session_id=session.pk, full_name=name, email=email
        )


def ws(tenant, name, **kwargs):
    return reverse(f"training:{name}", kwargs={"association_slug": tenant.association.slug, **kwargs})


def join_url(tenant, raw):
    kwargs = {"association_slug": tenant.association.slug, "invitation_token": raw}
    return reverse("training_public:join", kwargs=kwargs)


def page_url(tenant, token, slug=None):
    kwargs = {"association_slug": slug or tenant.association.slug, "participant_token": token}
    return reverse("training_public:participant", kwargs=kwargs)


def pdf_url(tenant, token, certificate_id):
    kwargs = {
        "association_slug": tenant.association.slug,
        "participant_token": token,
        "participant_certificate_id": certificate_id,
    }
    return reverse("training_public:participant_certificate", kwargs=kwargs)


# --- Withdrawing an invitation -----------------------------------------------------------------------


def test_an_officer_withdraws_an_invitation_after_confirming_and_the_link_dies(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=3)
    invitation, raw = invite(tenant_a, session)
    officer = Client(headers={"Accept-Language": "fr"})
    officer.force_login(tenant_a.president)
    listing = officer.get(ws(tenant_a, "session_invite", session_id=session.pk)).content.decode()
    withdraw = ws(tenant_a, "invitation_withdraw", course_invitation_id=invitation.pk)
    assert withdraw in listing
    # The confirmation page changes nothing; a POST without confirm=yes neither.
    assert officer.get(withdraw).status_code == 200
    officer.post(withdraw, {})
    with association_scope(tenant_a.association):
        assert CourseInvitation.objects.get(pk=invitation.pk).withdrawn_at is None
    assert Client().get(join_url(tenant_a, raw)).status_code == 200
    officer.post(withdraw, {"confirm": "yes"})
    with association_scope(tenant_a.association):
        kept = CourseInvitation.objects.get(pk=invitation.pk)  # kept, marked
        assert kept.withdrawn_at is not None and kept.withdrawn_by_id == tenant_a.president.pk
    anonymous = Client(headers={"Accept-Language": "fr"})
    page = anonymous.get(join_url(tenant_a, raw))
    assert page.status_code == 410 and "retirée".encode() in page.content
    taken = anonymous.post(join_url(tenant_a, raw), {"confirm": "on"})
    assert taken.status_code == 410
    with association_scope(tenant_a.association):
        assert not Enrolment.objects.filter(participant=invitation.participant).exists()
    listing = officer.get(ws(tenant_a, "session_invite", session_id=session.pk)).content.decode()
    assert "Retirée" in listing and "Outside Person" in listing and withdraw not in listing


def test_a_used_invitation_is_not_withdrawn_and_others_cannot_withdraw(tenant_a, tenant_b):
    _course, session = course_with_session(tenant_a, capacity=3)
    invitation, raw = invite(tenant_a, session)
    withdraw = ws(tenant_a, "invitation_withdraw", course_invitation_id=invitation.pk)
    for user in (tenant_a.member, tenant_b.president):
        client = Client()
        client.force_login(user)
        assert client.post(withdraw, {"confirm": "yes"}).status_code in (403, 404)
    with association_scope(tenant_a.association):
        assert CourseInvitation.objects.get(pk=invitation.pk).withdrawn_at is None
        services.course_invitation_accept(raw_token=raw)
    officer = Client(headers={"Accept-Language": "fr"})
    officer.force_login(tenant_a.president)
    assert "utilisée".encode() in officer.get(withdraw).content  # refused, no button
    officer.post(withdraw, {"confirm": "yes"})
    with association_scope(tenant_a.association):
        assert CourseInvitation.objects.get(pk=invitation.pk).withdrawn_at is None
        assert Enrolment.objects.get(participant=invitation.participant).status == "enrolled"


# --- The participant's own page ----------------------------------------------------------------------


def _participant_with_certificate(tenant):
    """An outside participant who took a seat, attended the one day and got the certificate (its
    PDF stored), and another participant of the same session."""
    _course, session = course_with_session(tenant, capacity=5, dates=days(0, 1), title_fr="Comptabilité")
    invitation, raw = invite(tenant, session)
    other_invitation, other_raw = invite(tenant, session, name="Someone Else", email="else@example.ma")
    with association_scope(tenant.association):
        enrolment = services.course_invitation_accept(raw_token=raw)
        services.course_invitation_accept(raw_token=other_raw)
        services.attendance_record(
            actor=tenant.president, enrolment_id=enrolment.pk, day=timezone.localdate(), status="present"
        )
        certificate = Certificate.objects.select_related("document").get(enrolment=enrolment)
        document = certificate.document
        if not document.file:
            document.file = private_storage().save(
                f"associations/{tenant.association.pk}/t/cert.pdf", ContentFile(b"%PDF-1.4 participant-cert")
            )
            document.save(update_fields=["file"])
    return invitation.participant, other_invitation.participant, certificate


def test_the_link_is_sent_through_the_outbox_and_shows_only_their_own(tenant_a):
    participant, _other, certificate = _participant_with_certificate(tenant_a)
    # The certificate's issue sent them their page's link.
    with association_scope(tenant_a.association):
        message = Message.objects.filter(
            template_key="training.participant_page", to_address="outside@example.ma"
        ).latest("pk")
        assert not Message.objects.filter(
            template_key="training.participant_page", to_address="else@example.ma"
        )
    link = re.search(r"/training/mine/\S+/", message.context["link"]).group(0)
    client = Client(headers={"Accept-Language": "fr"})
    page = client.get(link)
    body = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    assert "Outside Person" in body and "Comptabilité" in body
    assert "Someone Else" not in body and "else@example.ma" not in body
    assert "outside@example.ma" not in body  # no address on the page
    assert tenant_a.member.email not in body
    pdf = client.get(link + f"certificates/{certificate.pk}.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    # Another person's certificate through this link: 404.
    assert client.get(link + f"certificates/{tenant_a.certificate.pk}.pdf").status_code == 404
    # An officer sends it again from the invitations page: a second message through the outbox.
    officer = Client()
    officer.force_login(tenant_a.president)
    officer.post(ws(tenant_a, "participant_send_page", participant_id=participant.pk))
    with association_scope(tenant_a.association):
        assert Message.objects.filter(
            template_key="training.participant_page", to_address="outside@example.ma"
        ).count() == 2  # fmt: skip


def test_a_revoked_certificate_is_listed_but_not_served(tenant_a):
    participant, _other, certificate = _participant_with_certificate(tenant_a)
    with association_scope(tenant_a.association):
        services.certificate_revoke(actor=tenant_a.president, certificate_id=certificate.pk, reason="Erreur")
        token = services.participant_page_token(participant)
    client = Client()
    assert client.get(page_url(tenant_a, token)).status_code == 200
    assert client.get(pdf_url(tenant_a, token, certificate.pk)).status_code == 404


def test_tampered_expired_and_foreign_links_are_refused(tenant_a, tenant_b):
    participant, other, certificate = _participant_with_certificate(tenant_a)
    with association_scope(tenant_a.association):
        token = services.participant_page_token(participant)
    client = Client(headers={"Accept-Language": "fr"})
    # Tampered: another participant's id under the same signature, or a changed character.
    forged = signing.dumps({"a": tenant_a.association.pk, "p": other.pk}, salt="another-salt")
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), forged, "nothing"):
        assert client.get(page_url(tenant_a, bad)).status_code == 404
        assert client.get(pdf_url(tenant_a, bad, certificate.pk)).status_code == 404
    # A's link under B's slug: 404 (the token names A).
    assert client.get(page_url(tenant_a, token, slug=tenant_b.association.slug)).status_code == 404
    # Expired: refused with a translated page, and no certificate.
    later = timezone.now() + timedelta(days=services.PARTICIPANT_LINK_DAYS + 1)
    with mock.patch("time.time", return_value=later.timestamp()):
        expired = client.get(page_url(tenant_a, token))
        pdf = client.get(pdf_url(tenant_a, token, certificate.pk))
    assert expired.status_code == 410 and "expiré".encode() in expired.content
    assert "Comptabilité".encode() not in expired.content
    assert pdf.status_code == 410
    assert client.get(page_url(tenant_a, token)).status_code == 200  # still valid today


def test_sending_needs_an_officer_of_the_association(tenant_a, tenant_b):
    _participant, _other, _certificate = _participant_with_certificate(tenant_a)
    with association_scope(tenant_a.association):
        participant = CourseInvitation.objects.filter(participant__full_name="Someone Else").get().participant
        before = Message.objects.filter(template_key="training.participant_page").count()
    for user in (tenant_a.member, tenant_b.president):
        client = Client()
        client.force_login(user)
        response = client.post(ws(tenant_a, "participant_send_page", participant_id=participant.pk))
        assert response.status_code in (403, 404)
    with association_scope(tenant_a.association):
        assert Message.objects.filter(template_key="training.participant_page").count() == before
