"""The counting rules (docs/stats.md), applied to a time-ordered stream of requests.

A client is an IP address and a user agent, known only by a keyed hash whose key is
drawn at random for the run and never leaves memory: nothing derived from an IP address
is written anywhere. What a client did is kept with it until it has been idle for a day
(longer than a visit's 30 minutes, a download's 24-hour window and a scan's day), then
added to the totals, unless it turned out to be a robot (it asked for /robots.txt). So
memory holds the clients of the last day, whatever the size of the logs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

from .agents import UserAgents
from .logs import Request

VISIT_GAP = 30 * 60  # seconds without a page before the next page starts a new visit
DOWNLOAD_WINDOW = 24 * 3600  # IAB v2.2: at most one download per client and file in 24 h
CLIENT_MEMORY = 24 * 3600 + VISIT_GAP  # idle time after which a client's counts are final
SWEEP_EVERY = 3600  # seconds of log time between two sweeps of idle clients
PROGRAMME_TZ = ZoneInfo("Europe/Paris")  # days are the programme's days, whatever the server


@dataclass(frozen=True)
class EpisodeFile:
    """A published episode's audio, as the built site serves it."""

    slug: str
    path: str  # URL path, e.g. /audio/ep01.mp3
    size: int  # bytes
    duration: float  # seconds
    title: str = ""

    @property
    def threshold(self) -> int:
        """Bytes that make a download: one minute of audio at the file's average bitrate,
        or the whole file when it is shorter than a minute."""
        if self.duration <= 60:
            return self.size
        return min(self.size, int(self.size / self.duration * 60))


@dataclass(slots=True)
class _Listen:
    start: float
    bytes: int = 0
    counted: bool = False


@dataclass(slots=True)
class _Client:
    last: float
    app: str | None
    robots: bool = False
    visit_end: float = float("-inf")
    visits: Counter = field(default_factory=Counter)  # day → visits begun that day
    pageviews: int = 0
    scans: set = field(default_factory=set)  # (day, campaign, poster)
    listens: dict = field(default_factory=dict)  # audio path → _Listen
    downloads: list = field(default_factory=list)  # episode slugs


@dataclass
class Totals:
    """What the logs say once every rule is applied; the report is drawn from it."""

    lines: int = 0
    skipped_lines: int = 0
    truncated_files: list = field(default_factory=list)
    requests: int = 0
    bot_requests: int = 0
    robots_clients: int = 0
    first: float | None = None
    last: float | None = None
    pageviews: int = 0
    visits_by_day: Counter = field(default_factory=Counter)
    downloads: Counter = field(default_factory=Counter)  # episode slug → downloads
    downloads_by_app: Counter = field(default_factory=Counter)
    scans: Counter = field(default_factory=Counter)  # (campaign, poster) → scans

    @property
    def visits(self) -> int:
        return sum(self.visits_by_day.values())


def is_page(path: str) -> bool:
    """An HTML page of the site: `/territoires/dijon/`, `/index.html`, `/mentions-legales`."""
    last = path.rsplit("/", 1)[-1]
    return not last or last.endswith(".html") or "." not in last


@dataclass
class Counting:
    """One run of the rules. Feed it requests in time order, then call `finish()`."""

    episodes: dict[str, EpisodeFile]  # by URL path
    agents: UserAgents = field(default_factory=UserAgents)
    totals: Totals = field(default_factory=Totals)
    _salt: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    _clients: dict = field(default_factory=dict, repr=False)
    _next_sweep: float | None = None
    _days: dict = field(default_factory=dict, repr=False)  # hour → programme day

    def day(self, time: float) -> str:
        hour = int(time // 3600)
        day = self._days.get(hour)
        if day is None:
            day = dt.datetime.fromtimestamp(hour * 3600, PROGRAMME_TZ).date().isoformat()
            self._days[hour] = day
        return day

    def add(self, request: Request) -> None:
        totals = self.totals
        totals.requests += 1
        time = request.time
        if totals.first is None or time < totals.first:
            totals.first = time
        if totals.last is None or time > totals.last:
            totals.last = time
        if self._next_sweep is None:
            self._next_sweep = time + SWEEP_EVERY
        elif time >= self._next_sweep:
            self._sweep(time - CLIENT_MEMORY)
            self._next_sweep = time + SWEEP_EVERY
        agent = self.agents.classify(request.agent)
        if agent.bot:
            totals.bot_requests += 1
            return
        key = hashlib.blake2b(
            f"{request.ip}\0{request.agent}".encode(), key=self._salt, digest_size=12
        ).digest()
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = _Client(last=time, app=agent.app)
        client.last = max(client.last, time)
        path, _, query = request.target.partition("?")
        path = unquote(path)
        if path == "/robots.txt":
            client.robots = True
            return
        if request.method != "GET":
            return  # HEAD, POST, OPTIONS…: never a page, a download or a scan
        status = request.status
        episode = self.episodes.get(path)
        if episode is not None:
            if status in (200, 206):
                self._listen(client, episode, request, time)
            return
        if (200 <= status < 300 or status == 304) and is_page(path):
            client.pageviews += 1
            if time - client.visit_end > VISIT_GAP:
                client.visits[self.day(time)] += 1
            client.visit_end = max(client.visit_end, time)
            if "utm_medium=print" in query:
                self._scan(client, query, time)

    def _listen(self, client: _Client, episode: EpisodeFile, request: Request, time: float):
        listen = client.listens.get(episode.path)
        if listen is None or time - listen.start >= DOWNLOAD_WINDOW:
            listen = client.listens[episode.path] = _Listen(start=time)
        listen.bytes += request.bytes
        if not listen.counted and listen.bytes >= episode.threshold:
            listen.counted = True
            client.downloads.append(episode.slug)

    def _scan(self, client: _Client, query: str, time: float) -> None:
        fields = parse_qs(query)
        if fields.get("utm_medium", [""])[0] != "print":
            return
        campaign = fields.get("utm_campaign", [""])[0]
        poster = fields.get("utm_content", [""])[0]
        client.scans.add((self.day(time), campaign, poster))

    def _sweep(self, idle_before: float) -> None:
        for key in [k for k, c in self._clients.items() if c.last < idle_before]:
            self._commit(self._clients.pop(key))

    def _commit(self, client: _Client) -> None:
        totals = self.totals
        if client.robots:
            totals.robots_clients += 1
            return
        totals.visits_by_day.update(client.visits)
        totals.pageviews += client.pageviews
        for _day, campaign, poster in client.scans:
            totals.scans[(campaign, poster)] += 1
        for slug in client.downloads:
            totals.downloads[slug] += 1
            totals.downloads_by_app[client.app or "Autre ou inconnue"] += 1

    def finish(self) -> Totals:
        self._sweep(float("inf"))
        return self.totals


def target_path(url: str) -> str:
    """The URL path a log line shows for an absolute URL (an enclosure, a poster's QR)."""
    return unquote(urlsplit(url).path) or "/"
