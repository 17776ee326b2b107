from django import forms
from django.utils.translation import gettext_lazy as _

from associations import seams
from associations.forms import DateInput, style_fields
from communication.models import Post
from communication.services import AnnouncementValues

SEGMENT_PREFIX = "segment__"
TEXT_AR = {"dir": "rtl", "lang": "ar"}
TEXT_FR = {"dir": "ltr", "lang": "fr"}


class AnnouncementForm(forms.Form):
    """The message and its audience; the rules (a channel, a text per channel, the SMS length)
    are the service's, and come back as field errors."""

    by_email = forms.BooleanField(label=_("Send by e-mail"), required=False, initial=True)
    by_sms = forms.BooleanField(label=_("Send by SMS"), required=False)
    subject_ar = forms.CharField(
        label=_("Subject in Arabic"), required=False, max_length=200, widget=forms.TextInput(attrs=TEXT_AR)
    )
    body_ar = forms.CharField(
        label=_("Message in Arabic"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={**TEXT_AR, "rows": 6}),
    )
    subject_fr = forms.CharField(
        label=_("Subject in French"), required=False, max_length=200, widget=forms.TextInput(attrs=TEXT_FR)
    )
    body_fr = forms.CharField(
        label=_("Message in French"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={**TEXT_FR, "rows": 6}),
    )
    sms_text = forms.CharField(
        label=_("SMS text"),
        required=False,
        max_length=1000,
        help_text=_("One SMS holds 160 Latin characters or 70 in Arabic; longer texts cost several."),
        widget=forms.Textarea(attrs={"dir": "auto", "rows": 3, "data-sms-counter": "1"}),
    )

    def __init__(self, *args, audience: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        audience = audience or {}
        for segment in seams.audience_segments():
            name = SEGMENT_PREFIX + segment.key
            if segment.choices is None:
                self.fields[name] = forms.BooleanField(
                    label=segment.label, required=False, initial=segment.key in audience
                )
            else:
                self.fields[name] = forms.ChoiceField(
                    label=segment.label,
                    required=False,
                    choices=[("", _("— Any —")), *[(str(v), label) for v, label in segment.choices()]],
                    initial=audience.get(segment.key, ""),
                )
        style_fields(self)

    def segment_fields(self):
        return [self[name] for name in self.fields if name.startswith(SEGMENT_PREFIX)]

    def message_fields(self):
        return [self[name] for name in self.fields if not name.startswith(SEGMENT_PREFIX)]

    def values(self) -> AnnouncementValues:
        data = self.cleaned_data
        audience = {}
        for name, value in data.items():
            if name.startswith(SEGMENT_PREFIX) and value:
                audience[name.removeprefix(SEGMENT_PREFIX)] = "" if value is True else value
        return AnnouncementValues(
            subject_ar=data["subject_ar"],
            subject_fr=data["subject_fr"],
            body_ar=data["body_ar"],
            body_fr=data["body_fr"],
            sms_text=data["sms_text"],
            by_email=data["by_email"],
            by_sms=data["by_sms"],
            audience=audience,
        )

    @classmethod
    def initial_for(cls, announcement) -> dict:
        initial = {
            name: getattr(announcement, name)
            for name in ("by_email", "by_sms", "subject_ar", "body_ar", "subject_fr", "body_fr", "sms_text")
        }
        for key, value in announcement.audience.items():
            initial[SEGMENT_PREFIX + key] = value or True
        return initial


class SendForm(forms.Form):
    """Send now, or at a time (Africa/Casablanca)."""

    when = forms.ChoiceField(
        label=_("When"),
        choices=[("now", _("Now")), ("later", _("At a time"))],
        initial="now",
        widget=forms.RadioSelect,
    )
    send_at = forms.DateTimeField(
        label=_("Date and time"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean(self):
        data = super().clean()
        if data.get("when") == "later" and not data.get("send_at"):
            self.add_error("send_at", _("Give the date and time of sending."))
        return data

    def send_time(self):
        return self.cleaned_data["send_at"] if self.cleaned_data.get("when") == "later" else None


class PublicProfileForm(forms.Form):
    object_ar = forms.CharField(
        label=_("Object of the association (Arabic)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={**TEXT_AR, "rows": 4}),
    )
    object_fr = forms.CharField(
        label=_("Object of the association (French)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={**TEXT_FR, "rows": 4}),
    )
    contact_email = forms.CharField(
        label=_("Public contact e-mail"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"dir": "ltr"}),
    )
    contact_phone = forms.CharField(
        label=_("Public contact phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Image (PNG, JPEG or WebP)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = "image/png,image/jpeg,image/webp"
        style_fields(self)


class PhotoForm(UploadForm):
    caption = forms.CharField(
        label=_("Caption"), required=False, max_length=200, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    consent_confirmed = forms.BooleanField(
        label=_("The people who can be recognised in this photo agreed to appear in it."), required=False
    )


class PostForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Post.Kind.choices)
    happened_on = forms.DateField(label=_("Date of the activity"), required=False, widget=DateInput())
    title_ar = forms.CharField(
        label=_("Title in Arabic"), required=False, max_length=200, widget=forms.TextInput(attrs=TEXT_AR)
    )
    body_ar = forms.CharField(
        label=_("Text in Arabic"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={**TEXT_AR, "rows": 6}),
    )
    title_fr = forms.CharField(
        label=_("Title in French"), required=False, max_length=200, widget=forms.TextInput(attrs=TEXT_FR)
    )
    body_fr = forms.CharField(
        label=_("Text in French"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={**TEXT_FR, "rows": 6}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
