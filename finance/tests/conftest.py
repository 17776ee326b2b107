from __future__ import annotations

from datetime import date

import pytest

from associations.capabilities import RoleKind
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory
from finance.models import FiscalYear


@pytest.fixture
def books(db):
    """An association (fiscal year = calendar year) with a treasurer, scoped, with 2025 open."""
    association = AssociationFactory(slug="books", fiscal_year_start_month=1)
    treasurer = UserFactory(email="treasurer-books@example.ma")
    RoleFactory(association=association, user=treasurer, kind=RoleKind.TREASURER)
    with association_scope(association):
        if not FiscalYear.objects.filter(start_date=date(2025, 1, 1)).exists():
            FiscalYear.objects.create(start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
        yield association, treasurer
