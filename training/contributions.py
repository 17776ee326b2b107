"""What training brings to the seams (imported from TrainingConfig.ready): its menu entry, its part
of the member portal, its home-page card, API routes, reminder rules and demo data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from associations import seams
from members.selectors import member_of_request
from training import (
    audit_actions,  # noqa: F401 - registers the sentences of its audit events
    reminders,  # noqa: F401 - registers its reminder rules
    selectors,
)
from training.demo import seed_training

seams.register_nav_entry(
    seams.NavEntry(
        key="training.courses",
        label=_("Training"),
        url_name="training:courses",
        capability="association.view",
        order=40,
    )
)


def _my_section(request) -> seams.Fragment | None:
    """/a/<slug>/my/: the learner's enrolments (with their check-in code) and certificates."""
    member = member_of_request(request)
    if member is None:
        return None
    from training.views import enrolment_qr

    enrolments = list(selectors.member_enrolments(member=member))
    certificates = list(selectors.member_certificates(member=member))
    return seams.Fragment(
        "training/_my_section.html",
        {
            "enrolments": [
                (e, enrolment_qr(request, e) if e.status == "enrolled" else "") for e in enrolments
            ],
            "certificates": certificates,
        },
    )


def _me_rows(request, association_ids) -> dict[int, seams.Fragment]:
    """/me/: how many trainings the person follows in each association (one query)."""
    counts = selectors.active_enrolment_counts_of(user=request.user, association_ids=association_ids)
    return {
        association_id: seams.Fragment("training/_me_row.html", {"count": count})
        for association_id, count in counts.items()
        if count
    }


seams.register_portal_section(
    seams.PortalSection(key="training", inside=_my_section, across=_me_rows, order=40)
)


def _association_figures(request) -> dict[str, int]:
    """Asked once per request: the home card and the next action share them."""
    if not hasattr(request, "_wasl_training_figures"):
        request._wasl_training_figures = selectors.association_figures()
    return request._wasl_training_figures


def _figures(request) -> list[seams.Figure]:
    figures = _association_figures(request)
    return [
        seams.Figure(label=_("Courses"), value=figures["courses"]),
        seams.Figure(label=_("Learners enrolled"), value=figures["enrolled"]),
        seams.Figure(label=_("On waiting lists"), value=figures["waitlisted"]),
        seams.Figure(label=_("Certificates issued"), value=figures["certificates"]),
    ]


seams.register_home_card(
    seams.HomeCard(
        key="training.figures",
        title=_("Training"),
        capability="training.manage",
        figures=_figures,
        url_name="training:courses",
        link_label=_("The courses"),
        order=40,
    )
)
seams.register_next_action(
    seams.NextAction(
        key="training.waiting",
        capability="training.manage",
        count=lambda request: _association_figures(request)["waitlisted"],
        label=lambda count: (
            ngettext(
                "%(count)d person is on a training waiting list",
                "%(count)d people are on training waiting lists",
                count,
            )
            % {"count": count}
        ),
        url_name="training:courses",
        order=40,
    )
)
# --- Audience of announcements (communication) -------------------------------------------------


def _learners(value: str):
    """Members of this association seated in, or having completed, a course: any course ("any"),
    one of the association's courses ("course:<id>") or a platform course ("platform:<id>")."""
    from training.models import Enrolment, EnrolmentStatus

    enrolments = Enrolment.objects.filter(status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED))
    kind, _sep, pk = value.partition(":")
    if kind == "course" and pk.isdigit():
        enrolments = enrolments.filter(session__course_id=int(pk))
    elif kind == "platform" and pk.isdigit():
        enrolments = enrolments.filter(platform_session__course_id=int(pk))
    elif value != "any":
        enrolments = enrolments.none()
    return enrolments.filter(member__isnull=False).values("member_id")  # outside participants are no members


def _learner_choices():
    from training.models import Course, Enrolment, PlatformCourse

    choices = [("any", _("Any course"))]
    choices += [(f"course:{course.pk}", course.title) for course in Course.objects.order_by("title_fr")]
    followed = Enrolment.objects.filter(platform_session__isnull=False).values("platform_session__course_id")
    choices += [
        (f"platform:{course.pk}", course.title)
        for course in PlatformCourse.objects.filter(pk__in=followed).order_by("title_fr")
    ]
    return choices


seams.register_audience_segment(
    seams.AudienceSegment(
        key="training.learners",
        label=_("Enrolled in a training"),
        members=_learners,
        choices=_learner_choices,
        order=60,
    )
)

seams.register_api_routes(seams.ApiRoutes(key="training", module="training.api_urls", order=40))
seams.register_demo_seeder(seams.DemoSeeder(key="training", seed=seed_training, depends_on=("members",)))
