"""Forms of the resources pages: field-level checks only; the services hold the rules and send back
their errors on the fields they name. Numbers are taken as text so the service's message (negative,
too many decimals) is the one shown."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from associations.forms import style_fields
from resources.models import Acquisition, AssetCategory, AssetState, ContractKind, PremisesKind


def _date(label, required=True):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


def _number(label, required=True):
    return forms.CharField(
        label=label, required=required, max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )


def _member_choices(members):
    return [("", _("Not a member (name below)"))] + [(m.pk, m.display_name) for m in members]


class VolunteerForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Member"), coerce=int, required=False, empty_value=None)
    name_ar = forms.CharField(label=_("Name (Arabic script)"), max_length=120, required=False)
    name_latin = forms.CharField(label=_("Name (Latin script)"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    skills = forms.CharField(label=_("Skills"), max_length=300, required=False)
    availability = forms.CharField(
        label=_("Availability"),
        max_length=200,
        required=False,
        help_text=_("e.g. weekends, Wednesday afternoons"),
    )
    since = _date(_("Volunteering since"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = _member_choices(members)
        style_fields(self)


class HoursForm(forms.Form):
    date = _date(_("Day"))
    hours = _number(_("Hours"))
    activity = forms.CharField(label=_("Activity"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class HourlyValueForm(forms.Form):
    hourly_value = _number(_("Value of one volunteer hour (MAD)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class CertificateForm(forms.Form):
    period_start = _date(_("From"))
    period_end = _date(_("To"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class PostHoursForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput)


class StaffForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Member"), coerce=int, required=False, empty_value=None)
    name_ar = forms.CharField(label=_("Name (Arabic script)"), max_length=120, required=False)
    name_latin = forms.CharField(label=_("Name (Latin script)"), max_length=120, required=False)
    job_title = forms.CharField(label=_("Role"), max_length=120)
    contract = forms.ChoiceField(label=_("Contract"), choices=ContractKind.choices)
    starts_on = _date(_("Contract starts"))
    ends_on = _date(_("Contract ends"), required=False)
    weekly_hours = _number(_("Hours a week"), required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = _member_choices(members)
        style_fields(self)


class AssetForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("inventory", "Item"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=AssetCategory.choices)
    reference = forms.CharField(label=_("Serial number or reference"), max_length=80, required=False)
    value = _number(_("Value (MAD)"))
    acquired_on = _date(_("Acquired on"))
    acquisition = forms.ChoiceField(label=_("Acquired how"), choices=Acquisition.choices)
    source = forms.CharField(label=_("Bought from, donated or lent by"), max_length=200, required=False)
    lent_until = _date(_("Lent until"), required=False)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    state = forms.ChoiceField(label=_("State"), choices=AssetState.choices, initial=AssetState.GOOD)
    account = forms.TypedChoiceField(
        label=_("Fixed-asset account"), coerce=int, required=False, empty_value=None
    )
    entry_line = forms.TypedChoiceField(
        label=_("Ledger line that bought it"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, accounts=(), lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", _("None"))] + [(a.pk, str(a)) for a in accounts]
        self.fields["entry_line"].choices = [("", _("None"))] + [
            (line.pk, f"{line.entry} · {line.account.code} · {line.debit} · {line.entry.label}")
            for line in lines
        ]
        style_fields(self)


class AssetFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    acquisition = forms.ChoiceField(
        label=_("Acquired how"), required=False, choices=[("", _("All")), *Acquisition.choices]
    )
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All")), *AssetState.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "query": data.get("q", ""),
            "acquisition": data.get("acquisition", ""),
            "state": data.get("state", ""),
        }


class PremisesForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Held how"), choices=PremisesKind.choices)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    commune = forms.CharField(label=_("Commune"), max_length=120, required=False)
    owner = forms.CharField(label=_("Owner, landlord or lender"), max_length=200, required=False)
    area_m2 = forms.IntegerField(label=_("Area (m²)"), required=False)
    monthly_rent = _number(_("Monthly rent (MAD)"), required=False)
    starts_on = _date(_("Held since"), required=False)
    ends_on = _date(_("Held until"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class PremisesDocumentForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("e.g. lease, the commune's decision to lend"),
    )
    file = forms.FileField(label=_("File (PDF, PNG or JPEG)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
