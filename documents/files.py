"""Private files: stored through Django's storage API ("private" storage: disk by default, any
S3-compatible service by settings) and served only by views that have checked the scope and the
capability. Uploads are checked by content (not by name) and by size."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from associations.errors import WaslError
from associations.tenancy import current_association_id


def private_storage():
    return storages["private"]


def tenant_file_path(folder: str, filename: str) -> str:
    """associations/<id>/<folder>/<random>-<name>: the association is part of every path."""
    safe = get_valid_filename(filename)[-80:] or "file"
    return f"associations/{current_association_id()}/{folder}/{uuid.uuid4().hex}-{safe}"


def save_private_file(folder: str, filename: str, content: bytes) -> str:
    return private_storage().save(tenant_file_path(folder, filename), ContentFile(content))


def save_platform_private_file(folder: str, filename: str, content: bytes) -> str:
    """platform/<folder>/<random>-<name>: a private file that belongs to no association (the
    platform's own content). Served, like every private file, only by a view that checked access."""
    safe = get_valid_filename(filename)[-80:] or "file"
    name = f"platform/{folder}/{uuid.uuid4().hex}-{safe}"
    return private_storage().save(name, ContentFile(content))


def serve_private_file(name: str, *, download_name: str, content_type: str | None = None) -> FileResponse:
    """Stream a private file as an attachment. Call only after checking scope and capability."""
    response = FileResponse(
        private_storage().open(name, "rb"),
        as_attachment=True,
        filename=download_name,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# What an upload may be, recognised from its first bytes (and, for text, from being text).
UPLOAD_KINDS = {
    "pdf": ("application/pdf",),
    "png": ("image/png",),
    "jpeg": ("image/jpeg",),
    "webp": ("image/webp",),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
    "csv": ("text/csv",),
}


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    mime: str
    size: int


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _looks_like_text(head: bytes) -> bool:
    """Delimited text: decodes (UTF-8, or the Windows code pages Moroccan spreadsheets use), has no
    control characters, and is not markup (HTML or SVG can carry scripts)."""
    if not head.strip():
        return False
    for encoding in ("utf-8", "cp1256", "cp1252"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" and len(head) == 8192:
            pass  # a multi-byte character cut at the end would have raised; nothing to do
        return not _CONTROL_CHARACTERS.search(text) and not text.lstrip("\ufeff \t\r\n").startswith("<")
    return False


def validate_upload(uploaded, *, allowed: set[str], max_bytes: int | None = None) -> CheckedUpload:
    """Refuse an upload that is too large or whose content is not one of `allowed` kinds."""
    limit = max_bytes or settings.WASL_UPLOAD_MAX_BYTES
    if uploaded.size > limit:
        raise WaslError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
            field="file",
            code="too_large",
        )
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    guess = filetype.guess(head)
    if guess is not None:
        kind = {"jpg": "jpeg"}.get(guess.extension, guess.extension)
        mime = guess.mime
    elif _looks_like_text(head):
        kind, mime = "csv", "text/csv"
    else:
        kind, mime = "", "application/octet-stream"
    if kind not in allowed:
        names = ", ".join(sorted(k.upper() for k in allowed))
        raise WaslError(
            _("This file's content is not an accepted type (accepted: %(types)s).") % {"types": names},
            field="file",
            code="bad_type",
        )
    return CheckedUpload(kind=kind, mime=UPLOAD_KINDS.get(kind, (mime,))[0], size=uploaded.size)
