import logging

from celery import shared_task

from associations.tenancy import association_scope
from documents.models import Document
from documents.services import document_render as render_service

logger = logging.getLogger(__name__)


@shared_task(name="documents.render")
def document_render(*, association_id: int, document_id: int) -> str:
    """Render one document's PDF after its issue committed. Safe to run twice.

    Not a TenantTask: a failed rendering rolls its own transaction back, so the failure is then
    recorded in a second, short scope (and shown to officers) instead of being lost with it."""
    try:
        with association_scope(association_id):
            return render_service(document_id=document_id).status
    except Exception as exc:
        logger.exception("Rendering document %s failed", document_id)
        with association_scope(association_id):
            Document.objects.filter(pk=document_id).exclude(status=Document.Status.READY).update(
                status=Document.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
            )
        return Document.Status.FAILED
