from __future__ import annotations

from django import forms
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext_lazy as _

from associations.capabilities import ROLE_CHOICES_BY_POWER, RoleKind
from associations.models import Association, Province, Region, Sector
from associations.services import ASSOCIATION_EDITABLE_FIELDS

MONTHS = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def empty_choice_label(field: forms.Field) -> str:
    """What an empty choice says: pick one (required), or none (optional) — not Django's "---------"."""
    return _("— Choose —") if field.required else _("— None —")


def _name_empty_choice(field: forms.Field) -> None:
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label is not None:
            field.empty_label = empty_choice_label(field)
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if any(value == "" and label == "---------" for value, label in choices):
            field.choices = [
                (value, empty_choice_label(field) if value == "" and label == "---------" else label)
                for value, label in choices
            ]


def style_fields(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget (a checkbox, a select or a text-like input), and empty
    choices that say what they mean."""
    for field in form.fields.values():
        _name_empty_choice(field)
        if isinstance(field.widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(field.widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        field.widget.attrs.setdefault("class", css)


def names_in_reading_order(form: forms.BaseForm, *, arabic: tuple[str, ...], latin: tuple[str, ...]) -> None:
    """Put the Arabic-script name fields first on an Arabic page, the Latin-script ones first
    otherwise, where the form has the first of them (the other fields keep their places)."""
    first, second = (arabic, latin) if get_language_bidi() else (latin, arabic)
    names = [name for name in (*first, *second) if name in form.fields]
    if not names:
        return
    at = min(list(form.fields).index(name) for name in names)
    others = [name for name in form.fields if name not in names]
    order = [*others[:at], *names, *others[at:]]
    form.fields = {name: form.fields[name] for name in order}


def add_service_errors(form: forms.BaseForm, problems) -> None:
    """Every problem a service found, each on its field (once per field and message)."""
    for exc in problems:
        field = exc.field if exc.field in form.fields else None
        if exc.message not in (form.errors.get(field or "__all__") or []):
            form.add_error(field, exc.message)


def add_service_error(form: forms.BaseForm, exc) -> None:
    """A service's WaslError on the field it names (or on the form as a whole)."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def save_form(request, form: forms.BaseForm, save, *, success: str):
    """The common step of a page with a form. On a valid POST, run `save(form.cleaned_data)` (the
    service call); a WaslError it raises goes onto the form (on its field) and changes nothing, a
    NotFound is a 404; once saved, `success` is shown. Returns what `save` returned (True when it
    returned None), or None when nothing was saved: then the page shows the form again, with
    `form_status(form)` as its status."""
    from django.contrib import messages
    from django.http import Http404

    from associations.errors import NotFound, WaslError

    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(form.cleaned_data)
    except NotFound as exc:
        raise Http404 from exc
    except WaslError as exc:
        add_service_error(form, exc)
        return None
    messages.success(request, success)
    return True if result is None else result


def form_status(form: forms.BaseForm) -> int:
    """400 when the form shown again carries errors (a refused submission), else 200."""
    return 400 if form.errors else 200


class AssociationForm(forms.ModelForm):
    """Field-level checks only; business rules live in services and come back as field errors."""

    fiscal_year_start_month = forms.TypedChoiceField(
        label=_("Fiscal year starts in"), choices=MONTHS, coerce=int, initial=1
    )

    class Meta:
        model = Association
        fields = list(ASSOCIATION_EDITABLE_FIELDS)
        widgets = {
            "provisional_receipt_date": DateInput(),
            "final_receipt_date": DateInput(),
            "founded_on": DateInput(),
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "name_fr": forms.TextInput(attrs={"dir": "ltr", "lang": "fr"}),
            # Free text may be in either script: let the browser pick the direction per value.
            "address": forms.TextInput(attrs={"dir": "auto"}),
            "acronym": forms.TextInput(attrs={"dir": "auto"}),
            "provisional_receipt_number": forms.TextInput(attrs={"dir": "ltr"}),
            "final_receipt_number": forms.TextInput(attrs={"dir": "ltr"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.all()
        self.fields["sector"].queryset = Sector.objects.all()
        self.fields["region"].widget.attrs.update(
            {"hx-get": "/provinces/", "hx-target": "#id_province", "hx-trigger": "change"}
        )
        region_id = self.data.get(self.add_prefix("region")) or getattr(self.instance, "region_id", None)
        try:
            region_id = int(region_id) if region_id else None
        except (TypeError, ValueError):
            region_id = None
        provinces = Province.objects.filter(region_id=region_id) if region_id else Province.objects.none()
        self.fields["province"].queryset = provinces
        style_fields(self)

    def cleaned_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ASSOCIATION_EDITABLE_FIELDS}


class AssociationRegisterForm(AssociationForm):
    """Registration adds one confirmation, shown only when the names resemble another
    association's (the service refuses with code "similar_name" until it is ticked)."""

    confirm_similar_name = forms.BooleanField(
        label=_("This is a different association: register it anyway"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def cleaned_values(self) -> dict:
        return {**super().cleaned_values(), "confirm_similar_name": self.cleaned_data["confirm_similar_name"]}


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"class": "form-control", "dir": "ltr"})
    )
    # Least powerful first and preselected: a hurried "Send" never makes someone president.
    kind = forms.ChoiceField(
        label=_("Role"),
        choices=ROLE_CHOICES_BY_POWER,
        initial=RoleKind.MEMBER,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    # Set by the confirmation step that appears when a single office would get a second holder.
    confirm_second_holder = forms.BooleanField(required=False, widget=forms.HiddenInput)


class RoleChangeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Role"),
        choices=ROLE_CHOICES_BY_POWER,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    confirm_second_holder = forms.BooleanField(required=False, widget=forms.HiddenInput)


class AccessTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=80, widget=forms.TextInput(attrs={"class": "form-control"})
    )


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        label=_("Action"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "dir": "ltr"}),
    )
    actor = forms.CharField(
        label=_("Actor e-mail"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "dir": "ltr"}),
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=DateInput(attrs={"class": "form-control"})
    )
    until = forms.DateField(label=_("To"), required=False, widget=DateInput(attrs={"class": "form-control"}))


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions"))] + [
            (r.code, r.name) for r in Region.objects.all()
        ]
        self.fields["sector"].choices = [("", _("All sectors"))] + [
            (s.code, s.name) for s in Sector.objects.all()
        ]
