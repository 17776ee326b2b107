"""The association's home page says what to do next: the register's card (members by status) and
next actions (applications waiting, corrections asked, imports to finish) and the outbox's failed
messages, each one tap away, for the roles that can act on them; its query count does not grow."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from associations.tenancy import association_scope
from documents.files import save_private_file
from members import services
from members.models import MemberImport
from notifications.models import Message


def url(tenant, name):
    return reverse(name, kwargs={"association_slug": tenant.association.slug})


def home(tenant, user, language="en"):
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    response = client.get(url(tenant, "associations:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def add_rows(tenant, n: int, *, start: int = 0) -> None:
    """n applicants, n more active members, n failed messages, n unfinished imports, n corrections."""
    with association_scope(tenant.association):
        for i in range(start, start + n):
            services.member_admit(actor=tenant.president, first_name_latin="Applicant", last_name_latin=f"N{i}",
                                  status="applicant")  # fmt: skip
            member = services.member_admit(
                actor=tenant.president, first_name_latin="Active", last_name_latin=f"N{i}"
            )
            services.correction_request_create(
                actor=tenant.president, member_id=member.pk, message=f"fix {i}"
            )
            Message.objects.create(channel="email", to_address=f"x{i}@example.ma", template_key="t", language="en",
                                   dedup_key=f"home-{i}", status=Message.Status.FAILED)  # fmt: skip
            MemberImport.objects.create(file=save_private_file("imports", "l.csv", b"a\n"), original_name=f"l{i}.csv",
                                        created_by=tenant.president)  # fmt: skip


def test_the_board_sees_members_by_status_each_a_tap_from_the_filtered_list(tenant_a):
    add_rows(tenant_a, 2)
    body = home(tenant_a, tenant_a.president)
    members = url(tenant_a, "members:list")
    assert "Members by status" in body
    # The fixture's member and 2 admitted members are active; 2 applicants.
    assert f'href="{members}?status=active"><bdi class="figure-value">3</bdi>' in body
    assert f'href="{members}?status=applicant"><bdi class="figure-value">2</bdi>' in body
    assert "?status=resigned" not in body  # no figure for an empty status


def test_next_actions_say_what_waits_and_link_to_it(tenant_a):
    add_rows(tenant_a, 2)
    body = home(tenant_a, tenant_a.president)
    assert "What to do next" in body
    assert "2 membership applications are waiting" in body
    assert f'href="{url(tenant_a, "members:list")}?status=applicant"' in body
    # The fixture's correction request and two more; the fixture's import and two more.
    assert "3 members ask for a correction of their data" in body
    assert f'href="{url(tenant_a, "members:corrections")}"' in body
    assert "3 member list imports to finish" in body
    assert f'href="{url(tenant_a, "members:import")}"' in body
    # The fixture's failed message and two more.
    assert "3 messages could not be sent" in body
    assert f'href="{url(tenant_a, "notifications:outbox")}?status=failed"' in body


def test_finished_and_old_imports_are_no_longer_a_next_action(tenant_a):
    with association_scope(tenant_a.association):
        MemberImport.objects.update(status=MemberImport.Status.IMPORTED)
        MemberImport.objects.create(file=save_private_file("imports", "old.csv", b"a\n"), original_name="old.csv",
                                    created_by=tenant_a.president,
                                    created_at=timezone.now() - timedelta(days=31))  # fmt: skip
    assert "imports to finish" not in home(tenant_a, tenant_a.president)


def test_a_plain_member_sees_neither_figures_nor_actions(tenant_a):
    add_rows(tenant_a, 1)
    body = home(tenant_a, tenant_a.member)
    assert "Members by status" not in body and "What to do next" not in body
    # The treasurer sees the register's figures but has nothing to act on in it, nor in the outbox
    # (the books may ask them to post a draft).
    body = home(tenant_a, tenant_a.treasurer)
    assert "Members by status" in body
    assert "membership application" not in body and "correction of their data" not in body
    assert "?status=failed" not in body


def test_the_home_page_speaks_arabic_and_french(tenant_a):
    add_rows(tenant_a, 1)
    arabic = home(tenant_a, tenant_a.president, "ar")
    assert 'dir="rtl"' in arabic and "?status=applicant" in arabic
    french = home(tenant_a, tenant_a.president, "fr")
    assert 'lang="fr"' in french and "?status=applicant" in french


def test_the_home_page_query_count_does_not_grow_with_rows(tenant_a):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(tenant_a.president)
    client.get(url(tenant_a, "associations:dashboard"))
    with CaptureQueriesContext(connection) as few:
        client.get(url(tenant_a, "associations:dashboard"))
    add_rows(tenant_a, 25)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(tenant_a, "associations:dashboard"))
    assert "25 membership applications are waiting" in response.content.decode()
    # Whatever the number of rows: one query per card and per next action the person sees (6 today), the user,
    # association (with the scope's setting on PostgreSQL, handed back at the end inside a test's
    # transaction), role and facts; the session and the
    # person's associations come from the cache once read. A module that registers a card or an
    # action adds its one query here (finance: one; training: one, shared by its card and its next action;
    # finance's funding card: one, public money and declarations waiting together).
    # resources: one, its volunteering card; governance: one, its compliance card and next actions;
    # planning: one, its card of overdue activities).
    assert len(many) == len(few) == (22 if connection.vendor == "postgresql" else 21)
