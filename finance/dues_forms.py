"""Forms of dues, payments and receipts. Field checks only: the services decide (amount above
zero with two decimals at most, a cheque's number, an open year…) and their errors land on the field."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.forms import style_fields
from finance.models import PaymentMethod
from finance.services import simple

LTR_NUMBER = {"inputmode": "decimal", "autocomplete": "off", "dir": "ltr"}


class PaymentForm(forms.Form):
    """Record a payment of dues, on a phone: who pays, how much, how."""

    payer_number = forms.IntegerField(
        label=_("Member number of the payer"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
        help_text=_("Leave empty when the payer is not a member, and give the name below."),
    )
    payer_name = forms.CharField(label=_("Payer's name (not a member)"), max_length=200, required=False)
    for_numbers = forms.CharField(
        label=_("Pays for the members numbered"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"}),
        help_text=_(
            "A family payment: the members' numbers, separated by commas. Empty: the payer's own dues."
        ),
    )
    amount = forms.CharField(label=_("Amount (MAD)"), max_length=20, widget=forms.TextInput(attrs=LTR_NUMBER))
    method = forms.ChoiceField(label=_("Paid by"), choices=PaymentMethod.choices, initial=PaymentMethod.CASH)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    cheque_number = forms.CharField(label=_("Cheque number"), max_length=30, required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=80, required=False)
    reference = forms.CharField(label=_("Transfer or wallet reference"), max_length=60, required=False)
    account = forms.ChoiceField(label=_("Cash box or bank account"), required=False)
    payer_email = forms.EmailField(label=_("E-mail for the receipt"), required=False)
    payer_phone = forms.CharField(label=_("Phone for the receipt (SMS)"), max_length=20, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["account"].choices = [("", _("The usual one for this method"))] + [
            (str(a.pk), str(a)) for a in simple.treasury_accounts()
        ]
        style_fields(self)
        self.fields["amount"].widget.attrs["class"] = "form-control form-control-lg"

    def clean_for_numbers(self) -> list[int]:
        raw = self.cleaned_data.get("for_numbers") or ""
        numbers = []
        for part in raw.replace("،", ",").replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or len(part) > 9:
                raise forms.ValidationError(_("Give member numbers separated by commas, e.g. 12, 13, 14."))
            numbers.append(int(part))
        return numbers


class ScheduleForm(forms.Form):
    amount = forms.CharField(
        label=_("Annual dues (MAD)"), max_length=20, widget=forms.TextInput(attrs=LTR_NUMBER)
    )
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    joining_fee = forms.CharField(
        label=_("Joining fee (MAD)"), max_length=20, required=False, widget=forms.TextInput(attrs=LTR_NUMBER)
    )
    pro_rata = forms.BooleanField(label=_("Pro rata for members joining during the year"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class DuesSettingsForm(forms.Form):
    accrual = forms.BooleanField(
        label=_("Enter the dues as receivables when they are generated (accrual basis)"),
        required=False,
        help_text=_("Off (the default): dues reach the books when they are paid (cash basis)."),
    )
    reminders_enabled = forms.BooleanField(label=_("Remind members of their dues"), required=False)
    reminder_offsets = forms.CharField(
        label=_("Reminder days from the due date"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
        help_text=_("Negative: before the due date; 0: on the day; positive: after. E.g. -7, 0, 15, 30."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.TextInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
