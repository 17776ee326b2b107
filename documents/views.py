"""Officers' documents (/a/<slug>/documents/) and the public check (/verify/<token>)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations.decorators import requires
from associations.errors import NotFound, WaslError
from associations.forms import add_service_error
from documents import selectors, services
from documents.files import serve_private_file
from documents.forms import DocumentCancelForm
from documents.kinds import document_kind
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
@require_http_methods(["GET", "POST"])
def document_cancel(request: HttpRequest, association_slug: str, document_id: int) -> HttpResponse:
    """Cancel a document after a page that names it and says what cancelling does."""
    document = selectors.document_detail(document_id=document_id)
    if document is None:
        raise Http404
    if document.cancelled_at:
        messages.info(request, _("This document was already cancelled."))
        return redirect("documents:list", association_slug=association_slug)
    form = DocumentCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_cancel(
                actor=request.user, document_id=document.pk, reason=form.cleaned_data["reason"]
            )
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The document is cancelled; its verification page now says so."))
            return redirect("documents:list", association_slug=association_slug)
    context = {"document": document, "form": form, "subject": _document_subject(document)}
    return render(request, "documents/cancel_confirm.html", context, status=400 if form.errors else 200)


def _document_subject(document: Document) -> str:
    try:
        return document_kind(document.kind).subject(document.snapshot)
    except (KeyError, TypeError, AttributeError):  # a kind no longer issued, or an older snapshot
        return ""


@require_GET
def verify(request: HttpRequest, document_token: str) -> HttpResponse:
    """Public: is this document genuine? Shows kind, issuer, date, hash and cancellation only."""
    facts = selectors.document_for_verification(token=document_token)
    if facts is None:
        # Not a bare 404: the person holding a paper wants to know what this means for it.
        return render(request, "documents/verify.html", {"facts": None, "token": document_token}, status=404)
    return render(request, "documents/verify.html", {"facts": facts})
