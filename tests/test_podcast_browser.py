"""The podcast pages in headless Chromium: chapters and transcript times seek the player,
the feed address copies, all under a strict Content-Security-Policy."""

from __future__ import annotations

import pytest
from conftest import serve_directory

pytestmark = pytest.mark.browser
CSP = "default-src 'self'"
EPISODE = "/podcast/dijon-a-1-h-35-de-paris/"


@pytest.fixture(scope="module")
def podcast_url(demo_site):
    """The demo served by `make serve`'s server (tools/static_server.py): the player
    seeks through its byte ranges."""
    url, server = serve_directory(demo_site, {"Content-Security-Policy": CSP})
    yield url
    server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    yield page
    context.close()


def _audio_requests(page):
    requests = []
    page.on("request", lambda r: r.url.endswith(".mp3") and requests.append(r.url))
    return requests


def test_chapter_seeks_the_player(page, podcast_url):
    audio_requests = _audio_requests(page)
    page.goto(podcast_url + EPISODE)
    page.wait_for_load_state("networkidle")
    assert audio_requests == []  # preload="none": nothing downloaded before asked
    chapter = page.locator(".chapter-link").nth(2)
    start = float(chapter.get_attribute("data-start"))
    assert start > 30
    chapter.click()
    page.wait_for_function(
        f"() => document.querySelector('audio').currentTime >= {start}", timeout=15000
    )
    assert page.evaluate("document.querySelector('audio').currentTime") < start + 5
    assert page.url == podcast_url + EPISODE  # the link was not followed
    page.wait_for_function(
        "() => document.querySelectorAll('.chapter-link')[2]"
        ".getAttribute('aria-current') === 'true'"
    )
    assert page.locator(".chapter-link[aria-current]").count() == 1
    assert page.problems == []  # nothing blocked by the CSP, no script error


def test_transcript_time_seeks_the_player(page, podcast_url):
    page.goto(podcast_url + EPISODE)
    link = page.locator(".transcript-time").nth(3)
    start = float(link.get_attribute("data-start"))
    link.click()
    page.wait_for_function(
        f"() => document.querySelector('audio').currentTime >= {start}", timeout=15000
    )
    assert page.problems == []


def test_without_javascript_links_open_the_audio_at_that_time(browser, podcast_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(podcast_url + EPISODE)
    href = page.locator(".chapter-link").nth(1).get_attribute("href")
    start = page.locator(".chapter-link").nth(1).get_attribute("data-start")
    assert href.endswith(f".mp3#t={start}")
    page.goto(podcast_url + "/podcast/abonnement/")
    assert page.locator("button[data-copy]").is_hidden()  # nothing to click that fails
    assert page.locator("#feed-url").input_value().endswith("/podcast/feed.xml")
    context.close()


def test_copy_feed_address(browser, podcast_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(podcast_url + "/podcast/")
    # "Flux RSS" leads to a page for people, never to the feed's XML.
    page.get_by_role("link", name="Flux RSS").click()
    assert page.url == podcast_url + "/podcast/abonnement/"
    assert "flux RSS est l’adresse" in page.locator("main").inner_text()
    button = page.get_by_role("button", name="Copier l’adresse")
    # In the page's font, not the browser's default for buttons (Arial 13 px).
    assert button.evaluate("b => getComputedStyle(b).fontFamily") == page.evaluate(
        "getComputedStyle(document.body).fontFamily"
    )
    button.click()
    page.wait_for_function("() => document.querySelector('.copy-status').textContent !== ''")
    assert "Adresse copiée" in page.locator(".copy-status").text_content()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#feed-url").input_value()
    assert copied.endswith("/podcast/feed.xml") and copied.startswith("http")
    context.close()


def test_podcast_pages_show_what_listeners_need(demo_site):
    index = (demo_site / "podcast" / "index.html").read_text(encoding="utf-8")
    for label in ("Apple Podcasts", "Spotify", "Deezer", "Podcast Addict", "Flux RSS"):
        assert f">{label}</a>" in index
    assert 'href="/podcast/feed.xml"' not in index.split("</head>")[1]  # no raw XML for people
    subscribe = (demo_site / "podcast" / "abonnement" / "index.html").read_text(encoding="utf-8")
    for label in ("Apple Podcasts", "Spotify", "Deezer", "Podcast Addict"):
        assert f">{label}</a>" in subscribe
    assert 'id="feed-url" type="url" value="http://127.0.0.1:8000/podcast/feed.xml"' in subscribe
    episode = (demo_site / EPISODE.strip("/") / "index.html").read_text(encoding="utf-8")
    assert 'preload="none"' in episode
    # The transcript as a page, linked beside the .vtt file.
    assert f'href="{EPISODE}transcription/">Lire la transcription' in episode
    assert 'href="/transcripts/' in episode
    transcript = (demo_site / EPISODE.strip("/") / "transcription" / "index.html").read_text(
        encoding="utf-8"
    )
    assert '<strong class="speaker">Claire Moreau\u00a0:</strong>' in transcript
    assert f'href="{EPISODE}"' in transcript
    assert 'Durée</dt><dd><time datetime="PT1M23S">1 min 23 s</time>' in episode
    assert '<strong class="speaker">Claire Moreau\u00a0:</strong>' in episode  # transcript
    assert "Camille Roussel</span>, chargée d’accueil de Dijon Métropole" in episode
    assert 'href="/territoires/dijon-metropole/"' in episode
    assert 'rel="next"' in episode and 'rel="prev"' not in episode  # the first episode
    territory = (demo_site / "territoires" / "dijon-metropole" / "index.html").read_text(
        encoding="utf-8"
    )
    assert 'href="/podcast/dijon-a-1-h-35-de-paris/"' in territory
