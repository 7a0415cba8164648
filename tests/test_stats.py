"""make stats: generated access logs with known answers (bots, podcast downloads by the
IAB v2.2 rules, poster scans, rotated and merged logs, lines in another format), the
join with the receiver's sign-up counts, the report in a browser, UPDATE_FIGURES."""

from __future__ import annotations

import datetime as dt
import gzip
import http.server
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import typing
from pathlib import Path

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from conftest import ROOT, build_site
from receiver_process import ReceiverProcess
from venez_vivre.measurement import count_logs, log_files, measure
from venez_vivre.measurement.figures import FiguresError, update_key_figures
from venez_vivre.measurement.logs import LineCount, merged_requests, parse_line
from venez_vivre.measurement.programme_facts import campaigns, published_episodes
from venez_vivre.measurement.sample_logs import BOTS, BROWSERS, PODCAST_APPS, generate, log_line
from venez_vivre.tools.demo_settings import content_files_named_in_settings

PARIS = dt.timezone(dt.timedelta(hours=1))
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
IPHONE, ANDROID = BROWSERS[0], BROWSERS[1]
APPLE, SPOTIFY = PODCAST_APPS[0], PODCAST_APPS[1]


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, second, tzinfo=PARIS)


# -- a built site with two real episodes: three minutes, and thirty seconds --------------

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<title>Test</title>
{items}
</channel></rss>"""
ITEM = """<item><title>{title}</title><link>https://example.org/podcast/{slug}/</link>
<enclosure url="https://example.org/audio/{slug}.mp3" length="{size}" type="audio/mpeg"/>
<itunes:duration>{seconds}</itunes:duration></item>"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The parts of a built site that the statistics read: the feed and the audio."""
    site = tmp_path_factory.mktemp("site")
    (site / "audio").mkdir()
    (site / "podcast").mkdir()
    items = []
    for slug, seconds in (("longue", 120), ("courte", 30)):
        path = site / "audio" / f"{slug}.mp3"
        subprocess.run(
            [
                *("ffmpeg", "-loglevel", "error", "-f", "lavfi"),
                *("-i", f"sine=f=440:d={seconds}", "-ac", "1", "-b:a", "64k", str(path)),
            ],
            check=True,
        )
        items.append(
            ITEM.format(title=slug.title(), slug=slug, size=path.stat().st_size, seconds=seconds)
        )
    (site / "podcast" / "feed.xml").write_text(FEED.format(items="\n".join(items)), "utf-8")
    return site


@pytest.fixture(scope="module")
def episodes(site):
    found = published_episodes(site)
    assert set(found) == {"/audio/longue.mp3", "/audio/courte.mp3"}
    return found


def count(tmp_path: Path, lines: list[str], episodes) -> object:
    path = tmp_path / "access.log"
    path.write_text("".join(lines), encoding="utf-8")
    return count_logs([path], episodes)


def test_audio_facts_come_from_the_published_files(episodes):
    longue, courte = episodes["/audio/longue.mp3"], episodes["/audio/courte.mp3"]
    assert longue.slug == "longue" and longue.title == "Longue"
    assert 119 < longue.duration < 121
    # One minute at 64 kbit/s is about 480 000 bytes; a file shorter than a minute
    # must be delivered whole.
    assert 470_000 < longue.threshold < 490_000
    assert longue.threshold == int(longue.size / longue.duration * 60)
    assert courte.threshold == courte.size


def test_a_bot_storm_counts_for_nothing(tmp_path, episodes):
    longue = episodes["/audio/longue.mp3"]
    rng = random.Random(4)
    lines = []
    for index in range(3000):
        time = at(2, 0) + dt.timedelta(seconds=index)
        agent = rng.choice((*BOTS, "curl/8.5.0", "python-requests/2.31", "-"))
        ip = f"192.0.2.{index % 250}"
        target = rng.choice(("/", "/territoires/", "/podcast/", longue.path))
        lines.append(log_line(time, ip, target, 200, longue.size, agent))
        if index % 10 == 0:
            lines.append(
                log_line(time, ip, "/?utm_medium=print&utm_campaign=c&utm_content=1", agent=agent)
            )
    # A scraper with a browser's user agent gives itself away by reading robots.txt,
    # even after its pages.
    for minute in range(20):
        lines.append(log_line(at(2, 4, minute), "203.0.113.5", f"/p{minute}/", agent=IPHONE))
    lines.append(log_line(at(2, 4, 30), "203.0.113.5", "/robots.txt", 200, 90, IPHONE))
    # One person among the bots: one visit of two pages.
    lines.append(log_line(at(2, 9), "198.51.100.7", "/", agent=ANDROID))
    lines.append(log_line(at(2, 9, 5), "198.51.100.7", "/territoires/", agent=ANDROID))
    lines.sort(key=lambda line: parse_line(line).time)
    totals = count(tmp_path, lines, episodes)
    assert totals.bot_requests == 3300
    assert totals.robots_clients == 1
    assert (totals.visits, totals.pageviews) == (1, 2)
    assert not totals.downloads and not totals.scans


def test_a_listener_resuming_with_range_requests_over_an_hour_is_one_download(tmp_path, episodes):
    longue = episodes["/audio/longue.mp3"]
    ip = "198.51.100.20"
    # Apple's probe of two bytes, then six ranges of 20 s of audio over an hour…
    lines = [log_line(at(3, 8), ip, longue.path, 206, 2, APPLE)]
    step = longue.threshold // 3
    for index in range(6):
        lines.append(log_line(at(3, 8, index * 10, 10), ip, longue.path, 206, step, APPLE))
    # …and the rest of the episode in the evening, within the same 24 hours.
    lines.append(log_line(at(3, 20), ip, longue.path, 206, longue.size, APPLE))
    totals = count(tmp_path, lines, episodes)
    assert dict(totals.downloads) == {"longue": 1}
    assert dict(totals.downloads_by_app) == {"Apple Podcasts": 1}


def test_two_listeners_behind_one_address_with_different_apps_are_two(tmp_path, episodes):
    longue = episodes["/audio/longue.mp3"]
    ip = "198.51.100.30"  # a family's box: one public address
    lines = [
        log_line(at(4, 19), ip, longue.path, 200, longue.size, APPLE),
        log_line(at(4, 19, 1), ip, longue.path, 200, longue.size, SPOTIFY),
    ]
    totals = count(tmp_path, lines, episodes)
    assert dict(totals.downloads) == {"longue": 2}
    assert dict(totals.downloads_by_app) == {"Apple Podcasts": 1, "Spotify": 1}


def test_a_listener_who_stops_after_20_seconds_and_heads_and_errors_count_for_none(
    tmp_path, episodes
):
    longue = episodes["/audio/longue.mp3"]
    twenty_seconds = int(longue.size / longue.duration * 20)
    lines = [
        log_line(at(5, 7), "198.51.100.40", longue.path, 206, twenty_seconds, APPLE),
        # HEAD and errors, whatever byte count the server logged, never count.
        log_line(at(5, 8), "198.51.100.41", longue.path, 200, longue.size, APPLE, "HEAD"),
        log_line(at(5, 9), "198.51.100.42", longue.path, 416, longue.size, APPLE),
        log_line(at(5, 9), "198.51.100.43", longue.path, 500, longue.size, APPLE),
        log_line(at(5, 9), "198.51.100.44", longue.path, 304, longue.size, APPLE),
    ]
    totals = count(tmp_path, lines, episodes)
    assert not totals.downloads


def test_a_file_shorter_than_a_minute_counts_only_when_delivered_whole(tmp_path, episodes):
    courte = episodes["/audio/courte.mp3"]
    lines = [
        log_line(at(6, 7), "198.51.100.50", courte.path, 200, courte.size, SPOTIFY),
        log_line(at(6, 7), "198.51.100.51", courte.path, 206, courte.size // 2, SPOTIFY),
    ]
    totals = count(tmp_path, lines, episodes)
    assert dict(totals.downloads) == {"courte": 1}


def test_the_24_hour_window_is_per_client_and_file(tmp_path, episodes):
    longue, courte = episodes["/audio/longue.mp3"], episodes["/audio/courte.mp3"]
    ip = "198.51.100.60"
    lines = [
        log_line(at(7, 8), ip, longue.path, 200, longue.size, APPLE),
        log_line(at(7, 9), ip, courte.path, 200, courte.size, APPLE),  # another file
        log_line(at(8, 7, 59), ip, longue.path, 200, longue.size, APPLE),  # 23 h 59 later
        log_line(at(8, 8, 1), ip, longue.path, 200, longue.size, APPLE),  # a new window
    ]
    totals = count(tmp_path, lines, episodes)
    assert dict(totals.downloads) == {"longue": 2, "courte": 1}


def scan(time, ip, campaign, poster, agent=IPHONE, landing="/territoires/"):
    query = f"utm_source=affiche&utm_medium=print&utm_campaign={campaign}&utm_content={poster}"
    return log_line(time, ip, f"{landing}?{query}", 200, 9000, agent)


def test_poster_scans_count_one_per_phone_and_day(tmp_path, episodes):
    phone = "198.51.100.70"
    lines = [
        scan(at(9, 8), phone, "metro", 1),
        scan(at(9, 18), phone, "metro", 1),  # the same phone, the same day: one
        scan(at(9, 18, 5), phone, "metro", 2),  # another poster: its own scan
        scan(at(10, 8), phone, "metro", 1),  # the next day: two
        scan(at(10, 8), "198.51.100.71", "metro", 1, ANDROID),  # another phone
        scan(at(10, 9), phone, "metro", 3).replace("utm_medium=print", "utm_medium=email"),
        scan(at(10, 9), phone, "metro", 3).replace(" 200 ", " 404 "),
    ]
    totals = count(tmp_path, lines, episodes)
    assert dict(totals.scans) == {("metro", "1"): 3, ("metro", "2"): 1}


def test_rotated_gzip_logs_of_two_servers_in_any_order_are_one_stream(tmp_path, episodes):
    """A visit whose pages alternate between two servers is one visit; the logs are
    given in shuffled order, rotated and compressed; a line in another format is
    skipped and counted."""
    ip, logs = "198.51.100.80", tmp_path / "logs"
    logs.mkdir()
    day_one = [log_line(at(11, 10, m), ip, f"/page-{m}/", agent=IPHONE) for m in range(0, 50, 5)]
    day_two = [log_line(at(12, 10, m), ip, f"/page-{m}/", agent=IPHONE) for m in (0, 10, 50)]
    servers = {"web1": ([], []), "web2": ([], [])}
    for index, line in enumerate(day_one):
        servers["web1" if index % 2 else "web2"][0].append(line)
    for index, line in enumerate(day_two):
        servers["web2" if index % 2 else "web1"][1].append(line)
    servers["web1"][1].insert(1, "this is not an access log line\n")
    servers["web2"][0].insert(0, '::1 - - [bad date] "GET / HTTP/1.1" 200 1 "-" "x"\n')
    for name, (older, newer) in servers.items():
        with gzip.open(logs / f"{name}.access.log.2.gz", "wt", encoding="utf-8") as stream:
            stream.writelines(older)
        (logs / f"{name}.access.log.1").write_text("".join(newer), encoding="utf-8")
    files = log_files([str(logs / "*")])
    random.Random(2).shuffle(files)
    totals = count_logs(files, episodes)
    # Day one: ten pages five minutes apart, one visit. Day two: 10:00 and 10:10 are
    # one visit, 10:50 comes 40 minutes later: a second.
    assert dict(totals.visits_by_day) == {"2026-03-11": 1, "2026-03-12": 2}
    assert totals.pageviews == 13
    assert (totals.lines, totals.skipped_lines) == (15, 2)


def test_a_gzip_log_cut_short_is_read_up_to_the_cut(tmp_path, episodes):
    whole = tmp_path / "whole.gz"
    with gzip.open(whole, "wt", encoding="utf-8") as stream:
        stream.writelines(
            log_line(at(15, 8, m), "198.51.100.90", f"/p{m}/") for m in range(0, 60, 2)
        )
    cut = tmp_path / "access.log.2.gz"
    cut.write_bytes(whole.read_bytes()[:-40])  # the disk filled up during compression
    totals = count_logs([cut], episodes)
    assert totals.truncated_files == [str(cut)]
    assert 0 < totals.pageviews <= 30 and totals.visits == 1


def test_the_merge_holds_few_files_open_and_returns_every_request_in_order(tmp_path):
    paths = []
    for server in range(3):
        for day in range(1, 11):
            path = tmp_path / f"s{server}-{day:02d}.log"
            lines = [
                log_line(at(day, hour, server), f"10.0.0.{server}", f"/{day}/{hour}/")
                for hour in range(0, 24, 6)
            ]
            path.write_text("".join(lines), encoding="utf-8")
            paths.append(path)
    random.Random(3).shuffle(paths)
    requests = list(merged_requests(paths, LineCount()))
    assert len(requests) == 3 * 10 * 4
    times = [r.time for r in requests]
    assert times == sorted(times)


def test_nothing_derived_from_an_ip_address_is_written(tmp_path, episodes):
    ip = "198.51.100.99"
    lines = [scan(at(13, 8), ip, "metro", 1), log_line(at(13, 8, 1), ip, "/podcast/")]
    log = tmp_path / "access.log"
    log.write_text("".join(lines), encoding="utf-8")
    content = tmp_path / "content"
    (content / "campagnes").mkdir(parents=True)
    out = tmp_path / "stats"
    measured = measure([str(log)], tmp_path / "site", content, content / "none.yml", out)
    assert measured.report["qr_scans"] == {"metro": {"1": 1}}
    written = b"".join(p.read_bytes() for p in out.iterdir())
    assert b"198.51" not in written and b"Mozilla" not in written


# -- the join with the receiver, end to end on the demo site --------------------------------

TOKEN = "jeton-du-programme-de-test"


class StatsFixture(http.server.BaseHTTPRequestHandler):
    """The receiver's GET /stats.json, as its contract says."""

    counts: typing.ClassVar[dict] = {}
    seen: typing.ClassVar[list] = []

    def do_GET(self):
        self.seen.append((self.path, self.headers.get("Authorization")))
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self.send_response(401)
            self.end_headers()
            return
        body = json.dumps(self.counts).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver_fixture():
    counts = {
        "generated_at": "2026-03-31T20:00:00+00:00",
        "total": 60,
        "by_campaign": {
            "automne-a-besancon": {"1": 12, "2": 5, "3": 0, "": 3},
            "teletravail-au-vert": {"2": 20},
            "": {"": 20},
        },
        "by_territory": {"grand-besancon": 17},
        "by_day": {"2026-03-02": 60},
    }
    handler = type("Handler", (StatsFixture,), {"counts": counts, "seen": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/stats.json", handler
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def demo_logs(demo_site, tmp_path_factory):
    """Three days of generated logs of the demo programme, with an extra known phone."""
    logs = tmp_path_factory.mktemp("logs")
    episodes = list(published_episodes(demo_site).values())
    posters = [
        (c.slug, str(p.number), p.landing) for c in campaigns(ROOT / "content") for p in c.posters
    ]
    generate(logs, episodes, posters, dt.date(2026, 3, 2), days=3, people=40)
    return logs


def test_make_stats_joins_scans_with_the_receivers_signups(
    demo_site, demo_logs, receiver_fixture, tmp_path
):
    url, handler = receiver_fixture
    out = tmp_path / "stats"
    run = subprocess.run(
        [
            *("make", "--no-print-directory", "stats", f"LOGS={demo_logs}/*"),
            *(f"OUTPUT={demo_site}", f"SIGNUPS={url}", f"STATS_OUT={out}"),
        ],
        cwd=ROOT,
        env={**os.environ, "SIGNUPS_TOKEN": TOKEN},
        capture_output=True,
        encoding="utf-8",
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert handler.seen == [("/stats.json", f"Bearer {TOKEN}")]
    assert "Période : 2026-03-02 → 2026-03-0" in run.stdout
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["period"]["start"] == "2026-03-02"
    # 40 people a day, each one visit; every 7th came from a poster's QR code.
    assert report["visits"] == 120
    assert report["lines"]["skipped_other_format"] == 6  # two per generated day
    assert report["bot_requests"] > 0 and report["robots_txt_clients"] == 1
    assert set(report["podcast_downloads"]) <= {
        "besancon-ville-verte-et-industrielle",
        "dijon-a-1-h-35-de-paris",
        "teletravailler-au-coeur-du-morvan",
    }
    assert set(report["qr_scans"]) == {"automne-a-besancon", "teletravail-au-vert"}
    assert set(report["qr_scans"]["automne-a-besancon"]) == {"1", "2", "3"}
    assert sum(sum(p.values()) for p in report["qr_scans"].values()) == 18  # ⌈40 / 7⌉ × 3
    assert report["signups"]["automne-a-besancon"] == {"": 3, "1": 12, "2": 5, "3": 0}
    assert report["signups_total"] == 60
    # Budgets split evenly across posters: 50 000 € ÷ 20 sign-ups of the campaign…
    assert report["cost_per_signup"]["automne-a-besancon"] == pytest.approx(50000 / 20)
    assert report["cost_per_signup"]["teletravail-au-vert"] == pytest.approx(35000 / 20)
    posters = {(p["campaign"], p["poster"]): p for p in report["posters"]}
    first = posters[("automne-a-besancon", "1")]
    assert first["budget_eur"] == pytest.approx(50000 / 3)
    assert first["cost_per_signup"] == pytest.approx(50000 / 3 / 12)
    assert first["conversion"] == pytest.approx(12 / first["scans"])
    assert posters[("automne-a-besancon", "3")]["cost_per_signup"] is None  # no sign-up
    assert [step["step"] for step in report["funnel"]] == [
        "visits",
        "signups",
        "accompanied",
        "settled",
    ]
    # The funnel's sign-ups are those the receiver got on the logs' days.
    assert report["signups_in_period"] == 60
    assert report["funnel"][1] == {
        "step": "signups",
        "value": 60,
        "source": "receiver",
        "period": "logs",
    }
    assert report["funnel"][2]["period"] == "key_figures"
    assert any("IAB v2.2" in rule for rule in report["rules"])


def test_a_wrong_token_is_a_french_error(demo_site, demo_logs, receiver_fixture, tmp_path):
    url, _handler = receiver_fixture
    run = subprocess.run(
        [
            *(sys.executable, "-m", "venez_vivre.tools.stats", "--logs", f"{demo_logs}/*"),
            *("--site", str(demo_site), "--signups", url, "--out", str(tmp_path / "stats")),
        ],
        cwd=ROOT,
        env={**os.environ, "SIGNUPS_TOKEN": "faux"},
        capture_output=True,
        encoding="utf-8",
        timeout=300,
    )
    assert run.returncode == 1
    assert "a répondu 401 : vérifiez le jeton" in run.stderr
    assert not (tmp_path / "stats").exists()


def test_signups_from_the_receivers_database_and_endpoint(
    demo_site, demo_logs, tmp_path, monkeypatch
):
    import asyncio
    import concurrent.futures

    from venez_vivre.receiver.contract import Signup
    from venez_vivre.receiver.db import Database
    from venez_vivre.receiver.store import SignupStore, new_public_id, token_add

    database = tmp_path / "signups.sqlite3"
    Database(database).migrate()

    async def add_all():
        store = SignupStore(Database(database))
        try:
            for index, (campaign, poster) in enumerate(
                [("automne-a-besancon", "2")] * 4 + [("teletravail-au-vert", "1"), ("", "")]
            ):
                signup = Signup(
                    prenom="Zoé",
                    nom=f"T{index}",
                    email=f"z{index}@example.org",
                    ville_actuelle="Paris",
                    projet=["emploi"],
                    territoires=["grand-besancon"],
                    utm_medium="print" if campaign else "",
                    utm_campaign=campaign,
                    utm_content=poster,
                    submission_id=f"id-{index}",
                )
                await store.add(signup, new_public_id(), [])
        finally:
            store.close()

    # In a thread of its own: the session's Playwright browser (sync API) keeps an event
    # loop running in the main thread, where asyncio.run() refuses to start another.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, add_all()).result()
    measured = measure(
        [f"{demo_logs}/*"],
        demo_site,
        ROOT / "content",
        ROOT / "content/data/chiffres.yml",
        tmp_path / "stats",
        signups=str(database),
    )
    report = measured.report
    assert report["signups"]["automne-a-besancon"] == {"2": 4}
    assert report["signups"]["teletravail-au-vert"] == {"1": 1}
    assert report["signups_total"] == 6
    assert report["cost_per_signup"]["automne-a-besancon"] == pytest.approx(50000 / 4)

    # The same database behind the real receiver: its /stats.json gives the same join.
    # (The token is made in process: the demo build set the C locale, in which the
    # receiver CLI's French output cannot be decoded as text.)
    _token, secret = token_add(Database(database), "Équipe du programme", [], True)
    monkeypatch.setenv("SIGNUPS_TOKEN", secret)
    process = ReceiverProcess(database, 0, ["http://127.0.0.1:8000"]).start()
    try:
        over_http = measure(
            [f"{demo_logs}/*"],
            demo_site,
            ROOT / "content",
            ROOT / "content/data/chiffres.yml",
            tmp_path / "stats-http",
            signups=f"{process.base}/stats.json",
        ).report
    finally:
        process.stop()
    for key in ("signups", "signups_total", "cost_per_signup", "posters", "funnel"):
        assert over_http[key] == report[key], key


@pytest.mark.browser
def test_the_html_report_opens_with_charts_and_tables_in_french(
    browser, demo_site, demo_logs, receiver_fixture, tmp_path, monkeypatch
):
    url, _handler = receiver_fixture
    monkeypatch.setenv("SIGNUPS_TOKEN", TOKEN)
    out = tmp_path / "stats"
    measured = measure(
        [f"{demo_logs}/*"],
        demo_site,
        ROOT / "content",
        ROOT / "content/data/chiffres.yml",
        out,
        signups=url,
    )
    page = browser.new_page(viewport={"width": 360, "height": 800})
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(measured.html_path.as_uri())
    assert page.evaluate("document.documentElement.lang") == "fr"
    charts = page.evaluate(
        """() => Array.from(document.querySelectorAll('svg.chart')).map(svg => ({
             title: svg.querySelector('title').textContent,
             labels: Array.from(svg.querySelectorAll('.chart-label')).map(t => t.textContent),
             table: Array.from(svg.closest('section').querySelectorAll('tbody th'))
                      .map(th => th.textContent),
             width: svg.getBoundingClientRect().width}))"""
    )
    titles = [c["title"] for c in charts]
    assert titles[:4] == [
        "De la visite à l’installation",
        "Scans par affiche",
        "Inscriptions par affiche",
        "Coût par inscription, affiche par affiche",
    ]
    assert "Téléchargements par épisode" in titles and "Visites par semaine" in titles
    for chart in charts:
        assert chart["labels"] == chart["table"]  # the picture and its table agree
        assert 0 < chart["width"] <= 360
    assert page.get_by_role("img", name="Scans par affiche").count() == 1
    poster_table = page.get_by_role("table", name="Affiches, scans et inscriptions")
    first_row = poster_table.locator("tbody tr").first.inner_text()
    assert "L'automne à Besançon" in first_row and "16\u202f667 €" in first_row
    assert page.get_by_text("Comment ces chiffres sont comptés").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert all(u.startswith("file:") for u in requests)  # nothing fetched from anywhere
    axe = Axe().run(page, options=AXE_OPTIONS).response
    assert not axe["violations"], [v["id"] for v in axe["violations"]]
    page.close()


# -- UPDATE_FIGURES -----------------------------------------------------------------------

MEASURED = {
    "period": {"start": "2026-03-01", "end": "2026-03-31"},
    "visits": 15500,
    "podcast_downloads_total": 1300,
}


def test_update_figures_keeps_the_files_comments_and_other_fields(tmp_path):
    path = tmp_path / "chiffres.yml"
    original = (ROOT / "content/data/chiffres.yml").read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    path.chmod(0o644)
    update_key_figures(path, MEASURED)
    text = path.read_text(encoding="utf-8")
    assert "site_visits: 15500\n" in text
    assert "podcast_listens: 13000" not in text and "podcast_listens: 1300\n" in text
    assert text.endswith("measured_start: 2026-03-01\nmeasured_end: 2026-03-31\n")
    changed = {"site_visits", "podcast_listens"}
    kept = [line for line in original.splitlines() if line.split(":")[0] not in changed]
    assert all(line in text.splitlines() for line in kept)  # comments and all
    data = yaml.safe_load(text)
    assert data["signups"] == 12000 and data["source"].startswith("Bilan")
    assert oct(path.stat().st_mode & 0o777) == "0o644"
    update_key_figures(path, {**MEASURED, "visits": 16000})  # again: replaced, not added
    assert path.read_text(encoding="utf-8").count("measured_start") == 1
    assert "site_visits: 16000\n" in path.read_text(encoding="utf-8")


def test_update_figures_refuses_logs_that_contradict_the_figures(tmp_path):
    path = tmp_path / "chiffres.yml"
    path.write_text("signups: 12000  # inscriptions reçues\nsite_visits: 155000\n", "utf-8")
    before = path.read_bytes()
    with pytest.raises(FiguresError, match="12000 inscriptions pour seulement 4500 visites"):
        update_key_figures(path, {**MEASURED, "visits": 4500})
    assert path.read_bytes() == before


def test_measured_figures_reach_the_public_page(tmp_path):
    content = tmp_path / "content"
    (content / "data").mkdir(parents=True)
    for relative in content_files_named_in_settings():  # only these: images are encoded
        (content / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "content" / relative, content / relative)
    figures = content / "data" / "chiffres.yml"
    figures.write_text('period: "2026"\nsignups: 900\nsettled: 40\n', encoding="utf-8")
    update_key_figures(figures, MEASURED)
    output = tmp_path / "output"
    result = build_site(
        ROOT / "pelicanconf.py",
        output,
        PATH=str(content),
        PLUGINS=["programme", "images", "posters", "charts"],
        IMAGES={"formats": ["jpeg"]},
    )
    assert result["ok"], result.get("report")
    html = (output / "chiffres-cles/index.html").read_text(encoding="utf-8")
    assert '<th scope="row">Visites du site</th><td class="num">15\u202f500</td>' in html
    assert "Écoutes du podcast</dt><dd>1\u202f300</dd>" in html
    assert (
        "Visites du site et écoutes du podcast mesurées du 1er mars 2026 au 31 mars 2026 "
        "dans les journaux du serveur" in html
    )


# -- poster budgets -------------------------------------------------------------------------

CAMPAIGN = """---
title: Métro
summary: "Trois affiches."
start: 2026-03-01
end: 2026-03-31
budget_eur: 50000
posters:
  - {image: images/a.jpg, alt: "A", landing: /territoires/, budget_eur: 30000}
  - {image: images/a.jpg, alt: "B", landing: /territoires/}
  - {image: images/a.jpg, alt: "C", landing: /podcast/}
---
"""


def campaign_content(tmp_path: Path, text: str) -> Path:
    content = tmp_path / "content"
    (content / "campagnes").mkdir(parents=True)
    (content / "images").mkdir()
    shutil.copyfile(ROOT / "content/images/eveningglow.jpg", content / "images/a.jpg")
    (content / "campagnes" / "metro.md").write_text(text, encoding="utf-8")
    return content


def test_a_poster_may_state_its_budget_and_the_others_share_the_rest(tmp_path):
    [campaign] = campaigns(campaign_content(tmp_path, CAMPAIGN))
    assert campaign.poster_budgets == {1: 30000, 2: 10000, 3: 10000}
    lines = [scan(at(14, 8), f"198.51.100.{n}", "metro", 2) for n in range(4)]
    lines.append(scan(at(14, 8), "198.51.100.9", "metro", 7))  # a misprinted poster number
    log = tmp_path / "access.log"
    log.write_text("".join(lines), encoding="utf-8")
    content = tmp_path / "content"
    report = measure([str(log)], tmp_path, content, content / "none.yml", tmp_path / "s").report
    assert report["qr_scans"] == {"metro": {"1": 0, "2": 4, "3": 0, "7": 1}}
    rows = {row["poster"]: row for row in report["posters"]}
    assert rows["2"]["cost_per_scan"] == 2500  # 10 000 € ÷ 4 scans
    assert rows["1"]["cost_per_scan"] is None  # no scan, no cost per scan
    assert rows["7"]["caption"] == "affiche inconnue du site"
    assert report["cost_per_scan"]["metro"] == 10000  # 50 000 € ÷ 5 scans
    assert report["cost_per_signup"] == {}  # no SIGNUPS given


def test_poster_budgets_above_the_campaigns_are_a_french_content_error(tmp_path):
    from venez_vivre.measurement.programme_facts import FactsError

    content = campaign_content(tmp_path, CAMPAIGN.replace("budget_eur: 50000", "budget_eur: 20000"))
    with pytest.raises(FactsError) as error:
        campaigns(content)
    assert (
        "content/campagnes/metro.md — champ « budget_eur » : les budgets des affiches font "
        "30000 € en tout" in str(error.value)
    )


def test_logs_that_match_nothing_are_a_french_error(tmp_path):
    from venez_vivre.measurement import LogsError

    with pytest.raises(LogsError, match="aucun journal ne correspond à"):
        log_files([str(tmp_path / "access.log*")])
