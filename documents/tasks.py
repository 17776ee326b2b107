from celery import shared_task

from associations.tasks import TenantTask
from documents.services import document_render as render_service


@shared_task(base=TenantTask, name="documents.render")
def document_render(*, association_id: int, document_id: int) -> str:
    """Render one document's PDF after its issue committed. Safe to run twice."""
    return render_service(document_id=document_id).status
