"""Workspace pages of the communication module (/a/<slug>/communication/…) and the member's
announcement page (/a/<slug>/my/announcements/<id>/)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations.decorators import requires
from associations.errors import NotFound, WaslError
from associations.forms import add_service_error
from communication import selectors, services
from communication.forms import AnnouncementForm, PhotoForm, PostForm, PublicProfileForm, SendForm, UploadForm
from communication.models import Announcement
from documents import logos
from documents.files import serve_private_file
from notifications.models import Message

DEFAULT_AUDIENCE = {"members.status": "active"}


def _announcement_or_404(announcement_id: int) -> Announcement:
    announcement = selectors.announcement_detail(announcement_id=announcement_id)
    if announcement is None:
        raise Http404
    return announcement


@requires("communication.view")
@require_GET
def announcement_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    page = Paginator(selectors.announcement_list(), 30).get_page(request.GET.get("page"))
    return render(request, "communication/announcement_list.html", {"page": page})


@requires("communication.manage")
@require_http_methods(["GET", "POST"])
def announcement_create(request: HttpRequest, association_slug: str) -> HttpResponse:
    return _announcement_form(request, association_slug, None)


@requires("communication.manage")
@require_http_methods(["GET", "POST"])
def announcement_edit(request: HttpRequest, association_slug: str, announcement_id: int) -> HttpResponse:
    announcement = _announcement_or_404(announcement_id)
    if not announcement.is_draft:
        messages.error(request, _("This announcement is already sent; it can no longer be changed."))
        return redirect(
            "communication:announcement", association_slug=association_slug, announcement_id=announcement.pk
        )
    return _announcement_form(request, association_slug, announcement)


def _announcement_form(request, association_slug: str, announcement: Announcement | None) -> HttpResponse:
    audience = announcement.audience if announcement else DEFAULT_AUDIENCE
    initial = AnnouncementForm.initial_for(announcement) if announcement else None
    form = AnnouncementForm(request.POST or None, initial=initial, audience=audience)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.announcement_save(
                actor=request.user,
                values=form.values(),
                announcement_id=announcement.pk if announcement else None,
            )
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The draft is saved. Check the preview, then send it."))
            return redirect(
                "communication:announcement", association_slug=association_slug, announcement_id=saved.pk
            )
    context = {"form": form, "announcement": announcement}
    return render(
        request, "communication/announcement_form.html", context, status=400 if form.errors else 200
    )


@requires("communication.view")
@require_GET
def announcement_detail(request: HttpRequest, association_slug: str, announcement_id: int) -> HttpResponse:
    """A draft: its preview per language, its reach per channel and its cost. Once sent: its
    delivery, per channel and per recipient."""
    announcement = _announcement_or_404(announcement_id)
    context: dict = {"announcement": announcement}
    if announcement.is_draft or announcement.status == Announcement.Status.SCHEDULED:
        context["preview"] = selectors.announcement_preview(announcement)
    else:
        unreachable_only = request.GET.get("show") == "unreachable"
        recipients = selectors.recipients_of(announcement, unreachable_only=unreachable_only)
        page = Paginator(recipients, 50).get_page(request.GET.get("page"))
        context.update(
            summary=selectors.delivery_summary(announcement),
            statuses=Message.Status.choices,
            page=page,
            rows=selectors.delivery_rows(announcement, list(page.object_list)),
            unreachable_only=unreachable_only,
        )
    return render(request, "communication/announcement_detail.html", context)


@requires("communication.manage")
@require_http_methods(["GET", "POST"])
def announcement_send(request: HttpRequest, association_slug: str, announcement_id: int) -> HttpResponse:
    """The confirmation page of sending: who gets what, on which channel, at what cost; the POST
    with confirm=yes sends (once: a second one changes nothing)."""
    announcement = _announcement_or_404(announcement_id)
    detail = reverse(
        "communication:announcement",
        kwargs={"association_slug": association_slug, "announcement_id": announcement.pk},
    )
    if not announcement.is_draft:
        messages.info(request, _("This announcement was already sent or scheduled; nothing was sent again."))
        return redirect(detail)
    form = SendForm(request.POST or None)
    if request.method == "POST" and request.POST.get("confirm") == "yes" and form.is_valid():
        try:
            services.announcement_confirm(
                actor=request.user, announcement_id=announcement.pk, send_at=form.send_time()
            )
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            if exc.code == "already_sent":
                messages.info(request, exc.message)
                return redirect(detail)
            add_service_error(form, exc)
        else:
            if form.send_time():
                messages.success(request, _("The announcement is scheduled."))
            else:
                messages.success(request, _("The announcement is being sent."))
            return redirect(detail)
    context = {
        "announcement": announcement,
        "preview": selectors.announcement_preview(announcement),
        "form": form,
        "cancel_url": detail,
    }
    return render(
        request, "communication/announcement_send.html", context, status=400 if form.errors else 200
    )


@requires("communication.manage")
@require_POST
def announcement_unschedule(
    request: HttpRequest, association_slug: str, announcement_id: int
) -> HttpResponse:
    try:
        services.announcement_unschedule(actor=request.user, announcement_id=announcement_id)
    except NotFound as exc:
        raise Http404 from exc
    except WaslError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The announcement is a draft again; nothing was sent."))
    return redirect(
        "communication:announcement", association_slug=association_slug, announcement_id=announcement_id
    )


@requires("communication.manage")
@require_http_methods(["GET", "POST"])
def announcement_delete(request: HttpRequest, association_slug: str, announcement_id: int) -> HttpResponse:
    announcement = _announcement_or_404(announcement_id)
    back = reverse(
        "communication:announcement",
        kwargs={"association_slug": association_slug, "announcement_id": announcement.pk},
    )
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.announcement_delete(actor=request.user, announcement_id=announcement.pk)
        except WaslError as exc:
            messages.error(request, exc.message)
            return redirect(back)
        messages.success(request, _("The draft is deleted."))
        return redirect("communication:announcements", association_slug=association_slug)
    context = {
        "announcement": announcement,
        "action_url": request.path,
        "cancel_url": back,
        "confirm_label": _("Delete the draft"),
        "blocked": "" if announcement.is_draft else _("Only a draft can be deleted."),
    }
    return render(request, "communication/announcement_delete.html", context)


# --- The member's own announcements ---------------------------------------------------------------


@requires("association.view")
@require_GET
def my_announcement(request: HttpRequest, association_slug: str, announcement_id: int) -> HttpResponse:
    """An announcement addressed to the signed-in member, in their language; opening it marks it read."""
    try:
        recipient = services.announcement_mark_read(user=request.user, announcement_id=announcement_id)
    except NotFound as exc:
        raise Http404 from exc
    if recipient.announcement.status != Announcement.Status.QUEUED:
        raise Http404
    return render(
        request,
        "communication/my_announcement.html",
        {"recipient": recipient, "announcement": recipient.announcement},
    )


# --- The public page: profile, logo, posts ---------------------------------------------------------


@requires("communication.manage")
@require_http_methods(["GET", "POST"])
def public_settings(request: HttpRequest, association_slug: str) -> HttpResponse:
    profile = selectors.public_profile()
    initial = (
        {f: getattr(profile, f) for f in ("object_ar", "object_fr", "contact_email", "contact_phone")}
        if profile
        else None
    )
    form = PublicProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.public_profile_save(actor=request.user, **form.cleaned_data)
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The public page is updated."))
            return redirect("communication:public_settings", association_slug=association_slug)
    return _settings_page(request, form=form)


def _settings_page(request, *, form=None, logo_form=None) -> HttpResponse:
    context = {
        "form": form or PublicProfileForm(),
        "logo_form": logo_form or UploadForm(),
        "logo": logos.logo_current(),
    }
    bad = bool((form and form.errors) or (logo_form and logo_form.errors))
    return render(request, "communication/public_settings.html", context, status=400 if bad else 200)


@requires("communication.manage")
@require_POST
def logo_upload(request: HttpRequest, association_slug: str) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            logos.logo_set(actor=request.user, upload=form.cleaned_data["file"])
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The logo is changed."))
            return redirect("communication:public_settings", association_slug=association_slug)
    profile = selectors.public_profile()
    initial = (
        {f: getattr(profile, f) for f in ("object_ar", "object_fr", "contact_email", "contact_phone")}
        if profile
        else None
    )
    return _settings_page(request, form=PublicProfileForm(initial=initial), logo_form=form)


@requires("communication.manage")
@require_POST
def logo_remove(request: HttpRequest, association_slug: str) -> HttpResponse:
    logos.logo_remove(actor=request.user)
    messages.success(request, _("The logo is removed."))
    return redirect("communication:public_settings", association_slug=association_slug)


@requires("communication.manage")
@require_GET
def post_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    page = Paginator(selectors.post_list(), 30).get_page(request.GET.get("page"))
    return render(request, "communication/post_list.html", {"page": page})


@requires("communication.manage")
@require_http_methods(["GET", "POST"])
def post_create(request: HttpRequest, association_slug: str) -> HttpResponse:
    return _post_form(request, association_slug, None)


@requires("communication.manage")
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, association_slug: str, post_id: int) -> HttpResponse:
    post = selectors.post_detail(post_id=post_id)
    if post is None:
        raise Http404
    return _post_form(request, association_slug, post)


def _post_form(request, association_slug: str, post) -> HttpResponse:
    initial = (
        {f: getattr(post, f) for f in ("kind", "happened_on", "title_ar", "body_ar", "title_fr", "body_fr")}
        if post
        else None
    )
    form = PostForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.post_save(
                actor=request.user, values=form.cleaned_data, post_id=post.pk if post else None
            )
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The post is saved."))
            return redirect("communication:post_edit", association_slug=association_slug, post_id=saved.pk)
    context = {"form": form, "post": post, "photo_form": PhotoForm()}
    return render(request, "communication/post_form.html", context, status=400 if form.errors else 200)


@requires("communication.manage")
@require_http_methods(["GET", "POST"])
def post_publish(request: HttpRequest, association_slug: str, post_id: int) -> HttpResponse:
    """Publishing makes the post public: a page says so first; taking it back is the same form."""
    post = selectors.post_detail(post_id=post_id)
    if post is None:
        raise Http404
    back = reverse(
        "communication:post_edit", kwargs={"association_slug": association_slug, "post_id": post.pk}
    )
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.post_publish(actor=request.user, post_id=post.pk, publish=not post.is_published)
        messages.success(
            request,
            _("The post is published.")
            if not post.is_published
            else _("The post is a draft again: it is no longer public."),
        )
        return redirect(back)
    context = {
        "post": post,
        "action_url": request.path,
        "cancel_url": back,
        "confirm_label": _("Take it back to draft") if post.is_published else _("Publish"),
    }
    return render(request, "communication/post_publish.html", context)


@requires("communication.manage")
@require_http_methods(["GET", "POST"])
def post_delete(request: HttpRequest, association_slug: str, post_id: int) -> HttpResponse:
    post = selectors.post_detail(post_id=post_id)
    if post is None:
        raise Http404
    back = reverse(
        "communication:post_edit", kwargs={"association_slug": association_slug, "post_id": post.pk}
    )
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.post_delete(actor=request.user, post_id=post.pk)
        messages.success(request, _("The post is deleted."))
        return redirect("communication:posts", association_slug=association_slug)
    context = {
        "post": post,
        "action_url": request.path,
        "cancel_url": back,
        "confirm_label": _("Delete the post"),
    }
    return render(request, "communication/post_delete.html", context)


@requires("communication.manage")
@require_POST
def post_photo_add(request: HttpRequest, association_slug: str, post_id: int) -> HttpResponse:
    post = selectors.post_detail(post_id=post_id)
    if post is None:
        raise Http404
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.post_photo_add(
                actor=request.user,
                post_id=post.pk,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
                consent_confirmed=form.cleaned_data["consent_confirmed"],
            )
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The photo is added."))
            return redirect("communication:post_edit", association_slug=association_slug, post_id=post.pk)
    initial = {
        f: getattr(post, f) for f in ("kind", "happened_on", "title_ar", "body_ar", "title_fr", "body_fr")
    }
    context = {"form": PostForm(initial=initial), "post": post, "photo_form": form}
    return render(request, "communication/post_form.html", context, status=400)


@requires("communication.manage")
@require_POST
def post_photo_delete(request: HttpRequest, association_slug: str, photo_id: int) -> HttpResponse:
    photo = selectors.photo_detail(photo_id=photo_id)
    if photo is None:
        raise Http404
    services.post_photo_delete(actor=request.user, photo_id=photo.pk)
    messages.success(request, _("The photo is removed."))
    return redirect("communication:post_edit", association_slug=association_slug, post_id=photo.post_id)


@requires("communication.manage")
@require_GET
def post_photo(request: HttpRequest, association_slug: str, photo_id: int) -> HttpResponse:
    """A photo of any post (drafts included), for the officers' preview."""
    photo = selectors.photo_detail(photo_id=photo_id)
    if photo is None:
        raise Http404
    response = serve_private_file(
        photo.file, download_name=f"photo-{photo.pk}.jpg", content_type="image/jpeg"
    )
    response["Content-Disposition"] = "inline"
    return response
