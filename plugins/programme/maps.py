"""Location maps drawn at build time as inline SVG: no tiles, no third-party script.

A clean schematic: the territories' points on an equirectangular projection
corrected for latitude, the programme's area as a soft hull around them, and Paris
as the reference every visitor has in mind.
"""

from __future__ import annotations

import math

from markupsafe import Markup, escape

PARIS = ("Paris", 48.8566, 2.3522)


def _hull(points):
    """Andrew's monotone chain convex hull."""
    points = sorted(set(points))
    if len(points) < 3:
        return points

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in points:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(points):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def territory_map(territories, highlight=None, siteurl="", width=360, title=None):
    """An accessible SVG map; each territory links to its page."""
    located = [t for t in territories if t.location]
    if not located:
        return ""
    places = [(t.location.lat, t.location.lon) for t in located] + [PARIS[1:]]
    mid_lat = sum(p[0] for p in places) / len(places)
    kx = math.cos(math.radians(mid_lat))
    xs = [lon * kx for _lat, lon in places]
    ys = [-lat for lat, _lon in places]
    pad = 0.35
    min_x, max_x, min_y, max_y = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
    scale = width / (max_x - min_x)
    height = round((max_y - min_y) * scale)

    def project(lat, lon):
        return round((lon * kx - min_x) * scale, 1), round((-lat - min_y) * scale, 1)

    hull = _hull([project(t.location.lat, t.location.lon) for t in located])
    name = title or (
        f"Carte : {highlight.title} parmi les territoires du programme"
        if highlight
        else "Carte des territoires du programme"
    )
    desc = "Position de chaque territoire, et de Paris pour repère. " + "; ".join(
        f"{t.title} ({t.location.lat:.2f} N, {t.location.lon:.2f} E)" for t in located
    )
    parts = [
        f'<svg class="map" viewBox="0 0 {width} {height}" role="group" '
        f'aria-labelledby="map-title-{id(highlight)}">',
        f'<title id="map-title-{id(highlight)}">{escape(name)}</title>',
        f"<desc>{escape(desc)}</desc>",
    ]
    if len(hull) >= 3:
        points = " ".join(f"{x},{y}" for x, y in hull)
        parts.append(f'<polygon class="map-area" points="{points}" aria-hidden="true"/>')
    px, py = project(*PARIS[1:])
    parts.append(
        f'<g class="map-paris" aria-hidden="true"><circle cx="{px}" cy="{py}" r="4"/>'
        f'<text x="{px + 7}" y="{py + 4}">Paris</text></g>'
    )
    for territory in located:
        x, y = project(territory.location.lat, territory.location.lon)
        current = territory is highlight
        klass = "map-point is-current" if current else "map-point"
        label = escape(territory.title)
        anchor = "end" if x > width * 0.7 else "start"
        dx = -8 if anchor == "end" else 8
        parts.append(
            f'<a href="{escape(siteurl)}/{escape(territory.url)}" class="{klass}"'
            + (' aria-current="page"' if current else "")
            + f'><circle cx="{x}" cy="{y}" r="{7 if current else 5}"/>'
            f'<text x="{x + dx}" y="{y + 4}" text-anchor="{anchor}">{label}</text></a>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
