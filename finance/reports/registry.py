"""Every report by key: its label and how it is built (the pages, the API and the export job read
this one table)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from finance.models import FiscalYear
from finance.reports.bank import reconciliation_report
from finance.reports.base import Report
from finance.reports.budget import budget_vs_actual
from finance.reports.ledgers import journal_report, ledger_report
from finance.reports.statements import (
    bilan_report,
    cpc_report,
    projects_report,
    treasury_report,
    trial_balance_report,
)


@dataclass(frozen=True)
class ReportKind:
    key: str
    label: Promise
    build: Callable[[FiscalYear, dict], Report]
    # Journal and ledger: exported row by row (and the PDF in steps), never built whole.
    streamed: bool = False
    needs_account: bool = False  # the reconciliation is of one bank account


def _reconciliation(year, params) -> Report:
    from finance.services.bank import bank_accounts

    account = bank_accounts().filter(pk=params.get("account_id") or 0).first()
    if account is None:
        account = bank_accounts().first()
    if account is None:
        return Report(key="reconciliation", title=str(_("Bank reconciliation")))
    return reconciliation_report(account)


def _budget(year, params) -> Report:
    """The association's budget, or a project's (`project_id`; an unknown one reads as none)."""
    from finance.models import Project

    project_id = params.get("project_id")
    project = Project.objects.filter(pk=project_id).first() if str(project_id or "").isdigit() else None
    return budget_vs_actual(year, project)


def _ledger(year, params) -> Report:
    account_id = params.get("account_id")
    if not account_id:
        from finance.reports.ledgers import accounts_with_lines

        first = next(iter(accounts_with_lines(year)), None)
        account_id = first.pk if first else None
    return ledger_report(year, account_id=account_id, page=params.get("page") or 1)


REPORT_KINDS = [
    ReportKind("bilan", _("Balance sheet (Bilan)"), lambda year, params: bilan_report(year)),
    ReportKind("cpc", _("Income and expenditure account (CPC)"), lambda year, params: cpc_report(year)),
    ReportKind("trial_balance", _("Trial balance"), lambda year, params: trial_balance_report(year)),
    ReportKind(
        "journal",
        _("Journal"),
        lambda year, params: journal_report(
            year, journal_id=params.get("journal_id"), page=params.get("page") or 1
        ),
        streamed=True,
    ),
    ReportKind("ledger", _("General ledger"), _ledger, streamed=True),
    ReportKind("treasury", _("Cash and bank position"), lambda year, params: treasury_report(year)),
    ReportKind("budget", _("Budget vs actual"), lambda year, params: _budget(year, params)),
    ReportKind("projects", _("By project"), lambda year, params: projects_report(year)),
    ReportKind("reconciliation", _("Bank reconciliation"), _reconciliation, needs_account=True),
]
REPORTS = {kind.key: kind for kind in REPORT_KINDS}


def build_report(key: str, year: FiscalYear, params: dict | None = None) -> Report:
    return REPORTS[key].build(year, params or {})
