"""Officers' documents (/a/<slug>/documents/) and the public check (/verify/<token>)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from associations.decorators import requires
from associations.errors import NotFound, WaslError
from documents import selectors, services
from documents.files import serve_private_file
from documents.models import Document


@requires("documents.view")
@require_GET
def document_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    page = Paginator(selectors.document_list(), 50).get_page(request.GET.get("page"))
    return render(request, "documents/list.html", {"page": page})


@requires("documents.issue")
@require_POST
def certificate_issue(request: HttpRequest, association_slug: str) -> HttpResponse:
    services.association_certificate_issue(actor=request.user)
    messages.success(request, _("The certificate is issued; its PDF will be ready in a moment."))
    return redirect("documents:list", association_slug=association_slug)


@requires("documents.view")
@require_GET
def document_download(request: HttpRequest, association_slug: str, document_id: int) -> HttpResponse:
    document = Document.objects.filter(pk=document_id, status=Document.Status.READY).first()
    if document is None or not document.file:
        raise Http404
    return serve_private_file(
        document.file,
        download_name=f"{document.kind}-{document.token[:8]}.pdf",
        content_type="application/pdf",
    )


@requires("documents.issue")
@require_POST
def document_cancel(request: HttpRequest, association_slug: str, document_id: int) -> HttpResponse:
    try:
        services.document_cancel(
            actor=request.user, document_id=document_id, reason=request.POST.get("reason", "")
        )
    except NotFound as exc:
        raise Http404 from exc
    except WaslError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The document is cancelled; its verification page now says so."))
    return redirect("documents:list", association_slug=association_slug)


@require_GET
def verify(request: HttpRequest, document_token: str) -> HttpResponse:
    """Public: is this document genuine? Shows kind, issuer, date, hash and cancellation only."""
    facts = selectors.document_for_verification(token=document_token)
    if facts is None:
        raise Http404
    return render(request, "documents/verify.html", {"facts": facts})
