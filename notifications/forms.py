from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Channel, Message


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *Message.Status.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class OppositionForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    address = forms.CharField(
        label=_("E-mail address or phone number"),
        max_length=254,
        widget=forms.TextInput(attrs={"class": "form-control", "dir": "ltr"}),
    )
