"""Forms of the books' pages. Field checks only: the rules live in the services and come back as
field errors (associations.forms.add_service_error)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from associations.errors import WaslError
from associations.forms import style_fields
from finance import selectors
from finance.models import Project
from finance.services.entries import LineInput, parse_amount

DEFAULT_LINES = 4
MAX_FORM_LINES = 40


class StyledForm(forms.Form):
    """Bootstrap classes on every widget (associations.forms.style_fields)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


def account_choice_label(account) -> str:
    return f"{account.code} — {account.name_fr} — {account.name_ar}"


class EntryForm(StyledForm):
    """The expert entry: free lines, each with an account found by code or by a word of its Arabic
    or French name (a datalist the browser filters as one types), debit or credit, label, project."""

    journal = forms.ChoiceField(label=_("Journal"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    label = forms.CharField(label=_("Label"), max_length=200)
    reference = forms.CharField(label=_("Piece reference"), max_length=60, required=False)

    def __init__(self, *args, line_count: int = DEFAULT_LINES, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["journal"].choices = [(j.pk, str(j)) for j in selectors.journals(active_only=True)]
        self.line_count = max(2, min(line_count, MAX_FORM_LINES))
        self.accounts = {a.code: a for a in selectors.postable_accounts().order_by("code")}
        projects = [("", "—")] + [(p.pk, str(p)) for p in Project.objects.filter(archived_at=None)]
        for i in range(self.line_count):
            self.fields[f"account_{i}"] = forms.CharField(
                label=_("Account"),
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"list": "finance-accounts", "autocomplete": "off"}),
            )
            self.fields[f"debit_{i}"] = forms.CharField(
                label=_("Debit"),
                required=False,
                max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"}),
            )
            self.fields[f"credit_{i}"] = forms.CharField(
                label=_("Credit"),
                required=False,
                max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"}),
            )
            self.fields[f"line_label_{i}"] = forms.CharField(
                label=_("Line label"), required=False, max_length=200
            )
            self.fields[f"project_{i}"] = forms.ChoiceField(
                label=_("Project"), required=False, choices=projects
            )
        style_fields(self)

    def line_rows(self):
        return [
            [
                self[f"account_{i}"],
                self[f"debit_{i}"],
                self[f"credit_{i}"],
                self[f"line_label_{i}"],
                self[f"project_{i}"],
            ]
            for i in range(self.line_count)
        ]

    def account_options(self):
        return [account_choice_label(a) for a in self.accounts.values()]

    def _account(self, text: str):
        code = (text or "").strip().split(" ", 1)[0].split("—", 1)[0].strip()
        return self.accounts.get(code)

    def clean(self):
        cleaned = super().clean()
        lines = []
        for i in range(self.line_count):
            text = cleaned.get(f"account_{i}", "")
            debit, credit = cleaned.get(f"debit_{i}", ""), cleaned.get(f"credit_{i}", "")
            if not (text or debit or credit):
                continue
            account = self._account(text)
            if account is None:
                self.add_error(
                    f"account_{i}",
                    _("Choose an account from the list (type its code or a word of its name)."),
                )
                continue
            try:
                debit_amount = parse_amount(debit)
                credit_amount = parse_amount(credit)
            except WaslError as exc:
                self.add_error(f"debit_{i}", exc.message)
                continue
            project = cleaned.get(f"project_{i}") or None
            lines.append(
                LineInput(
                    account.pk,
                    debit_amount,
                    credit_amount,
                    cleaned.get(f"line_label_{i}", ""),
                    int(project) if project else None,
                )
            )
        cleaned["lines"] = lines
        return cleaned


class SubAccountForm(StyledForm):
    code = forms.CharField(label=_("Code of the sub-account"), max_length=12)
    name_ar = forms.CharField(label=_("Name in Arabic"), max_length=200)
    name_fr = forms.CharField(label=_("Name in French"), max_length=200)
    own_journal = forms.BooleanField(
        label=_("Give this bank or cash account its own journal"), required=False
    )


class RenameForm(StyledForm):
    name_ar = forms.CharField(label=_("Name in Arabic"), max_length=200)
    name_fr = forms.CharField(label=_("Name in French"), max_length=200)


class ReferenceAccountForm(StyledForm):
    code = forms.ChoiceField(label=_("Account of the reference chart"))

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = choices


class ReverseForm(StyledForm):
    date = forms.DateField(label=_("Date of the reversal"), widget=forms.DateInput(attrs={"type": "date"}))
    label = forms.CharField(label=_("Label"), max_length=200, required=False)


class AllocationForm(StyledForm):
    date = forms.DateField(
        label=_("Date of the assembly's decision"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("Reference of the decision"), max_length=60, required=False)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(targets)
        for account in self.targets:
            self.fields[f"amount_{account.pk}"] = forms.CharField(
                label=str(account),
                required=False,
                max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"}),
            )
        style_fields(self)

    def allocations(self):
        return [(a.pk, self.cleaned_data.get(f"amount_{a.pk}") or "0") for a in self.targets]


class ScanForm(StyledForm):
    file = forms.FileField(label=_("Scan of the piece (PDF or image)"))


class ProjectForm(StyledForm):
    code = forms.CharField(label=_("Code"), max_length=20)
    name_ar = forms.CharField(label=_("Name in Arabic"), max_length=200)
    name_fr = forms.CharField(label=_("Name in French"), max_length=200)
    starts_on = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("End"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    budget = forms.CharField(
        label=_("Budget (MAD)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"}),
    )
    funder = forms.CharField(label=_("Funder"), required=False, max_length=200)
