"""Time to render a one-page document through the production path (documents.pdf.render_pdf:
WeasyPrint, bundled fonts, static-only fetcher, QR code), median and p95 over N runs, and memory.

    .venv/bin/python bench/pdf_render.py            # N=50, Arabic and French
"""

import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from documents.kinds import ASSOCIATION_CERTIFICATE  # noqa: E402
from documents.pdf import qr_png_data_uri, render_pdf, verify_url  # noqa: E402

N = int(os.environ.get("BENCH_N", "50"))

SNAPSHOT = {
    "association": {
        "name_ar": "جمعية الأمل للتنمية والتربية",
        "name_fr": "Association Al Amal pour le développement et l'éducation",
        "acronym": "AADE",
        "legal_status": "final",
        "final_receipt_number": "RF-2009-0481",
        "final_receipt_date": "2009-05-02",
        "provisional_receipt_number": "",
        "region_ar": "جهة الدار البيضاء سطات",
        "region_fr": "Casablanca-Settat",
        "province_ar": "الدار البيضاء",
        "province_fr": "Casablanca",
        "address": "12 rue Ibn Batouta, Casablanca",
        "founded_on": "2009-03-14",
    },
    "presidents": ["Fatima Zahra El Amrani"],
    "issued_on": "2026-11-29",
    "issuer": "Fatima Zahra El Amrani",
}


class FakeDocument:
    token = "bench-token-0123456789"
    title = "Certificate"


def render(language: str) -> bytes:
    url = verify_url(FakeDocument.token)
    context = {"document": FakeDocument, "snapshot": SNAPSHOT, "qr_src": qr_png_data_uri(url), "verify_url": url}
    return render_pdf(ASSOCIATION_CERTIFICATE.template, context, language=language)


def main() -> None:
    for language in ("ar", "fr"):
        render(language)  # warm-up: font loading, template compilation
        samples = []
        for _ in range(N):
            start = time.perf_counter()
            pdf = render(language)
            samples.append((time.perf_counter() - start) * 1000)
        # Memory measured on a separate run: tracemalloc slows rendering several times over.
        tracemalloc.start()
        render(language)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        samples.sort()
        p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
        print(
            f"{language}: {N} renders, median {statistics.median(samples):.0f} ms, p95 {p95:.0f} ms, "
            f"{len(pdf) / 1024:.0f} KiB per PDF, Python peak during one render {peak / 1024 / 1024:.1f} MiB"
        )
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS {maxrss:.0f} MiB")


if __name__ == "__main__":
    main()
