"""Tracking pages (/a/<slug>/planning/): a project's activities (add, edit, status, reopen), the
volunteer hours given to an activity, the timeline, a project's indicators, an indicator's history
with its chart, measurements (added with evidence, corrected behind a confirmation step) and the
evidence download. Views parse, call a service or a selector, and render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations.capabilities import has_capability
from associations.decorators import requires
from associations.errors import NotFound, WaslError
from associations.forms import add_service_error, save_form
from planning import selectors_tracking as selectors
from planning import services_tracking as services
from planning.forms_tracking import (
    ActivityForm,
    ActivityStatusForm,
    CorrectionForm,
    HoursLinkForm,
    IndicatorForm,
    MeasurementForm,
    ReopenForm,
)
from planning.models import ActivityStatus

# Planning's own capabilities once the plan part declares them; until then, those of resources
# (the officers who run activities and volunteers).
VIEW = "planning.view"
MANAGE = "planning.manage"


def _ws(request, name: str, **kwargs) -> str:
    return reverse(
        f"planning_tracking:{name}", kwargs={"association_slug": request.association.slug, **kwargs}
    )


def _project_page(request, project) -> str:
    """The project's page (planning/views.py)."""
    return reverse(
        "planning:project",
        kwargs={"association_slug": request.association.slug, "planning_project_id": project.pk},
    )


def _or_404(found):
    if found is None:
        raise Http404
    return found


def _can_manage(request) -> bool:
    role = getattr(request, "role", None)
    return role is not None and has_capability(role.kind, MANAGE)


def _require_manage(request) -> None:
    if not _can_manage(request):
        raise Http404


def _members():
    from members.models import Member, MemberStatus

    return Member.objects.filter(status=MemberStatus.ACTIVE, anonymised_at=None).order_by("number", "pk")


def _save(request, form, save, *, success: str, then) -> HttpResponse | None:
    """Run `save(**cleaned_data)` for a valid bound form (associations.forms.save_form)."""
    saved = save_form(request, form, lambda data: save(**data), success=success)
    return redirect(then(saved)) if saved else None


def _project_context(request, project) -> dict:
    return {
        "project": project,
        "project_url": _project_page(request, project),
        "can_manage": _can_manage(request),
    }


# --- Activities ------------------------------------------------------------------------------------


@requires(VIEW)
@require_http_methods(["GET", "POST"])
def activities(request: HttpRequest, association_slug: str, planning_project_id: int) -> HttpResponse:
    """A project's activities; officers who manage planning add one here."""
    project = _or_404(selectors.project_for_tracking(planning_project_id=planning_project_id))
    form = ActivityForm(request.POST or None, members=_members() if _can_manage(request) else ())
    if request.method == "POST":
        _require_manage(request)
        done = _save(
            request,
            form,
            lambda **data: services.activity_save(
                actor=request.user,
                planning_project_id=project.pk,
                responsible_id=data.pop("responsible"),
                **data,
            ),
            success=_("Activity added."),
            then=lambda saved: _ws(request, "activities", planning_project_id=project.pk),
        )
        if done:
            return done
    today = timezone.localdate()
    rows = list(selectors.project_activities(project=project))
    for row in rows:
        row.overdue = selectors.is_overdue(row, today)
        row.next_statuses = [
            (value, label)
            for value, label in ActivityStatus.choices
            if value in services.TRANSITIONS[row.status]
        ]
        row.closed = row.status in services.FINAL
    context = {**_project_context(request, project), "activities": rows, "form": form, "tab": "activities"}
    return render(request, "planning/tracking_activities.html", context, status=400 if form.errors else 200)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, association_slug: str, activity_id: int) -> HttpResponse:
    activity = _or_404(selectors.activity_detail(activity_id=activity_id))
    initial = {
        "title_ar": activity.title_ar,
        "title_fr": activity.title_fr,
        "starts_on": activity.starts_on,
        "ends_on": activity.ends_on,
        "responsible": activity.responsible_id,
    }
    members = list(_members())
    if activity.responsible is not None and activity.responsible not in members:
        members.append(activity.responsible)
    form = ActivityForm(request.POST or None, initial=initial, members=members)
    back = _ws(request, "activities", planning_project_id=activity.project_id)
    done = _save(
        request,
        form,
        lambda **data: services.activity_save(
            actor=request.user, activity_id=activity.pk, responsible_id=data.pop("responsible"), **data
        ),
        success=_("Activity saved."),
        then=lambda saved: back,
    )
    if done:
        return done
    context = {"form": form, "title": _("Edit the activity"), "back": back, "activity": activity}
    return render(request, "planning/tracking_form.html", context, status=400 if form.errors else 200)


@requires(MANAGE)
@require_POST
def activity_status(request: HttpRequest, association_slug: str, activity_id: int) -> HttpResponse:
    """Move an activity forward (planned → under way → done, or cancelled); a one-click step that
    can be undone only by a reopen with its reason, so the list says so beside the buttons."""
    activity = _or_404(selectors.activity_detail(activity_id=activity_id))
    form = ActivityStatusForm(request.POST)
    back = _ws(request, "activities", planning_project_id=activity.project_id)
    if not form.is_valid():
        messages.error(request, _("Choose one of the offered values."))
        return redirect(back)
    try:
        services.activity_set_status(
            actor=request.user, activity_id=activity.pk, status=form.cleaned_data["status"]
        )
    except NotFound as exc:
        raise Http404 from exc
    except WaslError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("Status changed."))
    return redirect(back)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def activity_reopen(request: HttpRequest, association_slug: str, activity_id: int) -> HttpResponse:
    activity = _or_404(selectors.activity_detail(activity_id=activity_id))
    form = ReopenForm(request.POST or None)
    back = _ws(request, "activities", planning_project_id=activity.project_id)
    done = _save(
        request,
        form,
        lambda **data: services.activity_reopen(
            actor=request.user, activity_id=activity.pk, reason=data["reason"]
        ),
        success=_("Activity reopened."),
        then=lambda saved: back,
    )
    if done:
        return done
    context = {
        "form": form,
        "title": _("Reopen the activity"),
        "intro": _("A done or cancelled activity goes back under way (or planned, if it has not started)."),
        "back": back,
        "activity": activity,
        "submit_label": _("Reopen"),
    }
    return render(request, "planning/tracking_form.html", context, status=400 if form.errors else 200)


@requires(VIEW)
@require_http_methods(["GET", "POST"])
def activity_hours(request: HttpRequest, association_slug: str, activity_id: int) -> HttpResponse:
    """Volunteer hours given to an activity; link more (hours recorded in resources) or untie one."""
    activity = _or_404(selectors.activity_detail(activity_id=activity_id))
    manage = _can_manage(request)
    form = HoursLinkForm(request.POST or None, rows=selectors.linkable_hours() if manage else ())
    if request.method == "POST":
        _require_manage(request)
        self_url = _ws(request, "activity_hours", activity_id=activity.pk)
        if request.POST.get("unlink"):
            try:
                services.hours_unlink(
                    actor=request.user, activity_id=activity.pk, link_id=request.POST["unlink"]
                )
            except NotFound as exc:
                raise Http404 from exc
            messages.success(request, _("The hours are no longer given to this activity."))
            return redirect(self_url)
        done = _save(
            request,
            form,
            lambda **data: services.hours_link(
                actor=request.user, activity_id=activity.pk, hours_id=data["hours"]
            ),
            success=_("Hours given to the activity."),
            then=lambda saved: self_url,
        )
        if done:
            return done
    context = {
        **_project_context(request, activity.project),
        "activity": activity,
        "links": selectors.activity_hours(activity=activity),
        "totals": selectors.hours_totals(activity=activity),
        "form": form,
    }
    return render(request, "planning/tracking_hours.html", context, status=400 if form.errors else 200)


# --- Timeline --------------------------------------------------------------------------------------


@requires(VIEW)
@require_GET
def timeline(request: HttpRequest, association_slug: str) -> HttpResponse:
    """Gantt-like: one CSS grid row per activity, month columns scrolling inside their own frame."""
    projects = list(selectors.project_choices())
    chosen = None
    wanted = request.GET.get("project", "")
    if wanted.isdigit():
        chosen = next((p for p in projects if p.pk == int(wanted)), None)
    first = selectors.parse_month(request.GET.get("from"))
    context = {
        "timeline": selectors.timeline(first_month=first, project=chosen),
        "projects": projects,
        "chosen": chosen,
        "today": timezone.localdate(),
    }
    return render(request, "planning/tracking_timeline.html", context)


# --- Indicators ------------------------------------------------------------------------------------


@requires(VIEW)
@require_http_methods(["GET", "POST"])
def indicators(request: HttpRequest, association_slug: str, planning_project_id: int) -> HttpResponse:
    project = _or_404(selectors.project_for_tracking(planning_project_id=planning_project_id))
    form = IndicatorForm(request.POST or None)
    if request.method == "POST":
        _require_manage(request)
        done = _save(
            request,
            form,
            lambda **data: services.indicator_save(
                actor=request.user, planning_project_id=project.pk, **data
            ),
            success=_("Indicator added."),
            then=lambda saved: _ws(request, "indicator", indicator_id=saved.pk),
        )
        if done:
            return done
    rows = list(selectors.project_indicators(project=project))
    for row in rows:
        row.progress = selectors.progress(row.latest_value, row.baseline, row.target)
    context = {**_project_context(request, project), "indicators": rows, "form": form, "tab": "indicators"}
    return render(request, "planning/tracking_indicators.html", context, status=400 if form.errors else 200)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, association_slug: str, indicator_id: int) -> HttpResponse:
    indicator = _or_404(selectors.indicator_detail(indicator_id=indicator_id))
    names = ("name_ar", "name_fr", "level", "unit", "baseline", "target", "frequency")
    initial = {name: getattr(indicator, name) for name in names}
    initial.update(means_of_verification=indicator.means_of_verification, assumptions=indicator.assumptions)
    form = IndicatorForm(request.POST or None, initial=initial)
    back = _ws(request, "indicator", indicator_id=indicator.pk)
    done = _save(
        request,
        form,
        lambda **data: services.indicator_save(actor=request.user, indicator_id=indicator.pk, **data),
        success=_("Indicator saved."),
        then=lambda saved: back,
    )
    if done:
        return done
    context = {"form": form, "title": _("Edit the indicator"), "back": back}
    return render(request, "planning/tracking_form.html", context, status=400 if form.errors else 200)


@requires(VIEW)
@require_http_methods(["GET", "POST"])
def indicator(request: HttpRequest, association_slug: str, indicator_id: int) -> HttpResponse:
    """An indicator: its history (corrections included), a chart baseline → target with the same
    numbers in a table, and the form adding a measurement with its evidence."""
    shown = _or_404(selectors.indicator_detail(indicator_id=indicator_id))
    form = MeasurementForm(
        request.POST or None, request.FILES or None, initial={"measured_on": timezone.localdate()}
    )
    if request.method == "POST":
        _require_manage(request)
        done = _save(
            request,
            form,
            lambda **data: services.measurement_add(actor=request.user, indicator_id=shown.pk, **data),
            success=_("Measurement recorded."),
            then=lambda saved: _ws(request, "indicator", indicator_id=shown.pk),
        )
        if done:
            return done
    history = selectors.indicator_history(indicator=shown)
    for row in history:
        row.progress = selectors.progress(row.value, shown.baseline, shown.target)
    by_pk = {row.pk: row for row in history}
    for row in history:
        row.corrected_row = by_pk.get(row.corrects_id)
    chart = selectors.progress_chart(indicator=shown, history=history)
    context = {
        **_project_context(request, shown.project),
        "indicator": shown,
        "history": history,
        "chart": chart,
        "latest": chart.latest,
        "form": form,
    }
    return render(request, "planning/tracking_indicator.html", context, status=400 if form.errors else 200)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def measurement_correct(
    request: HttpRequest, association_slug: str, indicator_id: int, measurement_id: int
) -> HttpResponse:
    """Correct a measurement in two steps: the form, then a confirmation saying what stays and what
    is added; only the confirmation's form (confirm=yes) records the correction."""
    shown = _or_404(selectors.indicator_detail(indicator_id=indicator_id))
    original = _or_404(selectors.measurement_of(indicator=shown, measurement_id=measurement_id))
    back = _ws(request, "indicator", indicator_id=shown.pk)
    blocked = _("This measurement is already corrected: correct the latest value instead.")
    if not selectors.is_corrected(original):
        blocked = ""
    form = CorrectionForm(
        request.POST or None, initial={"value": original.value, "measured_on": original.measured_on}
    )
    context = {
        "indicator": shown,
        "original": original,
        "form": form,
        "back": back,
        "blocked": blocked,
        "action_url": _ws(request, "measurement_correct", indicator_id=shown.pk, measurement_id=original.pk),
        "cancel_url": back,
        "confirm_label": _("Record the correction"),
    }
    if request.method == "POST" and not blocked and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("confirm") == "yes":
            try:
                services.measurement_correct(
                    actor=request.user,
                    measurement_id=original.pk,
                    value=data["value"],
                    measured_on=data["measured_on"],
                    reason=data["reason"],
                )
            except NotFound as exc:
                raise Http404 from exc
            except WaslError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Correction recorded; the corrected value stays in the history."))
                return redirect(back)
        else:
            try:
                value = services.parse_amount(data["value"], unit=shown.unit, field="value")
                services.check_measured_on(data["measured_on"])
            except WaslError as exc:
                add_service_error(form, exc)
            else:
                context["corrected_value"] = value
                return render(request, "planning/tracking_correct_confirm.html", context)
    status = 400 if form.errors else 200
    return render(request, "planning/tracking_correct.html", context, status=status)


@requires(VIEW)
@require_GET
def measurement_evidence(
    request: HttpRequest, association_slug: str, indicator_id: int, measurement_id: int
) -> HttpResponse:
    """Download a measurement's evidence: the measurement is the association's (scoped), and the
    file lies in the association's folder of the private storage."""
    from associations.tenancy import current_association_id
    from documents.files import serve_private_file

    shown = _or_404(selectors.indicator_detail(indicator_id=indicator_id))
    row = _or_404(selectors.measurement_of(indicator=shown, measurement_id=measurement_id))
    if not row.evidence or not row.evidence.startswith(f"associations/{current_association_id()}/"):
        raise Http404
    return serve_private_file(row.evidence, download_name=row.evidence_name or "evidence")
