"""HTML views: the public directory, onboarding, /me/, and the association workspace.

Views parse, call a service or selector, and render. Workspace views run inside the scope the
middleware opened and declare their capability with @requires (or @allow_non_members).
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations import seams, selectors, services
from associations.audit_text import action_label, describe_all
from associations.capabilities import RoleKind
from associations.decorators import allow_non_members, requires
from associations.errors import NotFound, WaslError
from associations.forms import (
    AccessTokenForm,
    AssociationForm,
    AssociationRegisterForm,
    AuditFilterForm,
    DirectoryFilterForm,
    InvitationForm,
    RoleChangeForm,
    add_service_error,
)
from associations.services import DATABASE_ID

# --- Public -----------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Landing page and public directory of associations (public facts only)."""
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    criteria = {
        "query": filters.get("q", ""),
        "region_code": filters.get("region", ""),
        "sector_code": filters.get("sector", ""),
    }
    page = selectors.directory_page(
        selectors.association_directory(**criteria), cursor=request.GET.get("cursor", "")[:600]
    )
    for association in page.associations:  # each card opens the association's public page
        association.public_url = seams.public_page_url(association.slug)
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "form": form,
        "page": page,
        "count": selectors.directory_count(**criteria),
        "count_limit": selectors.DIRECTORY_COUNT_LIMIT,
        "query": query.urlencode(),
    }
    template = "associations/home.html#directory" if request.htmx else "associations/home.html"
    return render(request, template, context)


@require_GET
def province_options(request: HttpRequest) -> HttpResponse:
    """<option>s of one region's provinces, for the onboarding form (HTMX)."""
    region_id = request.GET.get("region", "")
    valid = DATABASE_ID.fullmatch(region_id) is not None
    provinces = selectors.provinces_of_region(region_id=int(region_id) if valid else None)
    return render(request, "associations/_province_options.html", {"provinces": provinces})


@login_required
@require_http_methods(["GET", "POST"])
def association_register(request: HttpRequest) -> HttpResponse:
    form = AssociationRegisterForm(request.POST or None)
    similar = []
    if request.method == "POST" and form.is_valid():
        try:
            association = services.association_register(actor=request.user, **form.cleaned_values())
        except WaslError as exc:
            if exc.code == "similar_name":  # shown with the look-alikes and a box to tick
                similar = list(
                    selectors.associations_with_similar_names(
                        name_ar=form.cleaned_data["name_ar"], name_fr=form.cleaned_data["name_fr"]
                    )[:5]
                )
            else:
                add_service_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The association is registered. You are its president. It shows as unverified "
                    "until Wasl checks its declaration receipt."
                ),
            )
            return redirect("associations:dashboard", association_slug=association.slug)
    return render(request, "associations/register.html", {"form": form, "similar": similar})


@login_required
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    """The member portal: every association the person belongs to, each row with what the
    modules show there (the portal sections registered in `seams`)."""
    memberships = selectors.memberships_of_request(request)
    context = {
        "my_memberships": memberships,
        "pending_invitations": selectors.invitations_waiting_for(user=request.user),
        "portal": seams.portal_across(request, [m.association.pk for m in memberships]),
    }
    return render(request, "associations/me.html", context)


@functools.cache
def _health_redis(url: str):
    """One Redis client (and its connection pool) per URL for the life of the process: a probe
    every few seconds must not open a new connection each time."""
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker reachability, for load balancers and monitoring."""
    from django.conf import settings

    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    if settings.REDIS_URL:
        try:
            _health_redis(settings.REDIS_URL).ping()
            checks["broker"] = "ok"
        except Exception as exc:
            checks["broker"] = f"error: {type(exc).__name__}"
    else:
        checks["broker"] = "ok (eager, no broker configured)"
    healthy = all(value.startswith("ok") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


# --- Workspace (/a/<slug>/) -------------------------------------------------------------------


@requires("association.view")
@require_GET
def dashboard(request: HttpRequest, association_slug: str) -> HttpResponse:
    """The association's home: what waits for the board, the figures it checks first (both
    registered by the modules in `seams`), then the association's own facts."""
    context = {
        "next_actions": seams.next_actions(request),
        "cards": seams.home_cards(request),
        "roles_count": selectors.role_list().count(),
    }
    return render(request, "associations/dashboard.html", context)


@requires("association.manage")
@require_http_methods(["GET", "POST"])
def association_settings(request: HttpRequest, association_slug: str) -> HttpResponse:
    association = request.association
    form = AssociationForm(request.POST or None, instance=association)
    if request.method == "POST" and form.is_valid():
        was_verified = association.verified_at is not None
        try:
            updated = services.association_update(
                actor=request.user, association=association, **form.cleaned_values()
            )
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            if was_verified and not updated.is_verified:
                messages.warning(
                    request,
                    _(
                        "The names or the receipt number changed: the association shows as unverified "
                        "until Wasl checks its declaration receipt again."
                    ),
                )
            return redirect("associations:settings", association_slug=association_slug)
    return render(request, "associations/settings.html", {"form": form})


@requires("roles.view")
@require_GET
def role_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    context = {
        "roles": selectors.role_list(),
        "invitations": selectors.invitation_list_pending() if request.can.roles_manage else [],
        "invite_form": InvitationForm(),
        "change_form": RoleChangeForm(),
    }
    return render(request, "associations/roles.html", context)


def _confirmed(request: HttpRequest) -> bool:
    """A harmful action runs only when its confirmation page was submitted; any other request
    (a GET, or a POST without the confirmation) gets the page that says what will happen."""
    return request.method == "POST" and request.POST.get("confirm") == "yes"


def _roles_page_context(**overrides) -> dict:
    return {
        "roles": selectors.role_list(),
        "invitations": selectors.invitation_list_pending(),
        "invite_form": InvitationForm(),
        "change_form": RoleChangeForm(),
        **overrides,
    }


def _confirmation_page(
    request: HttpRequest, template: str, *, confirm_label: str, cancel_url: str, **context
):
    """The confirmation step: it posts back to the same URL, with confirm=yes."""
    context.update({"action_url": request.path, "cancel_url": cancel_url, "confirm_label": confirm_label})
    return render(request, template, context)


def _second_holder_page(request: HttpRequest, *, kind: str, exclude_role_id=None, **context) -> HttpResponse:
    holders, invited = selectors.office_holders(kind=kind, exclude_role_id=exclude_role_id)
    return _confirmation_page(
        request,
        "associations/confirm_second_holder.html",
        confirm_label=_("Yes, give this office to a second person"),
        cancel_url=reverse("associations:roles", kwargs={"association_slug": request.association.slug}),
        office=RoleKind(kind).label,
        kind=kind,
        holders=holders,
        invited=invited,
        **context,
    )


@requires("roles.manage")
@require_POST
def invitation_create(request: HttpRequest, association_slug: str) -> HttpResponse:
    form = InvitationForm(request.POST)
    if form.is_valid():
        email, kind = form.cleaned_data["email"], form.cleaned_data["kind"]
        try:
            invitation, _raw_token = services.invitation_create(
                actor=request.user,
                email=email,
                kind=kind,
                confirm_second_holder=form.cleaned_data["confirm_second_holder"],
            )
        except WaslError as exc:
            if exc.code == "second_holder":
                return _second_holder_page(request, kind=kind, email=email)
            add_service_error(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("associations:roles", association_slug=association_slug)
    return render(request, "associations/roles.html", _roles_page_context(invite_form=form), status=400)


def _role_action(request, association_slug, action) -> HttpResponse:
    try:
        action()
    except NotFound as exc:
        raise Http404 from exc
    except WaslError as exc:
        messages.error(request, exc.message)
    return redirect("associations:roles", association_slug=association_slug)


@requires("roles.manage")
@require_POST
def role_change(request: HttpRequest, association_slug: str, role_id: int) -> HttpResponse:
    form = RoleChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
        return redirect("associations:roles", association_slug=association_slug)
    kind = form.cleaned_data["kind"]
    try:
        services.role_change(
            actor=request.user,
            role_id=role_id,
            kind=kind,
            confirm_second_holder=form.cleaned_data["confirm_second_holder"],
        )
    except NotFound as exc:
        raise Http404 from exc
    except WaslError as exc:
        if exc.code == "second_holder":
            role = selectors.role_get(role_id=role_id)
            return _second_holder_page(request, kind=kind, exclude_role_id=role_id, role=role)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Role changed."))
    return redirect("associations:roles", association_slug=association_slug)


@requires("roles.manage")
@require_http_methods(["GET", "POST"])
def role_revoke(request: HttpRequest, association_slug: str, role_id: int) -> HttpResponse:
    role = selectors.role_get(role_id=role_id)
    if role is None:
        raise Http404
    if not _confirmed(request):
        preview = selectors.role_revoke_preview(role=role)
        return _confirmation_page(
            request,
            "associations/confirm_role_revoke.html",
            confirm_label=_("Revoke the role"),
            cancel_url=reverse("associations:roles", kwargs={"association_slug": association_slug}),
            blocked=_("The association must keep at least one president.") if preview.last_president else "",
            preview=preview,
        )

    def revoke():
        services.role_revoke(actor=request.user, role_id=role_id)
        messages.success(request, _("Role revoked."))

    return _role_action(request, association_slug, revoke)


@requires("roles.manage")
@require_http_methods(["GET", "POST"])
def invitation_revoke(request: HttpRequest, association_slug: str, invitation_id: int) -> HttpResponse:
    invitation = selectors.invitation_get(invitation_id=invitation_id)
    if invitation is None:
        raise Http404
    # An accepted or withdrawn invitation has nothing left to confirm: the service says why.
    if invitation.is_pending and not _confirmed(request):
        return _confirmation_page(
            request,
            "associations/confirm_invitation_revoke.html",
            confirm_label=_("Withdraw the invitation"),
            cancel_url=reverse("associations:roles", kwargs={"association_slug": association_slug}),
            invitation=invitation,
        )

    def revoke():
        services.invitation_revoke(actor=request.user, invitation_id=invitation_id)
        messages.success(request, _("Invitation withdrawn."))

    return _role_action(request, association_slug, revoke)


@allow_non_members
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, association_slug: str, token: str) -> HttpResponse:
    """An invitation link: only the person it was sent to (same e-mail) can see or accept it."""
    try:
        invitation = services.invitation_for_token(raw_token=token, user=request.user)
    except NotFound as exc:
        raise Http404 from exc
    except WaslError as exc:
        return render(request, "associations/invitation_problem.html", {"message": exc.message}, status=410)
    if request.method == "POST":
        try:
            services.invitation_accept(actor=request.user, raw_token=token)
        except WaslError as exc:
            return render(
                request, "associations/invitation_problem.html", {"message": exc.message}, status=409
            )
        messages.success(request, _("Welcome! You joined the association."))
        return redirect("associations:dashboard", association_slug=association_slug)
    return render(request, "associations/invitation_accept.html", {"invitation": invitation})


@requires("audit.view")
@require_GET
def audit_log(request: HttpRequest, association_slug: str) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_event_list(
        action=filters.get("action") or "",
        actor_email=filters.get("actor") or "",
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "lines": describe_all(page.object_list),  # sentences in the reader's language
        "query": query.urlencode(),
        "filtered": any(filters.get(name) for name in ("action", "actor", "since", "until")),
        "actions": sorted(
            ((code, action_label(code)) for code in selectors.audit_action_keys()), key=lambda item: item[1]
        ),
    }
    return render(request, "associations/audit.html", context)


@allow_non_members
@require_POST
def invitation_join(request: HttpRequest, association_slug: str, invitation_id: int) -> HttpResponse:
    """Accept, from /me/, an invitation sent to one of the person's verified addresses."""
    try:
        services.invitation_join(actor=request.user, invitation_id=invitation_id)
    except NotFound as exc:
        raise Http404 from exc
    except WaslError as exc:
        return render(request, "associations/invitation_problem.html", {"message": exc.message}, status=409)
    messages.success(request, _("Welcome! You joined the association."))
    return redirect("associations:dashboard", association_slug=association_slug)


@never_cache  # shows a new token once: no copy in a browser or proxy cache
@requires("api.tokens")
@require_http_methods(["GET", "POST"])
def access_tokens(request: HttpRequest, association_slug: str) -> HttpResponse:
    form = AccessTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.access_token_create(
                actor=request.user, name=form.cleaned_data["name"]
            )
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            form = AccessTokenForm()
    context = {"form": form, "tokens": selectors.access_token_list(user=request.user), "new_token": new_token}
    return render(request, "associations/tokens.html", context)


@requires("api.tokens")
@require_http_methods(["GET", "POST"])
def access_token_revoke(request: HttpRequest, association_slug: str, token_id: int) -> HttpResponse:
    token = selectors.access_token_get(user=request.user, token_id=token_id)
    if token is None:
        raise Http404
    if token.revoked_at is None and not _confirmed(request):
        return _confirmation_page(
            request,
            "associations/confirm_token_revoke.html",
            confirm_label=_("Revoke the token"),
            cancel_url=reverse("associations:tokens", kwargs={"association_slug": association_slug}),
            token=token,
        )
    try:
        services.access_token_revoke(actor=request.user, token_id=token_id)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _("Token revoked."))
    return redirect("associations:tokens", association_slug=association_slug)
