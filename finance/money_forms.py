"""Forms of simple mode, the budget and the bank statements. Field checks only: the services
decide (amount above zero, an open year, an active account) and their errors land on the field."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.forms import style_fields
from finance.models import Project
from finance.services import simple
from finance.services.bank import BANK_FIELDS, bank_accounts


def _treasury_choices():
    return [(str(a.pk), str(a)) for a in simple.treasury_accounts()]


def _project_choices():
    return [("", _("No project"))] + [
        (str(p.pk), str(p)) for p in Project.objects.filter(archived_at=None).order_by("code")
    ]


class MoneyForm(forms.Form):
    """Money in or money out, in a volunteer's words."""

    category = forms.ChoiceField(label=_("What is it for?"))
    amount = forms.CharField(
        label=_("Amount (MAD)"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "inputmode": "decimal",
                "autocomplete": "off",
                "dir": "ltr",
                "class": "form-control form-control-lg",
            }
        ),
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    account = forms.ChoiceField(label=_("Cash box or bank account"))
    label = forms.CharField(label=_("Description (optional)"), max_length=200, required=False)
    reference = forms.CharField(
        label=_("Receipt or invoice number (optional)"), max_length=60, required=False
    )
    project = forms.ChoiceField(label=_("Project (optional)"), required=False)

    def __init__(self, *args, direction: str, **kwargs) -> None:
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.direction = direction
        self.fields["category"].choices = [("", _("Choose…"))] + [
            (category.key, category.label) for category in simple.categories(direction)
        ]
        self.fields["account"].choices = _treasury_choices()
        self.fields["project"].choices = _project_choices()
        if len(self.fields["project"].choices) == 1:
            del self.fields["project"]
        style_fields(self)

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "direction": self.direction,
            "category_key": data["category"],
            "amount": data["amount"],
            "date": data["date"],
            "account_id": data["account"],
            "label": data["label"],
            "reference": data["reference"],
            "project_id": int(data["project"]) if data.get("project") else None,
        }


class TransferForm(forms.Form):
    from_account = forms.ChoiceField(label=_("From"))
    to_account = forms.ChoiceField(label=_("To"))
    amount = MoneyForm.base_fields["amount"]
    date = MoneyForm.base_fields["date"]
    label = forms.CharField(label=_("Description (optional)"), max_length=200, required=False)
    reference = forms.CharField(label=_("Slip or cheque number (optional)"), max_length=60, required=False)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["from_account"].choices = _treasury_choices()
        self.fields["to_account"].choices = _treasury_choices()
        style_fields(self)

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "from_account_id": data["from_account"],
            "to_account_id": data["to_account"],
            "amount": data["amount"],
            "date": data["date"],
            "label": data["label"],
            "reference": data["reference"],
        }


class StatementUploadForm(forms.Form):
    account = forms.ChoiceField(label=_("Bank account"))
    file = forms.FileField(label=_("Statement file (CSV or XLSX, as the bank exports it)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [(str(a.pk), str(a)) for a in bank_accounts()]
        style_fields(self)


def mapping_choices(headers: list[str]) -> list[tuple[str, str]]:
    return [("", _("(not in the file)"))] + [
        (str(i), header or f"#{i + 1}") for i, header in enumerate(headers)
    ]


class StatementMappingForm(forms.Form):
    """One select per field of a statement line: which column of the file holds it."""

    def __init__(self, *args, headers: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field, label in BANK_FIELDS.items():
            self.fields[field] = forms.ChoiceField(
                label=label, choices=mapping_choices(headers), required=False
            )

    def mapping(self) -> dict[str, str]:
        return {field: value for field, value in self.cleaned_data.items() if value != ""}
