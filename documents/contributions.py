"""What the documents service brings to the seams (imported from DocumentsConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from associations import seams
from documents import audit_actions  # noqa: F401 - registers the sentences of its audit events

seams.register_nav_entry(
    seams.NavEntry(
        key="documents.list",
        label=_("Documents"),
        url_name="documents:list",
        capability="documents.view",
        order=50,
    )
)
