"""Territory maps drawn at build time as inline SVG: no tiles, no third-party script.

The programme's region is drawn from a bundled outline (setting `MAP["outline"]`: a
GeoJSON file of the region and its départements; the demo's is derived from Natural
Earth, public domain, by tools/derive_region_outline.py). Without an outline the
map falls back to a schematic: a soft hull around the territories. Paris is drawn
as the reference every visitor has in mind.

Projection: equirectangular, longitudes scaled by the cosine of the mid latitude —
exact enough at a region's scale, and a pure function of the coordinates.

Territory names are long ("Pays de Montbéliard Agglomération") and some territories
are close (Belfort and Montbéliard are 15 km apart): written on a 320 px map they
cannot all be legible without overlapping. So each territory is a numbered marker,
and the legend under the map (an ordered list of links) gives the names. Markers
that would overlap are nudged apart, with a leader line to their true place. Sizes
are in viewBox units chosen so that a number is about 12 px high on a 320 px phone.

The home page and the territories index draw every territory. A territory's own page
draws a locator: that territory and its nearest neighbours (setting `MAP["nearby"]`,
10 by default, so the demo's 11 territories all appear). A programme of 500
territories would otherwise put 500 markers and a 500-line legend on each of its 500
territory pages: pages of 350 KB, and a site growing with the square of its size.
Markers keep their number from the full map, and the legend its numbering.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

from jinja2 import pass_context
from markupsafe import Markup, escape

from .files import write_atomic

logger = logging.getLogger(__name__)

PARIS = ("Paris", 48.8566, 2.3522)
BUNDLED = Path(__file__).parent / "data"
WIDTH = 300  # viewBox width: drawn 288 px wide on a 320 px phone, so 1 unit ≈ 1 px
PAD = 12
FONT = 13  # marker numbers, in viewBox units (site.css sets the same on .map text)
RADIUS = 10  # markers: a 20 px disc holds a two-digit number and is easy to tap
# Centre-to-centre distance beyond two radii: each disc's white ring (site.css, 1 unit
# outside) and a visible gap, so that two markers never read as one (Belfort, Montbéliard).
MARKER_GAP = 6

NEARBY = 10
SPREAD_VERSION = 2  # change with _spread_markers: discards the markers kept on disk
MAP_KEYS = {"outline", "reference", "nearby"}


def map_settings(settings: dict) -> dict:
    """`MAP` checked, with its defaults: {"outline": path or bundled name, "reference":
    (name, lat, lon) or None, "nearby": neighbours drawn on a territory's page}."""
    conf = settings.get("MAP") or {}
    unknown = set(conf) - MAP_KEYS
    if unknown:
        raise ValueError(
            f"MAP: unknown key(s) {sorted(unknown)}; known: outline, reference, nearby"
        )
    nearby = conf.get("nearby", NEARBY)
    if not isinstance(nearby, int) or isinstance(nearby, bool) or nearby < 0:
        raise ValueError(f'MAP["nearby"]: a whole number of neighbours (0 or more), not {nearby!r}')
    outline = load_outline(conf["outline"]) if conf.get("outline") else None
    return {"outline": outline, "reference": conf.get("reference", PARIS), "nearby": nearby}


class MapDrawer:
    """The maps of one build: its settings, and what every page's map shares (the
    layout of the markers), computed once per build rather than once per page."""

    def __init__(self, settings: dict, cache: Path | None = None) -> None:
        conf = map_settings(settings)
        self.outline, self.reference, self.nearby = (
            conf["outline"],
            conf["reference"],
            conf["nearby"],
        )
        self.cache = cache
        self._last_places: tuple = (None, 0, ())  # the list last drawn (kept alive)
        self._layouts: dict = {}

    @staticmethod
    def check_settings(settings: dict) -> None:
        map_settings(settings)  # fail when Pelican starts, not on the first map

    def draw(self, territories, highlight=None, siteurl="", width=WIDTH, title=None):
        return _draw(self, territories, highlight, siteurl, width, title)

    def places(self, territories) -> tuple:
        """(slug, title, url, lat, lon) of each located territory. Every territory page
        passes the same list: computed once per build, not once per page (550 × 550 at
        50×). The list is held, so that its identity cannot be reused by another."""
        last, length, places = self._last_places
        if last is not territories or length != len(territories):
            places = tuple(
                (t.slug, t.title, t.url, t.location.lat, t.location.lon)
                for t in territories
                if t.location
            )
            self._last_places = (territories, len(territories), places)
        return places

    def layout(self, places, width, siteurl) -> _Layout:
        key = (places, width, siteurl)
        if key not in self._layouts:
            self._layouts[key] = _layout(
                places, width, siteurl, self.outline, self.reference, self.cache
            )
        return self._layouts[key]


@pass_context
def territory_map(context, territories, highlight=None, siteurl="", width=WIDTH, title=None):
    """The templates' map (Jinja global): drawn by this build's MapDrawer."""
    from .build import cache_dir, current

    build = current(context)
    drawer = build.state("map", lambda: MapDrawer(build.settings, cache_dir(build.settings, "map")))
    return drawer.draw(territories, highlight, siteurl, width, title)


def load_outline(name_or_path) -> dict:
    path = Path(name_or_path)
    if not path.is_file():
        path = BUNDLED / f"{name_or_path}.geojson"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in BUNDLED.glob("*.geojson")))
        raise ValueError(
            f'MAP["outline"]: no file {name_or_path!r} (bundled outlines: {known or "none"})'
        )
    data = json.loads(path.read_text(encoding="utf-8"))
    region, departments = [], []
    for feature in data.get("features", []):
        rings = _rings(feature["geometry"])
        kind = feature.get("properties", {}).get("kind")
        (departments if kind == "department" else region).extend(rings)
    return {"region": region, "departments": departments, "name": data.get("name")}


def _rings(geometry: dict) -> list[list[tuple[float, float]]]:
    """Outer rings as (lat, lon) lists; holes are not needed at this scale."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        return []
    return [[(lat, lon) for lon, lat in polygon[0]] for polygon in polygons]


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


# -- markers ------------------------------------------------------------------------------


def spread_markers(
    points: list[tuple[float, float]], width: float, height: float, folder: Path | None = None
):
    """Nudge markers that would overlap apart (pairwise repulsion), inside the frame.

    Returns the drawn positions, in order; a marker moved away from its place gets a
    leader line back to it. Deterministic: same input, same map.
    """
    # Every territory page draws the same markers: compute them once per build, not
    # once per page (bench/build_speed.py: 89 s of a 105 s warm build at 10x the demo),
    # and keep them on disk for the next build (a tenth of a second at 110 territories).
    points = tuple(tuple(p) for p in points)
    if folder is None:
        return list(_spread_markers(points, width, height))
    key = hashlib.sha256(repr((SPREAD_VERSION, RADIUS, MARKER_GAP, points, width, height)).encode())
    stored = Path(folder) / f"{key.hexdigest()}.json"
    try:
        return [tuple(p) for p in json.loads(stored.read_text(encoding="utf-8"))]
    except (OSError, ValueError):
        pass
    spread = _spread_markers(points, width, height)
    write_atomic(stored, json.dumps(spread).encode())
    for old in sorted(Path(folder).glob("*.json"), key=lambda p: p.stat().st_mtime)[:-8]:
        old.unlink(missing_ok=True)  # keep the few latest layouts
    return list(spread)


@functools.lru_cache(maxsize=16)
def _spread_markers(points, width, height):
    moved = [list(p) for p in points]
    minimum = 2 * RADIUS + MARKER_GAP
    for _ in range(200):
        clash = False
        # Only markers in neighbouring cells of a `minimum`-sized grid can overlap: this
        # keeps each pass linear instead of comparing every pair (550 territories).
        cells: dict[tuple[int, int], list[int]] = {}
        for index, (x, y) in enumerate(moved):
            cells.setdefault((int(x // minimum), int(y // minimum)), []).append(index)
        for i in range(len(moved)):
            cx, cy = int(moved[i][0] // minimum), int(moved[i][1] // minimum)
            near = sorted(
                j
                for gx in (cx - 1, cx, cx + 1)
                for gy in (cy - 1, cy, cy + 1)
                for j in cells.get((gx, gy), ())
                if j > i
            )
            for j in near:
                dx = moved[j][0] - moved[i][0]
                dy = moved[j][1] - moved[i][1]
                distance = math.hypot(dx, dy)
                if distance >= minimum:
                    continue
                clash = True
                if distance < 1e-6:  # same place: separate along a fixed direction
                    dx, dy, distance = 1.0, -1.0, math.sqrt(2)
                push = (minimum - distance) / 2 + 0.05
                ux, uy = dx / distance, dy / distance
                moved[i][0] -= ux * push
                moved[i][1] -= uy * push
                moved[j][0] += ux * push
                moved[j][1] += uy * push
        for m in moved:
            m[0] = min(max(m[0], RADIUS + 1), width - RADIUS - 1)
            m[1] = min(max(m[1], RADIUS + 1), height - RADIUS - 1)
        if not clash:
            break
    return tuple((round(x, 1), round(y, 1)) for x, y in moved)


# -- drawing --------------------------------------------------------------------------------


def _draw(drawer: MapDrawer, territories, highlight, siteurl, width, title):
    """An accessible SVG map and its legend; each marker and legend entry links to its
    territory's page. With `highlight`, a locator: that territory, lit, and its
    nearest neighbours."""
    places = drawer.places(territories)
    if not places:
        return ""
    layout = drawer.layout(places, width, siteurl)
    current_slug = highlight.slug if highlight is not None else None
    shown = range(len(places))
    if current_slug is not None and len(places) > drawer.nearby + 1:
        shown = _nearest(places, current_slug, drawer.nearby)
    if title:
        name = title
    elif highlight is None:
        name = "Carte des territoires du programme"
    elif len(shown) < len(places):
        name = f"Carte : {highlight.title} et les territoires les plus proches"
    else:
        name = f"Carte : {highlight.title} parmi les territoires du programme"
    key = current_slug or "all"
    parts = [
        f'<figure class="map-figure"><svg class="map" viewBox="0 0 {width} {layout.height}" '
        f'role="group" aria-labelledby="map-title-{key}">',
        f'<title id="map-title-{key}">{escape(name)}</title>',
        f"<desc>{layout.intro}{'; '.join(layout.places[i] for i in shown)}</desc>",
        layout.background,
    ]
    for i in shown:
        slug, href, label, body = layout.markers[i]
        current = slug == current_slug
        # The legend holds the same links: one Tab stop per territory, not two (the
        # marker stays a link for the mouse and for screen readers' list of links).
        parts.append(
            f'<a href="{href}" class="{"map-point is-current" if current else "map-point"}"'
            + (' aria-current="page"' if current else "")
            + f' aria-label="{label}" tabindex="-1">{body}</a>'
        )
    parts.append("</svg>")
    # The legend names what the numbers stand for: long names never crowd the map.
    parts.append('<figcaption><ol class="map-legend">')
    for i in shown:
        slug, href, title_html = layout.legend[i]
        current = ' aria-current="page"' if slug == current_slug else ""
        number = f' value="{i + 1}"' if len(shown) < len(places) else ""
        parts.append(f'<li{number}><a href="{href}"{current}>{title_html}</a></li>')
    parts.append("</ol></figcaption></figure>")
    return Markup("".join(parts))


def _nearest(places, slug: str, count: int) -> list[int]:
    """Indexes of the territory `slug` and its `count` nearest neighbours, in the full
    map's order (distance on the same projection as the map)."""
    index = next(i for i, place in enumerate(places) if place[0] == slug)
    lat0, lon0 = places[index][3], places[index][4]
    kx = math.cos(math.radians(lat0))
    distances = (
        ((lon - lon0) * kx) ** 2 + (lat - lat0) ** 2 for _slug, _title, _url, lat, lon in places
    )
    nearest = heapq.nsmallest(count + 1, zip(distances, range(len(places)), strict=True))
    others = [i for _d, i in nearest if i != index][:count]
    return sorted([index, *others])


@dataclass(frozen=True)
class _Layout:
    height: int
    intro: str  # the <desc> before the list of places
    places: tuple  # each place's entry in <desc>: "3. Dole (47.09 N, 5.49 E)"
    background: str  # outline and reference: the same on every page
    markers: tuple  # (slug, href, aria-label, inner SVG)
    legend: tuple  # (slug, href, title)


def _layout(places, width, siteurl, outline, reference, cache) -> _Layout:
    """Everything of the map that does not depend on the page it is drawn on, computed
    once per build (every territory page draws the same map with one marker lit)."""
    points = [(lat, lon) for _slug, _title, _url, lat, lon in places]
    if reference:
        points.append(tuple(reference[1:]))
    if outline:
        points += [p for ring in outline["region"] for p in ring]
    mid_lat = sum(p[0] for p in points) / len(points)
    kx = math.cos(math.radians(mid_lat))
    xs = [lon * kx for _lat, lon in points]
    ys = [-lat for lat, _lon in points]
    min_x, max_x, min_y, max_y = min(xs), max(xs), min(ys), max(ys)
    if not outline:  # the hull needs room around the outermost points
        min_x, max_x, min_y, max_y = min_x - 0.35, max_x + 0.35, min_y - 0.35, max_y + 0.35
    scale = (width - 2 * PAD) / max(max_x - min_x, 1e-6)
    height = round((max_y - min_y) * scale + 2 * PAD)

    def project(lat, lon):
        return round((lon * kx - min_x) * scale + PAD, 1), round((-lat - min_y) * scale + PAD, 1)

    where = f" en {outline['name']}" if outline and outline.get("name") else ""
    desc = f"Position des territoires{where}" + (
        f", et de {reference[0]} pour repère. " if reference else ". "
    )
    described = tuple(
        str(escape(f"{number}. {title} ({lat:.2f} N, {lon:.2f} E)"))
        for number, (_slug, title, _url, lat, lon) in enumerate(places, 1)
    )
    background = []
    if outline:
        for klass, rings in (
            ("map-area", outline["region"]),
            ("map-department", outline["departments"]),
        ):
            for ring in rings:
                coords = " ".join(f"{x},{y}" for x, y in (project(*p) for p in ring))
                background.append(
                    f'<polygon class="{klass}" points="{coords}" aria-hidden="true"/>'
                )
    else:
        hull = _hull([project(lat, lon) for _s, _t, _u, lat, lon in places])
        if len(hull) >= 3:
            coords = " ".join(f"{x},{y}" for x, y in hull)
            background.append(f'<polygon class="map-area" points="{coords}" aria-hidden="true"/>')
    if reference:
        rx, ry = project(*reference[1:])
        anchor, dx = ("start", 7) if rx < width / 2 else ("end", -7)
        background.append(
            f'<g class="map-paris" aria-hidden="true"><circle cx="{rx}" cy="{ry}" r="3.5"/>'
            f'<text x="{rx + dx}" y="{ry + FONT * 0.35}" text-anchor="{anchor}">'
            f"{escape(reference[0])}</text></g>"
        )
    true_places = [project(lat, lon) for _s, _t, _u, lat, lon in places]
    drawn = spread_markers(true_places, width, height, cache)
    markers, legend = [], []
    for number, ((slug, title, url, _lat, _lon), (x0, y0), (x, y)) in enumerate(
        zip(places, true_places, drawn, strict=True), 1
    ):
        leader = ""
        if math.hypot(x - x0, y - y0) > 2:  # nudged apart: show where it really is
            leader = (
                f'<line class="map-leader" x1="{x0}" y1="{y0}" x2="{x}" y2="{y}"/>'
                f'<circle class="map-spot" cx="{x0}" cy="{y0}" r="1.8"/>'
            )
        href = f"{escape(siteurl)}/{escape(url)}"
        body = (
            f'{leader}<circle cx="{x}" cy="{y}" r="{RADIUS}"/>'
            f'<text x="{x}" y="{round(y + FONT * 0.36, 1)}" text-anchor="middle">{number}</text>'
        )
        markers.append((slug, href, f"{number}. {escape(title)}", body))
        legend.append((slug, href, str(escape(title))))
    return _Layout(
        height, str(escape(desc)), described, "".join(background), tuple(markers), tuple(legend)
    )
