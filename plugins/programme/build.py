"""The build context: what one Pelican run knows, in one object every plugin reads.

Pelican settings carry one `Programme` (key `PROGRAMME`), made at `initialized` from
the resolved settings and the typed brand. Each run of that Pelican instance (`pelican
-r` runs the same instance again and again) starts a fresh `Build` at
`get_generators`, the first signal of every run, before anything is read: its content
errors, read cache, file memos, written-URL index and each plugin's own state. Nothing
of a build lives in a module, so a second run in the same process starts from nothing
and needs no reset code.

Plugins find the build from whatever their signal gives them:
`current(pelican | generator | content | settings | context)`.
"""

from __future__ import annotations

import os
import posixpath
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .brand import Brand
from .errors import ErrorLog
from .file_memo import FileMemo
from .read_cache import ReadCache

KEY = "PROGRAMME"


def cache_dir(settings, name: str, create: bool = True) -> Path:
    """The project's cache folder for `name`: .cache/<name> beside content/, where every
    plugin keeps what it derives (README, "Build caches")."""
    folder = Path(settings["PATH"]).resolve().parent / ".cache" / name
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class Build:
    """One run: created empty when the run starts, dropped with it."""

    settings: dict
    brand: Brand
    content: Path  # the content folder, absolute
    output: Path  # the output folder, absolute
    errors: ErrorLog = field(default_factory=ErrorLog)
    read_cache: ReadCache = field(default_factory=ReadCache)
    # Every file this run wrote, by its path relative to the output folder → the entry
    # it shows (None for an index, a feed or an asset). Checks that need "is this page
    # in the site?" ask it instead of walking output/.
    written: dict[str, object] = field(default_factory=dict)
    # Each plugin's own per-build state, under the plugin's name (see `state`).
    states: dict[str, object] = field(default_factory=dict)
    memos: dict[str, FileMemo] = field(default_factory=dict)
    # What plugins measured (images: derivatives encoded and reused…), for the
    # summary, the benchmarks and the tests.
    figures: dict[str, dict] = field(default_factory=dict)
    # Incremental rendering (incremental.Renderer): what each page read, which pages
    # are reused from the previous output.
    render: object = None
    # Work a plugin started at `finalized` that runs while the other plugins finish
    # (the search index), waited for before the output's modes are set (`meanwhile`).
    background: list = field(default_factory=list)

    def state(self, name: str, factory):
        """The per-build state plugin `name` keeps; made by `factory()` on first use."""
        if name not in self.states:
            self.states[name] = factory()
        return self.states[name]

    def meanwhile(self, name: str, work) -> None:
        """Run `work()` in a thread while the other `finalized` receivers run; the build
        waits for it before setting the output's modes and saving its trace, and fails
        with its exception if it raised."""
        outcome: dict = {}

        def run():
            try:
                work()
            except BaseException as error:  # raised again by wait_background()
                outcome["error"] = error

        thread = threading.Thread(target=run, name=f"build-{name}", daemon=True)
        thread.start()
        self.background.append((thread, outcome))

    def wait_background(self) -> None:
        """Wait for every `meanwhile` work; raise the first failure."""
        pending, self.background = self.background, []
        for thread, _outcome in pending:
            thread.join()
        for _thread, outcome in pending:
            if "error" in outcome:
                raise outcome["error"]

    def memo(self, name: str, version: int, errors: tuple = ()) -> FileMemo:
        """A FileMemo on the project's cache (.cache/memo/<name>.pickle) for this build."""
        if name not in self.memos:
            memo = FileMemo(name, version, errors)
            memo.configure(cache_dir(self.settings, "memo"))
            self.memos[name] = memo
        return self.memos[name]

    # -- the written-URL index ------------------------------------------------------------
    def record_written(self, path, entry=None) -> None:
        """Record a file written into the output (absolute, or relative to it)."""
        relative = os.path.relpath(os.path.abspath(path), self.output).replace(os.sep, "/")
        self.written[relative] = entry

    def serves(self, url: str) -> bool:
        """Whether a site path (`/a/b/`, `/feed.xml`) is a file this build wrote."""
        relative = url.split("?", 1)[0].split("#", 1)[0].lstrip("/")
        if not relative or url.endswith("/"):
            relative = posixpath.join(relative, "index.html")
        return relative in self.written

    def pages(self) -> list[str]:
        """Every page this build wrote, as the root-relative path a visitor types."""
        return sorted(
            "/" + path.removesuffix("index.html")
            for path in self.written
            if path.endswith(".html") and path != "404.html"
        )

    # -- sources as editors see them ------------------------------------------------------
    def relative_source(self, path) -> str:
        """A path as editors see it: `content/temoignages/claire.md`, wherever the build
        runs."""
        return relative_source(path, self.content)


def relative_source(path, content: Path | str | None = None) -> str:
    path = os.path.abspath(getattr(path, "source_path", None) or path)
    if content is not None:
        content = os.path.abspath(content)
        if path.startswith(content + os.sep):
            return posixpath.join(
                os.path.basename(content), os.path.relpath(path, content).replace(os.sep, "/")
            )
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path


class Programme:
    """What a Pelican instance knows for all its runs: settings and brand, resolved
    once, and the build of the run in progress."""

    def __init__(self, settings: dict, brand: Brand, output_path) -> None:
        self.settings = settings
        self.brand = brand
        self.output = Path(output_path).resolve()
        self.build: Build | None = None
        # Replays of what rendering a page did besides writing it (incremental.py), by
        # name: plugins add theirs at `initialized`.
        self.effect_handlers: dict[str, object] = {}

    def start_build(self) -> Build:
        """A new, empty build for the run that starts (the previous one is dropped)."""
        self.build = Build(
            settings=self.settings,
            brand=self.brand,
            content=Path(self.settings["PATH"]).resolve(),
            output=self.output,
        )
        from .incremental import Renderer

        self.build.render = Renderer(self.build)
        return self.build


def _settings_of(holder):
    """The settings-like mapping of `holder` (anything with `.get`: the settings, a
    Pelican context, a Jinja template context)."""
    if isinstance(holder, dict) or callable(getattr(holder, "get", None)):
        return holder
    settings = getattr(holder, "settings", None)
    if isinstance(settings, dict):
        return settings
    context = getattr(holder, "_context", None) or getattr(holder, "context", None)
    if isinstance(context, dict):
        return context
    raise TypeError(f"no Pelican settings on {holder!r}")


def programme(holder) -> Programme:
    found = _settings_of(holder).get(KEY)
    if found is None:
        raise RuntimeError(
            'venez_vivre.programme is not loaded: list "venez_vivre.programme" first in '
            "PLUGINS (from venez_vivre.settings import * does)."
        )
    return found


def current(holder) -> Build:
    """The build in progress, from a Pelican instance, a generator, a content object,
    the settings or the templates' context."""
    build = programme(holder).build
    if build is None:
        raise RuntimeError("no build in progress (the run has not started)")
    return build
