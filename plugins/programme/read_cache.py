"""A disk cache of what the Markdown reader returns (HTML and front matter) per file.

Converting Markdown and parsing YAML was a quarter of a warm build of a large
programme. Each content file's result is kept in `.cache/content/` under a digest of
its bytes (not its modification time: a file saved twice within the file system's
clock tick must not be mistaken for the first version), with the content errors
reading it raised, which are reported again on every build until the file is fixed.
The whole cache is discarded when anything else that shapes what the reader returns
changes: the settings, the reader's code, or a library's version.

Front matter can hold objects that point at the settings (Pelican's Tag, Category…):
the settings are not stored with them but reattached on loading.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from importlib import metadata as package_metadata
from pathlib import Path

from .files import read_pickle, write_pickle

FORMAT = 1
# Settings that differ from one build to the next without changing what is read.
_IGNORED_SETTINGS = {
    "OUTPUT_PATH",
    "JINJA_ENVIRONMENT",
    "JINJA_FILTERS",
    "JINJA_GLOBALS",
    "INCREMENTAL",
    "INCREMENTAL_PREVIOUS",
    "SEARCH_INDEX_LATER",
}
_CODE = ("reader.py", "front_matter.py", "text.py", "errors.py", "read_cache.py", "build.py")
_PACKAGES = ("pelican", "markdown", "pelican-yaml-metadata", "pyyaml")


def _plain(value):
    """A stable, comparable rendering of a setting: data as is, objects by type."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return f"<{type(value).__module__}.{type(value).__qualname__}>"


def settings_text(settings, ignored=frozenset()) -> str:
    """The settings as stable text (data as is, objects by type), for digests."""
    return repr(_plain({k: v for k, v in settings.items() if k not in ignored}))


def fingerprint(settings) -> str:
    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    for name in _PACKAGES:
        try:
            digest.update(f"{name} {package_metadata.version(name)}\n".encode())
        except package_metadata.PackageNotFoundError:
            digest.update(f"{name} absent\n".encode())
    here = Path(__file__).parent
    for name in _CODE:
        digest.update((here / name).read_bytes())
    digest.update(settings_text(settings, _IGNORED_SETTINGS).encode())
    return digest.hexdigest()


class _Pickler(pickle.Pickler):
    def __init__(self, file, settings):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.settings = settings

    def persistent_id(self, obj):
        return "settings" if obj is self.settings else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, settings):
        super().__init__(file)
        self.settings = settings

    def persistent_load(self, pid):
        if pid == "settings":
            return self.settings
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


class ReadCache:
    """One build's view of the cache: entries are loaded on the first read and the
    cache is rewritten at the end of reading with the files this build read."""

    def __init__(self) -> None:
        self.file: Path | None = None  # None: no cache, every file is read
        self.errors = None  # the build's ErrorLog

    def configure(self, settings, folder: Path) -> None:
        self.file = folder / "content.pickle"
        self.settings = settings
        self.fingerprint = fingerprint(settings)
        self.entries: dict | None = None
        self.used: dict = {}

    def _load(self) -> dict:
        if self.entries is None:
            stored = read_pickle(self.file)  # None: no cache yet, read everything
            valid = isinstance(stored, dict) and stored.get("fingerprint") == self.fingerprint
            self.entries = stored["entries"] if valid else {}
        return self.entries

    def read(self, source_path, read):
        """`read(source_path)`'s (content, metadata), from the cache when the file is
        unchanged. Errors the read reported are reported again."""
        if self.file is None:
            return read(source_path)
        key = os.path.abspath(source_path)
        with open(key, "rb") as stream:
            stamp = hashlib.sha256(stream.read()).digest()
        entry = self._load().get(key)
        if entry is not None and entry[0] == stamp:
            try:
                content, metadata, errors = _Unpickler(io.BytesIO(entry[1]), self.settings).load()
            except Exception:  # a damaged entry: read the file again
                pass
            else:
                for error in errors:
                    self.errors.add(error.source, error.field, error.message, error.suggestion)
                self.used[key] = entry
                return content, metadata
        with self.errors.recording() as errors:
            content, metadata = read(source_path)
        buffer = io.BytesIO()
        try:
            _Pickler(buffer, self.settings).dump((content, metadata, list(errors)))
        except Exception:  # something in the front matter cannot be stored
            return content, metadata
        self.used[key] = (stamp, buffer.getvalue())
        return content, metadata

    def save(self) -> None:
        if self.file is None or not self.used:
            return
        if self.used == self.entries:
            return  # every file was a hit: the stored cache is already this one
        write_pickle(self.file, {"fingerprint": self.fingerprint, "entries": self.used})
