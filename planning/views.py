"""Plan and project pages (/a/<slug>/planning/): the strategic plan with its objectives, programmes,
adoption and versions; the project list and a project's page with its budget against the actual read
from the books and its funders. Views parse, call a service or a selector, and render.

The tracking pages (activities, indicators, timeline) live in planning/tracking_urls.py and the
reports (project sheet, plan report) in planning/output_urls.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from associations.decorators import requires
from associations.errors import NotFound, WaslError
from associations.forms import add_service_error, save_form
from planning import selectors, services
from planning.forms import (
    AdoptForm,
    ObjectiveForm,
    PlanForm,
    ProgrammeForm,
    ProjectCreateForm,
    ProjectFilterForm,
    ProjectForm,
)
from planning.models import PlanStatus, ProjectStatus


def _ws(request, name: str, **kwargs) -> str:
    return reverse(f"planning:{name}", kwargs={"association_slug": request.association.slug, **kwargs})


def _url(request, name: str, **kwargs) -> str:
    """A workspace URL of another part of planning (tracking, outputs)."""
    return reverse(name, kwargs={"association_slug": request.association.slug, **kwargs})


def _or_404(found):
    if found is None:
        raise Http404
    return found


def _render(request, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    context.setdefault("timeline_url", _url(request, "planning_tracking:timeline"))
    return render(request, template, context, status=status)


def _save(request, form, save, *, success: str, then) -> HttpResponse | None:
    """Run `save(form)` for a valid bound form; a service error lands on its field."""
    saved = save_form(request, form, lambda _data: save(form), success=success)
    return redirect(then(saved)) if saved else None


def _form_page(request, form, *, title: str, back: str, extra: dict | None = None) -> HttpResponse:
    context = {"form": form, "title": title, "back": back, **(extra or {})}
    return _render(request, "planning/form.html", context, status=400 if form.errors else 200)


def _members():
    from members.models import Member, MemberStatus

    return Member.objects.filter(status=MemberStatus.ACTIVE, anonymised_at=None).order_by("number", "pk")


def _places():
    from associations.models import Province, Region

    return list(Region.objects.order_by("code")), list(Province.objects.order_by("name_fr"))


# --- The plan ----------------------------------------------------------------------------------


def _plan_page(request, plan) -> HttpResponse:
    context = {"plan": plan, "tab": "plan", "versions": selectors.plan_versions()}
    if plan is not None:
        context.update(
            objectives=selectors.plan_objectives(plan),
            is_draft=plan.status == PlanStatus.DRAFT,
            can_version=plan.status != PlanStatus.DRAFT and not selectors.plan_has_next_version(plan),
        )
    return _render(request, "planning/plan.html", context)


@requires("planning.view")
@require_GET
def home(request: HttpRequest, association_slug: str) -> HttpResponse:
    """The plan in force (adopted, else the latest draft); an invitation to write one if none."""
    return _plan_page(request, selectors.current_plan())


@requires("planning.view")
@require_GET
def plan(request: HttpRequest, association_slug: str, plan_id: int) -> HttpResponse:
    return _plan_page(request, _or_404(selectors.plan_detail(plan_id=plan_id)))


@requires("planning.manage")
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, association_slug: str, plan_id: int | None = None) -> HttpResponse:
    plan = _or_404(selectors.plan_detail(plan_id=plan_id)) if plan_id else None
    initial = None
    if plan is not None:
        if plan.status != PlanStatus.DRAFT:
            raise Http404
        initial = {name: getattr(plan, name) for name in PlanForm.base_fields}
    form = PlanForm(request.POST or None, initial=initial)
    done = _save(
        request,
        form,
        lambda f: services.plan_save(actor=request.user, plan_id=plan_id, **f.cleaned_data),
        success=_("Plan saved."),
        then=lambda saved: _ws(request, "plan", plan_id=saved.pk),
    )
    if done:
        return done
    back = _ws(request, "plan", plan_id=plan.pk) if plan else _ws(request, "home")
    title = _("Edit the draft plan") if plan else _("New strategic plan")
    return _form_page(request, form, title=title, back=back)


@requires("planning.manage")
@require_http_methods(["GET", "POST"])
def plan_new_version(request: HttpRequest, association_slug: str, plan_id: int) -> HttpResponse:
    """A confirmation page, then a new draft version copying the objectives."""
    plan = _or_404(selectors.plan_detail(plan_id=plan_id))
    back = _ws(request, "plan", plan_id=plan.pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            draft = services.plan_new_version(actor=request.user, plan_id=plan.pk)
        except WaslError as exc:
            messages.error(request, exc.message)
            return redirect(back)
        messages.success(request, _("Version %(version)s started as a draft.") % {"version": draft.version})
        return redirect(_ws(request, "plan", plan_id=draft.pk))
    blocked = ""
    if plan.status == PlanStatus.DRAFT:
        blocked = _("This version is still a draft: change it instead.")
    elif selectors.plan_has_next_version(plan):
        blocked = _("This version already has a newer version.")
    context = {
        "plan": plan,
        "action_url": request.path,
        "cancel_url": back,
        "confirm_label": _("Start version %(version)s") % {"version": plan.version + 1},
        "blocked": blocked,
    }
    return _render(request, "planning/version_confirm.html", context)


@requires("planning.manage")
@require_http_methods(["GET", "POST"])
def plan_adopt(request: HttpRequest, association_slug: str, plan_id: int) -> HttpResponse:
    """Choose the resolution, confirm on a second page, then the draft is adopted."""
    plan = _or_404(selectors.plan_detail(plan_id=plan_id))
    if plan.status != PlanStatus.DRAFT:
        raise Http404
    back = _ws(request, "plan", plan_id=plan.pk)
    resolutions = list(selectors.adoptable_resolutions()[:100])
    form = AdoptForm(request.POST or None, resolutions=resolutions)
    if request.method == "POST" and form.is_valid():
        item = next(r for r in resolutions if r.pk == form.cleaned_data["agenda_item"])
        if request.POST.get("confirm") == "yes":
            try:
                services.plan_adopt(actor=request.user, plan_id=plan.pk, agenda_item_id=item.pk)
            except NotFound as exc:
                raise Http404 from exc
            except WaslError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The plan is adopted."))
                return redirect(back)
        else:
            current = selectors.current_plan()
            context = {
                "plan": plan,
                "item": item,
                "superseded": current if current and current.status == PlanStatus.ADOPTED else None,
                "action_url": request.path,
                "cancel_url": back,
                "confirm_label": _("Record the adoption"),
                "blocked": ""
                if services.resolution_adopted(item)
                else _("This resolution was not adopted by the assembly's vote."),
            }
            return _render(request, "planning/adopt_confirm.html", context)
    return _form_page(
        request,
        form,
        title=_("Adopt version %(version)s of the plan") % {"version": plan.version},
        back=back,
        extra={
            "submit_label": _("Continue"),
            "intro": _(
                "A strategic plan is adopted by a general assembly's resolution. The version adopted "
                "before it, if any, is then superseded."
            ),
            "empty": "" if resolutions else _("No general assembly held has a resolution yet."),
        },
    )


# --- Objectives and programmes -----------------------------------------------------------------


@requires("planning.manage")
@require_http_methods(["GET", "POST"])
def objective_edit(
    request: HttpRequest, association_slug: str, plan_id: int | None = None, objective_id: int | None = None
) -> HttpResponse:
    objective = _or_404(selectors.objective_detail(objective_id=objective_id)) if objective_id else None
    plan = objective.plan if objective else _or_404(selectors.plan_detail(plan_id=plan_id))
    if plan.status != PlanStatus.DRAFT:
        raise Http404
    initial = None
    if objective is not None:
        initial = {name: getattr(objective, name) for name in ObjectiveForm.base_fields}
    form = ObjectiveForm(request.POST or None, initial=initial)
    done = _save(
        request,
        form,
        lambda f: services.objective_save(
            actor=request.user, plan_id=plan.pk, objective_id=objective_id, **f.cleaned_data
        ),
        success=_("Objective saved."),
        then=lambda saved: _ws(request, "plan", plan_id=plan.pk),
    )
    if done:
        return done
    title = _("Edit the objective") if objective else _("New objective")
    return _form_page(request, form, title=title, back=_ws(request, "plan", plan_id=plan.pk))


@requires("planning.manage")
@require_http_methods(["GET", "POST"])
def programme_edit(
    request: HttpRequest,
    association_slug: str,
    objective_id: int | None = None,
    programme_id: int | None = None,
) -> HttpResponse:
    programme = _or_404(selectors.programme_detail(programme_id=programme_id)) if programme_id else None
    objective = (
        programme.objective if programme else _or_404(selectors.objective_detail(objective_id=objective_id))
    )
    plan = objective.plan
    if plan.status == PlanStatus.SUPERSEDED:
        raise Http404
    initial = {"objective": objective.pk}
    if programme is not None:
        initial.update(
            {name: getattr(programme, name) for name in ProgrammeForm.base_fields if name != "objective"}
        )
    form = ProgrammeForm(request.POST or None, initial=initial, objectives=selectors.plan_objectives(plan))
    done = _save(
        request,
        form,
        lambda f: services.programme_save(
            actor=request.user,
            programme_id=programme_id,
            objective_id=f.cleaned_data["objective"],
            **{k: v for k, v in f.cleaned_data.items() if k != "objective"},
        ),
        success=_("Programme saved."),
        then=lambda saved: _ws(request, "plan", plan_id=plan.pk),
    )
    if done:
        return done
    title = _("Edit the programme") if programme else _("New programme")
    return _form_page(request, form, title=title, back=_ws(request, "plan", plan_id=plan.pk))


def _remove_page(request, *, refusal, remove, context: dict, back: str, done: str) -> HttpResponse:
    """GET (or a POST without confirm=yes): what will be removed, or why it cannot be. POST with
    confirm=yes: the service removes it (it checks again, under lock) and the plan page says so."""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            remove()
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            messages.error(request, exc.message)
            return redirect(back)
        messages.success(request, done)
        return redirect(back)
    context = {
        **context,
        "action_url": request.path,
        "cancel_url": back,
        "blocked": refusal.message if refusal is not None else "",
    }
    return _render(request, "planning/remove_confirm.html", context)


@requires("planning.manage")
@require_http_methods(["GET", "POST"])
def objective_remove(request: HttpRequest, association_slug: str, objective_id: int) -> HttpResponse:
    """Remove an objective of a draft plan, behind a confirmation; refused while programmes hang on
    it."""
    objective = _or_404(selectors.objective_detail(objective_id=objective_id))
    programmes = list(objective.programmes.order_by("code", "pk"))
    return _remove_page(
        request,
        refusal=services.objective_removal_refusal(objective),
        remove=lambda: services.objective_remove(actor=request.user, objective_id=objective.pk),
        context={
            "plan": objective.plan,
            "objective": objective,
            "programmes": programmes,
            "confirm_label": _("Remove objective %(code)s") % {"code": objective.code},
        },
        back=_ws(request, "plan", plan_id=objective.plan_id),
        done=_("Objective %(code)s removed.") % {"code": objective.code},
    )


@requires("planning.manage")
@require_http_methods(["GET", "POST"])
def programme_remove(request: HttpRequest, association_slug: str, programme_id: int) -> HttpResponse:
    """Remove a programme of a draft plan, behind a confirmation; refused while projects hang on it."""
    programme = _or_404(selectors.programme_detail(programme_id=programme_id))
    projects = list(selectors.project_list(programme_id=programme.pk)[:20])
    return _remove_page(
        request,
        refusal=services.programme_removal_refusal(programme),
        remove=lambda: services.programme_remove(actor=request.user, programme_id=programme.pk),
        context={
            "plan": programme.objective.plan,
            "objective": programme.objective,
            "programme": programme,
            "projects": projects,
            "confirm_label": _("Remove programme %(code)s") % {"code": programme.code},
        },
        back=_ws(request, "plan", plan_id=programme.objective.plan_id),
        done=_("Programme %(code)s removed.") % {"code": programme.code},
    )


# --- Projects ----------------------------------------------------------------------------------

PROJECTS_PER_PAGE = 50


@requires("planning.view")
@require_GET
def projects(request: HttpRequest, association_slug: str) -> HttpResponse:
    programmes = list(selectors.programme_choices())
    form = ProjectFilterForm(request.GET or None, programmes=programmes)
    status = programme_id = None
    if form.is_valid():
        status, programme_id = form.cleaned_data["status"], form.cleaned_data["programme"]
    context = {
        "form": form,
        "page": Paginator(
            selectors.project_list(status=status or "", programme_id=programme_id), PROJECTS_PER_PAGE
        ).get_page(request.GET.get("page")),
        "filtered": bool(status or programme_id),
        "tab": "projects",
    }
    return _render(request, "planning/projects.html", context)


def _project_form_options() -> dict:
    regions, provinces = _places()
    return {
        "programmes": list(selectors.programme_choices()),
        "regions": regions,
        "provinces": provinces,
        "members": _members(),
    }


@requires("planning.manage")
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest, association_slug: str) -> HttpResponse:
    form = ProjectCreateForm(
        request.POST or None, finance_projects=selectors.finance_projects_free(), **_project_form_options()
    )
    done = _save(
        request,
        form,
        lambda f: services.project_create(actor=request.user, **f.service_values()),
        success=_("Project saved."),
        then=lambda saved: _ws(request, "project", planning_project_id=saved.pk),
    )
    if done:
        return done
    return _form_page(request, form, title=_("New project"), back=_ws(request, "projects"))


@requires("planning.manage")
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, association_slug: str, planning_project_id: int) -> HttpResponse:
    project = _or_404(selectors.project_detail(planning_project_id=planning_project_id))
    initial = {
        "programme": project.programme_id,
        "region": project.region_id,
        "province": project.province_id,
        "responsible": project.responsible_id,
        **{
            name: getattr(project, name)
            for name in (
                "commune",
                "target_group",
                "beneficiaries_planned",
                "beneficiaries_reached",
                "partners",
                "status",
                "sdg_goals",
            )
        },
    }
    form = ProjectForm(request.POST or None, initial=initial, **_project_form_options())
    done = _save(
        request,
        form,
        lambda f: services.project_update(
            actor=request.user, planning_project_id=project.pk, **f.service_values()
        ),
        success=_("Project saved."),
        then=lambda saved: _ws(request, "project", planning_project_id=saved.pk),
    )
    if done:
        return done
    back = _ws(request, "project", planning_project_id=project.pk)
    title = _("Edit the project %(code)s") % {"code": project.finance_project.code}
    return _form_page(request, form, title=title, back=back)


def _int(value) -> int | None:
    value = str(value or "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@requires("planning.view")
@require_GET
def project(request: HttpRequest, association_slug: str, planning_project_id: int) -> HttpResponse:
    """A project: where, for whom, who answers for it, its goals, its funders and its budget against
    what the books say was received and spent."""
    found = _or_404(selectors.project_detail(planning_project_id=planning_project_id))
    funders = selectors.project_funders(found)
    money = selectors.project_money(found, year_id=_int(request.GET.get("year")))
    context = {
        "project": found,
        "finance_project": found.finance_project,
        "funders": funders,
        "granted": sum((grant.amount_granted for grant in funders), 0),
        "money": money,
        "sdg": selectors.sdg_tags(found.sdg_goals),
        "statuses": ProjectStatus,
        "tab": "projects",
        "activities_url": _url(request, "planning_tracking:activities", planning_project_id=found.pk),
        "indicators_url": _url(request, "planning_tracking:indicators", planning_project_id=found.pk),
        "sheet_url": _url(request, "planning_outputs:project_sheet", planning_project_id=found.pk),
    }
    return _render(request, "planning/project.html", context)
