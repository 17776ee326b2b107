from django import forms
from django.utils.translation import gettext_lazy as _

from associations.forms import DateInput, add_service_errors, names_in_reading_order, style_fields
from members.models import (
    STATUS_TRANSITIONS,
    ConsentPurpose,
    Member,
    MemberCategory,
    MembershipSettings,
    MemberStatus,
)
from members.selectors import SORTS
from members.services import MEMBER_FIELDS, SENSITIVE_FIELDS, member_values_problems

ARABIC_NAMES = ("first_name_ar", "last_name_ar")
LATIN_NAMES = ("first_name_latin", "last_name_latin")


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = list(MEMBER_FIELDS)
        widgets = {
            "birth_date": DateInput(),
            "join_date": DateInput(),
            "first_name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "last_name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "first_name_latin": forms.TextInput(attrs={"dir": "ltr"}),
            "last_name_latin": forms.TextInput(attrs={"dir": "ltr"}),
            "cin": forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"}),
            "email": forms.EmailInput(attrs={"dir": "ltr"}),
            "address": forms.TextInput(attrs={"dir": "auto"}),
        }

    def __init__(self, *args, can_view_sensitive: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_view_sensitive:
            for field in SENSITIVE_FIELDS:
                self.fields.pop(field)
        elif self.instance.pk:
            # Never printed into the page (that would be an unaudited view): blank keeps the value.
            for field in SENSITIVE_FIELDS:
                self.initial[field] = ""
                self.fields[field].help_text = _("Leave blank to keep the recorded value.")
        self.fields["category"].queryset = MemberCategory.objects.filter(is_active=True)
        names_in_reading_order(self, arabic=ARABIC_NAMES, latin=LATIN_NAMES)
        style_fields(self)

    def clean(self):
        """Every rule of the register at once (a name in one script, dates in order, each field's
        format), so that one submission shows every problem."""
        cleaned = super().clean()
        values = {name: cleaned[name] for name in MEMBER_FIELDS if name in cleaned}
        if self.instance.pk:
            values = {name: value for name, value in values.items() if name not in SENSITIVE_FIELDS or value}
        add_service_errors(self, member_values_problems(values))
        return cleaned

    def cleaned_values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in self.fields}
        if self.instance.pk:
            for field in SENSITIVE_FIELDS:
                if field in values and not values[field]:
                    values.pop(field)
        return values


class StatusChangeForm(forms.Form):
    """Step one of a status change; step two (`confirm`) is the page that says what will happen."""

    # No status is preselected: recording a harmful one must be a choice, never a default.
    to_status = forms.ChoiceField(label=_("New status"), choices=[("", _("Choose…"))])
    effective_on = forms.DateField(label=_("Effective on"), required=False, widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=300,
        help_text=_("Required to suspend or exclude a member or to record a resignation."),
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    decision_reference = forms.CharField(
        label=_("Board decision reference"),
        required=False,
        max_length=120,
        help_text=_("Required for an exclusion."),
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, current_status: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = STATUS_TRANSITIONS[current_status]  # only the statuses that may follow this one
        self.fields["to_status"].choices = [
            ("", _("Choose…")),
            *((value, label) for value, label in MemberStatus.choices if value in allowed),
        ]
        style_fields(self)

    def change_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("to_status", "effective_on", "reason",
                                                             "decision_reference")}  # fmt: skip


class AnonymiseForm(forms.Form):
    """An irreversible erasure is confirmed by typing the member's number."""

    typed = forms.CharField(max_length=20, widget=forms.TextInput(
        attrs={"dir": "ltr", "autocomplete": "off", "inputmode": "numeric"}))  # fmt: skip

    def __init__(self, *args, expected: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected
        self.fields["typed"].label = _("To confirm, type %(code)s") % {"code": expected}
        style_fields(self)

    def clean_typed(self) -> str:
        typed = self.cleaned_data["typed"].strip().lstrip("#")
        if typed != self.expected:
            raise forms.ValidationError(
                _("Type %(code)s exactly to confirm; nothing was erased.") % {"code": self.expected}
            )
        return typed


class MemberFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, widget=forms.TextInput(attrs={"type": "search"})
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("number", _("Number")), ("name", _("Name")), ("-join_date", _("Most recent"))],
    )
    cursor = forms.CharField(required=False, widget=forms.HiddenInput)
    # Filters offered by the modules above (members.hooks), e.g. "owes dues".
    only = forms.ChoiceField(label=_("Only"), required=False)

    def __init__(self, *args, list_filters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["only"].choices = [("", _("All members"))] + [(f.key, f.label) for f in list_filters]
        if not list_filters:
            del self.fields["only"]
        self.fields["status"].choices = [("", _("All statuses")), *MemberStatus.choices]
        self.fields["category"].choices = [("", _("All categories"))] + [
            (c.pk, str(c)) for c in MemberCategory.objects.all()
        ]
        style_fields(self)

    def values(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        sort = data.get("sort") or "number"
        return {
            "query": data.get("q") or "",
            "status": data.get("status") or "",
            "category_id": data.get("category"),
            "sort": sort if sort in SORTS else "number",
            "cursor": data.get("cursor") or "",
            "only": data.get("only") or "",
        }


class CategoryForm(forms.ModelForm):
    class Meta:
        model = MemberCategory
        fields = ["name_ar", "name_fr", "annual_dues", "is_active", "position"]
        widgets = {"name_ar": forms.TextInput(attrs={"dir": "rtl"})}
        # The model field has no verbose name (a label here needs no migration).
        labels = {"position": _("Order in lists")}
        help_texts = {"position": _("Categories are listed by this number, the smallest first.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class MembershipSettingsForm(forms.ModelForm):
    class Meta:
        model = MembershipSettings
        fields = ["join_form_open", "join_form_intro", "retention_years"]
        widgets = {"join_form_intro": forms.Textarea(attrs={"rows": 3, "dir": "auto"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


JOIN_FIELDS = (
    "first_name_ar",
    "last_name_ar",
    "first_name_latin",
    "last_name_latin",
    "gender",
    "birth_date",
    "phone",
    "email",
    "address",
    "profession",
)


class JoinForm(forms.ModelForm):
    consent_membership = forms.BooleanField(label=ConsentPurpose.MEMBERSHIP.label, required=True)
    consent_communications = forms.BooleanField(label=ConsentPurpose.COMMUNICATIONS.label, required=False)
    consent_photos = forms.BooleanField(label=ConsentPurpose.PHOTOS.label, required=False)

    class Meta:
        model = Member
        fields = list(JOIN_FIELDS)
        widgets = MemberForm.Meta.widgets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names_in_reading_order(self, arabic=ARABIC_NAMES, latin=LATIN_NAMES)
        style_fields(self)

    def clean(self):
        """Every rule an application must meet, at once: one submission shows every problem."""
        cleaned = super().clean()
        values = {name: cleaned[name] for name in JOIN_FIELDS if name in cleaned}
        problems = member_values_problems(values, require_contact=not {"email", "phone"} & set(self.errors))
        add_service_errors(self, problems)
        return cleaned

    def cleaned_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in JOIN_FIELDS}

    def consents(self) -> dict[str, str]:
        """Purpose → the exact wording the applicant agreed to."""
        given = {}
        for purpose in ConsentPurpose:
            if self.cleaned_data.get(f"consent_{purpose.value}"):
                given[purpose.value] = str(purpose.label)
        return given


class CorrectionForm(forms.Form):
    message = forms.CharField(
        label=_("What should be corrected?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
