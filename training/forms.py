"""Forms of the training pages: field checks only; business rules live in training.services."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.forms import style_fields
from associations.models import Region
from finance.models import PaymentMethod
from training.models import AttendanceStatus, Format, LessonKind, PlatformCourse, Theme
from training.selectors import CatalogueFilter

COURSE_FORM_FIELDS = [
    "title_ar",
    "title_fr",
    "description_ar",
    "description_fr",
    "theme",
    "audience",
    "format",
    "duration_hours",
    "min_attendance_percent",
    "lessons_required",
    "quizzes_required",
    "is_published",
]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, widget=forms.TextInput(attrs={"type": "search"})
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    format = forms.ChoiceField(label=_("Format"), required=False)
    region = forms.TypedChoiceField(label=_("Region"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("All themes")), *Theme.choices]
        self.fields["format"].choices = [("", _("All formats")), *Format.choices]
        self.fields["region"].choices = [("", _("All regions"))] + [
            (r.pk, str(r)) for r in Region.objects.all()
        ]
        style_fields(self)

    def filters(self) -> CatalogueFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return CatalogueFilter(
            query=data.get("q") or "",
            theme=data.get("theme") or "",
            format=data.get("format") or "",
            region_id=data.get("region"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class CourseForm(forms.ModelForm):
    class Meta:
        model = PlatformCourse  # the same fields as an association's Course
        fields = COURSE_FORM_FIELDS
        widgets = {
            "title_ar": forms.TextInput(attrs={"dir": "rtl"}),
            "description_ar": forms.Textarea(attrs={"dir": "rtl", "rows": 4}),
            "description_fr": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class SessionForm(forms.Form):
    """A session and its dates: up to three days here (each a date with start and end times)."""

    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=100000)
    waitlist_enabled = forms.BooleanField(label=_("Waiting list when full"), required=False, initial=True)
    enrolment_deadline = forms.DateField(
        label=_("Enrolment deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=300)
    link = forms.URLField(label=_("Link (online sessions)"), required=False, assume_scheme="https")
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=Region.objects.all())
    trainers = forms.CharField(label=_("Trainers"), required=False, max_length=300)
    price = forms.DecimalField(
        label=_("Price (MAD, 0 = free)"), min_value=0, max_digits=10, decimal_places=2, initial=0
    )
    payment_required = forms.BooleanField(
        label=_("A seat is confirmed only once paid"),
        required=False,
        help_text=_("Priced sessions: no attendance and no certificate before the payment is recorded."),
    )
    day_1 = forms.DateField(label=_("Day 1"), widget=forms.DateInput(attrs={"type": "date"}))
    day_2 = forms.DateField(label=_("Day 2"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    day_3 = forms.DateField(label=_("Day 3"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(
        label=_("Starts at"), initial=time(9, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends = forms.TimeField(
        label=_("Ends at"), initial=time(17, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )

    def __init__(self, *args, platform: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if platform:  # a platform session is not paid to an association
            del self.fields["payment_required"]
        style_fields(self)

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", _("A session date must end after it starts."))
        return data

    def session_values(self) -> tuple[dict, list[tuple[datetime, datetime]]]:
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        days = sorted({d for d in (data.get("day_1"), data.get("day_2"), data.get("day_3")) if d})
        dates = [
            (
                datetime.combine(day, data["starts"]).replace(tzinfo=zone),
                datetime.combine(day, data["ends"]).replace(tzinfo=zone),
            )
            for day in days
        ]
        deadline = data.get("enrolment_deadline")
        values = {
            "capacity": data["capacity"],
            "waitlist_enabled": data["waitlist_enabled"],
            "enrolment_deadline": datetime.combine(deadline, time(23, 59)).replace(tzinfo=zone)
            if deadline
            else None,
            "place": data.get("place") or "",
            "link": data.get("link") or "",
            "region": data.get("region"),
            "trainers": data.get("trainers") or "",
            "price": data["price"],
        }
        if "payment_required" in self.fields:
            values["payment_required"] = data.get("payment_required", False)
        return values, dates


class EnrolMemberForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Member"), coerce=int)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", _("Choose a member"))] + [
            (m.pk, m.display_name) for m in members
        ]
        style_fields(self)


class PlatformEnrolForm(forms.Form):
    """Officers: enrol a member of the association in a session of the platform's catalogue."""

    platform_session = forms.TypedChoiceField(label=_("Platform session"), coerce=int)
    member = forms.TypedChoiceField(label=_("Member"), coerce=int)

    def __init__(self, *args, sessions=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform_session"].choices = [("", _("Choose a session"))] + [
            (s.pk, f"{s.course.title} · {timezone.localtime(s.first_day):%Y-%m-%d}") for s in sessions
        ]
        self.fields["member"].choices = [("", _("Choose a member"))] + [
            (m.pk, m.display_name) for m in members
        ]
        style_fields(self)


class AttendanceForm(forms.Form):
    enrolment = forms.IntegerField(widget=forms.HiddenInput)
    day = forms.DateField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=AttendanceStatus.choices)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Why the certificate is revoked"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with this session?"),
        coerce=int,
        choices=[(5, "5"), (4, "4"), (3, "3"), (2, "2"), (1, "1")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ModuleForm(forms.Form):
    title_ar = forms.CharField(
        label=_("Title in Arabic"), max_length=200, widget=forms.TextInput(attrs={"dir": "rtl"})
    )
    title_fr = forms.CharField(label=_("Title in French"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class LessonForm(forms.Form):
    module = forms.TypedChoiceField(label=_("Module"), coerce=int)
    title_ar = forms.CharField(
        label=_("Title in Arabic"), max_length=200, widget=forms.TextInput(attrs={"dir": "rtl"})
    )
    title_fr = forms.CharField(label=_("Title in French"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=LessonKind.choices)
    body_ar = forms.CharField(
        label=_("Text in Arabic"), required=False, widget=forms.Textarea(attrs={"dir": "rtl", "rows": 4}),
        help_text=_("Paragraphs, headings, lists, bold, italics and links are kept; the rest is removed."),
    )  # fmt: skip
    body_fr = forms.CharField(
        label=_("Text in French"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    file = forms.FileField(label=_("File (PDF, audio or video)"), required=False)
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    pass_mark = forms.IntegerField(label=_("Pass mark (%)"), min_value=1, max_value=100, initial=60)
    max_attempts = forms.IntegerField(label=_("Attempts allowed"), min_value=1, max_value=20, initial=3)

    def __init__(self, *args, modules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [(m.pk, str(m)) for m in modules]
        style_fields(self)


class QuestionForm(forms.Form):
    lesson = forms.TypedChoiceField(label=_("Quiz"), coerce=int)
    text_ar = forms.CharField(
        label=_("Question in Arabic"), max_length=500, widget=forms.TextInput(attrs={"dir": "rtl"})
    )
    text_fr = forms.CharField(label=_("Question in French"), max_length=500)
    multiple = forms.BooleanField(label=_("Several answers may be right"), required=False)

    def __init__(self, *args, quizzes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].choices = [(q.pk, str(q)) for q in quizzes]
        for i in range(1, 5):
            self.fields[f"answer_{i}_ar"] = forms.CharField(
                label=_("Answer %(number)s in Arabic") % {"number": i}, required=False, max_length=300,
                widget=forms.TextInput(attrs={"dir": "rtl"}),
            )  # fmt: skip
            self.fields[f"answer_{i}_fr"] = forms.CharField(
                label=_("Answer %(number)s in French") % {"number": i}, required=False, max_length=300
            )
            self.fields[f"answer_{i}_right"] = forms.BooleanField(label=_("Right answer"), required=False)
        style_fields(self)

    def choices(self) -> list[tuple[str, str, bool]]:
        data = self.cleaned_data
        return [
            (data[f"answer_{i}_ar"], data[f"answer_{i}_fr"], data[f"answer_{i}_right"]) for i in range(1, 5)
        ]


class CourseInvitationForm(forms.Form):
    """Officers: invite a person who is not a member to one session of the association's course."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    days_valid = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=60, initial=14)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class JoinForm(forms.Form):
    """The invited person confirms that they take the place."""

    confirm = forms.BooleanField(label=_("I take this place in the training"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class AttendanceStatusForm(forms.Form):
    """Add a status (a new code), or change one (its code carried in a hidden field)."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=20,
        help_text=_("A short key in Latin letters, digits, - or _ (not shown to learners)."),
    )
    label_ar = forms.CharField(label=_("Label in Arabic"), max_length=60)
    label_fr = forms.CharField(label=_("Label in French"), max_length=60)
    counts_as_attended = forms.BooleanField(label=_("Counts as attended for completion"), required=False)
    is_active = forms.BooleanField(label=_("Offered at check-in"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # changing a status: its code is the key, carried but not shown
            self.fields["code"].widget = forms.HiddenInput()
        style_fields(self)


class EnrolmentPaymentForm(forms.Form):
    """Record the payment of a priced session's seat: how and when it was paid (the amount is the
    session's price, the payer the learner)."""

    method = forms.ChoiceField(label=_("Paid by"), choices=PaymentMethod.choices, initial=PaymentMethod.CASH)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    cheque_number = forms.CharField(label=_("Cheque number"), max_length=30, required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=80, required=False)
    reference = forms.CharField(label=_("Transfer or wallet reference"), max_length=60, required=False)
    account = forms.ChoiceField(label=_("Cash box or bank account"), required=False)

    def __init__(self, *args, **kwargs):
        from finance.services.simple import treasury_accounts

        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["account"].choices = [("", _("The usual one for this method"))] + [
            (str(a.pk), str(a)) for a in treasury_accounts()
        ]
        style_fields(self)

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "method": data["method"],
            "date": data["date"],
            "treasury_account_id": int(data["account"]) if data.get("account") else None,
            "cheque_number": data.get("cheque_number") or "",
            "bank_name": data.get("bank_name") or "",
            "reference": data.get("reference") or "",
        }
