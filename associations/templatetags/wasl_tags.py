import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from associations import formatting

register = template.Library()


@register.filter
def get_item(mapping, key):
    """{{ mapping|get_item:key }}: a dict lookup by a variable key."""
    return mapping.get(key) if mapping else None


@register.filter
def money(amount):
    """{{ amount|money }}: '120,00 درهم' in Arabic, '120,00 MAD' in French, the figure isolated
    left to right. Empty stays empty."""
    if amount is None or amount == "":
        return ""
    return formatting.money_html(amount)


@register.filter
def phone(e164):
    """{{ member.phone|phone }}: '06 12 34 56 78' for a Moroccan number, international otherwise.
    Put it in a left-to-right isolate (<bdi dir="ltr"> or .ltr) on the page."""
    return formatting.format_phone(e164 or "")


@register.filter
def text_dir(text):
    """{{ value|text_dir }}: 'rtl' or 'ltr' for free text, for PDFs (WeasyPrint ignores dir="auto")."""
    return formatting.text_direction(str(text or ""))


_ISOLATE = re.compile(f"([{formatting.LRI}{formatting.RLI}{formatting.FSI}])(.*?){formatting.PDI}", re.DOTALL)
_ISOLATE_DIRS = {formatting.LRI: ' dir="ltr"', formatting.RLI: ' dir="rtl"', formatting.FSI: ""}


@register.filter(needs_autoescape=True)
def isolates(text, autoescape=True):
    """Escape a plain-text message and turn its Unicode isolates (formatting.ltr_isolate) into
    <bdi> elements, e.g. the example phone number inside an Arabic error message."""
    escaped = conditional_escape(text) if autoescape else str(text)
    return mark_safe(  # noqa: S308 - escaped above; only our own tags are added
        _ISOLATE.sub(lambda m: f"<bdi{_ISOLATE_DIRS[m.group(1)]}>{m.group(2)}</bdi>", str(escaped))
    )


@register.filter
def error_count(form) -> int:
    """How many problems a refused form has: each field's errors and the form's own."""
    return sum(len(errors) for errors in form.errors.values())


@register.filter
def invalid_widget(field):
    """A field in error: marked invalid for Bootstrap and for screen readers (Django adds
    aria-invalid), and described by its error message and its help text."""
    described = [f"{field.auto_id}_error"] + ([f"{field.auto_id}_helptext"] if field.help_text else [])
    css = f"{field.field.widget.attrs.get('class', '')} is-invalid".strip()
    return field.as_widget(attrs={"class": css, "aria-describedby": " ".join(described)})
