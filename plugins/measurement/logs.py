"""Web-server access logs as one stream of requests in time order, read lazily.

nginx's and Apache's "combined" format (the default of both):

    203.0.113.9 - - [10/Mar/2026:08:15:02 +0100] "GET /podcast/ HTTP/1.1" 200 5120 "-" "UA"

Logs come rotated (`access.log`, `access.log.1`, `access.log.2.gz`…), in whatever order
the shell's glob gives them, and from several servers behind one address. Each file is
in time order by itself, so the files are merged (a k-way merge on the timestamp) rather
than sorted: only the files whose period has begun are open at once, and memory does not
grow with the size of the logs. A line in another format is counted and skipped.
"""

from __future__ import annotations

import gzip
import heapq
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

# Anchored at the start only: nginx setups often append fields ($request_time,
# $http_x_forwarded_for…) after the user agent.
# A quoted field: nginx escapes `"` and `\` as \x22 and \x5C, Apache as \" and \\.
_QUOTED = r'[^"\\]*(?:\\.[^"\\]*)*'  # "unrolled" loop: far faster than (?:[^"\\]|\\.)*
COMBINED = re.compile(
    rf'(?P<ip>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<request>{_QUOTED})" '
    rf'(?P<status>\d{{3}}) (?P<bytes>\d+|-) "{_QUOTED}" "(?P<agent>{_QUOTED})"'
)
MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_DAYS_BEFORE_MONTH = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


@dataclass(frozen=True, slots=True)
class Request:
    time: float  # seconds since the epoch (UTC)
    ip: str
    agent: str
    method: str
    target: str  # path and query string, as requested
    status: int
    bytes: int  # body bytes sent


def _epoch_day(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 (proleptic Gregorian), without building a datetime."""
    leap = month > 2 and (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
    y = year - 1
    days = y * 365 + y // 4 - y // 100 + y // 400 - 719162  # 719162: days to 1970
    return days + _DAYS_BEFORE_MONTH[month - 1] + leap + day - 1


def parse_time(text: str) -> float:
    """`10/Mar/2026:08:15:02 +0100` → epoch seconds. ValueError if it is not that."""
    if len(text) != 26 or text[2] != "/" or text[6] != "/" or text[11] != ":":
        raise ValueError(text)
    day, month, year = int(text[0:2]), MONTHS[text[3:6]], int(text[7:11])
    hour, minute, second = int(text[12:14]), int(text[15:17]), int(text[18:20])
    sign = -1 if text[21] == "-" else 1
    offset = sign * (int(text[22:24]) * 3600 + int(text[24:26]) * 60)
    return _epoch_day(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset


def parse_line(line: str) -> Request | None:
    """One log line as a Request, or None when the line is not in the combined format."""
    match = COMBINED.match(line)
    if match is None:
        return None
    try:
        time = parse_time(match["time"])
    except (ValueError, KeyError):
        return None
    parts = match["request"].split(" ")
    # A malformed request line ("-", a TLS handshake sent to the HTTP port) is still a
    # line of the format: it is a request that can never count, not a skipped line.
    method, target = (parts[0], parts[1]) if len(parts) == 3 else ("", "")
    size = match["bytes"]
    return Request(
        time=time,
        ip=match["ip"],
        agent=match["agent"],
        method=method,
        target=target,
        status=int(match["status"]),
        bytes=0 if size == "-" else int(size),
    )


def open_log(path: Path):
    """A text stream of a log file, decompressed when it is gzip (by its bytes, not its
    name: logrotate's `delaycompress` leaves `access.log.1` plain and `.2.gz` compressed)."""
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace", newline="\n")
    return open(path, encoding="utf-8", errors="replace", newline="\n")


@dataclass
class LineCount:
    """How many lines were read and how many were in another format (skipped); the log
    files whose end could not be read (a gzip file cut short by a full disk)."""

    lines: int = 0
    skipped: int = 0
    truncated: list[str] = field(default_factory=list)


# A gzip file cut short, or bytes that are not gzip after a gzip header.
BROKEN_FILE = (EOFError, gzip.BadGzipFile, zlib.error)


def _requests(path: Path, count: LineCount) -> Iterator[Request]:
    with open_log(path) as stream:
        try:
            for line in stream:
                count.lines += 1
                request = parse_line(line)
                if request is None:
                    count.skipped += 1
                    continue
                yield request
        except BROKEN_FILE:
            count.truncated.append(str(path))  # what was read before the break counts


def _first_time(path: Path) -> float | None:
    with open_log(path) as stream:
        try:
            for line in stream:
                request = parse_line(line)
                if request is not None:
                    return request.time
        except BROKEN_FILE:
            pass
    return None


def merged_requests(paths: Iterable[Path], count: LineCount) -> Iterator[Request]:
    """Every request of every file, in time order (ties keep file order).

    A file is opened when the merge reaches its first timestamp: rotated daily logs of
    a year are hundreds of files, and only those of the current period (one per server)
    are open at a time.
    """
    pending = []
    for index, path in enumerate(paths):
        first = _first_time(path)
        if first is None:  # empty, or nothing in the format: still read, to count it
            for _ in _requests(path, count):
                pass
            continue
        pending.append((first, index, path))
    pending.sort(reverse=True)  # pop() takes the earliest
    heap: list = []

    def activate(index: int, path: Path) -> None:
        stream = _requests(path, count)
        request = next(stream, None)
        if request is not None:
            heapq.heappush(heap, (request.time, index, request, stream))

    while pending or heap:
        # Open every file that begins before the earliest request still waiting.
        while pending and (not heap or pending[-1][0] <= heap[0][0]):
            _first, index, path = pending.pop()
            activate(index, path)
        _time, index, request, stream = heapq.heappop(heap)
        yield request
        following = next(stream, None)
        if following is not None:
            heapq.heappush(heap, (following.time, index, following, stream))
