from datetime import date

from django import template

register = template.Library()


@register.filter
def isodate(value: str):
    """'2009-05-02' (as stored in snapshots) → a date, for the |date filter."""
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
