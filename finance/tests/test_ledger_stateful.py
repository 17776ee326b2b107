"""Random sequences of drafting, posting, reversing and closing never break the books: the trial
balance balances, every posted entry balances, numbers stay gap-free per journal and year, a closed
year never changes, and the hash chain verifies."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from associations.errors import WaslError
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, UserFactory
from finance import selectors
from finance.models import Account, Entry, EntryLine, EntryStatus, FiscalYear, Journal, YearStatus
from finance.services.entries import LineInput, entry_create, entry_post, entry_reverse
from finance.services.years import fiscal_year_close
from finance.verify import verify_books

CODES = ["5161", "5141", "7152", "7171", "71612", "6142", "6147", "6183", "1111", "4411", "3421"]
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)


class Books(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.association = AssociationFactory(fiscal_year_start_month=1)
        self.actor = UserFactory()
        self._scope = association_scope(self.association)
        self._scope.__enter__()
        if not FiscalYear.objects.filter(start_date=date(2025, 1, 1)).exists():
            FiscalYear.objects.create(start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
        self.accounts = {a.code: a.pk for a in Account.objects.filter(code__in=CODES)}
        self.journals = list(Journal.objects.values_list("pk", flat=True))
        self.closed: dict[int, tuple] = {}

    def teardown(self):
        self._scope.__exit__(None, None, None)

    def _open_years(self):
        return list(FiscalYear.objects.filter(status=YearStatus.OPEN).order_by("start_date"))

    def _snapshot(self, year):
        year = FiscalYear.objects.get(pk=year.pk)
        entries = sorted(Entry.objects.filter(fiscal_year=year).values_list("pk", "status", "number", "hash"))
        lines = sorted(EntryLine.objects.filter(entry__fiscal_year=year).values_list("pk", "debit", "credit"))
        return (year.status, year.chain_length, year.chain_hash, year.result, entries, lines)

    @rule(
        data=st.data(),
        pairs=st.lists(
            st.tuples(st.sampled_from(CODES), st.sampled_from(CODES), amounts), min_size=1, max_size=3
        ),
        post=st.booleans(),
    )
    def draft(self, data, pairs, post):
        years = self._open_years()
        year = data.draw(st.sampled_from(years))
        day = year.start_date + timedelta(
            days=data.draw(st.integers(0, (year.end_date - year.start_date).days))
        )
        lines = []
        for debit_code, credit_code, amount in pairs:
            lines.append(LineInput(self.accounts[debit_code], debit=amount))
            lines.append(LineInput(self.accounts[credit_code], credit=amount))
        entry_create(
            actor=self.actor,
            journal_id=data.draw(st.sampled_from(self.journals)),
            date=day,
            label="random",
            lines=lines,
            post=post,
        )

    @rule(data=st.data())
    def unbalanced_is_refused(self, data):
        year = self._open_years()[0]
        before = Entry.objects.count()
        with pytest.raises(WaslError):
            entry_create(
                actor=self.actor,
                journal_id=self.journals[0],
                date=year.start_date,
                label="bad",
                lines=[
                    LineInput(self.accounts["5161"], debit=data.draw(amounts)),
                    LineInput(self.accounts["7152"], credit=Decimal("100000.00")),
                ],
            )
        assert Entry.objects.count() == before

    @precondition(lambda self: Entry.objects.filter(status=EntryStatus.DRAFT).exists())
    @rule(data=st.data())
    def post(self, data):
        drafts = list(Entry.objects.filter(status=EntryStatus.DRAFT).values_list("pk", flat=True))
        entry_post(actor=self.actor, entry_id=data.draw(st.sampled_from(drafts)))

    @precondition(lambda self: Entry.objects.filter(status=EntryStatus.POSTED, kind="standard").exists())
    @rule(data=st.data())
    def reverse(self, data):
        posted = list(
            Entry.objects.filter(status=EntryStatus.POSTED, kind="standard").values_list("pk", flat=True)
        )
        entry = Entry.objects.get(pk=data.draw(st.sampled_from(posted)))
        open_year = self._open_years()[-1]
        reversible = entry.reverses_id is None and entry.reversed_by is None
        if reversible:
            reversal = entry_reverse(actor=self.actor, entry_id=entry.pk, date=open_year.start_date)
            assert reversal.reverses_id == entry.pk and entry.reversed_by == reversal
        else:
            with pytest.raises(WaslError):
                entry_reverse(actor=self.actor, entry_id=entry.pk, date=open_year.start_date)

    @precondition(lambda self: FiscalYear.objects.filter(status=YearStatus.OPEN).count() >= 1)
    @rule()
    def close_earliest(self):
        year = self._open_years()[0]
        if year.start_date.year >= 2028:
            return
        if Entry.objects.filter(fiscal_year=year, status=EntryStatus.DRAFT).exists():
            before = self._snapshot(year)
            with pytest.raises(WaslError, match="draft"):
                fiscal_year_close(actor=self.actor, year_id=year.pk)
            assert self._snapshot(year) == before
            return
        expected = selectors.year_result(year)
        closed = fiscal_year_close(actor=self.actor, year_id=year.pk)
        assert closed.result == expected
        self.closed[year.pk] = self._snapshot(year)

    @invariant()
    def books_hold(self):
        for year in FiscalYear.objects.all():
            assert selectors.trial_balance(year).balanced
            assert selectors.trial_balance(year, include_closing=True).balanced
        for year_id, snapshot in self.closed.items():
            assert self._snapshot(FiscalYear.objects.get(pk=year_id)) == snapshot
        assert verify_books(self.association) is None


@pytest.mark.django_db
def test_random_sequences_keep_the_books_sound():
    run_state_machine_as_test(
        Books,
        settings=settings(
            max_examples=10,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
