"""The outbox: dedup, at-most-once dispatch (also with two dispatchers at once), retries,
opposition, languages, SMS backends, and the officers' page."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from associations.errors import WaslError
from associations.tenancy import association_scope
from notifications import services
from notifications.models import Message, Opposition
from notifications.phones import phone_to_e164
from notifications.sms import HttpGatewaySmsBackend, SmsError
from notifications.tasks import dispatch_due

TEMPLATE = "associations.invitation_reminder"
CONTEXT = {"association_name_ar": "جمعية الأمل", "association_name_fr": "Association Al Amal", "me_url": "http://x/me/",
           "expires_on": "2026-12-31"}  # fmt: skip


def enqueue(n: int, prefix="m", channel="email", language="en"):
    for i in range(n):
        address = f"{prefix}{i}@example.ma" if channel == "email" else f"06123456{i:02d}"
        services.message_enqueue(
            channel=channel, to_address=address, template_key=TEMPLATE, dedup_key=f"{prefix}:{i}",
            context=CONTEXT, language=language,
        )  # fmt: skip


def our_mail():
    return [m for m in mail.outbox if m.to[0].endswith("@example.ma")]


def test_enqueue_is_idempotent_on_the_dedup_key(scope_a):
    first, created = services.message_enqueue(
        channel="email", to_address="X@Example.ma", template_key=TEMPLATE, dedup_key="k1", context=CONTEXT
    )
    again, created_again = services.message_enqueue(
        channel="email", to_address="x@example.ma", template_key=TEMPLATE, dedup_key="k1", context=CONTEXT
    )
    assert created and not created_again and first.pk == again.pk
    assert first.to_address == "x@example.ma"
    assert Message.objects.filter(dedup_key="k1").count() == 1


def test_dispatch_run_twice_sends_each_message_once(tenant_a):
    mail.outbox.clear()
    with association_scope(tenant_a.association):
        enqueue(5)
    first = services.outbox_dispatch(association_id=tenant_a.association.pk)
    second = services.outbox_dispatch(association_id=tenant_a.association.pk)
    assert (first.sent, second.sent) == (5, 0)
    assert sorted(m.to[0] for m in our_mail()) == [f"m{i}@example.ma" for i in range(5)]
    with association_scope(tenant_a.association):
        assert Message.objects.filter(dedup_key__startswith="m:", status="sent").count() == 5


def test_beat_task_dispatches_every_association(tenant_a, tenant_b):
    mail.outbox.clear()
    for tenant in (tenant_a, tenant_b):
        with association_scope(tenant.association):
            enqueue(2, prefix=tenant.association.slug)
    assert dispatch_due() == 2
    assert len(our_mail()) == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_never_send_twice():
    from conftest import build_tenant

    tenant = build_tenant("disp")
    with association_scope(tenant.association):
        enqueue(30, prefix="c")
    mail.outbox.clear()
    barrier = threading.Barrier(2)
    results = []

    def dispatcher():
        try:
            barrier.wait(timeout=5)
            results.append(services.outbox_dispatch(association_id=tenant.association.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = sorted(m.to[0] for m in mail.outbox if m.to[0].startswith("c"))
    assert sent == sorted(f"c{i}@example.ma" for i in range(30))  # each exactly once
    assert sum(r.sent for r in results) == 30


def test_opposition_suppresses_a_channel(tenant_a):
    mail.outbox.clear()
    with association_scope(tenant_a.association):
        services.opposition_record(actor=tenant_a.president, channel="email", address="no-more@example.ma")
        message, _ = services.message_enqueue(
            channel="email",
            to_address="No-More@example.ma",
            template_key=TEMPLATE,
            dedup_key="o1",
            context=CONTEXT,
        )
        assert message.status == Message.Status.SUPPRESSED
        # Queued before the objection: suppressed when it is recorded, and never sent.
        later, _ = services.message_enqueue(
            channel="email",
            to_address="later@example.ma",
            template_key=TEMPLATE,
            dedup_key="o2",
            context=CONTEXT,
        )
        services.opposition_record(actor=tenant_a.president, channel="email", address="later@example.ma")
        later.refresh_from_db()
        assert later.status == Message.Status.SUPPRESSED
        # The same address on another channel is not affected by an e-mail objection.
        assert not Opposition.objects.filter(channel="sms").exists()
    services.outbox_dispatch(association_id=tenant_a.association.pk)
    assert not [m for m in mail.outbox if m.to[0] in {"no-more@example.ma", "later@example.ma"}]


def test_objection_recorded_between_enqueue_and_send_is_honoured(tenant_a):
    with association_scope(tenant_a.association):
        services.message_enqueue(
            channel="email",
            to_address="race@example.ma",
            template_key=TEMPLATE,
            dedup_key="r1",
            context=CONTEXT,
        )
        Opposition.objects.create(channel="email", address="race@example.ma")  # e.g. recorded elsewhere
    result = services.outbox_dispatch(association_id=tenant_a.association.pk)
    assert result.suppressed == 1 and result.sent == 0


def test_failures_retry_with_backoff_then_fail_and_officer_resends(tenant_a, settings, client):
    settings.EMAIL_BACKEND = "notifications.tests.test_outbox.BrokenBackend"
    with association_scope(tenant_a.association):
        enqueue(1, prefix="f")
    aid = tenant_a.association.pk
    services.outbox_dispatch(association_id=aid)
    with association_scope(tenant_a.association):
        message = Message.objects.get(dedup_key="f:0")
        assert message.status == "queued" and message.attempts == 1 and "SMTP down" in message.last_error
        assert message.next_attempt_at > timezone.now() + timedelta(seconds=50)
    for _ in range(services.MAX_ATTEMPTS - 1):
        with association_scope(tenant_a.association):
            Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        services.outbox_dispatch(association_id=aid)
    with association_scope(tenant_a.association):
        message.refresh_from_db()
    assert message.status == "failed" and message.attempts == services.MAX_ATTEMPTS

    client.force_login(tenant_a.president)
    outbox_url = reverse("notifications:outbox", kwargs={"association_slug": tenant_a.association.slug})
    page = client.get(outbox_url, {"status": "failed"}).content.decode()
    assert "f0@example.ma" in page and "SMTP down" in page
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    resend = reverse(
        "notifications:resend",
        kwargs={"association_slug": tenant_a.association.slug, "message_id": message.pk},
    )
    assert client.post(resend, {"confirm": "1"}).status_code == 302
    mail.outbox.clear()
    assert services.outbox_dispatch(association_id=aid).sent == 1
    assert [m.to[0] for m in mail.outbox] == ["f0@example.ma"]


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP down")


def test_stale_claims_become_failed_not_resent(tenant_a):
    with association_scope(tenant_a.association):
        enqueue(1, prefix="s")
        Message.objects.filter(dedup_key="s:0").update(
            status="sending", claimed_at=timezone.now() - timedelta(hours=1)
        )
    assert services.outbox_release_stale_claims(association_id=tenant_a.association.pk) == 1
    with association_scope(tenant_a.association):
        assert Message.objects.get(dedup_key="s:0").status == "failed"


@pytest.mark.parametrize(("language", "expected"), [("ar", "جمعية الأمل"), ("fr", "Association Al Amal")])
def test_messages_are_rendered_in_the_recipients_language(tenant_a, language, expected):
    mail.outbox.clear()
    with association_scope(tenant_a.association):
        enqueue(1, prefix=f"l{language}", language=language)
    services.outbox_dispatch(association_id=tenant_a.association.pk)
    sent = next(m for m in mail.outbox if m.to[0] == f"l{language}0@example.ma")
    assert expected in sent.subject
    assert "http://x/me/" in sent.body
    if language == "fr":
        assert "invitation" in sent.body.lower()


def test_phone_numbers_are_stored_in_e164():
    assert phone_to_e164("06 12 34 56 78") == "+212612345678"
    assert phone_to_e164("+33 6 12 34 56 78") == "+33612345678"
    for bad in ("12", "not a phone", ""):
        with pytest.raises(WaslError):
            phone_to_e164(bad)


def test_sms_goes_through_the_configured_backend(tenant_a, settings, caplog):
    settings.WASL_SMS_BACKEND = "notifications.sms.ConsoleSmsBackend"
    with association_scope(tenant_a.association):
        message, _ = services.message_enqueue(
            channel="sms", to_address="0612345678", template_key=TEMPLATE, dedup_key="sms1", context=CONTEXT,
            language="fr",
        )  # fmt: skip
    assert message.to_address == "+212612345678"
    with caplog.at_level("WARNING", logger="notifications.sms"):
        assert services.outbox_dispatch(association_id=tenant_a.association.pk).sent == 1
    assert "+212612345678" in caplog.text


@pytest.fixture
def gateway():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers["Authorization"], json.loads(body)))
            status = 503 if received[-1][1]["to"].endswith("99") else 200
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"id": "gw-1"}')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/send", received
    server.shutdown()


def test_http_gateway_backend_posts_json_and_reports_errors(gateway):
    url, received = gateway
    backend = HttpGatewaySmsBackend(url=url, token="secret-token", sender="Wasl")
    assert backend.send(to="+212612345678", body="Salam") == "gw-1"
    assert received == [("Bearer secret-token", {"to": "+212612345678", "from": "Wasl", "text": "Salam"})]
    with pytest.raises(SmsError, match="503"):
        backend.send(to="+212612345699", body="x")


def test_outbox_page_is_for_officers(client, tenant_a):
    url = reverse("notifications:outbox", kwargs={"association_slug": tenant_a.association.slug})
    client.force_login(tenant_a.member)
    assert client.get(url).status_code == 403
    client.force_login(tenant_a.treasurer)
    assert client.get(url).status_code == 200
    objection = reverse(
        "notifications:opposition_create", kwargs={"association_slug": tenant_a.association.slug}
    )
    assert client.post(objection, {"channel": "sms", "address": "0612345678"}).status_code == 403
    client.force_login(tenant_a.president)
    response = client.post(objection, {"channel": "sms", "address": "not a phone"})
    assert response.status_code == 400 and "valid phone number" in response.content.decode()
    assert client.post(objection, {"channel": "sms", "address": "0612345678"}).status_code == 302
    with association_scope(tenant_a.association):
        assert Opposition.objects.get().address == "+212612345678"


def test_plain_text_messages_are_not_html_escaped(tenant_a):
    mail.outbox.clear()
    context = {**CONTEXT, "association_name_fr": "Amis de l'Eau & Co"}
    with association_scope(tenant_a.association):
        services.message_enqueue(channel="email", to_address="esc@example.ma", template_key=TEMPLATE,
                                 dedup_key="esc", context=context, language="fr")  # fmt: skip
    services.outbox_dispatch(association_id=tenant_a.association.pk)
    sent = next(m for m in mail.outbox if m.to == ["esc@example.ma"])
    assert "Amis de l'Eau & Co" in sent.subject and "&amp;" not in sent.subject + sent.body


def resend_url(tenant, message):
    return reverse(
        "notifications:resend", kwargs={"association_slug": tenant.association.slug, "message_id": message.pk}
    )


def test_resend_is_a_second_page_and_a_bare_post_changes_nothing(tenant_a, client):
    message = tenant_a.message  # a failed e-mail
    client.force_login(tenant_a.president)
    page = client.get(resend_url(tenant_a, message))
    body = page.content.decode()
    assert page.status_code == 200 and message.to_address in body and "fixture failure" in body
    assert "receive it twice" in body
    assert client.post(resend_url(tenant_a, message)).status_code == 200  # the page again
    with association_scope(tenant_a.association):
        assert Message.objects.get(pk=message.pk).status == "failed"
    assert client.post(resend_url(tenant_a, message), {"confirm": "1"}).status_code == 302
    with association_scope(tenant_a.association):
        assert Message.objects.get(pk=message.pk).status == "queued"
    outbox_page = client.get(
        reverse("notifications:outbox", kwargs={"association_slug": tenant_a.association.slug})
    )
    assert f'action="{resend_url(tenant_a, message)}"' not in outbox_page.content.decode()


def test_direction_overrides_never_reach_an_email(scope_a):
    """A name typed with U+202E (older data, or an association's name) would reverse the rest of
    the line in a plain-text e-mail, where nothing can isolate it."""
    message, _created = services.message_enqueue(
        channel="email", to_address="rlo@example.ma", template_key=TEMPLATE,
        dedup_key="rlo", language="fr", recipient_name="Ahmed \u202eexe.gnp",
        context={"association_name_ar": "جمعية \u202bالأمل", "association_name_fr": "Al Amal \u202e\u2066x\u2069"},
    )  # fmt: skip
    subject, body = services.render_message(message)
    for text in (subject, body):
        assert not any(c in text for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "Al Amal x" in subject
