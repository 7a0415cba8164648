"""The territory map: drawn at build time from the bundled regional outline, each
territory a numbered marker linking to its page, legible and without overlaps on a
320 px phone, on the home page and the territories index."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from conftest import ROOT

DEMO_TERRITORIES = sorted(p.stem for p in (ROOT / "content/territoires").glob("*.md"))


def svg_of(html: str) -> str:
    return re.search(r'<svg class="map".*?</svg>', html, re.S).group(0)


def polygon(svg: str, klass: str) -> list[list[tuple[float, float]]]:
    return [
        [tuple(map(float, pair.split(","))) for pair in points.split()]
        for points in re.findall(rf'<polygon class="{klass}" points="([^"]+)"', svg)
    ]


def inside(point, ring) -> bool:
    """Ray casting: is the point inside the polygon ring?"""
    x, y = point
    result = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            result = not result
    return result


@pytest.mark.parametrize("path", ["index.html", "territoires/index.html"])
def test_map_on_home_and_index_links_every_territory(demo_site, path):
    html = (demo_site / path).read_text(encoding="utf-8")
    svg = svg_of(html)
    markers = re.findall(r'<a href="/territoires/([a-z0-9-]+)/" class="map-point"', svg)
    assert sorted(markers) == DEMO_TERRITORIES
    for slug in markers:
        assert (demo_site / "territoires" / slug / "index.html").is_file()
    # The legend gives the names in the markers' order, as links to the same pages.
    legend = re.search(r'<ol class="map-legend">(.*?)</ol>', html, re.S).group(1)
    assert re.findall(r'href="/territoires/([a-z0-9-]+)/"', legend) == markers
    # One Tab stop per territory: the markers are out of the Tab order, the legend in.
    focusable = re.findall(r'<a href="/territoires/[a-z0-9-]+/"[^>]*>', svg)
    assert all('tabindex="-1"' in a for a in focusable), focusable
    assert "tabindex" not in legend
    numbers = re.findall(r'text-anchor="middle">(\d+)</text>', svg)
    assert numbers == [str(n) for n in range(1, len(markers) + 1)]
    # No tiles, no script, no third-party request: only inline SVG.
    assert (
        "<img" not in svg
        and "<script" not in svg
        and "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )


def test_outline_is_the_region_and_every_territory_lies_inside_it(demo_site):
    svg = svg_of((demo_site / "territoires/index.html").read_text(encoding="utf-8"))
    [region] = polygon(svg, "map-area")
    assert len(region) > 100  # a real outline, not a hull of 11 points
    assert len(polygon(svg, "map-department")) == 8  # the region's 8 départements
    # The true place of each marker: its leader's spot if it was nudged apart.
    places = {}
    for marker in re.finditer(r'<a href="/territoires/([a-z0-9-]+)/" class="map-point.*?</a>', svg):
        spot = re.search(r'class="map-spot" cx="([\d.]+)" cy="([\d.]+)"', marker.group(0))
        disc = re.search(r'<circle cx="([\d.]+)" cy="([\d.]+)"', marker.group(0))
        places[marker.group(1)] = tuple(map(float, (spot or disc).groups()))
    assert sorted(places) == DEMO_TERRITORIES
    for slug, place in places.items():
        assert inside(place, region), slug


def test_bundled_outline_is_licensed_and_small():
    path = ROOT / "plugins/programme/data/bourgogne-franche-comte.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert "Natural Earth" in data["source"] and "Public domain" in data["license"]
    assert path.stat().st_size < 40_000


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", "/territoires/"])
def test_markers_do_not_overlap_and_stay_legible_at_320px(browser, demo_url, path):
    page = browser.new_page(viewport={"width": 320, "height": 800})
    page.goto(demo_url + path)
    markers = page.evaluate(
        """() => Array.from(document.querySelectorAll('.map .map-point')).map(a => {
             const c = a.querySelector(':scope > circle:not(.map-spot)').getBoundingClientRect();
             const t = a.querySelector('text');
             const tb = t.getBoundingClientRect();
             return {c: [c.left, c.top, c.width], t: [tb.left, tb.top, tb.right, tb.bottom],
                     size: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
                     name: a.getAttribute('aria-label')};
           })"""
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    page.close()
    assert len(markers) == len(DEMO_TERRITORIES)
    discs = []
    for marker in markers:
        left, top, diameter = marker["c"]
        r = diameter / 2
        cx, cy = left + r, top + r
        assert diameter >= 18, marker  # easy to see and to tap
        assert marker["size"] >= 11.5, marker  # the number stays legible
        tl, _top, tr, _bottom = marker["t"]
        assert cx - r <= tl and tr <= cx + r, marker  # the number fits in its disc
        assert left >= 0 and left + diameter <= 320, marker
        discs.append((cx, cy, r, marker["name"]))
    for i, (x1, y1, r1, n1) in enumerate(discs):
        for x2, y2, r2, n2 in discs[i + 1 :]:
            # Apart, white rings included, with a gap the eye sees.
            assert math.hypot(x2 - x1, y2 - y1) >= r1 + r2 + 3, (n1, n2)
    assert width <= 320


# -- pure functions -------------------------------------------------------------------------


def test_spread_markers_separates_clashing_markers_inside_the_frame():
    from venez_vivre.programme.maps import MARKER_GAP, RADIUS, spread_markers

    points = [(100.0, 100.0), (100.0, 100.0), (104.0, 98.0), (2.0, 2.0), (250.0, 40.0)]
    first = spread_markers(points, 300, 200)
    assert first == spread_markers(points, 300, 200)  # deterministic
    for i, (x1, y1) in enumerate(first):
        assert RADIUS <= x1 <= 300 - RADIUS and RADIUS <= y1 <= 200 - RADIUS
        for x2, y2 in first[i + 1 :]:
            assert math.hypot(x2 - x1, y2 - y1) >= 2 * RADIUS + MARKER_GAP - 0.1
    assert first[4] == (250.0, 40.0)  # a marker with room stays exactly in place


def test_without_outline_the_map_is_a_schematic_and_a_bad_outline_is_explained():
    from venez_vivre.programme import maps
    from venez_vivre.programme.models import Location

    class Place:
        def __init__(self, slug, lat, lon):
            self.slug, self.title, self.url = slug, slug.title(), f"territoires/{slug}/"
            self.location = Location(lat, lon)

    drawer = maps.MapDrawer({"MAP": {"reference": None}})
    svg = str(drawer.draw([Place("a", 47.3, 5.0), Place("b", 47.2, 6.0), Place("c", 46.3, 4.8)]))
    assert svg.count('class="map-area"') == 1 and "map-department" not in svg
    assert "map-paris" not in svg
    with pytest.raises(ValueError, match=r'MAP\["outline"\]: no file .nowhere.'):
        maps.MapDrawer({"MAP": {"outline": "nowhere"}})
    assert Path(maps.BUNDLED / "bourgogne-franche-comte.geojson").is_file()


def test_a_territory_page_of_a_large_programme_draws_a_locator_not_every_territory():
    from venez_vivre.programme import maps
    from venez_vivre.programme.models import Location

    class Place:
        def __init__(self, index):
            self.slug, self.title = f"t{index:02d}", f"Territoire {index}"
            self.url = f"territoires/{self.slug}/"
            # A line of territories from west to east, 0.1° apart.
            self.location = Location(47.0, 3.0 + index * 0.1)

    places = [Place(i) for i in range(40)]
    drawer = maps.MapDrawer({"MAP": {"outline": "bourgogne-franche-comte", "nearby": 4}})
    full = str(drawer.draw(places))
    locator = str(drawer.draw(places, places[20]))
    assert full.count('class="map-point') == 40
    # Territory 20 and its 4 nearest neighbours, with their numbers on the full map.
    shown = re.findall(r'href="/territoires/(t\d+)/" class="map-point', locator)
    assert shown == ["t18", "t19", "t20", "t21", "t22"]
    assert re.findall(r'text-anchor="middle">(\d+)</text>', locator) == [
        "19", "20", "21", "22", "23"
    ]  # fmt: skip
    assert re.findall(r'<li value="(\d+)">', locator) == ["19", "20", "21", "22", "23"]
    assert 'href="/territoires/t20/" class="map-point is-current" aria-current="page"' in (locator)
    assert "Territoire 20 et les territoires les plus proches" in locator
    assert "Territoire 35" not in locator  # not in the legend nor in the description
    assert len(locator) < len(full) / 2
    with pytest.raises(ValueError, match=r'MAP\["nearby"\]'):
        maps.MapDrawer({"MAP": {"nearby": -1}})
    with pytest.raises(ValueError, match="unknown key"):
        maps.MapDrawer({"MAP": {"neraby": 3}})


def test_the_demo_territory_page_still_shows_all_eleven_territories(demo_site):
    html = (demo_site / "territoires" / DEMO_TERRITORIES[0] / "index.html").read_text("utf-8")
    markers = re.findall(r'<a href="/territoires/([a-z0-9-]+)/" class="map-point', svg_of(html))
    assert sorted(markers) == DEMO_TERRITORIES
    assert "<li value=" not in html
