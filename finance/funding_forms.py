"""Forms of funding: field checks only; the services decide and their errors land on the field."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.forms import style_fields
from finance.models import DonationNature, DonorKind, Funder, FunderType, PaymentMethod
from finance.money_forms import MoneyForm, _project_choices, _treasury_choices

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _amount(label):
    field = forms.CharField(label=label, max_length=20, widget=MoneyForm.base_fields["amount"].widget)
    return field


class FunderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    funder_type = forms.ChoiceField(label=_("Type of funder"), choices=[("", ""), *list(FunderType.choices)])
    country = forms.CharField(label=_("Country (foreign funders)"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("Contact e-mail (optional)"),
        required=False,
        help_text=_("When given, the receipt of each instalment received is sent there."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)


class GrantForm(forms.Form):
    name = forms.CharField(label=_("Name of the agreement"), max_length=200)
    funder = forms.ChoiceField(label=_("Funder"))
    amount_granted = _amount(_("Amount granted (MAD)"))
    signed_on = forms.DateField(label=_("Signed on (optional)"), required=False, widget=DATE_WIDGET)
    reference = forms.CharField(label=_("Agreement reference (optional)"), max_length=80, required=False)
    project = forms.ChoiceField(label=_("Restricted to project (optional)"), required=False)
    purpose = forms.CharField(label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, keep_project_id=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funder"].choices = [("", "")] + [
            (str(f.pk), f.name) for f in Funder.objects.order_by("name")
        ]
        self.fields["project"].choices = choices = _project_choices()
        if keep_project_id and str(keep_project_id) not in {value for value, _label in choices}:
            # The agreement's project, archived since: still the one it is restricted to.
            from finance.models import Project

            kept = Project.objects.filter(pk=keep_project_id).first()
            if kept is not None:
                self.fields["project"].choices = [*self.fields["project"].choices, (str(kept.pk), str(kept))]
        style_fields(self)


class InstalmentForm(forms.Form):
    amount = _amount(_("Amount received (MAD)"))
    received_on = forms.DateField(label=_("Received on"), widget=DATE_WIDGET)
    method = forms.ChoiceField(
        label=_("Paid by"), choices=PaymentMethod.choices, initial=PaymentMethod.TRANSFER
    )
    account = forms.ChoiceField(label=_("Cash box or bank account"))
    cheque_number = forms.CharField(label=_("Cheque number (cheques)"), max_length=30, required=False)
    bank_name = forms.CharField(label=_("Bank (cheques)"), max_length=80, required=False)
    reference = forms.CharField(
        label=_("Transfer or cheque reference (optional)"), max_length=60, required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = _treasury_choices()
        style_fields(self)


class UseReportForm(forms.Form):
    use_report = forms.CharField(
        label=_("Report on the use of the grant"), widget=forms.Textarea(attrs={"rows": 6})
    )
    use_report_on = forms.DateField(
        label=_("Sent to the funder on (optional)"), required=False, widget=DATE_WIDGET
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)


class DonorForm(forms.Form):
    kind = forms.ChoiceField(label=_("Person or organisation"), choices=DonorKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    cin = forms.CharField(label=_("CIN (optional)"), max_length=20, required=False)
    ice = forms.CharField(label=_("ICE (optional, organisations)"), max_length=15, required=False)
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    phone = forms.CharField(label=_("Phone (optional)"), max_length=30, required=False)
    address = forms.CharField(label=_("Address (optional)"), max_length=300, required=False)
    from_abroad = forms.BooleanField(label=_("Gives from abroad (foreign money)"), required=False)
    country = forms.CharField(label=_("Country (when giving from abroad)"), max_length=100, required=False)

    def __init__(self, *args, show_identity: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not show_identity:
            del self.fields["cin"]
        style_fields(self)


class DonationForm(forms.Form):
    nature = forms.ChoiceField(label=_("What was given"), choices=DonationNature.choices)
    amount = _amount(_("Amount, or value of the gift or of the work (MAD)"))
    received_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    method = forms.ChoiceField(
        label=_("Paid by (money)"), choices=PaymentMethod.choices, initial=PaymentMethod.CASH
    )
    account = forms.ChoiceField(label=_("Cash box or bank account (money)"), required=False)
    cheque_number = forms.CharField(label=_("Cheque number (cheques)"), max_length=30, required=False)
    bank_name = forms.CharField(label=_("Bank (cheques)"), max_length=80, required=False)
    description = forms.CharField(
        label=_("Description (goods, service, work done)"), max_length=300, required=False
    )
    valuation = forms.CharField(
        label=_("How the value was set (in kind, volunteering)"), max_length=200, required=False
    )
    hours = forms.CharField(label=_("Hours (volunteering)"), max_length=10, required=False)
    project = forms.ChoiceField(label=_("Project (optional)"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", ""), *_treasury_choices()]
        self.fields["project"].choices = _project_choices()
        style_fields(self)


class DeclarationForm(forms.Form):
    reference = forms.CharField(label=_("Reference given by the SGG"), max_length=80)
    declared_on = forms.DateField(label=_("Declared on"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"declared_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        style_fields(self)


class FundingSettingsForm(forms.Form):
    foreign_declaration_days = forms.CharField(
        label=_("Days to declare foreign money to the SGG"),
        max_length=4,
        help_text=_(
            "30 days is the delay widely cited for article 32 bis of the 1958 dahir; it is not confirmed "
            "in a text we could read. Check it with the authorities and change it here if needed."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)
