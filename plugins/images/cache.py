"""The derivatives cache (.cache/images/): what is there, and removing what no known
site uses any more."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from . import pipeline

CACHE_LAYOUT = "derivatives", "probes", "sites"
SWEEP_INTERVAL = 24 * 3600  # seconds: the cache is swept at least this often (clean_cache)

if TYPE_CHECKING:
    from .run import Run


def probe_key(run, digest: str) -> str:
    text = f"{pipeline.PROBE_VERSION}:{run.settings.max_pixels}:{digest}"
    return hashlib.sha256(text.encode()).hexdigest()


def cached_derivatives(cache_dir: Path) -> set[str]:
    """Paths of the encoded files in the cache: one directory listing per key prefix
    instead of a file-system check per derivative (4,000 at ten times the demo)."""
    found: set[str] = set()
    try:
        prefixes = os.scandir(cache_dir / "derivatives")
    except FileNotFoundError:
        return found
    with prefixes:
        for prefix in prefixes:
            if prefix.is_dir():
                with os.scandir(prefix.path) as files:
                    found.update(entry.path for entry in files)
    return found


def clean_cache(run: Run, changed: bool = True) -> int:
    """Remove cache files no known site uses any more. Each site (content folder)
    records what it used; a site whose content folder is gone no longer counts.

    The sweep reads the whole cache; it is skipped when this build encoded nothing,
    used the same files as this site's previous build, and swept less than a day ago
    (other sites sweep when their own files change)."""
    cache = run.settings.cache_dir
    sites = cache / "sites"
    site_id = hashlib.sha256(str(run.content).encode()).hexdigest()[:16]
    used = sorted(
        {str(d.cache_path) for d in run.wanted.values() if d.fmt != "svg"}
        | {str(cache / "probes" / f"{probe_key(run, s.digest)}.json") for s in run.sources.values()}
    )
    manifest = {"content": str(run.content), "files": used}
    record = sites / f"{site_id}.json"
    encoded_manifest = json.dumps(manifest).encode()
    try:
        unchanged = record.read_bytes() == encoded_manifest
        recent = time.time() - record.stat().st_mtime < SWEEP_INTERVAL
    except OSError:
        unchanged = recent = False
    if unchanged and recent and not changed:
        return 0
    pipeline.write_atomic(record, encoded_manifest)
    keep: set[str] = set()
    for path in sites.glob("*.json"):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if not Path(data.get("content", "")).is_dir():
            path.unlink(missing_ok=True)
            continue
        keep.update(data.get("files", []))
    removed = 0
    # Files younger than the grace period stay: another build may be using them.
    grace = time.time() - run.settings.cache_grace
    for folder in ("derivatives", "probes"):
        for path in (cache / folder).rglob("*"):
            if path.is_file() and str(path) not in keep and path.stat().st_mtime < grace:
                path.unlink(missing_ok=True)
                removed += 1
    return removed
