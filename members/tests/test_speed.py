"""What the register's pages cost: queries pinned (figures in bench/, never timed here), the
export's labels, multi-word search and the result count."""

import re

import pytest
from django.urls import reverse

from associations.tenancy import association_scope
from associations.tests.querycount import page_queries
from conftest import on_postgres
from members import selectors, services
from members.exports import export_rows

# Served: the association (with the scope's setting on PostgreSQL), the signed-in user, their role,
# the member, status history, consents, and the member row of the signed-in person for the menu: 7.
# Finance's dues panel (members.hooks) adds 4 of its own: standing by year, dues, receipts, credit.
# Fixed whatever the history; folding the panel's reads into fewer queries is open work (issue 11).
MEMBER_DETAIL_MAX_QUERIES = 11


def admit(tenant, **values):
    values.setdefault("first_name_latin", "Someone")
    with association_scope(tenant.association):
        return services.member_admit(actor=tenant.president, **values)


def detail_url(tenant, member):
    return reverse(
        "members:detail", kwargs={"association_slug": tenant.association.slug, "member_id": member.pk}
    )


def test_member_detail_runs_fewer_than_eight_queries_whatever_its_history(client, tenant_a):
    member = admit(tenant_a, first_name_latin="Amina", last_name_latin="Alaoui", phone="0612345678")
    client.force_login(tenant_a.president)
    client.get(detail_url(tenant_a, member))  # the session caches what it caches on a first page
    with page_queries() as few:
        assert client.get(detail_url(tenant_a, member)).status_code == 200
    with association_scope(tenant_a.association):
        for status, reason in (("suspended", "dues"), ("active", ""), ("suspended", "again")):
            services.member_change_status(
                actor=tenant_a.president, member_id=member.pk, to_status=status, reason=reason
            )
        for purpose in ("membership", "communications", "photos"):
            services.consent_give(
                actor=tenant_a.president, member_id=member.pk, purpose=purpose, wording="w", language="en"
            )
        services.correction_request_create(actor=tenant_a.president, member_id=member.pk, message="x")
    with page_queries() as many:
        response = client.get(detail_url(tenant_a, member))
    assert response.status_code == 200
    assert len(many.statements) == len(few.statements), many.statements
    assert len(many.statements) <= MEMBER_DETAIL_MAX_QUERIES, "\n".join(many.statements)
    if on_postgres():  # the scope's setting rides on the association's lookup: no extra round trip
        assert not any(s.startswith("SELECT set_config") for s in many.statements)


def test_export_translates_the_status_labels_once_not_per_row(tenant_a, monkeypatch):
    from members.models import Member

    for i in range(5):
        admit(tenant_a, last_name_latin=f"Row{i}")
    calls = []
    original = Member.get_status_display

    def counting(self):
        calls.append(self.pk)
        return original(self)

    monkeypatch.setattr(Member, "get_status_display", counting)
    with association_scope(tenant_a.association):
        rows = list(export_rows(selectors.member_search().order_by("number"), with_cin=False))
    status_column = rows[0].index(next(h for h in rows[0] if h.lower() == "status"))
    assert {row[status_column] for row in rows[1:]} == {"Active"}
    assert calls == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("alaoui amina", {"amina-alaoui"}),
        ("amina alaoui", {"amina-alaoui"}),
        ("ALAOUI  Amina", {"amina-alaoui"}),
        ("amina", {"amina-alaoui", "amina-tazi"}),
        ("التازي يوسف", {"youssef-tazi"}),
        ("يوسف التازي", {"youssef-tazi"}),
        ("يوسف العلوي", set()),
        ("alaoui youssef", set()),
    ],
)
def test_search_matches_every_word_in_any_order(tenant_a, query, expected):
    people = {
        "amina-alaoui": admit(tenant_a, first_name_latin="Amina", last_name_latin="Alaoui"),
        "amina-tazi": admit(tenant_a, first_name_latin="Amina", last_name_latin="Tazi"),
        "youssef-tazi": admit(
            tenant_a,
            first_name_latin="Youssef",
            last_name_latin="Tazi",
            first_name_ar="يوسف",
            last_name_ar="التازي",
        ),
    }
    with association_scope(tenant_a.association):
        found = set(selectors.member_search(query=query))
    assert found == {people[key] for key in expected}


def test_phone_search_is_a_prefix_of_the_stored_number(tenant_a):
    member = admit(tenant_a, last_name_latin="Phone", phone="06 61 22 33 44")
    other = admit(tenant_a, last_name_latin="Other", phone="06 70 00 00 00")
    with association_scope(tenant_a.association):
        for query in ("0661223344", "06 61 22", "+212 661", "00212661223344", "661223344", "212661"):
            assert set(selectors.member_search(query=query)) == {member}, query
        assert set(selectors.member_search(query="06 ")) >= {member, other}  # short: a name search
        assert set(selectors.member_search(query="0670")) == {other}
        assert list(selectors.member_search(query="0699")) == []


def test_member_list_says_how_many_members_it_found(client, tenant_a, settings):
    for name in ("Alaoui", "Alaoui", "Bennani"):
        admit(tenant_a, last_name_latin=name)
    client.force_login(tenant_a.president)
    url = reverse("members:list", kwargs={"association_slug": tenant_a.association.slug})

    def text(response):
        return re.sub(r"<[^>]+>", "", response.content.decode())

    assert "4 members" in text(client.get(url))  # and the fixture's member
    assert "2 members found" in text(client.get(url, {"q": "alaoui"}))
    assert "1 member found" in text(client.get(url, {"q": "bennani"}))
    assert "2 members found" in text(client.get(url, {"q": "alaoui"}, headers={"HX-Request": "true"}))


def test_result_count_stops_counting_past_its_limit(tenant_a, monkeypatch):
    for i in range(3):
        admit(tenant_a, last_name_latin=f"Many{i}")
    monkeypatch.setattr(selectors, "RESULT_COUNT_LIMIT", 2)
    with association_scope(tenant_a.association):
        searched = selectors.member_search(query="many")
        assert selectors.member_result_count(searched, searched=True) == 3  # limit + 1: "more than 2"
        assert selectors.member_result_count(selectors.member_search(), searched=False) == 4  # whole
