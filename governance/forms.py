"""Forms of the governance pages: field checks only; business rules live in governance.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from associations.capabilities import RoleKind
from associations.forms import style_fields
from governance.models import AgendaItemKind, Assembly, DecisionKind, ElectionMode, PollMethod, StatuteRules
from governance.services import RULES_FIELDS

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
OFFICES = [("", _("No particular office"))] + [
    (kind.value, kind.label) for kind in RoleKind if kind not in (RoleKind.STAFF, RoleKind.MEMBER)
]


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class AssemblyForm(forms.ModelForm):
    class Meta:
        model = Assembly
        fields = ["kind", "title", "first_call_at", "second_call_at", "place", "remote_voting"]
        widgets = {"first_call_at": DATETIME, "second_call_at": DATETIME}
        help_texts = {"second_call_at": _("Empty: the statutes' delay after the first call.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class RulesForm(forms.ModelForm):
    statutes = forms.FileField(label=_("Text of the statutes (PDF)"), required=False)

    class Meta:
        model = StatuteRules
        fields = [name for name in RULES_FIELDS if name != "bureau_composition"]
        widgets = {"adopted_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        composition = (self.instance.bureau_composition if self.instance else None) or {}
        for value, label in OFFICES[1:]:
            self.fields[f"seats_{value}"] = forms.IntegerField(
                label=_("Seats: %(office)s") % {"office": label},
                min_value=0,
                max_value=50,
                initial=composition.get(value, 0),
            )
        style_fields(self)

    def values(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["bureau_composition"] = {value: self.cleaned_data[f"seats_{value}"] for value, _l in OFFICES[1:]}
        return data


class AgendaItemForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaItemKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    decision_kind = forms.ChoiceField(
        label=_("Kind of decision"),
        choices=[c for c in DecisionKind.choices if c[0] != DecisionKind.ELECTION],
        required=False,
        help_text=_("For a resolution: it sets the majority the statutes require."),
    )


class DocumentForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"))


class CheckInSearchForm(StyledForm):
    q = forms.CharField(
        label=_("Name, phone or number"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class CardForm(StyledForm):
    card = forms.CharField(
        label=_("Member card code"),
        max_length=300,
        help_text=_("Scan the card's QR code with the phone, or paste what it reads."),
    )


class ProxyForm(StyledForm):
    grantor = forms.IntegerField(label=_("Member number of the absent member giving the proxy"), min_value=1)
    holder = forms.IntegerField(label=_("Member number of the present member holding it"), min_value=1)
    document = forms.FileField(label=_("The written proxy (scan or photo)"), required=False)


class PollForm(StyledForm):
    agenda_item = forms.TypedChoiceField(label=_("Agenda item"), coerce=int)
    question = forms.CharField(label=_("Question"), max_length=300, required=False)
    method = forms.ChoiceField(label=_("How"), choices=PollMethod.choices, initial=PollMethod.SECRET)
    office = forms.ChoiceField(label=_("Office (elections)"), choices=OFFICES, required=False)
    seats = forms.IntegerField(label=_("Seats (elections)"), min_value=1, max_value=50, initial=1)
    election_mode = forms.ChoiceField(label=_("Candidates (elections)"), choices=ElectionMode.choices)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].choices = [(item.pk, str(item)) for item in items]


class CandidateForm(StyledForm):
    number = forms.IntegerField(label=_("Member number"), min_value=1)
    list_name = forms.CharField(label=_("List (elections by list)"), max_length=200, required=False)
    office = forms.ChoiceField(label=_("Office on the list"), choices=OFFICES, required=False)


class OpenPollForm(StyledForm):
    remote_minutes = forms.IntegerField(
        label=_("Remote voting window (minutes)"),
        min_value=1,
        max_value=60 * 24 * 14,
        required=False,
        help_text=_("Only for a secret ballot of an assembly that allows remote voting."),
    )


class HandsForm(StyledForm):
    yes = forms.IntegerField(label=_("For (elections: voters who took part)"), min_value=0, initial=0)
    no = forms.IntegerField(label=_("Against"), min_value=0, initial=0)
    abstain = forms.IntegerField(label=_("Abstentions (elections: blank)"), min_value=0, initial=0)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate_fields = []
        for candidate in candidates:
            name = f"candidate_{candidate.pk}"
            self.fields[name] = forms.IntegerField(
                label=candidate.member.display_name, min_value=0, initial=0
            )
            self.candidate_fields.append((candidate.pk, name))
        style_fields(self)

    def candidate_hands(self) -> dict[int, int]:
        return {pk: self.cleaned_data[name] for pk, name in self.candidate_fields}


class ReceiptForm(StyledForm):
    code = forms.CharField(label=_("Receipt code"), max_length=32)
