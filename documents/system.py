"""What the documents service needs of the machine: WeasyPrint's system libraries."""

from __future__ import annotations

import importlib


def _make_a_pdf() -> bytes:
    weasyprint = importlib.import_module("weasyprint")  # loads Pango, HarfBuzz, fontconfig, GLib
    return weasyprint.HTML(string="<p>وصل Wasl</p>").write_pdf()


def pdf_libraries_problem() -> str:
    """Empty when a PDF can be made here; else what went wrong (a library that cannot be loaded)."""
    try:
        pdf = _make_a_pdf()
    except (OSError, ImportError) as exc:  # cffi's dlopen raises OSError naming the library
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return "" if pdf.startswith(b"%PDF") else "WeasyPrint made no PDF"
