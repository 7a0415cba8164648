"""Reach: JSON-LD, canonical URLs, meta descriptions, sitemap, robots.txt, and stable
URLs (redirects and the published-URL manifest), on the built demo and tiny sites."""

from __future__ import annotations

import html as html_module
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import build_site
from tiny_site import tiny_settings, write_tiny_programme
from venez_vivre.programme.errors import ErrorLog
from venez_vivre.seo import robots_txt, stable_urls, structured_data

ROOT = Path(__file__).resolve().parent.parent
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(page: Path) -> list[dict]:
    """The page's JSON-LD objects, flattened out of @graph."""
    found = JSON_LD.findall(page.read_text(encoding="utf-8"))
    assert len(found) == 1, f"{page}: expected one JSON-LD block, found {len(found)}"
    data = json.loads(found[0])
    assert data["@context"] == "https://schema.org"
    return data.get("@graph", [data])


def of_type(objects: list[dict], kind: str) -> dict:
    matches = [o for o in objects if o["@type"] == kind]
    assert matches, f"no {kind} in {[o['@type'] for o in objects]}"
    return matches[0]


def territory_pages(site: Path) -> list[Path]:
    return sorted(p for p in (site / "territoires").glob("*/index.html"))


# -- the demo site ---------------------------------------------------------------------
def test_every_territory_is_a_place_with_coordinates_and_breadcrumbs(demo_site):
    pages = territory_pages(demo_site)
    assert len(pages) >= 10
    for page in pages:
        objects = json_ld(page)
        place = of_type(objects, "Place")
        html = page.read_text(encoding="utf-8")
        assert place["name"] in html.replace("&#39;", "'")
        assert -90 <= place["geo"]["latitude"] <= 90 and -180 <= place["geo"]["longitude"] <= 180
        assert place["url"] == f"/territoires/{page.parent.name}/"
        crumbs = of_type(objects, "BreadcrumbList")["itemListElement"]
        assert [c["position"] for c in crumbs] == [1, 2, 3]
        assert [c["item"] for c in crumbs] == ["/", "/territoires/", place["url"]]


def test_testimonials_are_articles_about_their_territory(demo_site):
    pages = sorted((demo_site / "temoignages").glob("*/index.html"))
    assert pages
    for page in pages:
        article = of_type(json_ld(page), "Article")
        assert article["author"]["@type"] == "Person"
        assert article["about"]["@type"] == "Place"
        assert (demo_site / article["about"]["url"].lstrip("/") / "index.html").is_file()
        assert re.match(r"\d{4}-\d\d-\d\dT", article["datePublished"])


def test_home_page_names_the_organisation_and_its_search(demo_site):
    objects = json_ld(demo_site / "index.html")
    organisation = of_type(objects, "Organization")
    assert organisation["name"] == "Venez vivre en Bourgogne-Franche-Comté"
    assert organisation["email"] == "bonjour@venez-vivre.example.org"
    website = of_type(objects, "WebSite")
    assert website["potentialAction"]["target"].startswith("/recherche/?q=")


def test_podcast_pages_are_a_series_and_its_episodes(demo_site):
    of_type(json_ld(demo_site / "podcast" / "index.html"), "PodcastSeries")
    episodes = sorted(
        page
        for page in (demo_site / "podcast").glob("*/index.html")
        if page.parent.name != "abonnement"  # the subscribe page
    )
    assert episodes, "the demo's podcast episodes have no page"
    for page in episodes:
        episode = of_type(json_ld(page), "PodcastEpisode")
        assert episode["partOfSeries"]["url"] == "/podcast/"
        assert episode["associatedMedia"]["contentUrl"].startswith("/audio/")


def test_news_are_news_articles(demo_site):
    pages = sorted((demo_site / "actualites").glob("*/index.html"))
    assert pages
    for page in pages:
        assert of_type(json_ld(page), "NewsArticle")["headline"]


def test_description_on_every_page_and_no_relative_canonical(demo_site):
    for page in demo_site.rglob("index.html"):
        relative = page.parent.relative_to(demo_site).as_posix()
        html = page.read_text(encoding="utf-8")
        if stable_urls.REDIRECT_MARKER in html or relative.startswith(("pagefind", "admin")):
            continue
        # The demo's SITEURL is empty: a canonical address must be absolute, so none.
        assert 'rel="canonical"' not in html, page
        description = re.search(r'<meta name="description" content="([^"]*)"', html)
        assert description and len(description.group(1)) > 20, page
        assert '<html lang="fr">' in html


def test_territory_description_is_its_summary(demo_site):
    text = (ROOT / "content/territoires/macon.md").read_text(encoding="utf-8")
    summary = re.search(r'^summary: "(.*)"$', text, re.M).group(1)
    html = (demo_site / "territoires/macon/index.html").read_text(encoding="utf-8")
    description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
    assert html_module.unescape(description) == summary


def test_sitemap_lists_public_pages_only(demo_site):
    tree = ET.parse(demo_site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {loc.text for loc in tree.findall(".//s:loc", ns)}
    for page in territory_pages(demo_site):
        assert f"/territoires/{page.parent.name}/" in locations
    assert "/temoignages/claire-infirmiere-a-dijon/" in locations
    assert "/" in locations
    assert not any("404" in loc or loc.startswith("/recherche") for loc in locations)


def test_robots_txt():
    assert robots_txt("", ["/recherche/"]) == "User-agent: *\nDisallow: /recherche/\n"
    production = robots_txt("https://example.org/", [])
    assert production.splitlines() == [
        "User-agent: *",
        "Disallow:",
        "Sitemap: https://example.org/sitemap.xml",
    ]


def test_json_ld_cannot_close_its_script_element():
    tag = str(structured_data.script_tag([{"@type": "Thing", "name": "</script><b>x</b> & y"}]))
    assert tag.count("</script>") == 1 and "<b>" not in tag
    body = tag.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(body)["name"] == "</script><b>x</b> & y"


# -- stable URLs -----------------------------------------------------------------------
def test_redirect_file_mistakes_are_reported_in_french(tmp_path):
    source = tmp_path / "redirections.yml"
    source.write_text(
        "territoires/sans-slash/: /a/\n/b/: b-relatif\n/c/: /c/\n/ok/: /nouveau/\n",
        encoding="utf-8",
    )
    errors = ErrorLog()
    redirects = stable_urls.read_redirects(source, "content/data/redirections.yml", errors)
    assert redirects == {"/ok/": "/nouveau/"}
    messages = [str(e) for e in errors.errors]
    assert len(messages) == 3
    assert all(m.startswith("content/data/redirections.yml") for m in messages)
    assert "doit commencer par « / »" in messages[0]
    assert "vers elle-même" in messages[2]


def test_manifest_only_grows(tmp_path):
    manifest = tmp_path / "urls-publiees.txt"
    assert stable_urls.write_manifest(manifest, {"/a/", "/b/"}) == ["/a/", "/b/"]
    assert stable_urls.write_manifest(manifest, {"/b/", "/c/"}) == ["/c/"]
    assert stable_urls.read_manifest(manifest) == ["/a/", "/b/", "/c/"]
    assert manifest.read_text(encoding="utf-8").startswith("# ")


@pytest.fixture
def tiny_content(tmp_path):
    content = write_tiny_programme(tmp_path / "content")
    return content, {**tiny_settings(content), "SEARCH": {"index": False}}


def test_renamed_page_keeps_its_old_address(tiny_content, tmp_path):
    _content, settings = tiny_content
    output = tmp_path / "output"
    result = build_site(ROOT / "pelicanconf.py", output, **settings)
    assert result["ok"], result.get("report")
    page = (output / "territoires/ancien-alpha/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=/territoires/val-d-alpha/">' in page
    assert '<a href="/territoires/val-d-alpha/">' in page
    assert "/territoires/ancien-alpha/ /territoires/val-d-alpha/ 301" in (
        output / "_redirects"
    ).read_text(encoding="utf-8")
    nginx_map = (output / "_redirects.nginx").read_text(encoding="utf-8")
    assert '"/territoires/ancien-alpha/" "/territoires/val-d-alpha/";' in nginx_map
    # A redirect page is not a page of its own: neither in the sitemap nor in search.
    assert "ancien-alpha" not in (output / "sitemap.xml").read_text(encoding="utf-8")


def test_build_fails_when_a_published_address_disappears(tiny_content, tmp_path):
    content, settings = tiny_content
    (content / "urls-publiees.txt").write_text(
        "/territoires/val-d-alpha/\n/temoignages/zoe-au-bord-du-lac/\n", encoding="utf-8"
    )
    # The editor renames the testimonial's file and forgets the redirect.
    (content / "temoignages/zoe-au-bord-du-lac.md").rename(content / "temoignages/zoe.md")
    output = tmp_path / "output"
    output.mkdir()
    (output / "previous.html").write_text("last good build", encoding="utf-8")
    result = build_site(ROOT / "pelicanconf.py", output, **settings)
    assert not result["ok"]
    assert (output / "previous.html").is_file()  # the last good build is untouched
    [error] = [e for e in result["errors"] if "urls-publiees.txt" in e]
    assert "/temoignages/zoe-au-bord-du-lac/ a déjà été publiée" in error
    assert "redirections.yml" in error
    assert "Vouliez-vous dire « /temoignages/zoe/ » ?" in error

    # Adding the redirect fixes the build.
    (content / "data/redirections.yml").write_text(
        "/temoignages/zoe-au-bord-du-lac/: /temoignages/zoe/\n", encoding="utf-8"
    )
    result = build_site(ROOT / "pelicanconf.py", output, **settings)
    assert result["ok"], result.get("report")
    assert (output / "temoignages/zoe-au-bord-du-lac/index.html").is_file()


def test_redirect_to_a_missing_page_is_an_error(tiny_content, tmp_path):
    content, settings = tiny_content
    (content / "data/redirections.yml").write_text(
        "/territoires/ancien-alpha/: /territoires/val-dalpha/\n", encoding="utf-8"
    )
    result = build_site(ROOT / "pelicanconf.py", tmp_path / "output", **settings)
    assert not result["ok"]
    [error] = [e for e in result["errors"] if "n’existe pas sur le site" in e]
    assert "redirections.yml — champ « /territoires/ancien-alpha/ »" in error
    assert "« /territoires/val-dalpha/ » n’existe pas" in error
    assert "Vouliez-vous dire « /territoires/val-d-alpha/ » ?" in error
    # The old address is published (manifest) and now kept by nothing: said too.
    assert any("/territoires/ancien-alpha/ a déjà été publiée" in e for e in result["errors"])


def test_sitemap_dates_pages_by_their_content_not_by_the_build(demo_site):
    """Each testimonial by its date, a territory by its newest testimonial or episode,
    the other pages by the programme's newest date: never the day of the build."""
    import datetime as dt

    import yaml

    tree = ET.parse(demo_site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    lastmod = {
        url.find("s:loc", ns).text: url.find("s:lastmod", ns).text[:10]
        for url in tree.getroot().findall("s:url", ns)
    }
    today = dt.date.today().isoformat()
    assert today not in lastmod.values() or today == max(lastmod.values())
    dates, by_territory = {}, {}
    for folder in ("temoignages", "podcast"):
        for source in (ROOT / "content" / folder).glob("*.md"):
            meta = yaml.safe_load(source.read_text(encoding="utf-8").split("---")[1])
            if meta.get("status") == "draft":
                continue
            day = str(meta.get("modified") or meta["date"])[:10]
            dates[f"/{folder}/{source.stem}/"] = day
            if meta.get("territory"):
                by_territory.setdefault(meta["territory"], []).append(day)
    for url, day in dates.items():
        if url in lastmod:  # episodes and testimonials published under their file name
            assert lastmod[url] == day, url
    for territory, days in by_territory.items():
        assert lastmod[f"/territoires/{territory}/"] == max(days), territory
    newest = max(lastmod.values())
    assert lastmod["/"] == lastmod["/temoignages/"] == lastmod["/mentions-legales/"] == newest


def test_sitemap_is_written_after_a_failed_build(tiny_content, tmp_path):
    content, settings = tiny_content
    broken = content / "temoignages" / "sans-territoire.md"
    broken.write_text("---\ntitle: Sans territoire\n---\n\nTexte.\n", encoding="utf-8")
    assert not build_site(ROOT / "pelicanconf.py", tmp_path / "failed", **settings)["ok"]
    broken.unlink()
    result = build_site(ROOT / "pelicanconf.py", tmp_path / "output", **settings)
    assert result["ok"], result.get("report")
    assert "/territoires/val-d-alpha/" in (tmp_path / "output" / "sitemap.xml").read_text("utf-8")


def test_published_pages_have_an_absolute_canonical_address(published_site):
    output, _ = published_site
    pages = [
        p
        for p in output.rglob("index.html")
        if not p.parent.name.startswith("pagefind")
        and p.parent.relative_to(output).parts[:1] != ("admin",)  # the editor, not a page
    ]
    checked = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        if stable_urls.REDIRECT_MARKER in html:
            continue
        relative = page.parent.relative_to(output).as_posix()
        expected = "https://venez-vivre.example.org/" + ("" if relative == "." else f"{relative}/")
        assert f'<link rel="canonical" href="{expected}">' in html, page
        checked += 1
    assert checked > 3
