"""Episode GUIDs: derived once, then never changed, without a database.

A podcast app knows an episode by its `<guid>`. If it changes, every subscriber
downloads the episode again and sees it twice, so it must survive what editors do
to a site: rebuilding, renaming the Markdown file (which changes the slug and the URL),
moving the site to another address.

How:

1. An episode imported from an older feed keeps the `guid` of its front matter.
2. Otherwise the GUID is derived the first time an episode is built, as the UUIDv5 of
   the show's `podcast:guid` and the episode's season and number, and written to a
   ledger committed with the content, `content/podcast/guids.yml`. From then on the
   ledger is the truth: changing the show's address or the episode's number later does
   not change it.
3. The ledger knows each episode by its file. A renamed file is recognised because
   its old file no longer exists and the episode number (and season) is the same: the
   GUID follows it and the ledger is updated.

Derivation is deterministic, so two clean checkouts that both lack an entry agree on it,
even before the ledger has been committed. Ledger entries are never removed: a GUID is
never handed to another episode.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import yaml
from venez_vivre.programme.files import write_atomic
from venez_vivre.programme.front_matter import SAFE_LOADER

LEDGER = "podcast/guids.yml"  # relative to content/
HEADER = (
    "# Episode GUIDs, written once by the build (plugins/podcast/guids.py).\n"
    "# Commit this file with the episodes and never edit it: podcast apps know\n"
    "# each episode by its GUID, and a changed GUID makes them download it again.\n"
)


@dataclass(frozen=True)
class LedgerEntry:
    guid: str
    file: str  # episode file, relative to content/
    season: int | None
    episode: int


def derive_guid(show_guid: str, season: int | None, episode: int) -> str:
    try:
        namespace = uuid.UUID(show_guid)
    except ValueError:
        namespace = uuid.uuid5(uuid.NAMESPACE_URL, show_guid)
    return str(uuid.uuid5(namespace, f"episode:{season or 0}:{episode}"))


def read_ledger(content_path: Path) -> list[LedgerEntry]:
    path = content_path / LEDGER
    if not path.is_file():
        return []
    return _entries(path.read_text(encoding="utf-8"))


def _entries(text: str) -> list[LedgerEntry]:
    data = yaml.load(text, Loader=SAFE_LOADER) or {}
    return [
        LedgerEntry(str(e["guid"]), str(e["file"]), e.get("season"), int(e["episode"]))
        for e in data.get("episodes", [])
    ]


def write_ledger(content_path: Path, entries: list[LedgerEntry]) -> bool:
    """Write the ledger if it changed; True if it was written."""
    path = content_path / LEDGER
    ordered = sorted(entries, key=lambda e: (e.file, e.guid))
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if current is not None and current.startswith(HEADER) and _entries(current) == ordered:
        return False  # what the file says already (dumping 3,000 entries costs 0.3 s)
    data = {
        "episodes": [
            {"file": e.file, "season": e.season, "episode": e.episode, "guid": e.guid}
            for e in ordered
        ]
    }
    text = HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if current == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode("utf-8"))  # builds running at once read a whole file
    return True


def assign(episodes, content_path: Path, show_guid: str):
    """GUID of each episode (by source file), and the ledger to write back.

    `episodes` are objects with `relative_file` (relative to content/), `season`,
    `episode` and `guid` (front matter, imported episodes only).
    """
    ledger = read_ledger(content_path)
    by_file = {e.file: e for e in ledger}
    current_files = {ep.relative_file for ep in episodes}
    guids: dict[str, str] = {}
    updated = list(ledger)
    for ep in sorted(episodes, key=lambda e: e.relative_file):
        if ep.guid:
            guids[ep.relative_file] = ep.guid
            continue
        entry = by_file.get(ep.relative_file)
        if entry is None:
            entry = next(
                (
                    e
                    for e in updated
                    if e.file not in current_files
                    and (e.season, e.episode) == (ep.season, ep.episode)
                ),
                None,
            )
            if entry is not None:  # the file was renamed: the GUID follows it
                updated.remove(entry)
                entry = LedgerEntry(entry.guid, ep.relative_file, ep.season, ep.episode)
            else:
                guid = derive_guid(show_guid, ep.season, ep.episode)
                entry = LedgerEntry(guid, ep.relative_file, ep.season, ep.episode)
            updated.append(entry)
            by_file[ep.relative_file] = entry
        guids[ep.relative_file] = entry.guid
    return guids, updated
