"""Labels of governance keys stored in snapshots, in the language active where they are shown."""

from django import template

from governance.models import AgendaItemKind, AssemblyKind, DeclarationKind, Office, Signatory

register = template.Library()


def _label(choices, key) -> str:
    return str(dict(choices).get(key, key or ""))


@register.filter
def office_label(key) -> str:
    return _label(Office.choices, key)


@register.filter
def assembly_kind_label(key) -> str:
    return _label(AssemblyKind.choices, key)


@register.filter
def agenda_kind_label(key) -> str:
    return _label(AgendaItemKind.choices, key)


@register.filter
def signatory_label(key) -> str:
    return _label(Signatory.choices, key)


@register.filter
def declaration_kind_label(key) -> str:
    return _label(DeclarationKind.choices, key)
