"""The demo site, built once, as a visitor sees it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import build_site
from tiny_site import tiny_settings, write_tiny_programme
from venez_vivre.programme import html_scan

ROOT = Path(__file__).resolve().parent.parent


def read(site: Path, path: str) -> str:
    target = site / path.strip("/")
    if target.is_dir() or path.endswith("/"):
        target = target / "index.html"
    return target.read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """The text a visitor reads (scripts and styles left out)."""
    # Collapse layout whitespace only: French numbers keep their narrow no-break spaces.
    return re.sub(r"[ \t\r\n]+", " ", html_scan.parse(html).get_text(" "))


def territory_slugs():
    return sorted(p.stem for p in (ROOT / "content" / "territoires").glob("*.md"))


def test_every_public_url_of_the_contract_exists(demo_site):
    for path in [
        "/",
        "/territoires/",
        "/temoignages/",
        "/campagnes/",
        "/podcast/",
        "/actualites/",
        "/chiffres-cles/",
        "/mentions-legales/",
        "/accessibilite/",
        "/donnees-personnelles/",
        "/credits-photos/",
        "/a-propos/",
    ]:
        assert '<html lang="fr">' in read(demo_site, path), path
    assert (demo_site / "404.html").is_file()
    for slug in territory_slugs():
        assert (demo_site / "territoires" / slug / "index.html").is_file()
    for source in (ROOT / "content" / "temoignages").glob("*.md"):
        assert (demo_site / "temoignages" / source.stem / "index.html").is_file()
    for source in (ROOT / "content" / "campagnes").glob("*.md"):
        assert (demo_site / "campagnes" / source.stem / "index.html").is_file()
    for source in (ROOT / "content" / "actualites").glob("*.md"):
        assert (demo_site / "actualites" / source.stem / "index.html").is_file()


def test_home_page_presents_the_programme(demo_site):
    html = read(demo_site, "/")
    text = text_of(html)
    assert "<h1" in html and "Venez vivre en Bourgogne-Franche-Comté" in text
    assert "Les territoires qui vous attendent" in text
    assert "Ils ont sauté le pas" in text
    assert "Le programme en chiffres" in text
    assert "12\u202f000" in text  # sign-ups in French number format
    assert html.count('class="card territory-card"') >= 6
    assert 'href="/inscription/"' in html
    assert '<a class="skip-link" href="#contenu">' in html
    assert '<main id="contenu"' in html


def test_territory_page_has_everything_a_visitor_needs(demo_site):
    html = read(demo_site, "/territoires/grand-besancon/")
    text = text_of(html)
    assert "<h1" in html and "Grand Besançon" in text
    assert "Doubs (25)" in text
    assert 'href="/inscription/?territoire=grand-besancon"' in html
    assert "Je veux m’installer ici" in text
    assert "Votre chargé d’accueil" in text
    assert "mailto:" in html
    assert "Opportunités" in text
    assert "Ils s’y sont installés" in text  # its testimonials
    # A static map drawn at build time, with an accessible name and no tiles.
    assert '<svg class="map"' in html and "<title" in html
    assert 'aria-current="page"' in html
    assert "tile" not in html.lower()


def test_territories_index_is_a_plain_list_and_a_filter(demo_site):
    html = read(demo_site, "/territoires/")
    assert html.count('class="card territory-card"') == len(territory_slugs())
    assert 'id="territory-filters"' in html  # shown where scripts run (test_visitor_layout)
    assert 'data-kind="metropole"' in html


def test_testimonial_page_shows_french_date_and_territory(demo_site):
    html = read(demo_site, "/temoignages/claire-infirmiere-a-dijon/")
    text = text_of(html)
    assert re.search(r"Publié le \d{1,2}(er)? [a-zéû]+ 20\d\d", text)
    assert 'href="/territoires/dijon-metropole/"' in html
    assert "Témoignage fictif" in text


def test_campaign_page_shows_posters_budget_and_results(demo_site):
    html = read(demo_site, "/campagnes/automne-a-besancon/")
    text = text_of(html)
    assert "50\u202f000 €" in text
    assert text.count("Affiche ") >= 3
    assert "Métro" in text and "Presse" in text


def test_key_figures_page_derives_costs(demo_site):
    text = text_of(read(demo_site, "/chiffres-cles/"))
    assert "250\u202f000 €" in text
    assert "Coût par personne installée" in text
    assert "667 €" in text  # 250 000 € / 375 settled, computed, never typed


def test_news_are_dated_in_french(demo_site):
    text = text_of(read(demo_site, "/actualites/"))
    assert re.search(
        r"\d{1,2}(er)? (janvier|février|mars|avril|mai|juin|juillet|août|"
        r"septembre|octobre|novembre|décembre) 20\d\d",
        text,
    )


def test_brand_comes_from_settings(demo_site):
    css = (demo_site / "theme" / "css" / "brand.css").read_text()
    assert "--primary: #7a1f3d;" in css


def test_no_third_party_url_in_any_page(demo_site):
    pattern = re.compile(r'(?:src|href|srcset|action)="(https?://[^"]+)"')
    for page in demo_site.rglob("*.html"):
        for url in pattern.findall(page.read_text(encoding="utf-8")):
            # Links a visitor follows are fine; nothing may be loaded from elsewhere.
            assert not re.search(
                r"<(?:img|script|link|source|iframe)[^>]+" + re.escape(url),
                page.read_text(encoding="utf-8"),
            ), (page, url)


@pytest.mark.parametrize("example", ["ville"])
def test_second_programme_builds_from_the_same_theme(tmp_path, example):
    from conftest import build_site

    result = build_site(ROOT / "examples" / example / "pelicanconf.py", tmp_path / "out")
    assert result["ok"], result.get("report")
    html = read(tmp_path / "out", "/")
    assert "Cap sur Chalon" in html
    assert "Venez vivre en Bourgogne" not in html
    assert "--primary: #0b5a6b;" in (tmp_path / "out" / "theme/css/brand.css").read_text()


def footer_phone(page: str) -> tuple[str, str]:
    link = html_scan.parse(page).find("footer").find("a", href=re.compile("^tel:"))
    return link["href"], link.get_text()


def test_footer_phone_link_dials_the_number(demo_site, tmp_path):
    assert footer_phone(read(demo_site, "/")) == ("tel:+33381000000", "03 81 00 00 00")
    # Written the international way, as a programme may (it rendered tel:+33+33…).
    content = write_tiny_programme(tmp_path / "content")
    settings = tiny_settings(content)
    brand = settings["BRAND"]
    settings["BRAND"] = {**brand, "contact": {**brand["contact"], "phone": "+33 3 38 10 00 00"}}
    result = build_site(ROOT / "pelicanconf.py", tmp_path / "output", **settings)
    assert result["ok"], result.get("report")
    page = read(tmp_path / "output", "/")
    assert footer_phone(page) == ("tel:+33338100000", "+33 3 38 10 00 00")
