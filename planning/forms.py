"""Forms of the plan and project pages: field-level checks only; the services hold the rules and send
back their errors on the fields they name (the form fields carry the same names). Years and counts
are taken as text so that the service's message is the one shown."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.forms import names_in_reading_order, style_fields
from planning.models import ProjectStatus
from planning.selectors import SDG_NAMES


def _date(label, required=False):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


def _whole(label, required=True, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=12,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


def _text(label, rows=3, max_length=5000):
    return forms.CharField(
        label=label, required=False, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows})
    )


class PlanForm(forms.Form):
    title_ar = forms.CharField(label=_("Title in Arabic"), max_length=200, required=False)
    title_fr = forms.CharField(label=_("Title in French"), max_length=200, required=False)
    vision_ar = _text(_("Vision in Arabic"))
    vision_fr = _text(_("Vision in French"))
    starts_year = _whole(_("First year"))
    ends_year = _whole(_("Last year"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial:
            year = timezone.localdate().year + 1
            self.initial = {"starts_year": year, "ends_year": year + 2}
        names_in_reading_order(self, arabic=("title_ar", "vision_ar"), latin=("title_fr", "vision_fr"))
        style_fields(self)


class AdoptForm(forms.Form):
    agenda_item = forms.TypedChoiceField(label=_("Resolution of the general assembly"), coerce=int)

    def __init__(self, *args, resolutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].choices = [("", _("Choose the resolution"))] + [
            (item.pk, f"{timezone.localtime(item.assembly.first_call_at):%d/%m/%Y} · {item.title}")
            for item in resolutions
        ]
        self.fields["agenda_item"].help_text = _(
            "Only resolutions of a general assembly that has been held are offered; the vote must have "
            "adopted the resolution."
        )
        style_fields(self)


class ObjectiveForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("e.g. O1"))
    text_ar = _text(_("Objective in Arabic"), rows=2, max_length=2000)
    text_fr = _text(_("Objective in French"), rows=2, max_length=2000)
    position = _whole(_("Order"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names_in_reading_order(self, arabic=("text_ar",), latin=("text_fr",))
        style_fields(self)


class ProgrammeForm(forms.Form):
    objective = forms.TypedChoiceField(label=_("Objective"), coerce=int)
    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("e.g. P1.2"))
    title_ar = forms.CharField(label=_("Title in Arabic"), max_length=200, required=False)
    title_fr = forms.CharField(label=_("Title in French"), max_length=200, required=False)
    starts_on = _date(_("Start date"))
    ends_on = _date(_("End date"))

    def __init__(self, *args, objectives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].choices = [(o.pk, f"{o.code} · {o.text}"[:120]) for o in objectives]
        names_in_reading_order(self, arabic=("title_ar",), latin=("title_fr",))
        style_fields(self)


def _place_choices(regions, provinces):
    by_region: dict[int, list] = {}
    for province in provinces:
        by_region.setdefault(province.region_id, []).append((province.pk, province.name))
    region_choices = [("", _("Not set"))] + [(r.pk, r.name) for r in regions]
    province_choices = [("", _("Not set"))] + [
        (region.name, by_region.get(region.pk, [])) for region in regions if by_region.get(region.pk)
    ]
    return region_choices, province_choices


class ProjectForm(forms.Form):
    """The planning side of a project (its name, dates and money are the books')."""

    programme = forms.TypedChoiceField(label=_("Programme"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"), choices=ProjectStatus.choices, initial=ProjectStatus.PLANNED
    )
    region = forms.TypedChoiceField(label=_("Region"), coerce=int, required=False, empty_value=None)
    province = forms.TypedChoiceField(
        label=_("Province or prefecture"), coerce=int, required=False, empty_value=None
    )
    commune = forms.CharField(label=_("Commune"), max_length=120, required=False)
    target_group = forms.CharField(
        label=_("Target group"), max_length=300, required=False, help_text=_("e.g. girls aged 6 to 12")
    )
    beneficiaries_planned = _whole(_("Beneficiaries planned"), required=False)
    beneficiaries_reached = _whole(_("Beneficiaries reached"), required=False)
    partners = _text(_("Partners"), rows=2, max_length=2000)
    responsible = forms.TypedChoiceField(
        label=_("Responsible officer"), coerce=int, required=False, empty_value=None
    )
    sdg_goals = forms.TypedMultipleChoiceField(
        label=_("Sustainable-development goals"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, programmes=(), regions=(), provinces=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("No programme"))] + [
            (p.pk, f"{p.code} · {p.title}"[:120]) for p in programmes
        ]
        self.fields["region"].choices, self.fields["province"].choices = _place_choices(regions, provinces)
        # Made here, in the reader's language (a lazy name inside an f-string is read at once).
        self.fields["sdg_goals"].choices = [
            (number, f"{number} · {name}") for number, name in SDG_NAMES.items()
        ]
        self.fields["responsible"].choices = [("", _("Nobody yet"))] + [
            (m.pk, m.display_name) for m in members
        ]
        style_fields(self)
        self.fields["sdg_goals"].widget.attrs["class"] = "form-check-input"

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        return {
            "programme_id": data["programme"],
            "region_id": data["region"],
            "province_id": data["province"],
            "commune": data["commune"],
            "target_group": data["target_group"],
            "beneficiaries_planned": data["beneficiaries_planned"],
            "beneficiaries_reached": data["beneficiaries_reached"],
            "partners": data["partners"],
            "status": data["status"],
            "responsible_id": data["responsible"],
            "sdg_goals": data["sdg_goals"],
        }


class ProjectCreateForm(ProjectForm):
    """A new planning project: on a project already in the books, or on a new one created here
    (through the books' own rules)."""

    finance_project = forms.TypedChoiceField(
        label=_("Project in the books"), coerce=int, required=False, empty_value=None
    )
    code = forms.CharField(label=_("Code of the new project"), max_length=20, required=False)
    name_ar = forms.CharField(label=_("Name in Arabic"), max_length=200, required=False)
    name_fr = forms.CharField(label=_("Name in French"), max_length=200, required=False)
    starts_on = _date(_("Start date"))
    ends_on = _date(_("End date"))
    budget = forms.CharField(
        label=_("Budget (MAD)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    funder = forms.CharField(label=_("Funder"), max_length=200, required=False)

    field_order = [
        "finance_project",
        "code",
        "name_ar",
        "name_fr",
        "starts_on",
        "ends_on",
        "budget",
        "funder",
    ]

    def __init__(self, *args, finance_projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finance_project"].choices = [("", _("A new project in the books (fill in below)"))] + [
            (p.pk, str(p)) for p in finance_projects
        ]
        self.fields["finance_project"].help_text = _(
            "The books keep the project's budget and spending; a project of the books has one "
            "planning project."
        )
        names_in_reading_order(self, arabic=("name_ar",), latin=("name_fr",))
        style_fields(self)
        self.fields["sdg_goals"].widget.attrs["class"] = "form-check-input"

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = super().service_values()
        values["finance_project_id"] = data["finance_project"]
        if not data["finance_project"]:
            values.update(
                code=data["code"],
                name_ar=data["name_ar"],
                name_fr=data["name_fr"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                budget=data["budget"],
                funder=data["funder"],
            )
        return values


class ProjectFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    programme = forms.TypedChoiceField(label=_("Programme"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *ProjectStatus.choices]
        self.fields["programme"].choices = [("", _("All programmes"))] + [
            (p.pk, f"{p.code} · {p.title}"[:80]) for p in programmes
        ]
        style_fields(self)
