"""The books' pages and API: every page in ar/fr/en, confirmations before posting, reversing and
closing, clear errors that change nothing, capabilities, scans, the home card."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from associations.capabilities import RoleKind
from associations.tenancy import association_scope
from associations.tests.factories import RoleFactory, UserFactory
from finance.models import Account, Entry, EntryLine, FiscalYear


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"association_slug": tenant.association.slug, **kwargs})


def login(user, language="en"):
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


def counts(tenant):
    with association_scope(tenant.association):
        return Entry.objects.count(), EntryLine.objects.count()


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_every_page_answers_in_each_language(tenant_a, language):
    client = login(tenant_a.treasurer, language)
    pages = [
        url(tenant_a, "finance:entries"),
        url(tenant_a, "finance:entry_create"),
        url(tenant_a, "finance:entry", entry_id=tenant_a.entry.pk),
        url(tenant_a, "finance:entry_post", entry_id=tenant_a.draft_entry.pk),
        url(tenant_a, "finance:entry_edit", entry_id=tenant_a.draft_entry.pk),
        url(tenant_a, "finance:entry_reverse", entry_id=tenant_a.entry.pk),
        url(tenant_a, "finance:entry_delete", entry_id=tenant_a.draft_entry.pk),
        url(tenant_a, "finance:trial_balance"),
        url(tenant_a, "finance:accounts"),
        url(tenant_a, "finance:account", account_id=tenant_a.ledger_account.pk),
        url(tenant_a, "finance:years"),
        url(tenant_a, "finance:year_close", year_id=tenant_a.fiscal_year.pk),
        url(tenant_a, "finance:journals"),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert f'lang="{language}"'.encode() in response.content
    home = client.get(
        reverse("associations:dashboard", kwargs={"association_slug": tenant_a.association.slug})
    )
    # The cash position on the home card: the fixture's books (entries, dues, gifts) as the ledger sums them.
    from finance.selectors import treasury_position

    with association_scope(tenant_a.association):
        cash = sum(balance for account, balance in treasury_position() if account.role == "cash")
    amount = f"{cash:.2f}" if language == "en" else f"{cash:.2f}".replace(".", ",")
    assert amount.encode() in home.content


def test_a_plain_member_sees_no_books(tenant_a):
    client = login(tenant_a.member)
    assert client.get(url(tenant_a, "finance:entries")).status_code == 403
    assert client.get(url(tenant_a, "finance:entry", entry_id=tenant_a.entry.pk)).status_code == 403


def test_expert_form_saves_a_draft_and_refuses_an_unbalanced_one(tenant_a):
    client = login(tenant_a.treasurer)
    with association_scope(tenant_a.association):
        journal_id = tenant_a.journal.pk
        day = tenant_a.fiscal_year.start_date
    base = {"journal": journal_id, "date": day.isoformat(), "label": "Achat de fournitures", "line_count": 4}
    before = counts(tenant_a)
    bad = client.post(
        url(tenant_a, "finance:entry_create"),
        base
        | {"account_0": "6125", "debit_0": "100", "account_1": "5161 — Caisses — الصناديق", "credit_1": "90"},
    )
    assert bad.status_code == 400 and b"does not balance" in bad.content
    assert counts(tenant_a) == before
    zero = client.post(
        url(tenant_a, "finance:entry_create"),
        base | {"account_0": "6125", "debit_0": "0", "account_1": "5161", "credit_1": "0"},
    )
    assert zero.status_code == 400 and counts(tenant_a) == before
    fr = login(tenant_a.treasurer, "fr").post(
        url(tenant_a, "finance:entry_create"),
        base | {"account_0": "6125", "debit_0": "-5", "account_1": "5161", "credit_1": "-5"},
    )
    assert fr.status_code == 400 and "négatif".encode() in fr.content
    good = client.post(
        url(tenant_a, "finance:entry_create"),
        base
        | {"account_0": "6125 — anything", "debit_0": "100,50", "account_1": "5161", "credit_1": "100.50"},
    )
    assert good.status_code == 302
    with association_scope(tenant_a.association):
        entry = Entry.objects.latest("pk")
        assert entry.status == "draft" and entry.lines.count() == 2


def test_posting_goes_through_a_confirmation(tenant_a):
    client = login(tenant_a.treasurer)
    target = url(tenant_a, "finance:entry_post", entry_id=tenant_a.draft_entry.pk)
    assert b"can never be changed" in client.get(target).content
    assert client.post(target).status_code == 200  # no confirm=yes: nothing happens
    with association_scope(tenant_a.association):
        assert Entry.objects.get(pk=tenant_a.draft_entry.pk).status == "draft"
    assert client.post(target, {"confirm": "yes"}).status_code == 302
    with association_scope(tenant_a.association):
        assert Entry.objects.get(pk=tenant_a.draft_entry.pk).status == "posted"
    assert client.post(target, {"confirm": "yes"}).status_code == 400  # already posted


def test_reversal_goes_through_a_confirmation(tenant_a):
    client = login(tenant_a.treasurer)
    target = url(tenant_a, "finance:entry_reverse", entry_id=tenant_a.entry.pk)
    with association_scope(tenant_a.association):
        day = tenant_a.fiscal_year.start_date.isoformat()
    before = counts(tenant_a)[0]
    client.post(target, {"date": day})
    assert counts(tenant_a)[0] == before  # no confirm=yes: nothing happens
    response = client.post(target, {"date": day, "confirm": "yes"})
    assert response.status_code == 302
    with association_scope(tenant_a.association):
        assert Entry.objects.get(reverses=tenant_a.entry).status == "posted"


def test_closing_needs_the_capability_and_a_confirmation(tenant_a):
    board = UserFactory()
    RoleFactory(association=tenant_a.association, user=board, kind=RoleKind.BOARD_MEMBER)
    target = url(tenant_a, "finance:year_close", year_id=tenant_a.fiscal_year.pk)
    assert login(board).get(target).status_code == 403
    president = login(tenant_a.president)
    blocked = president.post(target, {"confirm": "yes"})  # a draft is left
    assert blocked.status_code == 400 and b"draft" in blocked.content
    with association_scope(tenant_a.association):
        tenant_a.draft_entry.lines.all().delete()
        tenant_a.draft_entry.delete()
    assert president.post(target).status_code == 200
    assert president.post(target, {"confirm": "yes"}).status_code == 302
    with association_scope(tenant_a.association):
        assert FiscalYear.objects.get(pk=tenant_a.fiscal_year.pk).status == "closed"
    # The result (150 of dues) is then allocated on a confirmation page.
    allocate = url(tenant_a, "finance:year_allocate", year_id=tenant_a.fiscal_year.pk)
    with association_scope(tenant_a.association):
        carried = Account.objects.get(code="1161").pk
        next_start = FiscalYear.objects.get(start_date__gt=tenant_a.fiscal_year.end_date).start_date
        result = FiscalYear.objects.get(pk=tenant_a.fiscal_year.pk).result
    assert result > 1
    bad = president.post(
        allocate, {"confirm": "yes", "date": next_start.isoformat(), f"amount_{carried}": f"{result - 1}"}
    )
    assert bad.status_code == 400 and b"add up" in bad.content
    ok = president.post(
        allocate, {"confirm": "yes", "date": next_start.isoformat(), f"amount_{carried}": f"{result}"}
    )
    assert ok.status_code == 302


def test_chart_sub_account_rename_archive(tenant_a):
    client = login(tenant_a.treasurer)
    with association_scope(tenant_a.association):
        bank = Account.objects.get(code="5141")
    page = url(tenant_a, "finance:account", account_id=bank.pk)
    bad = client.post(page, {"action": "add", "code": "6141", "name_ar": "بنك", "name_fr": "Banque"})
    assert bad.status_code == 400 and b"starts with 5141" in bad.content
    ok = client.post(
        page,
        {
            "action": "add",
            "code": "51411",
            "name_ar": "البنك الشعبي",
            "name_fr": "Banque Populaire",
            "own_journal": "on",
        },
    )
    assert ok.status_code == 302
    with association_scope(tenant_a.association):
        sub = Account.objects.get(code="51411")
        assert sub.role == "bank" and sub.journals.exists()
    sub_page = url(tenant_a, "finance:account", account_id=sub.pk)
    client.post(sub_page, {"action": "rename", "name_ar": "بنك", "name_fr": "BP Agadir"})
    with association_scope(tenant_a.association):
        assert Account.objects.get(pk=sub.pk).name_fr == "BP Agadir"
    # The cash account has lines and a journal: archiving is refused, it is never deleted.
    cash_page = url(tenant_a, "finance:account", account_id=tenant_a.ledger_account.pk)
    client.post(cash_page, {"action": "archive"})
    with association_scope(tenant_a.association):
        assert Account.objects.get(pk=tenant_a.ledger_account.pk).archived_at is None
    rare = client.post(url(tenant_a, "finance:account_add_reference"), {"code": "1117"})
    assert rare.status_code == 302
    with association_scope(tenant_a.association):
        assert Account.objects.filter(code="1117").exists()


def test_account_search_by_code_and_names(tenant_a):
    client = login(tenant_a.treasurer)
    assert b"5161" in client.get(url(tenant_a, "finance:accounts"), {"q": "516"}).content
    assert b"7171" in client.get(url(tenant_a, "finance:accounts"), {"q": "numéraire"}).content
    assert b"7152" in client.get(url(tenant_a, "finance:accounts"), {"q": "الاشتراكات"}).content


def test_scans_are_private_files(tenant_a):
    client = login(tenant_a.treasurer)
    page = url(tenant_a, "finance:entry", entry_id=tenant_a.entry.pk)
    refused = client.post(
        page, {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00binary", "application/x-msdownload")}
    )
    assert refused.status_code == 400
    ok = client.post(
        page, {"file": SimpleUploadedFile("facture.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png")}
    )
    assert ok.status_code == 302
    download = client.get(url(tenant_a, "finance:attachment", attachment_id=tenant_a.attachment.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert (
        login(tenant_a.member)
        .get(url(tenant_a, "finance:attachment", attachment_id=tenant_a.attachment.pk))
        .status_code
        == 403
    )


def test_api_drafts_posts_reverses_and_balances(tenant_a):
    api = login(tenant_a.treasurer)  # the president's token may read, not post (finance.post)
    token = Client(headers={"Authorization": f"Bearer {tenant_a.access_token_raw}", "Accept-Language": "en"})
    base = f"/api/v1/associations/{tenant_a.association.slug}/finance/"
    with association_scope(tenant_a.association):
        cash, dues = Account.objects.get(code="5161").pk, Account.objects.get(code="7152").pk
        day = tenant_a.fiscal_year.start_date.isoformat()
    body = {
        "journal": tenant_a.journal.pk,
        "date": day,
        "label": "Cotisation",
        "lines": [{"account": cash, "debit": "50.00"}, {"account": dues, "credit": "50.00"}],
    }
    unbalanced = api.post(
        f"{base}entries/",
        body | {"lines": [{"account": cash, "debit": "50"}, {"account": dues, "credit": "40"}]},
        content_type="application/json",
    )
    assert unbalanced.status_code == 400 and unbalanced.json()["error"]["fields"]["lines"]
    before = api.get(f"{base}years/{tenant_a.fiscal_year.pk}/trial-balance/").json()["total_debit"]
    posted_before = len(api.get(f"{base}entries/?status=posted").json()["results"])
    created = api.post(f"{base}entries/", body, content_type="application/json")
    assert (
        created.status_code == 201
        and created.json()["status"] == "draft"
        and created.json()["number"] is None
    )
    entry_id = created.json()["id"]
    with association_scope(tenant_a.association):
        draft = Entry.objects.get(pk=entry_id)
        expected = (
            Entry.objects.filter(
                journal=draft.journal, fiscal_year=draft.fiscal_year, status="posted"
            ).count()
            + 1
        )
    posted = api.post(f"{base}entries/{entry_id}/post/", content_type="application/json")
    assert (
        posted.status_code == 200
        and posted.json()["status"] == "posted"
        and posted.json()["number"] == expected
    )
    reversed_ = api.post(f"{base}entries/{entry_id}/reverse/", {"date": day}, content_type="application/json")
    assert reversed_.status_code == 201 and reversed_.json()["reverses"] == entry_id
    assert api.get(f"{base}entries/{entry_id}/").json()["reversed_by"] == reversed_.json()["id"]
    trial = api.get(f"{base}years/{tenant_a.fiscal_year.pk}/trial-balance/").json()
    # The entry (50) and its reversal (50) add 100 on each side to the fixture's books.
    grown = f"{Decimal(before) + 100:.2f}"
    assert trial["balanced"] and trial["total_debit"] == trial["total_credit"] == grown
    assert len(api.get(f"{base}entries/?status=posted").json()["results"]) == posted_before + 2
    assert api.get(f"{base}accounts/?q=5161").json()[0]["code"] == "5161"
    assert token.get(f"{base}years/").status_code == 200
    assert token.post(f"{base}entries/", body, content_type="application/json").status_code == 403


def test_a_date_in_a_closed_year_is_refused_with_a_clear_error(tenant_a):
    with association_scope(tenant_a.association):
        tenant_a.draft_entry.lines.all().delete()
        tenant_a.draft_entry.delete()
        from finance.services.years import fiscal_year_close

        fiscal_year_close(actor=tenant_a.president, year_id=tenant_a.fiscal_year.pk)
        before = Entry.objects.count()
    response = login(tenant_a.treasurer, "fr").post(
        url(tenant_a, "finance:entry_create"),
        {
            "journal": tenant_a.journal.pk,
            "date": tenant_a.fiscal_year.start_date.isoformat(),
            "label": "x",
            "account_0": "6125",
            "debit_0": "10",
            "account_1": "5161",
            "credit_1": "10",
            "line_count": 2,
        },
    )
    assert response.status_code == 400 and "clôturé".encode() in response.content
    with association_scope(tenant_a.association):
        assert Entry.objects.count() == before


def test_demo_seeder_posts_a_year_that_verifies(db):
    from django.core.management import call_command

    from associations.models import Association
    from finance.verify import verify_books

    call_command("seed_demo", verbosity=0)
    association = Association.objects.get(acronym="AADE")
    with association_scope(association):
        assert Entry.objects.filter(status="posted").count() > 50
    assert verify_books(association) is None
    call_command("seed_demo", verbosity=0)  # idempotent
    with association_scope(association):
        assert Entry.objects.filter(label="Apport initial (fonds associatif)").count() == 1


def test_projects_show_income_expenses_and_budget(tenant_a):
    client = login(tenant_a.treasurer)
    page = url(tenant_a, "finance:projects")
    bad = client.post(page, {"code": "bad code!", "name_ar": "م", "name_fr": "P"})
    assert bad.status_code == 400
    ok = client.post(page, {"code": "EDU", "name_ar": "تعليم", "name_fr": "Éducation", "budget": "5000"})
    assert ok.status_code == 302
    response = client.get(page)
    assert b"EDU" in response.content and b"5,000.00" in response.content
    with association_scope(tenant_a.association):
        from finance import selectors
        from finance.models import Project
        from finance.services.entries import LineInput, entry_create

        edu = Project.objects.get(code="EDU")
        entry_create(
            actor=tenant_a.treasurer,
            journal_id=tenant_a.journal.pk,
            date=tenant_a.fiscal_year.start_date,
            label="Fournitures scolaires",
            lines=[
                LineInput(Account.objects.get(code="6125").pk, debit="100.00", project_id=edu.pk),
                LineInput(tenant_a.ledger_account.pk, credit="100.00"),
            ],
            post=True,
        )
        totals = {p.code: (p.income, p.expenses) for p in selectors.projects_with_totals()}
    assert totals["EDU"] == (0, 100)
    assert totals["PA"] == (0, 0)  # the fixture's project is on a cash line: neither income nor expense


def test_a_draft_is_changed_from_its_page_and_a_posted_entry_is_not(tenant_a):
    client = login(tenant_a.treasurer)
    page = url(tenant_a, "finance:entry_edit", entry_id=tenant_a.draft_entry.pk)
    form = client.get(page)
    assert form.status_code == 200 and b"150.00" in form.content and b"draft-secret-a" in form.content
    with association_scope(tenant_a.association):
        journal_id = tenant_a.journal.pk
        day = tenant_a.fiscal_year.start_date.replace(month=3)
    base = {"journal": journal_id, "date": day.isoformat(), "label": "Cotisation corrigée", "line_count": 4}
    before = counts(tenant_a)
    bad = client.post(
        page, base | {"account_0": "5161", "debit_0": "120", "account_1": "7152", "credit_1": "100"}
    )
    assert bad.status_code == 400 and b"does not balance" in bad.content
    with association_scope(tenant_a.association):
        assert Entry.objects.get(pk=tenant_a.draft_entry.pk).label == "draft-secret-a"
    assert counts(tenant_a) == before
    good = client.post(
        page, base | {"account_0": "5161", "debit_0": "120", "account_1": "7152", "credit_1": "120"}
    )
    assert good.status_code == 302
    with association_scope(tenant_a.association):
        entry = Entry.objects.get(pk=tenant_a.draft_entry.pk)
        assert (entry.label, entry.date, entry.status) == ("Cotisation corrigée", day, "draft")
        lines = list(entry.lines.order_by("position"))
        assert [(line.account.code, line.debit, line.credit) for line in lines] == [
            ("5161", 120, 0),
            ("7152", 0, 120),
        ]
        assert {(line.date, line.fiscal_year_id, line.entry_status) for line in lines} == {
            (day, entry.fiscal_year_id, "draft")
        }
    posted = url(tenant_a, "finance:entry_edit", entry_id=tenant_a.entry.pk)
    assert client.get(posted).status_code == 302
    assert (
        client.post(
            posted, base | {"account_0": "5161", "debit_0": "1", "account_1": "7152", "credit_1": "1"}
        ).status_code
        == 302
    )
    with association_scope(tenant_a.association):
        assert Entry.objects.get(pk=tenant_a.entry.pk).label == "ledger-secret-a"
    assert login(tenant_a.member).get(page).status_code == 403


def test_api_patch_changes_a_draft_only(tenant_a):
    api = login(tenant_a.treasurer)
    base = f"/api/v1/associations/{tenant_a.association.slug}/finance/entries/"
    with association_scope(tenant_a.association):
        cash, dues = Account.objects.get(code="5161").pk, Account.objects.get(code="7152").pk
    draft = f"{base}{tenant_a.draft_entry.pk}/"
    label_only = api.patch(draft, {"label": "Nouvelle étiquette"}, content_type="application/json")
    assert label_only.status_code == 200 and label_only.json()["label"] == "Nouvelle étiquette"
    assert len(label_only.json()["lines"]) == 2
    unbalanced = api.patch(
        draft,
        {"lines": [{"account": cash, "debit": "80"}, {"account": dues, "credit": "70"}]},
        content_type="application/json",
    )
    assert unbalanced.status_code == 400
    lines = api.patch(
        draft,
        {"lines": [{"account": cash, "debit": "80"}, {"account": dues, "credit": "80"}]},
        content_type="application/json",
    )
    assert lines.status_code == 200 and {line["debit"] for line in lines.json()["lines"]} == {"80.00", "0.00"}
    frozen = api.patch(f"{base}{tenant_a.entry.pk}/", {"label": "x"}, content_type="application/json")
    assert frozen.status_code == 400
    with association_scope(tenant_a.association):
        assert Entry.objects.get(pk=tenant_a.entry.pk).label == "ledger-secret-a"
