"""The ministry's training figures: counts across associations, small cells suppressed, no person."""

from training.figures import SMALL_CELL, age_band, training_figures
from training.tests.helpers import course_with_session, enrol, members


def test_figures_count_across_associations_and_suppress_small_cells(tenant_a, tenant_b):
    _c, session_a = course_with_session(tenant_a, capacity=20)
    _c, session_b = course_with_session(tenant_b, capacity=20)
    for person in members(tenant_a, 6):
        enrol(tenant_a, person, session=session_a)
    for person in members(tenant_b, 2):
        enrol(tenant_b, person, session=session_b)
    figures = training_figures()
    # The fixtures enrol each tenant's register row too: 7 in A, 3 in B (+1 platform, the same people).
    assert figures.participants == 10
    assert figures.association_courses == 4 and figures.association_sessions == 4
    region_a, region_b = tenant_a.association.region.code, tenant_b.association.region.code
    expected = {region_a: 10} if region_a == region_b else {region_a: 7, region_b: None}
    assert figures.by_region == expected
    assert all(v is None or v >= SMALL_CELL for v in figures.by_sex.values())
    assert figures.certificates_issued is None  # two fixture certificates: too few to show
    text = repr(figures)
    for secret in tenant_a.secrets + tenant_b.secrets:
        assert secret not in text


def test_age_bands():
    from datetime import date

    today = date(2026, 6, 1)
    assert age_band(date(2000, 6, 2), today) == "25-34"
    assert age_band(date(2010, 1, 1), today) == "<18"
    assert age_band(None, today) == "unknown"
