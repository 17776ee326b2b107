"""The association's public page (/p/<slug>/), where its directory card leads: public facts,
logo, object and contact, a join button when its join form is open, and its published news and
activity reports. Light: no script of its own, small images loaded lazily, kept by the browser a
few minutes."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from associations.models import Association
from associations.tenancy import association_scope
from communication import selectors
from documents import logos
from documents.files import private_storage
from members.selectors import join_form_open

# The page carries the visitor's own menu and CSRF token: browsers may keep it a few minutes, shared
# caches may not. Images hold nothing of the visitor's: anyone may cache them for a day.
PUBLIC_CACHE = "private, max-age=300"
IMAGE_CACHE = "public, max-age=86400"


def _association_or_404(slug: str) -> Association:
    association = (
        Association.objects.select_related("region", "province", "sector")
        .filter(slug=slug, is_active=True)
        .first()
    )
    if association is None:
        raise Http404
    return association


def _shown(post) -> dict:
    """A post in the reader's language (Arabic for Arabic readers, French otherwise), or in the
    language it was written in."""
    language = "ar" if (translation.get_language() or "ar").startswith("ar") else "fr"
    title, body = post.title_in(language), post.body_in(language)
    written_in = (
        language
        if (post.title_ar if language == "ar" else post.title_fr)
        else ("fr" if language == "ar" else "ar")
    )
    return {"post": post, "title": title, "body": body, "lang": written_in, "photos": list(post.photos.all())}


def _open_graph(request, *, title: str, description: str, path: str, image_path: str = "", kind="website"):
    language = translation.get_language() or "ar"
    return {
        "title": title,
        "description": " ".join(description.split()),
        "url": request.build_absolute_uri(path),
        "image": request.build_absolute_uri(image_path) if image_path else "",
        "type": kind,
        "locale": {"ar": "ar_MA", "fr": "fr_MA"}.get(language[:2], "en_US"),
    }


def _cached(response: HttpResponse, value: str) -> HttpResponse:
    response["Cache-Control"] = value
    return response


@require_GET
def public_page(request: HttpRequest, association_slug: str) -> HttpResponse:
    association = _association_or_404(association_slug)
    with association_scope(association):
        page = Paginator(selectors.published_posts(), 10).get_page(request.GET.get("page"))
        context = {
            "association": association,
            "profile": selectors.public_profile(),
            "logo": logos.logo_current(),
            "join_open": join_form_open(),
            "page": page,
            "posts": [_shown(post) for post in page.object_list],
        }
        profile, logo = context["profile"], context["logo"]
        arabic = (translation.get_language() or "ar").startswith("ar")
        objects = (profile.object_ar, profile.object_fr) if profile else ("", "")
        context["og"] = _open_graph(
            request,
            title=association.display_name,
            description=(objects[0] or objects[1]) if arabic else (objects[1] or objects[0]),
            path=request.path,
            image_path=reverse("public:logo", kwargs={"association_slug": association.slug}) if logo else "",
        )
        response = render(request, "communication/public_page.html", context)
    return _cached(response, PUBLIC_CACHE)


@require_GET
def public_post(request: HttpRequest, association_slug: str, post_id: int) -> HttpResponse:
    association = _association_or_404(association_slug)
    with association_scope(association):
        post = selectors.published_post(post_id=post_id)  # a draft is not found
        if post is None:
            raise Http404
        shown, logo = _shown(post), logos.logo_current()
        slug = association.slug
        if shown["photos"]:
            image = reverse(
                "public:photo", kwargs={"association_slug": slug, "photo_id": shown["photos"][0].pk}
            )
        else:
            image = reverse("public:logo", kwargs={"association_slug": slug}) if logo else ""
        context = {
            "association": association,
            "shown": shown,
            "logo": logo,
            "og": _open_graph(
                request,
                title=shown["title"],
                description=shown["body"][:300],
                path=request.path,
                image_path=image,
                kind="article",
            ),
        }
        response = render(request, "communication/public_post.html", context)
    return _cached(response, PUBLIC_CACHE)


def _image(name: str, content_type: str) -> HttpResponse:
    try:
        with private_storage().open(name, "rb") as handle:
            content = handle.read()
    except OSError as exc:
        raise Http404 from exc
    response = HttpResponse(content, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return _cached(response, IMAGE_CACHE)


@require_GET
def public_photo(request: HttpRequest, association_slug: str, photo_id: int) -> HttpResponse:
    association = _association_or_404(association_slug)
    with association_scope(association):
        photo = selectors.published_photo(photo_id=photo_id)  # a draft's photo is not found
        if photo is None:
            raise Http404
        return _image(photo.file, "image/jpeg")


@require_GET
def public_logo(request: HttpRequest, association_slug: str) -> HttpResponse:
    association = _association_or_404(association_slug)
    with association_scope(association):
        logo = logos.logo_current()
        if logo is None:
            raise Http404
        return _image(logo.file, "image/png")
