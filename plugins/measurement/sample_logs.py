"""Generated access logs with the traffic of a programme: for the tests, the benchmark
(bench/stats.py) and trying `make stats` without a server.

    PYTHONPATH=plugins python -m measurement.sample_logs --site output --days 30 --out logs/

writes a month of two servers' logs rotated as logrotate leaves them (`web1.access.log`,
`web1.access.log.1`, `web1.access.log.2.gz`…): people visiting pages, some after
scanning a poster's QR code, podcast apps downloading episodes in ranges, search-engine
bots, a robots.txt-reading scraper, and a few lines in another format.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import random
from collections.abc import Iterator
from pathlib import Path

from .counting import EpisodeFile, target_path
from .programme_facts import campaigns, published_episodes

PARIS = dt.timezone(dt.timedelta(hours=1))
BROWSERS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
    "like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
)
PODCAST_APPS = (
    "AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4 like Mac OS X; fr_fr)",
    "Spotify/8.9.36 Android/34 (SM-S918B)",
    "Deezer/7.0.0.1 (Android; 14; Mobile; fr) samsung SM-S918B",
    "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)",
)
BOTS = (
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
)
PAGES = ("/", "/territoires/", "/temoignages/", "/podcast/", "/inscription/", "/campagnes/")
ASSETS = ("/theme/css/site.css", "/theme/js/site.js", "/theme/favicon.svg")


def log_line(
    time: dt.datetime,
    ip: str,
    target: str,
    status: int = 200,
    size: int = 1234,
    agent: str = BROWSERS[0],
    method: str = "GET",
    referrer: str = "-",
) -> str:
    """One line of nginx's and Apache's combined format."""
    stamp = time.strftime("%d/%b/%Y:%H:%M:%S %z")
    return (
        f'{ip} - - [{stamp}] "{method} {target} HTTP/1.1" {status} {size} "{referrer}" "{agent}"\n'
    )


def listen(
    start: dt.datetime, ip: str, agent: str, episode: EpisodeFile, seconds: float, chunks=4
) -> Iterator[str]:
    """A podcast app fetching the first `seconds` of an episode in `chunks` ranges, each
    a little later than the one before (a listener pausing and resuming)."""
    wanted = min(episode.size, int(episode.size / episode.duration * seconds))
    step = max(1, wanted // chunks)
    offset = 0
    for index in range(chunks):
        size = step if index < chunks - 1 else wanted - offset
        if size <= 0:
            break
        yield log_line(start + dt.timedelta(minutes=index * 15), ip, episode.path, 206, size, agent)
        offset += size


def day_of_traffic(
    day: dt.date, rng: random.Random, episodes, posters, people: int
) -> Iterator[tuple[dt.datetime, str]]:
    """(time, line) pairs of one day, unordered."""
    midnight = dt.datetime(day.year, day.month, day.day, tzinfo=PARIS)
    for person in range(people):
        ip = f"198.51.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        agent = rng.choice(BROWSERS)
        time = midnight + dt.timedelta(seconds=rng.randrange(6 * 3600, 23 * 3600))
        first = rng.choice(PAGES)
        if posters and person % 7 == 0:
            campaign, number, landing = rng.choice(posters)
            first = (
                f"{landing}?utm_source=affiche&utm_medium=print&utm_campaign={campaign}"
                f"&utm_content={number}"
            )
        for index in range(rng.randrange(1, 6)):
            target = first if index == 0 else rng.choice(PAGES)
            yield time, log_line(time, ip, target, 200, rng.randrange(4000, 30000), agent)
            for asset in ASSETS[: 1 + index % 3]:
                yield time, log_line(time, ip, asset, 200, 2000, agent)
            time += dt.timedelta(seconds=rng.randrange(5, 600))
        if episodes and person % 5 == 0:
            app = rng.choice(PODCAST_APPS)
            episode = rng.choice(episodes)
            seconds = rng.choice((20, 90, episode.duration))
            for line in listen(time, ip, app, episode, seconds, rng.randrange(1, 5)):
                yield time, line
    for bot in BOTS:
        ip = f"66.249.{rng.randrange(64, 80)}.{rng.randrange(1, 255)}"
        time = midnight + dt.timedelta(seconds=rng.randrange(86400 - 3600))
        yield time, log_line(time, ip, "/robots.txt", 200, 120, bot)
        for target in PAGES + tuple(e.path for e in episodes):
            time += dt.timedelta(seconds=rng.randrange(1, 30))
            yield time, log_line(time, ip, target, 200, 5000, bot)
    # A scraper with an ordinary browser's user agent, caught by its robots.txt request.
    time = midnight + dt.timedelta(hours=3)
    yield time, log_line(time, "203.0.113.66", "/robots.txt", 200, 120, BROWSERS[2])
    for target in PAGES:
        time += dt.timedelta(seconds=1)
        yield time, log_line(time, "203.0.113.66", target, 200, 5000, BROWSERS[2])
    yield midnight, "\x16\x03\x01 not a log line at all\n"
    yield midnight, '- - - "GET / HTTP/1.1" 200\n'


def rotated_name(name: str, age: int) -> str:
    """logrotate's names: `name` (today), `name.1` (yesterday, plain), `name.2.gz`…"""
    return name if age == 0 else f"{name}.1" if age == 1 else f"{name}.{age}.gz"


def generate(
    out: Path,
    episodes: list[EpisodeFile],
    posters: list[tuple[str, str, str]],
    start: dt.date,
    days: int,
    people: int = 150,
    servers: int = 2,
    seed: int = 1,
) -> list[Path]:
    """A programme's logs over `days` days, spread over `servers` web servers (one day in
    memory at a time)."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for offset in range(days):
        traffic = sorted(
            day_of_traffic(start + dt.timedelta(days=offset), rng, episodes, posters, people),
            key=lambda pair: pair[0],
        )
        age = days - 1 - offset
        for number in range(servers):
            path = out / rotated_name(f"web{number + 1}.access.log", age)
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "wt", encoding="utf-8") as stream:
                # A load balancer's round robin: every `servers`-th request.
                stream.writelines(line for _time, line in traffic[number::servers])
            files.append(path)
    return files


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=Path("output"))
    parser.add_argument("--content", type=Path, default=Path("content"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2026, 3, 1))
    parser.add_argument("--people", type=int, default=150, help="visitors a day")
    args = parser.parse_args(argv)
    episodes = list(published_episodes(args.site).values())
    posters = [
        (c.slug, str(p.number), target_path(p.landing))
        for c in campaigns(args.content)
        for p in c.posters
    ]
    files = generate(args.out, episodes, posters, args.start, args.days, args.people)
    print(f"{len(files)} fichiers de journal écrits dans {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
