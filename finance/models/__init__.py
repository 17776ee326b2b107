"""The books of an association: its chart of accounts, fiscal years, journals, entries and projects.

One module per subject (ledger-ui adds its own, e.g. `budget.py`, `bank.py`); every model is a
tenant model (associations.tenancy.TenantModel) and is imported here so Django finds it.
"""

from finance.models.bank import BankImportMapping, BankLine, BankStatement
from finance.models.budget import BudgetLine
from finance.models.chart import Account, AccountNature, AccountRole, StatementLayout, StatementLine
from finance.models.dues import Due, DueKind, DuesSchedule
from finance.models.ledger import (
    Entry,
    EntryAttachment,
    EntryCounter,
    EntryKind,
    EntryLine,
    EntryStatus,
    FiscalYear,
    Journal,
    JournalKind,
    YearStatus,
)
from finance.models.projects import Project

__all__ = [
    "Account",
    "AccountNature",
    "AccountRole",
    "BankImportMapping",
    "BankLine",
    "BankStatement",
    "BudgetLine",
    "Due",
    "DueKind",
    "DuesSchedule",
    "Entry",
    "EntryAttachment",
    "EntryCounter",
    "EntryKind",
    "EntryLine",
    "EntryStatus",
    "FiscalYear",
    "Journal",
    "JournalKind",
    "Project",
    "StatementLayout",
    "StatementLine",
    "YearStatus",
]
