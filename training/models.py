"""Training: courses, sessions, enrolments with a waitlist, attendance, lessons and certificates.

Two providers, two homes for the data (README, "Training"):

- An association's own courses (`Course`, `Session`, `SessionDate`, modules, lessons, quizzes)
  are tenant data: `TenantModel`, fail-closed scope, row-level security.
- The platform's courses (`PlatformCourse`, `PlatformSession`, `PlatformSessionDate`), published
  by the platform role "training manager", belong to no association: they are public catalogue
  rows, read by anyone through the catalogue and written only by training managers.
- Everything about a learner (`Enrolment` and its history, attendance, progress, quiz attempts,
  evaluations, `Certificate`) is tenant data of the learner's association, whichever the provider:
  an enrolment points at either an association's `Session` or a `PlatformSession` (exactly one).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel


def new_public_token() -> str:
    return secrets.token_urlsafe(12)


class Theme(models.TextChoices):
    GOVERNANCE = "governance", _("Governance and statutes")
    FINANCE = "finance", _("Finance and accounting")
    PROJECTS = "projects", _("Project management")
    FUNDRAISING = "fundraising", _("Fundraising and partnerships")
    COMMUNICATION = "communication", _("Communication")
    DIGITAL = "digital", _("Digital skills")
    ADVOCACY = "advocacy", _("Advocacy and rights")
    OTHER = "other", _("Other")


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE_LIVE = "online_live", _("Online, live")
    SELF_PACED = "self_paced", _("Self-paced")
    BLENDED = "blended", _("Blended")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    OFFICERS = "officers", _("Board officers")
    MEMBERS = "members", _("Members")
    BENEFICIARIES = "beneficiaries", _("Beneficiaries")


class CourseContent(models.Model):
    """What a course says about itself, whoever provides it."""

    title_ar = models.CharField(_("title in Arabic"), max_length=200)
    title_fr = models.CharField(_("title in French"), max_length=200)
    description_ar = models.TextField(_("description in Arabic"), blank=True)
    description_fr = models.TextField(_("description in French"), blank=True)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices, default=Theme.OTHER)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.IN_PERSON)
    duration_hours = models.PositiveSmallIntegerField(
        _("duration (hours)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    is_published = models.BooleanField(_("published"), default=False)
    # Completion rule: every condition set here must hold.
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("attendance needed for completion (%)"), default=80, validators=[MaxValueValidator(100)]
    )
    lessons_required = models.BooleanField(_("every lesson done for completion"), default=False)
    quizzes_required = models.BooleanField(_("every quiz passed for completion"), default=False)
    public_token = models.CharField(max_length=32, default=new_public_token, editable=False)
    search_text = models.TextField(default="", editable=False)  # titles and descriptions, folded
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_ar if (get_language() or "ar").startswith("ar") else self.title_fr

    @property
    def description(self) -> str:
        return self.description_ar if (get_language() or "ar").startswith("ar") else self.description_fr


class SessionContent(models.Model):
    """One run of a course: its seats, deadline, cost, place or link and trainers."""

    capacity = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])
    waitlist_enabled = models.BooleanField(_("waiting list when full"), default=True)
    enrolment_deadline = models.DateTimeField(_("enrolment deadline"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    link = models.URLField(_("link (online sessions)"), blank=True)
    region = models.ForeignKey(
        "associations.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("region"),
    )  # fmt: skip
    trainers = models.CharField(_("trainers"), max_length=300, blank=True)
    # Cost: 0 = free. An association's priced session is paid through finance, with a receipt.
    price = models.DecimalField(
        _("price (MAD, 0 = free)"), max_digits=10, decimal_places=2, default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )  # fmt: skip
    is_cancelled = models.BooleanField(default=False)
    # Counters kept under the session row's lock: the seats taken and the next arrival number.
    enrolled_count = models.PositiveIntegerField(default=0, editable=False)
    last_position = models.PositiveIntegerField(default=0, editable=False)
    public_token = models.CharField(max_length=32, default=new_public_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.enrolled_count, 0)


class DateRange(models.Model):
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        abstract = True
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


# --- The platform's courses: public catalogue rows, no association -----------------------------


class PlatformCourse(CourseContent):
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["public_token"], name="platform_course_token_unique")]


class PlatformSession(SessionContent):
    course = models.ForeignKey(PlatformCourse, on_delete=models.PROTECT, related_name="sessions")

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["public_token"], name="platform_session_token_unique")]

    def __str__(self) -> str:
        return f"{self.course} #{self.pk}"


class PlatformSessionDate(DateRange):
    session = models.ForeignKey(PlatformSession, on_delete=models.CASCADE, related_name="dates")

    class Meta(DateRange.Meta):
        pass


# --- An association's own courses: tenant data -------------------------------------------------


class Course(TenantModel, CourseContent):
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["association", "public_token"], name="course_token_unique")
        ]


class Session(TenantModel, SessionContent):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    # A priced session's seats are paid to the association (finance: a payment and its receipt).
    # When set, a seat is confirmed only once paid: no attendance and no certificate before.
    payment_required = models.BooleanField(_("seat confirmed only when paid"), default=False)

    class Meta(TenantModel.Meta):
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["association", "public_token"], name="session_token_unique")
        ]

    def __str__(self) -> str:
        return f"{self.course} #{self.pk}"


class SessionDate(TenantModel, DateRange):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="dates")

    class Meta(TenantModel.Meta):
        ordering = ["starts_at"]


# --- Learners: tenant data of the learner's association ----------------------------------------


class Participant(TenantModel):
    """A person from outside the association (not a member) whom an officer invited to one of the
    association's own courses. Kept in the association's scope, like its members."""

    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["full_name", "pk"]

    def __str__(self) -> str:
        return self.full_name

    # The names a member offers to pages, PDFs and messages: one name, whatever the script.
    @property
    def display_name(self) -> str:
        return self.full_name

    name_ar = name_latin = display_name


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")


ACTIVE_ENROLMENT = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED, EnrolmentStatus.COMPLETED)


class Enrolment(TenantModel):
    """A member's place in one session (an association's, or the platform's): exactly one of
    `session` and `platform_session`. `position` is the arrival order in that session."""

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="enrolments"
    )
    platform_session = models.ForeignKey(
        PlatformSession, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The learner: a member of the association, or an outside participant invited by an officer.
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="enrolments"
    )
    status = models.CharField(max_length=12, choices=EnrolmentStatus.choices)
    position = models.PositiveIntegerField()
    # The payment of a priced session's seat (finance.Payment, with its receipt). A payment whose
    # receipt was cancelled no longer counts: the enrolment shows unpaid again.
    payment = models.ForeignKey(
        "finance.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(session__isnull=False, platform_session__isnull=True)
                | Q(session__isnull=True, platform_session__isnull=False),
                name="enrolment_one_session",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False, participant__isnull=True)
                | Q(member__isnull=True, participant__isnull=False),
                name="enrolment_one_learner",
            ),
            models.UniqueConstraint(
                fields=["association", "session", "participant"],
                condition=Q(status__in=ACTIVE_ENROLMENT, session__isnull=False, participant__isnull=False),
                name="enrolment_participant_once_per_session",
            ),
            models.UniqueConstraint(
                fields=["association", "session", "member"],
                condition=Q(status__in=ACTIVE_ENROLMENT, session__isnull=False),
                name="enrolment_once_per_session",
            ),
            models.UniqueConstraint(
                fields=["association", "platform_session", "member"],
                condition=Q(status__in=ACTIVE_ENROLMENT, platform_session__isnull=False),
                name="enrolment_once_per_platform_session",
            ),
        ]
        indexes = [models.Index(fields=["association", "status", "position"], name="enrolment_status_idx")]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def the_session(self) -> Session | PlatformSession:
        return self.session if self.session_id else self.platform_session

    @property
    def is_platform(self) -> bool:
        return self.platform_session_id is not None

    @property
    def learner(self):
        """The member, or the outside participant: both offer display_name, name_ar, name_latin,
        email and phone."""
        return self.member if self.member_id else self.participant

    @property
    def is_paid(self) -> bool:
        return self.payment_id is not None and self.payment.cancelled_at is None

    @property
    def is_priced(self) -> bool:
        """A seat paid to the association: an association's session with a price."""
        return self.session_id is not None and self.session.price > 0

    @property
    def payment_due(self) -> bool:
        return self.is_priced and not self.is_paid and self.status != EnrolmentStatus.CANCELLED

    @property
    def seat_confirmed(self) -> bool:
        """Seated, and paid when the session confirms seats only once paid."""
        if self.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED):
            return False
        if self.is_priced and self.session.payment_required:
            return self.is_paid
        return True


class EnrolmentStatusChange(TenantModel):
    """Every status an enrolment has had, oldest first: the history is never rewritten."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12, choices=EnrolmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=EnrolmentStatus.choices)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["changed_at", "pk"]


class Certificate(TenantModel):
    """A learner's certificate of one course, with its PDF (documents). Issued once per learner and
    course (constraints); a revocation is recorded on the row, which is never deleted."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    platform_course = models.ForeignKey(
        PlatformCourse, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.CharField(max_length=300, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(course__isnull=False, platform_course__isnull=True)
                | Q(course__isnull=True, platform_course__isnull=False),
                name="certificate_one_course",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False, participant__isnull=True)
                | Q(member__isnull=True, participant__isnull=False),
                name="certificate_one_learner",
            ),
            models.UniqueConstraint(
                fields=["association", "participant", "course"],
                condition=Q(course__isnull=False, participant__isnull=False),
                name="certificate_participant_once_per_course",
            ),
            models.UniqueConstraint(
                fields=["association", "member", "course"],
                condition=Q(course__isnull=False),
                name="certificate_once_per_course",
            ),
            models.UniqueConstraint(
                fields=["association", "member", "platform_course"],
                condition=Q(platform_course__isnull=False),
                name="certificate_once_per_platform_course",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def learner(self):
        return self.member if self.member_id else self.participant


class CourseInvitation(TenantModel):
    """An officer's invitation of an outside participant to one session of the association's own
    courses. The link carries a random token (only its hash is stored); it expires and serves once."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="invitations")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="invitations")
    token_hash = models.CharField(max_length=64, editable=False)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Withdrawn by an officer before it was used: the link serves no more; the row stays.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "token_hash"], name="course_invitation_token_unique"
            )
        ]


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


# The defaults, until an association configures its own statuses (AttendanceStatusOption).
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class AttendanceStatusOption(TenantModel):
    """One attendance status an association uses (present, late, excused, absent by default), and
    whether it counts as attended for the completion rule. Retired, never deleted: recorded
    attendance keeps its code and its meaning."""

    code = models.SlugField(_("code"), max_length=20)
    label_ar = models.CharField(_("label in Arabic"), max_length=60)
    label_fr = models.CharField(_("label in French"), max_length=60)
    counts_as_attended = models.BooleanField(_("counts as attended"), default=False)
    is_active = models.BooleanField(_("offered at check-in"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta(TenantModel.Meta):
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["association", "code"], name="attendance_status_code_unique")
        ]

    def __str__(self) -> str:
        return _in_language(self.label_ar, self.label_fr)


class Attendance(TenantModel):
    """Whether an enrolled learner was there on one day of the session."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    day = models.DateField()
    status = models.CharField(max_length=20)  # a code of the association's statuses
    taken_at = models.DateTimeField(auto_now=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["association", "enrolment", "day"], name="attendance_once_a_day")
        ]


class Evaluation(TenantModel):
    """A learner's satisfaction with a session (1 to 5), once per enrolment."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["association", "enrolment"], name="evaluation_once")]


# --- Self-paced learning: what a module, lesson, question and answer say, whoever provides them ---


def _in_language(ar: str, fr: str) -> str:
    return ar if (get_language() or "ar").startswith("ar") else fr


class ModuleContent(models.Model):
    title_ar = models.CharField(_("title in Arabic"), max_length=200)
    title_fr = models.CharField(_("title in French"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return _in_language(self.title_ar, self.title_fr)


class LessonKind(models.TextChoices):
    TEXT = "text", _("Text")
    FILE = "file", _("File (PDF, audio or video)")
    LINK = "link", _("Link")
    QUIZ = "quiz", _("Quiz")


class LessonContent(models.Model):
    """One step of a module: sanitised rich text (ar/fr), a private file, a link or a quiz."""

    title_ar = models.CharField(_("title in Arabic"), max_length=200)
    title_fr = models.CharField(_("title in French"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=LessonKind.choices, default=LessonKind.TEXT)
    body_ar = models.TextField(_("text in Arabic"), blank=True)  # sanitised HTML
    body_fr = models.TextField(_("text in French"), blank=True)  # sanitised HTML
    file = models.CharField(max_length=300, blank=True, editable=False)  # private storage name
    file_kind = models.CharField(max_length=10, blank=True, editable=False)  # pdf, mp3, mp4…
    file_mime = models.CharField(max_length=100, blank=True, editable=False)
    file_size = models.PositiveBigIntegerField(default=0, editable=False)
    link = models.URLField(_("link"), blank=True)
    # Quizzes: the share of right answers needed, and how many tries a learner has.
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=60, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return _in_language(self.title_ar, self.title_fr)

    @property
    def body(self) -> str:
        return _in_language(self.body_ar, self.body_fr)

    @property
    def media_type(self) -> str:
        """pdf, audio or video: how the lesson page offers its file."""
        if self.file_mime.startswith("audio/"):
            return "audio"
        if self.file_mime.startswith("video/"):
            return "video"
        return "pdf" if self.file else ""


class QuestionContent(models.Model):
    text_ar = models.CharField(_("question in Arabic"), max_length=500)
    text_fr = models.CharField(_("question in French"), max_length=500)
    multiple = models.BooleanField(_("several answers may be right"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return _in_language(self.text_ar, self.text_fr)


class ChoiceContent(models.Model):
    text_ar = models.CharField(_("answer in Arabic"), max_length=300)
    text_fr = models.CharField(_("answer in French"), max_length=300)
    is_correct = models.BooleanField(_("right answer"), default=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return _in_language(self.text_ar, self.text_fr)


# An association's courses: tenant data.


class Module(TenantModel, ModuleContent):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")

    class Meta(TenantModel.Meta):
        ordering = ["position", "pk"]


class Lesson(TenantModel, LessonContent):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    is_platform = False

    class Meta(TenantModel.Meta):
        ordering = ["position", "pk"]

    @property
    def course(self):
        return self.module.course


class Question(TenantModel, QuestionContent):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")

    class Meta(TenantModel.Meta):
        ordering = ["position", "pk"]


class Choice(TenantModel, ChoiceContent):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")

    class Meta(TenantModel.Meta):
        ordering = ["pk"]


# The platform's courses: global content rows, written by training managers, read by the learners
# seated in one of the course's platform sessions (whatever their association). Files live under
# platform/ in the private storage, outside every association's path.


class PlatformModule(ModuleContent):
    course = models.ForeignKey(PlatformCourse, on_delete=models.CASCADE, related_name="modules")

    class Meta:
        ordering = ["position", "pk"]


class PlatformLesson(LessonContent):
    module = models.ForeignKey(PlatformModule, on_delete=models.CASCADE, related_name="lessons")
    is_platform = True

    class Meta:
        ordering = ["position", "pk"]

    @property
    def course(self):
        return self.module.course


class PlatformQuestion(QuestionContent):
    lesson = models.ForeignKey(PlatformLesson, on_delete=models.CASCADE, related_name="questions")

    class Meta:
        ordering = ["position", "pk"]


class PlatformChoice(ChoiceContent):
    question = models.ForeignKey(PlatformQuestion, on_delete=models.CASCADE, related_name="choices")

    class Meta:
        ordering = ["pk"]


class LessonProgress(TenantModel):
    """A learner's passage through one lesson: opened (resume from the last one), then done."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    # Exactly one of the two: an association's lesson, or a platform lesson.
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    platform_lesson = models.ForeignKey(
        PlatformLesson, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(lesson__isnull=False, platform_lesson__isnull=True)
                | Q(lesson__isnull=True, platform_lesson__isnull=False),
                name="lesson_progress_one_lesson",
            ),
            models.UniqueConstraint(
                fields=["association", "enrolment", "lesson"], name="lesson_progress_once"
            ),
            models.UniqueConstraint(
                fields=["association", "enrolment", "platform_lesson"], name="platform_lesson_progress_once"
            ),
        ]
        indexes = [
            models.Index(fields=["association", "enrolment", "opened_at"], name="lesson_progress_recent")
        ]

    @property
    def the_lesson_id(self) -> int:
        return self.lesson_id or self.platform_lesson_id


class QuizAttempt(TenantModel):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    platform_lesson = models.ForeignKey(
        PlatformLesson, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    number = models.PositiveSmallIntegerField()  # 1, 2, … up to the lesson's attempts allowed
    score = models.PositiveSmallIntegerField()  # percentage of questions answered right
    passed = models.BooleanField()
    answers = models.JSONField(default=dict)  # question id -> chosen choice ids
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(lesson__isnull=False, platform_lesson__isnull=True)
                | Q(lesson__isnull=True, platform_lesson__isnull=False),
                name="quiz_attempt_one_lesson",
            ),
            models.UniqueConstraint(
                fields=["association", "enrolment", "lesson", "number"], name="quiz_attempt_once"
            ),
            models.UniqueConstraint(
                fields=["association", "enrolment", "platform_lesson", "number"],
                name="platform_quiz_attempt_once",
            ),
        ]

    @property
    def the_lesson_id(self) -> int:
        return self.lesson_id or self.platform_lesson_id
