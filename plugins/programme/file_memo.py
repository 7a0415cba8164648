"""Results of pure functions of one file (audio durations, parsed transcripts…), kept
on disk across builds and recomputed when the file changes.

A file is known by its path, size and modification time in nanoseconds. As in git's
index, a result computed less than two seconds after the file's last modification is
not trusted on the next build (the file may have been rewritten within the same clock
tick): it is computed again. An error the function raises is kept and raised again,
so that editors see it on every build until they fix the file. A change to the source
file of the function's module discards its results.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import sys
import time
from pathlib import Path

from .files import RACY_NS, read_pickle, write_pickle


class FileMemo:
    def __init__(self, name: str, version: int, errors: tuple = ()) -> None:
        self.name, self.version, self.errors = name, version, errors
        self.file: Path | None = None
        self.entries: dict = {}
        self.used: dict = {}

    def configure(self, folder: Path) -> None:
        """Keep the results in `folder` (the build's .cache/memo/)."""
        self.file = Path(folder) / f"{self.name}.pickle"
        self.used = {}
        stored = read_pickle(self.file)
        valid = isinstance(stored, dict) and stored.get("version") == self.version
        self.entries = stored["entries"] if valid else {}

    def get(self, function, path, *arguments):
        """function(path, *arguments), from the cache while the file is unchanged."""
        path = Path(path)
        code = _code_digest(function.__module__)
        key = (function.__module__, function.__qualname__, code, str(path.resolve()), arguments)
        try:
            stat = path.stat()
        except OSError:
            return function(path, *arguments)  # the function reports the missing file
        stamp = (stat.st_size, stat.st_mtime_ns)
        entry = self.entries.get(key) if self.file else None
        if entry is not None and entry[0] == stamp and entry[1] - stamp[1] > RACY_NS:
            self.used[key] = entry
            outcome, value = entry[2]
            if outcome == "error":
                raise value
            return value
        computed_at = time.time_ns()
        try:
            value = function(path, *arguments)
        except self.errors as error:
            self.used[key] = (stamp, computed_at, ("error", error))
            raise
        self.used[key] = (stamp, computed_at, ("value", value))
        return value

    def save(self) -> None:
        if self.file is None or self.used == self.entries:
            return
        try:
            write_pickle(self.file, {"version": self.version, "entries": self.used})
        except (pickle.PicklingError, TypeError, AttributeError):
            return  # a result that cannot be kept: no cache
        self.entries = dict(self.used)


@functools.cache
def _code_digest(module_name: str) -> str:
    source = getattr(sys.modules.get(module_name), "__file__", None)
    return hashlib.sha256(Path(source).read_bytes()).hexdigest() if source else ""
