"""Forms of the bureau register, declarations, minutes and annual reports. Field checks only: the
rules live in the services and come back as field errors."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.forms import DateInput, style_fields
from governance.models import DeclarationKind, Office


def _member_choices(members):
    return [("", _("Choose a member"))] + [(m.pk, m.display_name) for m in members]


def _assembly_choices(assemblies, empty):
    return [("", empty)] + [
        (a.pk, f"{a.title} · {timezone.localtime(a.first_call_at):%Y-%m-%d}") for a in assemblies
    ]


class MandateForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    office = forms.ChoiceField(label=_("Office"), choices=[("", _("Choose an office")), *Office.choices])
    starts_on = forms.DateField(label=_("Start of the mandate"), widget=DateInput())
    ends_on = forms.DateField(label=_("End of the term"), required=False, widget=DateInput())
    assembly = forms.TypedChoiceField(
        label=_("Elected by the assembly"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, members=(), assemblies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = _member_choices(members)
        self.fields["assembly"].choices = _assembly_choices(assemblies, _("No assembly (co-optation)"))
        style_fields(self)


class MandateEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput())
    reason = forms.CharField(label=_("Why it ends"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class InstallForm(forms.Form):
    starts_on = forms.DateField(label=_("Start of the mandates"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class DeclarationOpenForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is declared"), choices=[("", _("Choose")), *DeclarationKind.choices]
    )
    changed_on = forms.DateField(label=_("Date of the change"), widget=DateInput())
    assembly = forms.TypedChoiceField(label=_("Assembly"), coerce=int, required=False, empty_value=None)
    branch_name = forms.CharField(label=_("Branch (for a new branch)"), max_length=200, required=False)
    authority = forms.CharField(
        label=_("Local authority (caïdat, pachalik, district)"), max_length=200, required=False
    )

    def __init__(self, *args, assemblies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assembly"].choices = _assembly_choices(assemblies, _("No assembly"))
        style_fields(self)


class ReceiptForm(forms.Form):
    received_on = forms.DateField(label=_("Date on the receipt"), widget=DateInput())
    reference = forms.CharField(label=_("Receipt number"), max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class MinutesForm(forms.Form):
    text_ar = forms.CharField(
        label=_("Minutes (Arabic)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "dir": "rtl", "lang": "ar"}),
    )
    text_fr = forms.CharField(
        label=_("Minutes (French)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "dir": "ltr", "lang": "fr"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class AnnualReportForm(forms.Form):
    assembly = forms.TypedChoiceField(label=_("Ordinary assembly"), coerce=int)
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year reported"), coerce=int)
    next_fiscal_year = forms.TypedChoiceField(
        label=_("Next year (its budget)"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, assemblies=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assembly"].choices = _assembly_choices(assemblies, _("Choose an assembly"))
        self.fields["fiscal_year"].choices = [("", _("Choose a year"))] + [(y.pk, str(y)) for y in years]
        self.fields["next_fiscal_year"].choices = [("", _("No budget for next year yet"))] + [
            (y.pk, str(y)) for y in years
        ]
        style_fields(self)


class MoralReportForm(forms.Form):
    moral_report_ar = forms.CharField(
        label=_("Moral report (Arabic)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "dir": "rtl", "lang": "ar"}),
    )
    moral_report_fr = forms.CharField(
        label=_("Moral report (French)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "dir": "ltr", "lang": "fr"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
