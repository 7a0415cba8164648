"""Events: upcoming or past at build time, stable calendar UIDs, and the .ics files.

A static site does not know today's date: an event is "upcoming" when it has not ended
at build time (the `EVENTS_NOW` setting fixes that instant for tests and reproducible
builds). Pages mark each event with its end so that the browser hides an event that
ended since the last build (theme/static/js/site.js), and docs/publishing.md shows how to
rebuild daily.

Calendar UIDs. A calendar application knows an event by its UID: if it changed, an
imported event would appear twice. The UID is derived once, recorded in a ledger
committed with the content (`content/evenements/uids.yml`) and follows the file when it
is renamed (recognised by its unchanged start and kind), like podcast GUIDs. The ledger
also keeps when the UID was first seen (the iCalendar DTSTAMP, so an unchanged event
writes the same bytes) and a SEQUENCE that grows when the time or the place change, so
that calendars update an imported copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from icalendar import Calendar
from icalendar import Event as VEvent

from .brand import brand_data
from .files import write_atomic
from .labels import Labels
from .models import EVENTS_CALENDAR_URL, Event
from .text import PARIS, parse_date

LEDGER = "evenements/uids.yml"  # relative to content/
HEADER = (
    "# Calendar UIDs of the events, written by the build (plugins/programme/events.py).\n"
    "# Commit this file with the events and never edit it: calendar applications know\n"
    "# an event by its UID, and a changed UID shows it twice.\n"
)
PRODID = "-//venez-vivre//événements//FR"


@dataclass(frozen=True)
class LedgerEntry:
    uid: str
    file: str  # relative to content/
    start: str  # ISO start, to recognise a renamed file
    kind: str
    created: str  # ISO UTC instant the UID was first recorded: the DTSTAMP
    fingerprint: str  # of what a calendar shows; a change bumps the sequence
    sequence: int = 0


def build_now(settings) -> dt.datetime:
    value = settings.get("EVENTS_NOW")
    if value:
        return parse_date(value)
    return dt.datetime.now(PARIS)


def arrange(events: list[Event], territories, settings, content_path: Path) -> list[Event]:
    """Upcoming events first (soonest first), then past ones (latest first); each
    territory gets its upcoming events; every event gets its UID from the ledger."""
    now = build_now(settings)
    for event in events:
        event.upcoming = event.end is None or event.end > now
    upcoming = sorted((e for e in events if e.upcoming), key=lambda e: (e.start, e.slug))
    past = sorted((e for e in events if not e.upcoming), key=lambda e: (e.start, e.slug))
    ordered = upcoming + past[::-1]
    for territory in territories:
        territory.events = [e for e in upcoming if territory in e.territories]
    assign_uids(ordered, content_path, settings)
    return ordered


def _fingerprint(event: Event) -> str:
    parts = [
        event.start.isoformat() if event.start else "",
        event.end.isoformat() if event.end else "",
        event.place.name if event.place else "",
        event.place.address if event.place else "",
        event.online_url or "",
        event.title or "",
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _relative_file(event: Event) -> str:
    # source_path is relative to the project root: content/evenements/x.md
    return event.source_path.split("/", 1)[1] if "/" in event.source_path else event.source_path


def read_ledger(content_path: Path) -> list[LedgerEntry]:
    path = content_path / LEDGER
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        LedgerEntry(
            str(e["uid"]),
            str(e["file"]),
            str(e["start"]),
            str(e["kind"]),
            str(e["created"]),
            str(e.get("fingerprint", "")),
            int(e.get("sequence", 0)),
        )
        for e in data.get("events", [])
    ]


def write_ledger(content_path: Path, entries: list[LedgerEntry]) -> None:
    path = content_path / LEDGER
    if not entries and not path.is_file():
        return  # a programme without events gets no ledger (and no evenements/ folder)
    ordered = sorted(entries, key=lambda e: (e.file, e.uid))
    data = {
        "events": [
            {
                "file": e.file,
                "uid": e.uid,
                "start": e.start,
                "kind": e.kind,
                "created": e.created,
                "fingerprint": e.fingerprint,
                "sequence": e.sequence,
            }
            for e in ordered
        ]
    }
    text = HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode("utf-8"))  # builds running at once read a whole file


def _domain(settings) -> str:
    siteurl = settings.get("SITEURL") or settings.get("POSTERS", {}).get("public_url") or ""
    host = siteurl.split("://", 1)[-1].split("/", 1)[0]
    return host or "venez-vivre.invalid"


def assign_uids(events: list[Event], content_path: Path, settings) -> None:
    ledger = read_ledger(content_path)
    by_file = {e.file: e for e in ledger}
    current = {_relative_file(e) for e in events}
    updated = list(ledger)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    for event in sorted(events, key=_relative_file):
        file = _relative_file(event)
        start = event.start.isoformat() if event.start else ""
        fingerprint = _fingerprint(event)
        entry = by_file.get(file)
        if entry is None:
            entry = next(
                (
                    e
                    for e in updated
                    if e.file not in current and (e.start, e.kind) == (start, event.kind)
                ),
                None,
            )
            if entry is not None:  # renamed: the UID follows the file
                updated.remove(entry)
                entry = replace(entry, file=file)
            else:
                uid = uuid.uuid5(uuid.NAMESPACE_URL, f"{_domain(settings)}/{file}#{start}")
                entry = LedgerEntry(
                    f"{uid}@{_domain(settings)}", file, start, event.kind, now, fingerprint
                )
            updated.append(entry)
        if entry.fingerprint != fingerprint or entry.start != start:
            updated.remove(entry)
            entry = replace(
                entry, start=start, fingerprint=fingerprint, sequence=entry.sequence + 1
            )
            updated.append(entry)
        by_file[file] = entry
        event.uid = entry.uid
        event.sequence = entry.sequence
        event.dtstamp = dt.datetime.fromisoformat(entry.created)
    write_ledger(content_path, updated)


def absolute(settings, path: str) -> str:
    siteurl = settings.get("SITEURL") or settings.get("POSTERS", {}).get("public_url") or ""
    return siteurl.rstrip("/") + "/" + path.lstrip("/")


def _vevent(event: Event, settings) -> VEvent:
    item = VEvent()
    item.add("uid", event.uid)
    item.add("dtstamp", event.dtstamp)
    item.add("sequence", event.sequence)
    item.add("dtstart", event.start)
    item.add("dtend", event.end)
    item.add("summary", event.title)
    url = absolute(settings, event.url)
    description = event.summary
    if event.online_url:
        description += f"\n\nEn ligne : {event.online_url}"
    description += f"\n\n{url}"
    item.add("description", description)
    item.add("url", url)
    if event.place:
        item.add("location", f"{event.place.name}, {event.place.address}")
        item.add("geo", (event.place.location.lat, event.place.location.lon))
    elif event.online_url:
        item.add("location", event.online_url)
    item.add("status", "CONFIRMED")
    item.add("transp", "OPAQUE")
    item.add("categories", [Labels(settings.get("LABELS"))(event.kind, "event_kind")])
    return item


def calendar(events: list[Event], settings, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    for event in events:
        cal.add_component(_vevent(event, settings))
    # VTIMEZONE for Europe/Paris, generated from the zoneinfo database: Outlook and
    # Apple Calendar need the definition of every TZID the events use. Its transitions
    # cover the events' years (and the one around), not 1970-2038.
    if events:
        first = min(e.start for e in events).date().replace(month=1, day=1)
        last = max(e.end for e in events).date().replace(month=12, day=31)
        cal.add_missing_timezones(
            first_date=first.replace(year=first.year - 1),
            last_date=last.replace(year=last.year + 1),
        )
    return cal.to_ical()


def write_calendars(events: list[Event], settings, output_path: Path) -> None:
    brand = brand_data(settings.get("BRAND")).get("name", "")
    for event in events:
        target = output_path / event.ics_url
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(calendar([event], settings, event.title))
    upcoming = [e for e in events if e.upcoming]
    target = output_path / EVENTS_CALENDAR_URL
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(calendar(upcoming, settings, f"Événements — {brand}".strip(" —")))
