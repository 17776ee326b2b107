"""Resources pages (/a/<slug>/resources/): volunteers and their hours, the valuation of hours in
the books, certificates of volunteering, staff, the inventory (with its CSV/XLSX export) and
premises with their documents. Views parse, call a service or a selector, and render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from associations.decorators import requires
from associations.errors import NotFound, WaslError
from associations.forms import add_service_error
from documents.files import serve_private_file
from resources import exports, selectors, services
from resources.forms import (
    AssetFilterForm,
    AssetForm,
    CertificateForm,
    HourlyValueForm,
    HoursForm,
    PremisesDocumentForm,
    PremisesForm,
    StaffForm,
    VolunteerForm,
)


def _ws(request, name: str, **kwargs) -> str:
    return reverse(f"resources:{name}", kwargs={"association_slug": request.association.slug, **kwargs})


def _or_404(found):
    if found is None:
        raise Http404
    return found


def _members():
    from members.models import Member, MemberStatus

    return Member.objects.filter(status=MemberStatus.ACTIVE, anonymised_at=None).order_by("number", "pk")


def _save(request, form, save, *, success: str, then) -> HttpResponse | None:
    """Run `save(**cleaned_data)` for a valid bound form; a service error lands on its field."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save(**form.cleaned_data)
    except NotFound as exc:
        raise Http404 from exc
    except WaslError as exc:
        add_service_error(form, exc)
        return None
    messages.success(request, success)
    return redirect(then(saved))


def _form_page(request, form, *, title: str, back: str, extra: dict | None = None) -> HttpResponse:
    context = {"form": form, "title": title, "back": back, **(extra or {})}
    return render(request, "resources/form.html", context, status=400 if form.errors else 200)


# --- Volunteers --------------------------------------------------------------------------------


@requires("resources.view")
@require_GET
def volunteer_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    context = {
        "volunteers": selectors.volunteer_list(query=query),
        "query": query,
        "settings": services.settings_of(),
        "tab": "volunteers",
    }
    return render(request, "resources/volunteer_list.html", context)


@requires("resources.manage")
@require_http_methods(["GET", "POST"])
def volunteer_edit(
    request: HttpRequest, association_slug: str, volunteer_id: int | None = None
) -> HttpResponse:
    volunteer = _or_404(selectors.volunteer_detail(volunteer_id=volunteer_id)) if volunteer_id else None
    initial = None
    if volunteer is not None:
        initial = {name: getattr(volunteer, name) for name in services.VOLUNTEER_FIELDS}
        initial["member"] = volunteer.member_id
    form = VolunteerForm(request.POST or None, initial=initial, members=_members())
    done = _save(
        request,
        form,
        lambda **data: services.volunteer_save(
            actor=request.user, volunteer_id=volunteer_id, member_id=data.pop("member"), **data
        ),
        success=_("Volunteer saved."),
        then=lambda saved: _ws(request, "volunteer", volunteer_id=saved.pk),
    )
    if done:
        return done
    title = _("Edit the volunteer") if volunteer else _("New volunteer")
    return _form_page(request, form, title=title, back=_ws(request, "volunteers"))


@requires("resources.view")
@require_http_methods(["GET", "POST"])
def volunteer_detail(request: HttpRequest, association_slug: str, volunteer_id: int) -> HttpResponse:
    """A volunteer's hours; officers who manage resources record more here."""
    volunteer = _or_404(selectors.volunteer_detail(volunteer_id=volunteer_id))
    form = HoursForm(request.POST or None)
    if request.method == "POST":
        if not request.can.resources_manage:
            raise Http404
        done = _save(
            request,
            form,
            lambda **data: services.hours_record(
                actor=request.user,
                volunteer_id=volunteer.pk,
                day=data["date"],
                hours=data["hours"],
                activity=data["activity"],
            ),
            success=_("Hours recorded."),
            then=lambda saved: _ws(request, "volunteer", volunteer_id=volunteer.pk),
        )
        if done:
            return done
    hours = list(selectors.volunteer_hours(volunteer=volunteer))
    context = {
        "volunteer": volunteer,
        "hours": hours,
        "total_hours": sum((row.hours for row in hours), 0),
        "total_value": sum((row.value for row in hours), 0),
        "certificates": selectors.volunteer_certificates(volunteer=volunteer),
        "form": form,
        "settings": services.settings_of(),
        "tab": "volunteers",
    }
    return render(request, "resources/volunteer_detail.html", context, status=400 if form.errors else 200)


@requires("resources.manage")
@require_http_methods(["GET", "POST"])
def hours_delete(request: HttpRequest, association_slug: str, hours_id: int) -> HttpResponse:
    row = _or_404(selectors.hours_list().filter(pk=hours_id).first())
    back = _ws(request, "volunteer", volunteer_id=row.volunteer_id)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.hours_delete(actor=request.user, hours_id=row.pk)
        except WaslError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Hours removed."))
        return redirect(back)
    context = {
        "row": row,
        "action_url": request.path,
        "cancel_url": back,
        "confirm_label": _("Remove these hours"),
        "blocked": _("These hours are already in the books: they cannot be removed.")
        if row.is_valued
        else "",
    }
    return render(request, "resources/hours_delete_confirm.html", context)


@requires("resources.manage")
@require_http_methods(["GET", "POST"])
def certificate_new(request: HttpRequest, association_slug: str, volunteer_id: int) -> HttpResponse:
    """Thank a volunteer: the period's hours, then a confirmation page, then the certificate."""
    volunteer = _or_404(selectors.volunteer_detail(volunteer_id=volunteer_id))
    form = CertificateForm(request.POST or None)
    confirmed = request.POST.get("confirm") == "yes"
    if request.method == "POST" and form.is_valid():
        if not confirmed:
            context = {
                "volunteer": volunteer,
                "form": form,
                "action_url": request.path,
                "cancel_url": _ws(request, "volunteer", volunteer_id=volunteer.pk),
                "confirm_label": _("Issue the certificate"),
            }
            return render(request, "resources/certificate_confirm.html", context)
        done = _save(
            request,
            form,
            lambda **data: services.certificate_issue(actor=request.user, volunteer_id=volunteer.pk, **data),
            success=_("Certificate issued: its PDF is being prepared."),
            then=lambda saved: _ws(request, "volunteer", volunteer_id=volunteer.pk),
        )
        if done:
            return done
    return _form_page(
        request,
        form,
        title=_("Certificate of volunteering for %(name)s") % {"name": volunteer.display_name},
        back=_ws(request, "volunteer", volunteer_id=volunteer.pk),
        extra={"submit_label": _("Continue")},
    )


@requires("resources.manage")
@require_http_methods(["GET", "POST"])
def hourly_value(request: HttpRequest, association_slug: str) -> HttpResponse:
    current = services.settings_of()
    form = HourlyValueForm(request.POST or None, initial={"hourly_value": current.hourly_value})
    done = _save(
        request,
        form,
        lambda **data: services.hourly_value_set(actor=request.user, **data),
        success=_("Hourly value saved: it applies to hours recorded from now on."),
        then=lambda saved: _ws(request, "volunteers"),
    )
    if done:
        return done
    return _form_page(
        request,
        form,
        title=_("Value of one volunteer hour"),
        back=_ws(request, "volunteers"),
        extra={
            "intro": _("Hours are valued when they are recorded; hours already recorded keep their value.")
        },
    )


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def valuation(request: HttpRequest, association_slug: str) -> HttpResponse:
    """The treasurer posts the valued hours of a fiscal year to the books, after a confirmation."""
    waiting = selectors.hours_waiting_by_year()
    if request.method == "POST":
        year_id = request.POST.get("year", "")
        chosen = next((w for w in waiting if str(w.year.pk) == year_id), None)
        if chosen is None:
            raise Http404
        if request.POST.get("confirm") != "yes":
            context = {
                "waiting": chosen,
                "action_url": request.path,
                "cancel_url": request.path,
                "confirm_label": _("Post to the books"),
                "blocked": "" if chosen.rows else _("No valued hours of this year are waiting to be posted."),
            }
            return render(request, "resources/valuation_confirm.html", context)
        try:
            done = services.hours_post_to_books(actor=request.user, year_id=chosen.year.pk)
        except WaslError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Volunteer hours posted in entry %(number)s.") % {"number": done.entry}
            )
        return redirect(request.path)
    context = {"waiting": waiting, "valuations": selectors.valuations()[:50], "tab": "valuation"}
    return render(request, "resources/valuation.html", context)


# --- Staff -------------------------------------------------------------------------------------


@requires("resources.view")
@require_GET
def staff_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    return render(request, "resources/staff_list.html", {"staff": selectors.staff_list(), "tab": "staff"})


@requires("resources.manage")
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, association_slug: str, staff_id: int | None = None) -> HttpResponse:
    staff = _or_404(selectors.staff_detail(staff_id=staff_id)) if staff_id else None
    initial = None
    if staff is not None:
        initial = {name: getattr(staff, name) for name in StaffForm.base_fields if name != "member"}
        initial["member"] = staff.member_id
    form = StaffForm(request.POST or None, initial=initial, members=_members())
    done = _save(
        request,
        form,
        lambda **data: services.staff_save(
            actor=request.user, staff_id=staff_id, member_id=data.pop("member"), **data
        ),
        success=_("Staff member saved."),
        then=lambda saved: _ws(request, "staff"),
    )
    if done:
        return done
    title = _("Edit the staff member") if staff else _("New staff member")
    return _form_page(request, form, title=title, back=_ws(request, "staff"))


# --- Inventory ---------------------------------------------------------------------------------


@requires("resources.view")
@require_GET
def asset_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    form = AssetFilterForm(request.GET or None)
    assets = list(selectors.asset_list(**form.filters()))
    context = {
        "form": form,
        "assets": assets,
        "total": sum((asset.value for asset in assets), 0),
        "query": request.GET.urlencode(),
        "tab": "assets",
    }
    return render(request, "resources/asset_list.html", context)


@requires("resources.manage")
@require_http_methods(["GET", "POST"])
def asset_edit(request: HttpRequest, association_slug: str, asset_id: int | None = None) -> HttpResponse:
    asset = _or_404(selectors.asset_detail(asset_id=asset_id)) if asset_id else None
    initial = None
    if asset is not None:
        initial = {
            name: getattr(asset, name)
            for name in AssetForm.base_fields
            if name not in ("account", "entry_line")
        }
        initial.update(account=asset.account_id, entry_line=asset.entry_line_id)
    form = AssetForm(
        request.POST or None,
        initial=initial,
        accounts=selectors.fixed_asset_accounts(),
        lines=selectors.fixed_asset_lines(),
    )
    done = _save(
        request,
        form,
        lambda **data: services.asset_save(
            actor=request.user,
            asset_id=asset_id,
            account_id=data.pop("account"),
            entry_line_id=data.pop("entry_line"),
            **data,
        ),
        success=_("Item saved."),
        then=lambda saved: _ws(request, "assets"),
    )
    if done:
        return done
    title = _("Edit the item") if asset else _("New item")
    intro = _(
        "A bought item can be linked to the posted line of a fixed-asset account (class 2) that bought "
        "it. A donated item keeps its estimated value here; the treasurer may post it as an in-kind "
        "donation, then link the line. A lent item stays its lender's: no account."
    )
    return _form_page(request, form, title=title, back=_ws(request, "assets"), extra={"intro": intro})


@requires("resources.view")
@require_GET
def asset_export(request: HttpRequest, association_slug: str, file_format: str) -> HttpResponse:
    if file_format not in ("csv", "xlsx"):
        raise Http404
    form = AssetFilterForm(request.GET or None)
    assets = selectors.asset_list(**form.filters())
    content, content_type = exports.inventory(assets, file_format=file_format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="inventory-{request.association.slug}.{file_format}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Premises ----------------------------------------------------------------------------------


@requires("resources.view")
@require_GET
def premises_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    return render(
        request, "resources/premises_list.html", {"premises": selectors.premises_list(), "tab": "premises"}
    )


@requires("resources.manage")
@require_http_methods(["GET", "POST"])
def premises_edit(
    request: HttpRequest, association_slug: str, premises_id: int | None = None
) -> HttpResponse:
    premises = _or_404(selectors.premises_detail(premises_id=premises_id)) if premises_id else None
    initial = {name: getattr(premises, name) for name in PremisesForm.base_fields} if premises else None
    form = PremisesForm(request.POST or None, initial=initial)
    done = _save(
        request,
        form,
        lambda **data: services.premises_save(actor=request.user, premises_id=premises_id, **data),
        success=_("Premises saved."),
        then=lambda saved: _ws(request, "premises", premises_id=saved.pk),
    )
    if done:
        return done
    title = _("Edit the premises") if premises else _("New premises")
    return _form_page(request, form, title=title, back=_ws(request, "premises_list"))


@requires("resources.view")
@require_http_methods(["GET", "POST"])
def premises_detail(request: HttpRequest, association_slug: str, premises_id: int) -> HttpResponse:
    premises = _or_404(selectors.premises_detail(premises_id=premises_id))
    form = PremisesDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.can.resources_manage:
            raise Http404
        done = _save(
            request,
            form,
            lambda **data: services.premises_document_add(
                actor=request.user, premises_id=premises.pk, title=data["title"], uploaded=data["file"]
            ),
            success=_("Document added."),
            then=lambda saved: _ws(request, "premises", premises_id=premises.pk),
        )
        if done:
            return done
    context = {
        "premises": premises,
        "documents": selectors.premises_documents(premises=premises),
        "form": form,
        "tab": "premises",
    }
    return render(request, "resources/premises_detail.html", context, status=400 if form.errors else 200)


@requires("resources.view")
@require_GET
def premises_document(request: HttpRequest, association_slug: str, premises_document_id: int) -> HttpResponse:
    document = _or_404(selectors.premises_document_detail(document_id=premises_document_id))
    return serve_private_file(
        document.file, download_name=document.original_name, content_type=document.content_type
    )
