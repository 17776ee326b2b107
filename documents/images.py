"""Uploaded images (a logo, a photo of an activity): checked by content, decoded with Pillow (a file
that only starts like an image is refused), turned upright, stripped of their metadata (EXIF can
hold a location) and resized, so what is stored and served is small and harmless."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from associations.errors import WaslError
from documents.files import validate_upload

IMAGE_KINDS = {"png", "jpeg", "webp"}
MAX_PIXELS = 40_000_000  # decoded size refused above this (a small file can decode to gigabytes)


@dataclass(frozen=True)
class NormalisedImage:
    content: bytes
    extension: str  # "png" or "jpg"
    content_type: str
    width: int
    height: int


def image_normalise(upload, *, max_bytes: int, max_side: int, keep_transparency: bool) -> NormalisedImage:
    """Check an uploaded image and return it resized to fit `max_side` (PNG when transparency is
    kept, as logos need; JPEG otherwise). Raises WaslError (field "file") when it is not one."""
    validate_upload(upload, allowed=IMAGE_KINDS, max_bytes=max_bytes)
    upload.seek(0)
    not_an_image = WaslError(_("This file is not an image we can read (PNG, JPEG or WebP)."), field="file")
    try:
        with Image.open(upload) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise WaslError(_("This image is too large in pixels."), field="file", code="too_large")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as opened:
            image = ImageOps.exif_transpose(opened)
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise not_an_image from exc
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if keep_transparency:
        image = image.convert("RGBA") if image.mode not in ("RGBA", "RGB", "L", "LA") else image
        image.save(out, format="PNG", optimize=True)
        extension, content_type = "png", "image/png"
    else:
        if image.mode != "RGB":
            background = Image.new("RGB", image.size, (255, 255, 255))
            rgba = image.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            image = background
        image.save(out, format="JPEG", quality=78, optimize=True, progressive=True)
        extension, content_type = "jpg", "image/jpeg"
    return NormalisedImage(out.getvalue(), extension, content_type, image.width, image.height)
