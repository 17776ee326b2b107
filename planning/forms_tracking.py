"""Forms of the tracking pages: field-level checks only; the services hold the rules (dates in order,
values in their unit, a reason for a correction) and send back their errors on the fields they name.
Numbers are taken as text, so the service's message (percent above 100, negative people) is shown."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from associations.forms import style_fields
from planning.models import ActivityStatus, Frequency, IndicatorUnit, LogframeLevel


def _date(label, required=True):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


def _number(label, required=True):
    return forms.CharField(
        label=label, required=required, max_length=24, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )


class ActivityForm(forms.Form):
    title_ar = forms.CharField(label=_("Title in Arabic"), max_length=200, required=False)
    title_fr = forms.CharField(label=_("Title in French"), max_length=200, required=False)
    starts_on = _date(_("Start date"))
    ends_on = _date(_("End date"))
    responsible = forms.TypedChoiceField(
        label=_("Responsible person"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title_ar"].widget.attrs["dir"] = "rtl"
        self.fields["title_ar"].widget.attrs["lang"] = "ar"
        self.fields["responsible"].choices = [("", _("Nobody yet"))] + [
            (m.pk, m.display_name) for m in members
        ]
        style_fields(self)


class ActivityStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActivityStatus.choices)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class IndicatorForm(forms.Form):
    name_ar = forms.CharField(label=_("Name in Arabic"), max_length=200, required=False)
    name_fr = forms.CharField(label=_("Name in French"), max_length=200, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=LogframeLevel.choices, initial=LogframeLevel.OUTPUT)
    unit = forms.ChoiceField(label=_("Unit"), choices=IndicatorUnit.choices, initial=IndicatorUnit.NUMBER)
    baseline = _number(_("Baseline"), required=False)
    target = _number(_("Target"))
    frequency = forms.ChoiceField(
        label=_("Frequency"), choices=Frequency.choices, initial=Frequency.QUARTERLY
    )
    means_of_verification = forms.CharField(label=_("Means of verification"), max_length=300, required=False)
    assumptions = forms.CharField(label=_("Assumptions"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name_ar"].widget.attrs["dir"] = "rtl"
        self.fields["name_ar"].widget.attrs["lang"] = "ar"
        style_fields(self)


class MeasurementForm(forms.Form):
    measured_on = _date(_("Date"))
    value = _number(_("Value"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    evidence = forms.FileField(label=_("Evidence (PDF, PNG, JPEG or WebP)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class CorrectionForm(forms.Form):
    value = _number(_("Corrected value"))
    measured_on = _date(_("Date"))
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class HoursLinkForm(forms.Form):
    hours = forms.TypedChoiceField(label=_("Volunteer hours"), coerce=int)

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hours"].choices = [("", "—")] + [
            (
                row.pk,
                gettext("%(day)s · %(name)s · %(hours)s hours · %(activity)s")
                % {
                    "day": row.date.isoformat(),
                    "name": row.volunteer.name_latin or row.volunteer.name_ar,
                    "hours": f"{row.hours:g}",
                    "activity": row.activity,
                },
            )
            for row in rows
        ]
        style_fields(self)
