"""The association's logo, for every page and document that shows it.

Uploaded once (`logo_set`: checked by content and decoded, resized to at most 512 px, stored as PNG
in the private storage), it is read by the public page (served by `communication`) and printed on
PDFs: `logo_data_uri()` gives what a PDF template puts in `<img src>` (the PDF fetcher reads only
static files, so the image travels inside the HTML). Member cards use it now; receipts,
certificates and minutes call the same helper.
"""

from __future__ import annotations

import base64
import hashlib
import io

from django.db import transaction
from django.utils import timezone
from PIL import Image

from associations.audit import audit_record
from associations.tenancy import scope_is_active
from documents.files import private_storage, save_private_file
from documents.images import image_normalise
from documents.models import AssociationLogo

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 512


def logo_current() -> AssociationLogo | None:
    """The current association's logo row, or None (also outside any association's scope, e.g. a
    PDF rendered for a preview: it then prints without a logo)."""
    if not scope_is_active():
        return None
    return AssociationLogo.objects.first()


def logo_bytes(logo: AssociationLogo | None = None) -> bytes | None:
    logo = logo or logo_current()
    if logo is None:
        return None
    try:
        with private_storage().open(logo.file, "rb") as handle:
            return handle.read()
    except OSError:
        return None  # a missing file must not break a page or a document


def logo_data_uri(*, max_side: int = 192) -> str:
    """The current association's logo as a data: URI for a PDF template ("" when it has none),
    made at most `max_side` pixels (a logo prints a few centimetres wide: a sheet of cards then
    carries a small image, not the full upload, on each card)."""
    content = logo_bytes()
    if not content:
        return ""
    try:
        with Image.open(io.BytesIO(content)) as image:
            if max(image.size) > max_side:
                image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
                out = io.BytesIO()
                image.save(out, format="PNG", optimize=True)
                content = out.getvalue()
    except OSError:
        return ""
    return "data:image/png;base64," + base64.b64encode(content).decode("ascii")


@transaction.atomic
def logo_set(*, actor, upload) -> AssociationLogo:
    """Replace the association's logo. A file that is not an image, or too large, raises WaslError
    and changes nothing."""
    image = image_normalise(upload, max_bytes=LOGO_MAX_BYTES, max_side=LOGO_MAX_SIDE, keep_transparency=True)
    name = save_private_file("logo", "logo.png", image.content)
    logo = AssociationLogo.objects.select_for_update().first()
    old = logo.file if logo else ""
    fields = {
        "file": name,
        "width": image.width,
        "height": image.height,
        "sha256": hashlib.sha256(image.content).hexdigest(),
        "updated_at": timezone.now(),
        "updated_by": actor if actor and actor.is_authenticated else None,
    }
    if logo is None:
        logo = AssociationLogo.objects.create(**fields)
    else:
        for key, value in fields.items():
            setattr(logo, key, value)
        logo.save(update_fields=list(fields))
    if old:
        transaction.on_commit(lambda: private_storage().delete(old))
    audit_record(actor=actor, action="documents.logo.set", target=logo, changes={"width": image.width})
    return logo


@transaction.atomic
def logo_remove(*, actor) -> bool:
    logo = AssociationLogo.objects.select_for_update().first()
    if logo is None:
        return False
    old = logo.file
    logo.delete()
    transaction.on_commit(lambda: private_storage().delete(old))
    audit_record(actor=actor, action="documents.logo.removed", changes={})
    return True
