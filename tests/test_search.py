"""Site search (/recherche/): the Pagefind index of the built demo, its French interface
in Chromium under the production Content-Security-Policy, and the plain list of links
without JavaScript."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import serve_directory
from venez_vivre.tools.publish import content_security_policy

ROOT = Path(__file__).resolve().parent.parent
DEV_SETTINGS = {"SIGNUP_ENDPOINT": "http://127.0.0.1:8001/inscriptions"}
# Records what the CSP blocks, before any of the page's own scripts run.
CSP_PROBE = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.fixture(scope="module")
def csp_url(demo_site):
    """The demo served with the Content-Security-Policy of deploy/ (and tools/publish.py)."""
    policy = content_security_policy(DEV_SETTINGS)
    url, server = serve_directory(demo_site, {"Content-Security-Policy": policy})
    yield url
    server.shutdown()


def open_page(browser, url, javascript=True):
    context = browser.new_context(java_script_enabled=javascript)
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.add_init_script(CSP_PROBE)
    page.goto(url, wait_until="load")
    return context, page, requests


def search(page, words: str) -> list[dict]:
    field = page.get_by_role("searchbox", name="Rechercher dans le site")
    field.fill(words)
    return results_for(page, words)


def results_for(page, words: str) -> list[dict]:
    # « N résultats pour <words> » once this search (not the previous one) is shown.
    # The status is written once every result of this search is on the page.
    page.locator(".search-status", has_text=words).wait_for(timeout=10_000)
    return page.eval_on_selector_all(
        ".search-result-link",
        "links => links.map(a => ({href: a.getAttribute('href'), text: a.textContent}))",
    )


def test_only_content_pages_are_indexed(demo_site):
    entry = json.loads((demo_site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert "fr" in entry["languages"]
    indexed = entry["languages"]["fr"]["page_count"]
    expected = (
        len(list((demo_site / "territoires").glob("*/index.html")))
        + len(list((demo_site / "temoignages").glob("*/index.html")))
        + len(list((demo_site / "podcast").glob("*/index.html")))
        + len(list((demo_site / "actualites").glob("*/index.html")))
        - 1  # /podcast/abonnement/, the subscribe page, is not an episode
    )
    assert indexed == expected


def test_search_page_lists_every_indexed_page_without_javascript(demo_site):
    html = (demo_site / "recherche" / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'<li><a href="([^"]+)">', html))
    for folder in ("territoires", "temoignages", "podcast", "actualites"):
        for page in (demo_site / folder).glob("*/index.html"):
            if page.parent.name == "abonnement":  # the podcast's subscribe page
                continue
            assert f"/{folder}/{page.parent.name}/" in links, page
    assert '<div id="recherche" class="search-ui" data-bundle="/pagefind/" hidden>' in html
    # Pagefind's search API loads only when a visitor searches.
    assert "pagefind.js" not in html and "pagefind-ui" not in html


@pytest.mark.browser
def test_search_finds_a_territory_in_french_under_the_csp(browser, csp_url):
    context, page, requests = open_page(browser, csp_url + "/recherche/")
    try:
        results = search(page, "Solutré")
        assert any(r["href"] == "/territoires/macon/" for r in results), results
        # The interface speaks French.
        assert "résultat" in page.locator(".search-status").inner_text()
        assert page.evaluate("window.__cspViolations") == []
        assert all(url.startswith(csp_url) for url in requests), requests
    finally:
        context.close()


def transcript_only_word(demo_site) -> tuple[str, str] | None:
    """A word said in an episode (its transcript) and written nowhere else on the site's
    indexed pages: (word, episode URL)."""
    candidates = []
    for transcript in sorted((ROOT / "content" / "transcripts").glob("*.vtt")):
        slug = transcript.stem
        page = demo_site / "podcast" / slug / "index.html"
        if not page.is_file():
            continue
        others = " ".join(
            p.read_text(encoding="utf-8").lower()
            for folder in ("territoires", "temoignages", "actualites", "podcast")
            for p in (demo_site / folder).glob("*/index.html")
            if p != page
        )
        shown = page.read_text(encoding="utf-8").lower()
        spoken = re.findall(r"[a-zàâçéèêëîïôûùüÿœ]{9,}", transcript.read_text("utf-8").lower())
        # Pagefind stems French words: long words whose first letters appear nowhere
        # else are the ones only this transcript can match.
        candidates += [
            (len(word), word, f"/podcast/{slug}/")
            for word in spoken
            if word[:6] not in others and word in shown
        ]
    return max(candidates)[1:] if candidates else None


@pytest.mark.browser
def test_search_reaches_testimonials_news_and_transcripts(browser, csp_url, demo_site):
    # /recherche/?q=… runs the search at once (the home page's SearchAction).
    context, page, _ = open_page(browser, csp_url + "/recherche/?q=infirmière")
    try:
        hrefs = [r["href"] for r in results_for(page, "infirmière")]
        assert "/temoignages/claire-infirmiere-a-dijon/" in hrefs
        news = search(page, "stand")
        assert any(r["href"] == "/actualites/salon-a-paris/" for r in news), news
        found = transcript_only_word(demo_site)
        assert found, "no episode page shows a word of its transcript"
        word, episode_url = found
        assert any(r["href"] == episode_url for r in search(page, word)), word
        assert page.evaluate("window.__cspViolations") == []
    finally:
        context.close()


@pytest.mark.browser
def test_without_javascript_the_list_of_links_remains(browser, csp_url):
    context, page, _ = open_page(browser, csp_url + "/recherche/", javascript=False)
    try:
        assert not page.locator("#recherche").is_visible()
        link = page.get_by_role("link", name="Mâconnais Beaujolais Agglomération")
        assert link.is_visible()
        link.click()
        assert page.url.endswith("/territoires/macon/")
    finally:
        context.close()


@pytest.mark.browser
def test_json_ld_is_data_the_csp_does_not_block(browser, csp_url):
    context, page, _ = open_page(browser, csp_url + "/territoires/macon/")
    try:
        data = page.eval_on_selector(
            'script[type="application/ld+json"]', "s => JSON.parse(s.textContent)"
        )
        assert any(o["@type"] == "Place" for o in data["@graph"])
        assert page.evaluate("window.__cspViolations") == []
    finally:
        context.close()


@pytest.mark.browser
def test_results_say_what_they_are_and_the_address_follows_the_search(browser, csp_url):
    context, page, _ = open_page(browser, csp_url + "/recherche/")
    try:
        search(page, "Solutré")
        hit = page.locator(".search-result", has=page.locator('a[href="/territoires/macon/"]'))
        assert hit.locator(".search-result-type").inner_text() == "Territoire"
        assert page.evaluate("location.search") == "?q=Solutr%C3%A9"
        search(page, "infirmière")
        hit = page.locator(
            ".search-result", has=page.locator('a[href="/temoignages/claire-infirmiere-a-dijon/"]')
        )
        assert hit.locator(".search-result-type").inner_text() == "Témoignage"
        # A new search replaces the address: reloading shows this search, not the first.
        assert page.evaluate("new URLSearchParams(location.search).get('q')") == "infirmière"
        page.reload()
        results_for(page, "infirmière")
        assert page.get_by_role("searchbox").input_value() == "infirmière"
    finally:
        context.close()


@pytest.mark.browser
def test_the_404_page_searches_the_site(browser, csp_url):
    context, page, _ = open_page(browser, csp_url + "/404.html")
    try:
        page.get_by_role("searchbox", name="Chercher ce que vous vouliez voir").fill("Solutré")
        page.get_by_role("button", name="Rechercher").click()
        page.wait_for_url("**/recherche/?q=*")
        assert any(r["href"] == "/territoires/macon/" for r in results_for(page, "Solutré"))
        assert page.evaluate("window.__cspViolations") == []
    finally:
        context.close()
