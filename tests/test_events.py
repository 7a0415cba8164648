"""Events (/evenements/): pages, JSON-LD, calendar files parsed back with icalendar,
validation errors, and the browser hiding an event that ended since the build."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, build_site, serve_directory
from icalendar import Calendar

# Imported at collection, before any build: axe's script is read with the locale's
# encoding, which a build changes (see test_signup_browser.py).
from playwright.sync_api import expect
from test_signup_endpoints import CaptureEndpoint, fill_form, send
from tiny_site import tiny_settings, write_tiny_programme

PARIS = ZoneInfo("Europe/Paris")
NOW = "2026-06-01 12:00"  # the build's "today" (EVENTS_NOW)

WEEKEND = """---
title: Week-end découverte au Val d'Alpha
summary: "Deux jours pour visiter des maisons et rencontrer des employeurs."
kind: week-end-decouverte
start: 2026-09-12 10:00
end: 2026-09-13 17:00
place:
  name: Maison du lac
  address: 1 rue du Lac, 25000 Alpha
  lat: 47.2
  lon: 6.0
territories: [val-d-alpha]
capacity: 20
---

Programme du week-end.
"""
SALON = """---
title: Salon à Paris
summary: "Notre stand au salon."
kind: salon
start: 2026-07-04 10:00
end: 2026-07-04 18:00
place:
  name: Parc des expositions
  address: "1 place de la Porte de Versailles, 75015 Paris"
  lat: 48.83
  lon: 2.29
registration: https://example.org/billetterie
full: true
---
"""
WEBINAR = """---
title: Webinaire télétravail
summary: "Une heure de questions."
kind: webinaire
start: 2026-06-20 18:30
end: 2026-06-20 19:30
online_url: https://visio.example.org/teletravail
price_eur: 0
---
"""
PAST = """---
title: Job dating passé
summary: "C'était au printemps."
kind: job-dating
start: 2026-03-10 14:00
end: 2026-03-10 19:00
place: {name: Salle des fêtes, address: "2 place de la Mairie, 25000 Alpha", lat: 47.2, lon: 6.0}
territories: [val-d-alpha]
---
"""
EVENTS = {
    "week-end-alpha": WEEKEND,
    "salon-paris": SALON,
    "webinaire": WEBINAR,
    "job-dating": PAST,
}


def write_events(content: Path, events=EVENTS) -> None:
    folder = content / "evenements"
    folder.mkdir(parents=True, exist_ok=True)
    for slug, text in events.items():
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")


def build(base: Path, image_cache: Path, **overrides):
    content = base / "content"
    settings = {**tiny_settings(content, image_cache), "EVENTS_NOW": NOW, **overrides}
    return build_site(ROOT / "pelicanconf.py", base / "output", **settings)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("events")
    write_tiny_programme(base / "content")
    write_events(base / "content")
    cache = tmp_path_factory.getbasetemp() / "tiny-image-cache"
    result = build(base, cache)
    assert result["ok"], result.get("report")
    return base, cache


def html(site, path: str) -> BeautifulSoup:
    base, _ = site
    return BeautifulSoup((base / "output" / path).read_text(encoding="utf-8"), "html.parser")


def calendar(site, path: str) -> Calendar:
    base, _ = site
    return Calendar.from_ical((base / "output" / path).read_bytes())


def test_index_lists_upcoming_soonest_first_then_past(site):
    page = html(site, "evenements/index.html")
    upcoming = [a.get_text() for a in page.select("#events-upcoming .card-title a")]
    assert upcoming == [
        "Webinaire télétravail",
        "Salon à Paris",
        "Week-end découverte au Val d'Alpha",
    ]
    past = page.find("h2", string="Passés").find_next("div")
    assert [a.get_text() for a in past.select(".card-title a")] == ["Job dating passé"]
    # The past card carries no end date: the browser never has to hide it.
    assert past.select_one(".event-card").get("data-event-end") is None
    assert page.select_one('a[href="/evenements/calendrier.ics"]')


def test_event_page_in_french_with_registration_and_calendar(site):
    page = html(site, "evenements/week-end-alpha/index.html")
    facts = page.select_one(".event-facts").get_text(" ", strip=True)
    assert (
        "du samedi 12 septembre 2026 à 10\u00a0h au dimanche 13 septembre 2026 à 17\u00a0h" in facts
    )
    assert "Maison du lac" in facts and "1 rue du Lac, 25000 Alpha" in facts
    assert "Gratuit" in facts and "20" in facts
    register = page.find("a", string="Je m’inscris à cet événement")
    assert register["href"] == "/inscription/?evenement=week-end-alpha"
    ics = page.find("a", string="Ajouter à mon agenda")
    assert ics["href"] == "/evenements/week-end-alpha/week-end-alpha.ics"
    assert page.select_one("article.event")["data-event-end"] == "2026-09-13T17:00:00+02:00"


def test_full_event_with_external_registration_and_webinar(site):
    salon = html(site, "evenements/salon-paris/index.html")
    assert "complet" in salon.select_one(".event-facts").get_text().lower()
    assert salon.find("a", string="Je m’inscris à cet événement")["href"] == (
        "https://example.org/billetterie"
    )
    webinar = html(site, "evenements/webinaire/index.html")
    facts = webinar.select_one(".event-facts").get_text(" ", strip=True)
    assert "samedi 20 juin 2026, de 18\u00a0h\u00a030 à 19\u00a0h\u00a030" in facts
    assert webinar.select_one('a[href="https://visio.example.org/teletravail"]')
    past = html(site, "evenements/job-dating/index.html")
    assert not past.select(".event-actions")  # no registration for a past event
    assert past.select_one(".event-past-note").get("hidden") is None


def _json_ld(page: BeautifulSoup) -> list[dict]:
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    return data["@graph"]


def test_structured_data(site):
    weekend = next(o for o in _json_ld(html(site, "evenements/week-end-alpha/index.html")))
    assert weekend["@type"] == "Event"
    assert weekend["startDate"] == "2026-09-12T10:00:00+02:00"
    assert weekend["endDate"] == "2026-09-13T17:00:00+02:00"
    assert weekend["eventStatus"] == "https://schema.org/EventScheduled"
    assert weekend["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert weekend["location"]["@type"] == "Place"
    assert weekend["location"]["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "1 rue du Lac",
        "postalCode": "25000",
        "addressLocality": "Alpha",
        "addressCountry": "FR",
    }
    assert weekend["organizer"]["@type"] == "Organization" and weekend["organizer"]["name"]
    assert weekend["offers"]["price"] == 0
    assert weekend["offers"]["priceCurrency"] == "EUR"
    assert weekend["offers"]["availability"] == "https://schema.org/InStock"
    assert weekend["maximumAttendeeCapacity"] == 20
    webinar = _json_ld(html(site, "evenements/webinaire/index.html"))[0]
    assert webinar["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert webinar["location"] == {
        "@type": "VirtualLocation",
        "url": "https://visio.example.org/teletravail",
    }
    salon = _json_ld(html(site, "evenements/salon-paris/index.html"))[0]
    assert salon["offers"]["availability"] == "https://schema.org/SoldOut"
    assert salon["offers"]["url"] == "https://example.org/billetterie"


def test_calendar_files_parse_with_paris_time_zone(site):
    cal = calendar(site, "evenements/week-end-alpha/week-end-alpha.ics")
    zones = [c for c in cal.walk("VTIMEZONE")]
    assert [str(z["TZID"]) for z in zones] == ["Europe/Paris"]
    (event,) = cal.walk("VEVENT")
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == dt.datetime(2026, 9, 12, 10, 0, tzinfo=PARIS)
    assert end == dt.datetime(2026, 9, 13, 17, 0, tzinfo=PARIS)
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert str(event["SUMMARY"]) == "Week-end découverte au Val d'Alpha"
    assert "1 rue du Lac, 25000 Alpha" in str(event["LOCATION"])
    assert str(event["URL"]).endswith("/evenements/week-end-alpha/")
    for required in ("UID", "DTSTAMP", "SEQUENCE"):
        assert required in event
    # The calendar of all events holds the upcoming ones only.
    everything = calendar(site, "evenements/calendrier.ics")
    titles = sorted(str(e["SUMMARY"]) for e in everything.walk("VEVENT"))
    assert titles == [
        "Salon à Paris",
        "Webinaire télétravail",
        "Week-end découverte au Val d'Alpha",
    ]


def _uids(output: Path) -> dict[str, str]:
    cal = Calendar.from_ical((output / "evenements/calendrier.ics").read_bytes())
    return {str(e["SUMMARY"]): str(e["UID"]) for e in cal.walk("VEVENT")}


def test_uids_stable_across_builds_and_a_file_rename(tmp_path, site):
    _, cache = site
    write_tiny_programme(tmp_path / "content")
    write_events(tmp_path / "content")
    assert build(tmp_path, cache)["ok"]
    first = _uids(tmp_path / "output")
    first_bytes = (tmp_path / "output/evenements/calendrier.ics").read_bytes()
    assert build(tmp_path, cache)["ok"]
    assert (tmp_path / "output/evenements/calendrier.ics").read_bytes() == first_bytes
    folder = tmp_path / "content" / "evenements"
    (folder / "week-end-alpha.md").rename(folder / "week-end-decouverte-alpha.md")
    assert build(tmp_path, cache)["ok"]
    assert _uids(tmp_path / "output") == first
    assert (tmp_path / "output/evenements/week-end-decouverte-alpha/index.html").is_file()
    # A new time: same UID, a higher SEQUENCE, so calendars update their copy.
    moved = (folder / "week-end-decouverte-alpha.md").read_text(encoding="utf-8")
    moved = moved.replace("2026-09-12 10:00", "2026-09-12 09:00")
    (folder / "week-end-decouverte-alpha.md").write_text(moved, encoding="utf-8")
    assert build(tmp_path, cache)["ok"]
    cal = Calendar.from_ical((tmp_path / "output/evenements/calendrier.ics").read_bytes())
    weekend = next(e for e in cal.walk("VEVENT") if "Week-end" in str(e["SUMMARY"]))
    assert str(weekend["UID"]) == first["Week-end découverte au Val d'Alpha"]
    assert int(weekend["SEQUENCE"]) == 1


def test_territory_and_home_show_next_events(site):
    territory = html(site, "territoires/val-d-alpha/index.html")
    section = territory.find("h2", string="Prochains événements").find_parent("section")
    assert [a.get_text() for a in section.select(".card-title a")] == [
        "Week-end découverte au Val d'Alpha"
    ]  # the past job dating is not "next"
    home = html(site, "index.html")
    cards = home.find("h2", string="Venez nous rencontrer").find_parent("section")
    assert len(cards.select(".event-card")) == 3


BROKEN = {
    "sans-lieu": """---
title: Salon sans lieu
summary: "Oubli du lieu."
kind: salon
start: 2026-07-04 10:00
end: 2026-07-04 09:00
---
""",
    "webinaire-sans-lien": """---
title: Webinaire sans lien
summary: "Oubli du lien."
kind: webinaire
start: 2026-07-04
end: 2026-07-04 11:00
registration: example.org/inscription
---
""",
    "mauvais-territoire": """---
title: Visite
summary: "Un territoire mal écrit."
kind: visites
start: 2026-07-04 10:00
end: 2026-07-04 12:00
place: {name: Mairie, address: "1 place, 25000 Alpha", lat: 47.2, lon: 6.0}
territories: [val-dalpha]
capacity: 0
---
""",
}


def test_every_event_error_in_one_build_and_last_output_kept(tmp_path, site):
    _, cache = site
    write_tiny_programme(tmp_path / "content")
    write_events(tmp_path / "content")
    assert build(tmp_path, cache)["ok"]
    before = {p: p.read_bytes() for p in (tmp_path / "output").rglob("*") if p.is_file()}
    write_events(tmp_path / "content", BROKEN)
    result = build(tmp_path, cache)
    assert not result["ok"]
    report = result["report"]
    expected = [
        ("sans-lieu.md", "place", "obligatoire"),
        ("sans-lieu.md", "end", "finit avant de commencer"),
        ("webinaire-sans-lien.md", "online_url", "obligatoire"),
        ("webinaire-sans-lien.md", "start", "une date et une heure"),
        ("webinaire-sans-lien.md", "registration", "https://"),
        ("mauvais-territoire.md", "kind", "visite"),  # close match offered
        ("mauvais-territoire.md", "territories[1]", "val-d-alpha"),
        ("mauvais-territoire.md", "capacity", "≥ 1"),
    ]
    for file, field, words in expected:
        pattern = re.escape(file) + r"[\s\S]*?" + re.escape(field) + r"[^\n]*" + re.escape(words)
        assert re.search(pattern, report), (file, field, words, report)
    after = {p: p.read_bytes() for p in (tmp_path / "output").rglob("*") if p.is_file()}
    assert after == before


def test_browser_hides_an_event_that_ended_since_the_build(site, browser):
    base, _ = site
    url, server = serve_directory(base / "output")
    try:
        page = browser.new_page()
        # The build thought 1 June 2026; the visitor comes on 1 August, after the
        # webinar (20 June) and the salon (4 July), before the weekend (12 September).
        page.clock.set_fixed_time(dt.datetime(2026, 8, 1, 12, 0, tzinfo=PARIS))
        page.goto(url + "/evenements/")
        visible = page.locator("#events-upcoming .event-card:visible .card-title a")
        assert visible.all_inner_texts() == ["Week-end découverte au Val d'Alpha"]
        page.goto(url + "/evenements/webinaire/")
        assert page.locator(".event-past-note").is_visible()
        assert not page.locator(".event-actions").is_visible()
        page.goto(url + "/evenements/week-end-alpha/")
        assert not page.locator(".event-past-note").is_visible()
        assert page.locator(".event-actions").is_visible()
        page.close()
    finally:
        server.shutdown()


def test_demo_has_each_kind_of_event():
    folder = ROOT / "content" / "evenements"
    texts = [p.read_text(encoding="utf-8") for p in folder.glob("*.md")]
    kinds = {re.search(r"^kind: (\S+)", t, re.M).group(1) for t in texts}
    assert {"week-end-decouverte", "salon", "webinaire"} <= kinds
    assert any("capacity:" in t and "week-end-decouverte" in t for t in texts)


@pytest.fixture(scope="module")
def registration_site(tmp_path_factory, site):
    """The events programme with its form posting to a foreign capture endpoint."""
    _, cache = site
    base = tmp_path_factory.mktemp("events-signup")
    write_tiny_programme(base / "content")
    write_events(base / "content")
    endpoint = CaptureEndpoint(site_origin="")
    assert build(base, cache, SIGNUP_ENDPOINT=endpoint.url)["ok"]
    origin = f"http://127.0.0.1:{endpoint.port}"
    csp = f"default-src 'self'; connect-src 'self' {origin}; form-action 'self' {origin}"
    url, server = serve_directory(base / "output", {"Content-Security-Policy": csp})
    endpoint.site_origin = url
    yield url, endpoint
    endpoint.close()
    server.shutdown()


def test_registration_through_the_signup_form(registration_site, browser):
    url, endpoint = registration_site
    page = browser.new_page()
    page.clock.set_fixed_time(dt.datetime(2026, 6, 1, 12, 0, tzinfo=PARIS))
    page.goto(url + "/evenements/week-end-alpha/")
    page.get_by_role("link", name="Je m’inscris à cet événement").click()
    page.wait_for_url("**/inscription/?evenement=week-end-alpha")
    expect(page.locator("#evenement-week-end-alpha")).to_be_checked()
    # Only upcoming events with places and no external registration can be chosen.
    choices = page.locator('#field-evenement input[type="radio"]')
    values = [c.get_attribute("value") for c in choices.all()]
    assert values == ["", "webinaire", "week-end-alpha"]
    fill_form(page, "zoe@example.org", territory=None)
    send(page)
    page.locator("#signup-success").wait_for(state="visible")
    (sent,) = endpoint.received("zoe@example.org")
    assert sent["evenement"] == ["week-end-alpha"]
    assert sent["page"] == ["/evenements/week-end-alpha/"]
    page.close()


def test_an_event_that_ended_cannot_be_chosen(registration_site, browser):
    url, _ = registration_site
    page = browser.new_page()
    # After the webinar (20 June 2026), before the weekend.
    page.clock.set_fixed_time(dt.datetime(2026, 7, 1, 12, 0, tzinfo=PARIS))
    page.goto(url + "/inscription/?evenement=webinaire")
    expect(page.locator("#evenement-aucun")).to_be_checked()
    webinar = page.locator("#evenement-webinaire")
    assert webinar.is_disabled() and not webinar.is_checked()
    assert not webinar.is_visible()
    assert page.locator("#evenement-aucun").is_checked()
    assert page.locator("#evenement-week-end-alpha").is_enabled()
    page.close()


def test_an_event_page_draws_its_place_on_the_sites_own_map(site):
    page = html(site, "evenements/week-end-alpha/index.html")
    section = page.select_one("#event-map-heading").find_parent("section")
    svg = section.select_one("svg.map")
    assert svg is not None and svg.find("title").get_text() == "Carte\u00a0: Maison du lac"
    current = section.select('a[aria-current="page"]')
    assert [a["href"] for a in current] == ["/evenements/week-end-alpha/"] * len(current)
    assert not section.select("img, iframe")  # no tiles, nothing from elsewhere
    webinar = html(site, "evenements/webinaire/index.html")
    assert webinar.select_one("#event-map-heading") is None  # online: no map
