"""Campaign posters: every QR code scans to its landing page with the contract's UTM
parameters, in the PNG, the SVG and the print PDF; landings that lead nowhere and
mislabelled results are French build errors; derived figures are computed."""

from __future__ import annotations

import io
import re
import shutil
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import ROOT, build_site
from PIL import Image

# Decoding is the point of these tests: a missing zbar must fail them, not skip them
# (libzbar0 is in .ci/run's apt_packages, pyzbar in the dev extra).
from pyzbar import pyzbar

PUBLIC = "https://venez-vivre.example.org"
DEMO_POSTERS = {
    # (campaign slug, poster number): landing, from content/campagnes/*.md
    ("automne-a-besancon", 1): "/territoires/grand-besancon/",
    ("automne-a-besancon", 2): "/territoires/grand-besancon/",
    ("automne-a-besancon", 3): "/territoires/grand-besancon/",
    ("teletravail-au-vert", 1): "/territoires/",
    ("teletravail-au-vert", 2): "/territoires/morvan/",
}


def decode(image: Image.Image) -> list[str]:
    return [symbol.data.decode("utf-8") for symbol in pyzbar.decode(image.convert("L"))]


def expected_url(slug: str, number: int, landing: str, base: str = PUBLIC) -> str:
    return (
        f"{base}{landing}?utm_source=affiche&utm_medium=print"
        f"&utm_campaign={slug}&utm_content={number}"
    )


def pdf_page(data: bytes) -> tuple[Image.Image, list[float]]:
    """The page image and MediaBox of a one-page PDF written by Pillow (a JPEG stream)."""
    box = re.search(rb"/MediaBox \[\s*([\d.\s]+)\]", data)
    start = data.index(b"\xff\xd8")  # JPEG start-of-image marker inside the stream
    end = data.index(b"endstream", start)
    image = Image.open(io.BytesIO(data[start:end]))
    image.load()
    return image, [float(v) for v in box.group(1).split()]


# -- the demo site ------------------------------------------------------------------------


@pytest.mark.parametrize(("slug", "number"), sorted(DEMO_POSTERS))
def test_each_demo_qr_png_scans_to_its_landing_with_utm(demo_site, slug, number):
    png = demo_site / "campagnes" / slug / f"affiche-{number}-qr.png"
    [url] = decode(Image.open(png))
    landing = DEMO_POSTERS[(slug, number)]
    assert url == expected_url(slug, number, landing)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "venez-vivre.example.org", landing)
    assert parse_qs(parts.query) == {
        "utm_source": ["affiche"],
        "utm_medium": ["print"],
        "utm_campaign": [slug],
        "utm_content": [str(number)],
    }
    # The landing page exists in the built site: the code leads somewhere.
    assert (demo_site / landing.lstrip("/") / "index.html").is_file()


def test_print_svg_holds_the_code_and_the_short_address(demo_site):
    svg = demo_site / "campagnes/automne-a-besancon/affiche-2-qr.svg"
    root = ET.fromstring(svg.read_bytes())
    ns = {"svg": "http://www.w3.org/2000/svg"}
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["venez-vivre.example.org/territoires/grand-besancon"]
    assert root.find("svg:desc", ns).text == expected_url(
        "automne-a-besancon", 2, "/territoires/grand-besancon/"
    )
    assert root.get("width").endswith("mm")  # a physical size the printer can use


@pytest.mark.browser
def test_print_svg_scans_once_rendered(demo_site, demo_url, browser):
    """Rasterise the vector file as a printer's RIP would, then decode it."""
    page = browser.new_page(viewport={"width": 600, "height": 800})
    page.goto(f"{demo_url}/404.html")  # same origin as the file, any page will do
    page.set_content(
        f'<img src="{demo_url}/campagnes/teletravail-au-vert/affiche-2-qr.svg" width="480">'
    )
    page.wait_for_function("document.images[0].complete && document.images[0].naturalWidth")
    shot = page.locator("img").screenshot()
    page.close()
    [url] = decode(Image.open(io.BytesIO(shot)))
    assert url == expected_url("teletravail-au-vert", 2, "/territoires/morvan/")


def test_print_pdf_is_an_a3_poster_at_300_dpi_whose_code_scans(demo_site):
    data = (demo_site / "campagnes/teletravail-au-vert/affiche-1-impression.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    image, box = pdf_page(data)
    assert image.size == (3508, 4961)  # 297 × 420 mm at 300 dpi
    assert box[2:] == pytest.approx([841.89, 1190.55], abs=0.5)  # A3 in points
    # The code sits in the bottom band; decode it at half resolution, as a phone would.
    band = image.crop((0, int(image.height * 0.74), image.width, image.height))
    band = band.resize((band.width // 2, band.height // 2))
    assert decode(band) == [expected_url("teletravail-au-vert", 1, "/territoires/")]


def test_campaign_page_shows_posters_codes_downloads_and_derived_figures(demo_site):
    html = (demo_site / "campagnes/automne-a-besancon/index.html").read_text(encoding="utf-8")
    for number in (1, 2, 3):
        for name in (f"affiche-{number}-qr.png", f"affiche-{number}-qr.svg"):
            assert f'href="/campagnes/automne-a-besancon/{name}"' in html
        assert f'src="/campagnes/automne-a-besancon/affiche-{number}-qr.png"' in html
        assert f'href="/campagnes/automne-a-besancon/affiche-{number}-impression.pdf"' in html
        assert f"QR code de l’affiche {number}, vers venez-vivre.example.org/" in html
    assert html.count("venez-vivre.example.org/territoires/grand-besancon</figcaption>") == 3
    # Poster images go through the image pipeline (derivatives, never the source).
    assert re.search(r'<img src="/images/autumn-[^"]+"', html)
    assert "images/autumn.jpg" not in html
    # Placements, channels, budget; cost per sign-up = 50 000 € ÷ 640 = 78,125 €.
    assert "Métro de Paris, ligne 14" in html and "6 octobre 2025" in html
    assert "Métro, Presse" in html
    assert "50\u202f000\u00a0€" in html or "50\u202f000 €" in html
    assert re.search(r"<dt>Coût par inscription</dt><dd>78 €</dd>", html)
    # No result is marked as new inhabitants in the demo: that cost is not invented.
    assert "Coût par nouvel habitant" not in html
    index = (demo_site / "campagnes/index.html").read_text(encoding="utf-8")
    assert re.search(r"<dt>Coût par inscription</dt><dd>32 €</dd>", index)  # 35 000 ÷ 1 100


# -- a small programme, built in a temporary folder -----------------------------------------

TERRITORY = """---
title: Grand Besançon
department: Doubs (25)
summary: Une capitale verte au bord du Doubs.
hero: images/path.jpg
hero_alt: Sentier dans une forêt
location: {lat: 47.24, lon: 6.02}
---
Texte.
"""

CAMPAIGN = """---
title: Printemps à Besançon
summary: Deux affiches dans le métro.
start: 2026-03-01
end: 2026-04-30
posters:
  - image: images/kite.jpg
    alt: Un cerf-volant
    caption: Plus de ciel
    landing: /territoires/grand-besancon/
  - image: images/path.jpg
    alt: Un sentier
    landing: /territoires/
budget_eur: 30000
results:
  - {label: Nouveaux habitants venus par la campagne, value: 120, kind: nouveaux-habitants}
  - {label: Inscriptions, value: 400, kind: inscriptions}
  - {label: Vues, value: 90000}
---
Texte.
"""


@pytest.fixture
def small_programme(tmp_path):
    content = tmp_path / "content"
    (content / "territoires").mkdir(parents=True)
    (content / "campagnes").mkdir()
    shutil.copytree(ROOT / "content" / "images", content / "images")
    (content / "territoires" / "grand-besancon.md").write_text(TERRITORY, encoding="utf-8")
    campaign = content / "campagnes" / "printemps.md"
    campaign.write_text(CAMPAIGN, encoding="utf-8")
    output = tmp_path / "output"

    def build(**overrides):
        settings = {
            "PATH": str(content),
            "POSTERS": {"public_url": PUBLIC, "cache_path": str(tmp_path / "cache")},
            # Only what campaigns need: a faster build than the whole demo stack.
            "PLUGINS": ["programme", "images", "posters", "charts"],
            **overrides,
        }
        return build_site(ROOT / "pelicanconf.py", output, **settings)

    return campaign, output, build


def test_derived_costs_are_computed_from_marked_results(small_programme):
    _campaign, output, build = small_programme
    result = build()
    assert result["ok"], result.get("report")
    html = (output / "campagnes/printemps/index.html").read_text(encoding="utf-8")
    assert "<dt>Coût par nouvel habitant</dt><dd>250 €</dd>" in html  # 30 000 ÷ 120
    assert "<dt>Coût par inscription</dt><dd>75 €</dd>" in html  # 30 000 ÷ 400
    assert "<dt>Vues</dt><dd>90\u202f000</dd>" in html


def test_published_siteurl_is_what_the_codes_encode(small_programme):
    _campaign, output, build = small_programme
    result = build(SITEURL="https://www.example.test")
    assert result["ok"], result.get("report")
    [url] = decode(Image.open(output / "campagnes/printemps/affiche-2-qr.png"))
    assert url == expected_url("printemps", 2, "/territoires/", "https://www.example.test")
    svg = (output / "campagnes/printemps/affiche-1-qr.svg").read_text(encoding="utf-8")
    assert ">www.example.test/territoires/grand-besancon</text>" in svg


def test_a_landing_missing_from_the_site_is_a_french_error(small_programme):
    campaign, output, build = small_programme
    text = campaign.read_text(encoding="utf-8")
    campaign.write_text(
        text.replace("landing: /territoires/grand-besancon/", "landing: /territoires/besancon/"),
        encoding="utf-8",
    )
    result = build()
    assert not result["ok"]
    assert not output.exists()  # nothing half-built is published
    [error] = result["errors"]
    assert error.startswith(
        "content/campagnes/printemps.md — champ « posters[1].landing » : la page "
        "« /territoires/besancon/ » n’existe pas dans le site"
    )
    assert error.endswith("Vouliez-vous dire « /territoires/grand-besancon/ » ?")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "value: 400, kind: inscriptions",
            "value: 400, kind: inscription",
            "champ « results[2].kind » : « inscription » n’est pas une valeur possible ; "
            "attendu : nouveaux-habitants, inscriptions. Vouliez-vous dire « inscriptions » ?",
        ),
        (
            "value: 400, kind: inscriptions",
            "value: 400, kind: nouveaux-habitants",
            "champ « results[2].kind » : le type « nouveaux-habitants » est déjà celui de "
            "results[1]",
        ),
        (
            "value: 120, kind: nouveaux-habitants",
            "value: environ 120, kind: nouveaux-habitants",
            "champ « results[1].value » : un résultat de type « nouveaux-habitants » est un "
            "nombre entier",
        ),
    ],
)
def test_mislabelled_results_are_french_errors(small_programme, old, new, message):
    campaign, _output, build = small_programme
    text = campaign.read_text(encoding="utf-8")
    assert old in text
    campaign.write_text(text.replace(old, new), encoding="utf-8")
    result = build()
    assert not result["ok"]
    assert any(
        e.startswith("content/campagnes/printemps.md — ") and message in e for e in result["errors"]
    ), result["errors"]


# -- pure helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "landing", "short"),
    [
        (
            "https://venez-vivre.example.org",
            "/territoires/morvan/",
            "venez-vivre.example.org/territoires/morvan",
        ),
        ("https://venez-vivre.example.org/", "/", "venez-vivre.example.org"),
        ("http://localhost:8000", "/inscription/?territoire=nevers", "localhost:8000/inscription"),
    ],
)
def test_short_url_is_host_and_path_without_tracking(base, landing, short):
    from venez_vivre.programme.models import Poster

    poster = Poster(1, "images/kite.jpg", "alt", None, landing, "printemps")
    assert poster.short_url(base) == short
    tracked = poster.tracked_url(base)
    assert tracked.startswith(base.rstrip("/") + landing)
    assert tracked.count("?") == 1 and "utm_content=1" in tracked


def test_print_file_is_cached_under_its_inputs(tmp_path, monkeypatch):
    from venez_vivre.posters import compose

    args = dict(
        source=ROOT / "content/images/kite.jpg",
        tracked_url=expected_url("x", 1, "/"),
        short_url="venez-vivre.example.org",
        headline="Plus de ciel",
        signature="Venez vivre",
        colors={"primary": "#7a1f3d"},
        size_mm=(105, 148),  # A6: small and fast
        dpi=150,
        cache=tmp_path,
    )
    first = compose.print_pdf(**args)
    image, _box = pdf_page(first)
    assert image.size == (620, 874)

    def must_not_render(*a, **k):
        raise AssertionError("rendered again although nothing changed")

    monkeypatch.setattr(compose, "_render_pdf", must_not_render)
    assert compose.print_pdf(**args) == first
    with pytest.raises(AssertionError):  # a changed input is a new file
        compose.print_pdf(**{**args, "headline": "Autre titre"})
