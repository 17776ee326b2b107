"""Serving a lesson's private file with HTTP range requests, so a phone can stream audio or video
and seek in it without downloading the whole file. Call only after checking scope and access."""

from __future__ import annotations

import re

from django.http import HttpResponse, StreamingHttpResponse

from documents.files import private_storage

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def _stream(handle, start: int, length: int):
    try:
        handle.seek(start)
        left = length
        while left > 0:
            block = handle.read(min(CHUNK, left))
            if not block:
                break
            left -= len(block)
            yield block
    finally:
        handle.close()


def serve_lesson_file(name: str, *, content_type: str, range_header: str | None, download_name: str):
    """200 with the whole file, 206 with the asked range, or 416 when the range is outside it."""
    storage = private_storage()
    size = storage.size(name)
    start, end = 0, size - 1
    partial = False
    match = _RANGE.match((range_header or "").strip())
    if match and (match.group(1) or match.group(2)):
        first, last = match.group(1), match.group(2)
        if first:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        else:  # a suffix: the last N bytes
            start = max(size - int(last), 0)
        if start >= size or start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        partial = True
    length = end - start + 1
    response = StreamingHttpResponse(
        _stream(storage.open(name, "rb"), start, length),
        status=206 if partial else 200,
        content_type=content_type,
    )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if partial:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Disposition"] = f'inline; filename="{download_name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
