from django import forms
from django.utils.translation import gettext_lazy as _


class DocumentCancelForm(forms.Form):
    """Cancelling cannot be undone: a reason, and a ticked box saying so."""

    reason = forms.CharField(
        label=_("Reason for the cancellation"),
        max_length=300,
        error_messages={"required": _("Give the reason for the cancellation.")},
        widget=forms.TextInput(attrs={"class": "form-control", "dir": "auto"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
