"""The member register (/a/<slug>/members/), a member's own page (/a/<slug>/my/), the public join
form (/join/<slug>/) and account claims (/me/claim/<token>/)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations import seams
from associations.decorators import requires
from associations.errors import NotFound, WaslError
from associations.formatting import format_phone
from associations.forms import add_service_error
from associations.models import Association
from associations.tenancy import association_scope
from members import selectors, services
from members.forms import (
    AnonymiseForm,
    CategoryForm,
    CorrectionForm,
    JoinForm,
    MemberFilterForm,
    MemberForm,
    MembershipSettingsForm,
    StatusChangeForm,
)
from members.models import (
    FORMER_STATUSES,
    STATUS_CONFIRMATION_REQUIRED,
    ConsentPurpose,
    MemberStatus,
    status_is_final,
)
from members.personal_data import member_data, member_data_pdf


def _member_or_404(member_id: int, *, detail: bool = False):
    member = (selectors.member_detail if detail else selectors.member_get)(member_id=member_id)
    if member is None:
        raise Http404
    return member


@dataclass(frozen=True)
class MemberRow:
    """One line of the member list, shaped in Python once rather than by template tags per row
    (a reverse(), a translated label and a phone formatting each, fifty times a page)."""

    url: str
    number: int | None
    name_latin: str
    name_ar: str
    category: str
    status: str
    status_label: str
    phone: str


def _member_rows(members, *, association_slug: str) -> list[MemberRow]:
    sentinel = str(2**31 - 1)
    url = reverse("members:detail", kwargs={"association_slug": association_slug, "member_id": sentinel})
    head, tail = url.rsplit(sentinel, 1)
    labels = {value: str(label) for value, label in MemberStatus.choices}
    return [
        MemberRow(
            url=f"{head}{member.pk}{tail}",
            number=member.number,
            name_latin=member.name_latin,
            name_ar=member.name_ar,
            category=str(member.category) if member.category_id else "",
            status=member.status,
            status_label=labels.get(member.status, member.status),
            phone=format_phone(member.phone),
        )
        for member in members
    ]


@requires("members.view")
@require_GET
def member_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    from members.hooks import list_filters

    offered = list_filters(request)
    form = MemberFilterForm(request.GET or None, list_filters=offered)
    filters = form.values() if request.GET else MemberFilterForm().values() | {"sort": "number"}
    members = selectors.member_search(
        query=filters["query"],
        status=filters["status"],
        category_id=filters["category_id"],
        can_search_cin=request.can.members_view_sensitive,
    )
    only = next((f for f in offered if f.key == filters["only"]), None)
    if only is not None:
        members = members.filter(pk__in=only.members())
    page = selectors.member_page(members, sort=filters["sort"], cursor=filters["cursor"])
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "form": form,
        "page": page,
        "rows": _member_rows(page.members, association_slug=association_slug),
        "result_count": selectors.member_result_count(members, searched=bool(filters["query"])),
        "count_limit": selectors.RESULT_COUNT_LIMIT,
        "query": query.urlencode(),
        "applicant_count": selectors.applicants().count() if request.can.members_manage else 0,
        # An empty page: "nothing matches these filters", or "the register is empty".
        "filtered": bool(filters["query"] or filters["status"] or filters["category_id"] or only),
    }
    template = "members/list.html#results" if request.htmx else "members/list.html"
    return render(request, template, context)


@requires("members.manage")
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest, association_slug: str) -> HttpResponse:
    form = MemberForm(request.POST or None, can_view_sensitive=request.can.members_view_sensitive)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_admit(actor=request.user, **form.cleaned_values())
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Member no. %(number)s registered.") % {"number": member.number})
            return redirect("members:detail", association_slug=association_slug, member_id=member.pk)
    return render(request, "members/form.html", {"form": form, "creating": True})


# Pages with personal data (the CIN), or a one-time link, are never kept by a browser or a proxy.
@never_cache
@requires("members.view")
@require_GET
def member_detail(request: HttpRequest, association_slug: str, member_id: int) -> HttpResponse:
    from members.hooks import member_panels

    member = _member_or_404(member_id, detail=True)
    context = {
        "member": member,
        "status_form": StatusChangeForm(current_status=member.status),
        "former_statuses": FORMER_STATUSES,
        "now": timezone.localdate(),
        "panels": member_panels(request, member),
    }
    return render(request, "members/detail.html", context)


@never_cache
@requires("members.manage")
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, association_slug: str, member_id: int) -> HttpResponse:
    member = _member_or_404(member_id)
    if member.anonymised_at:
        raise Http404
    form = MemberForm(
        request.POST or None, instance=member, can_view_sensitive=request.can.members_view_sensitive
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(actor=request.user, member_id=member.pk, **form.cleaned_values())
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("members:detail", association_slug=association_slug, member_id=member.pk)
    return render(request, "members/form.html", {"form": form, "member": member})


@requires("members.manage")
@require_http_methods(["GET", "POST"])
def member_status(request: HttpRequest, association_slug: str, member_id: int) -> HttpResponse:
    """Change a member's status in two steps: the form, then (for every status but active) a page
    that says what will happen and must be confirmed. Nothing changes before that."""
    member = _member_or_404(member_id)
    if member.anonymised_at:
        raise Http404
    form = StatusChangeForm(request.POST or None, current_status=member.status)
    context = {"member": member, "form": form}
    if request.method == "GET" or not form.is_valid():
        return render(request, "members/status.html", context, status=400 if form.errors else 200)
    try:
        change = services.member_status_change_check(member=member, **form.change_values())
    except WaslError as exc:
        add_service_error(form, exc)
        return render(request, "members/status.html", context, status=400)
    if change.to_status in STATUS_CONFIRMATION_REQUIRED and not form.cleaned_data["confirm"]:
        confirm_context = {
            **context,
            "change": change,
            "final": status_is_final(change.to_status),
            "retention_years": services.membership_settings().retention_years,
            "not_confirmed": bool(request.POST.get("confirming")),
        }
        status = 400 if confirm_context["not_confirmed"] else 200
        return render(request, "members/status_confirm.html", confirm_context, status=status)
    try:
        services.member_change_status(actor=request.user, member_id=member.pk, **form.change_values())
    except NotFound as exc:
        raise Http404 from exc
    except WaslError as exc:
        add_service_error(form, exc)
        return render(request, "members/status.html", context, status=400)
    messages.success(request, _("Status changed."))
    return redirect("members:detail", association_slug=association_slug, member_id=member_id)


@requires("association.manage")
@require_http_methods(["GET", "POST"])
def member_anonymise(request: HttpRequest, association_slug: str, member_id: int) -> HttpResponse:
    """Erase a former member's personal data now (they asked; law 09-08). Irreversible, so the page
    says what goes and what stays, and the officer types the member's number to confirm."""
    member = _member_or_404(member_id)
    if member.anonymised_at or member.status not in FORMER_STATUSES:
        raise Http404
    expected = str(member.number or member.pk)
    form = AnonymiseForm(request.POST or None, expected=expected)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_anonymise(actor=request.user, member_id=member.pk)
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The member's personal data was erased."))
            return redirect("members:detail", association_slug=association_slug, member_id=member.pk)
    context = {"member": member, "form": form, "expected": expected}
    return render(request, "members/anonymise_confirm.html", context, status=400 if form.errors else 200)


@requires("members.manage")
@require_POST
def member_photo_upload(request: HttpRequest, association_slug: str, member_id: int) -> HttpResponse:
    upload = request.FILES.get("photo")
    try:
        if upload is None:
            raise WaslError(_("Choose a file."), field="photo")
        services.member_photo_set(actor=request.user, member_id=member_id, upload=upload)
    except NotFound as exc:
        raise Http404 from exc
    except WaslError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Photo saved."))
    return redirect("members:detail", association_slug=association_slug, member_id=member_id)


@requires("members.view")
@require_GET
def member_photo(request: HttpRequest, association_slug: str, member_id: int) -> HttpResponse:
    member = _member_or_404(member_id)
    if not member.photo:
        raise Http404
    from documents.files import serve_private_file

    response = serve_private_file(member.photo, download_name=member.photo.rsplit("/", 1)[-1])
    response["Content-Disposition"] = "inline"
    return response


@never_cache
@requires("members.view_sensitive")
@require_GET
def member_cin(request: HttpRequest, association_slug: str, member_id: int) -> HttpResponse:
    """Reveal one member's CIN (HTMX); each view is written to the audit trail."""
    member = _member_or_404(member_id)
    cin = services.cin_viewed(actor=request.user, member=member)
    return render(request, "members/_cin.html", {"cin": cin})


@never_cache
@requires("members.manage")
@require_POST
def member_claim(request: HttpRequest, association_slug: str, member_id: int) -> HttpResponse:
    try:
        _claim, raw = services.member_claim_create(actor=request.user, member_id=member_id)
    except NotFound as exc:
        raise Http404 from exc
    except WaslError as exc:
        messages.error(request, exc.message)
        return redirect("members:detail", association_slug=association_slug, member_id=member_id)
    member = _member_or_404(member_id)
    context = {"member": member, "link": services.claim_link(raw), "emailed": bool(member.email)}
    return render(request, "members/claim_link.html", context)


@requires("members.manage")
@require_http_methods(["GET", "POST"])
def category_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    # Editing names a category; one that is not this association's (or not a number) is a 404, never
    # a silent "create a new one instead".
    category_id = request.POST.get("category_id") if request.method == "POST" else request.GET.get("edit")
    instance = None
    if category_id is not None:
        instance = selectors.category_by_id(category_id=category_id)
        if instance is None:
            raise Http404
    form = CategoryForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_save(
                actor=request.user, category_id=instance.pk if instance else None, **form.cleaned_data
            )
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Category saved."))
            return redirect("members:categories", association_slug=association_slug)
    context = {"form": form, "editing": instance, "categories": selectors.categories()}
    return render(request, "members/categories.html", context, status=400 if form.errors else 200)


@requires("association.manage")
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest, association_slug: str) -> HttpResponse:
    form = MembershipSettingsForm(request.POST or None, instance=services.membership_settings())
    if request.method == "POST" and form.is_valid():
        services.membership_settings_update(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Changes saved."))
        return redirect("members:settings", association_slug=association_slug)
    return render(request, "members/settings.html", {"form": form})


@requires("members.manage")
@require_GET
def correction_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    return render(request, "members/corrections.html", {"requests": selectors.open_correction_requests()})


@requires("members.manage")
@require_POST
def correction_resolve(request: HttpRequest, association_slug: str, request_id: int) -> HttpResponse:
    try:
        services.correction_request_resolve(
            actor=request.user,
            request_id=request_id,
            done=request.POST.get("outcome") == "done",
            response=request.POST.get("response", ""),
        )
    except NotFound as exc:
        raise Http404 from exc
    except WaslError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The member has been answered."))
    return redirect("members:corrections", association_slug=association_slug)


# --- A member's own page ----------------------------------------------------------------------


def _my_member(request):
    member = selectors.member_of_request(request)
    if member is None:
        raise Http404
    return member


@requires("association.view")
@require_GET
def my_membership(request: HttpRequest, association_slug: str) -> HttpResponse:
    """The member portal inside one association: every module's section (associations.seams),
    the register's first. Only for a person with a member row here."""
    _my_member(request)
    return render(request, "members/my.html", {"portal": seams.portal_inside(request)})


@requires("association.view")
@require_POST
def my_consent(request: HttpRequest, association_slug: str) -> HttpResponse:
    member = _my_member(request)
    purpose = request.POST.get("purpose", "")
    if purpose not in ConsentPurpose.values:
        raise Http404
    if request.POST.get("give") == "1":
        services.consent_give(
            actor=request.user,
            member_id=member.pk,
            purpose=purpose,
            wording=str(ConsentPurpose(purpose).label),
            language=translation.get_language(),
        )
    else:
        services.consent_withdraw(actor=request.user, member_id=member.pk, purpose=purpose)
    messages.success(request, _("Your choice is recorded."))
    return redirect("members:my", association_slug=association_slug)


@requires("association.view")
@require_POST
def my_correction(request: HttpRequest, association_slug: str) -> HttpResponse:
    member = _my_member(request)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.correction_request_create(
                actor=request.user, member_id=member.pk, message=form.cleaned_data["message"]
            )
        except WaslError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your request was sent to the association."))
    else:
        messages.error(request, _("Say what should be corrected."))
    return redirect("members:my", association_slug=association_slug)


@requires("association.view")
@require_GET
def my_card(request: HttpRequest, association_slug: str) -> HttpResponse:
    """The member's own card for this year: the one already issued, or a new one rendered now."""
    from documents.files import serve_private_file
    from documents.models import Document
    from documents.services import document_render
    from members.cards import MEMBER_CARD, member_card_issue

    member = _my_member(request)
    if member.number is None or member.status != "active":  # only an active member's card is valid
        raise Http404
    document = (
        Document.objects.filter(
            kind=MEMBER_CARD.key,
            status=Document.Status.READY,
            cancelled_at=None,
            snapshot__member__number=member.number,
            snapshot__valid_year=timezone.localdate().year,
        )
        .exclude(file="")
        .order_by("-issued_at")
        .first()
    )
    if document is None:
        document = document_render(document_id=member_card_issue(actor=request.user, member_id=member.pk).pk)
    return serve_private_file(
        document.file, download_name=f"card-{member.number}.pdf", content_type="application/pdf"
    )


@requires("association.view")
@require_GET
def my_data(request: HttpRequest, association_slug: str, fmt: str) -> HttpResponse:
    """Everything the association holds on the member (law 09-08 right of access)."""
    member = _my_member(request)
    data = member_data(member)
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2, default=str),
            content_type="application/json; charset=utf-8",
        )
        filename = f"my-data-{association_slug}.json"
    else:
        response = HttpResponse(member_data_pdf(data), content_type="application/pdf")
        filename = f"my-data-{association_slug}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Public join form and account claims ------------------------------------------------------


def _join_rate_allows(request: HttpRequest, association: Association) -> bool:
    """allauth's limiter, ACCOUNT_RATE_LIMITS["members_join"]: per client address (resolved behind
    the proxy as for logins) and per association. Only applications that would be saved count."""
    return ratelimit.consume(request, action="members_join", key=f"association:{association.pk}")


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, association_slug: str) -> HttpResponse:
    association = Association.objects.filter(slug=association_slug, is_active=True).first()
    if association is None:
        raise Http404
    with association_scope(association):
        settings_row = services.membership_settings()
        if not settings_row.join_form_open:
            raise Http404
        form = JoinForm(request.POST or None)
        limited = False
        if request.method == "POST" and form.is_valid():
            limited = not _join_rate_allows(request, association)
            if limited:
                message = _("Too many applications in a short time. Nothing was saved: try again later.")
                form.add_error(None, message)
            else:
                try:
                    services.member_apply(
                        consents=form.consents(), language=translation.get_language(), **form.cleaned_values()
                    )
                except WaslError as exc:
                    add_service_error(form, exc)
                else:
                    return render(request, "members/join_done.html", {"association": association})
        context = {"association": association, "form": form, "intro": settings_row.join_form_intro}
        status = 429 if limited else 400 if form.errors else 200
        return render(request, "members/join.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest, token: str) -> HttpResponse:
    """Bind the signed-in account to the member row of a one-time link."""
    found = selectors.claim_association_for_token(raw_token=token)
    if found is None:
        raise Http404
    with association_scope(found):
        if request.method == "POST":
            try:
                member = services.member_claim_accept(actor=request.user, raw_token=token)
            except NotFound as exc:
                raise Http404 from exc
            except WaslError as exc:
                return render(
                    request, "associations/invitation_problem.html", {"message": exc.message}, status=409
                )
            messages.success(request, _("Your account is now linked to your membership."))
            association = Association.objects.get(pk=member.association_id)
            return redirect("members:my", association_slug=association.slug)
        association = Association.objects.get(pk=found)
    return render(request, "members/claim.html", {"association": association})
