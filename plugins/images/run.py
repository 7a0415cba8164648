"""The images of one build: every source found under content/, and every derivative
the pages ask for. One `Run` per build, kept in the build context (state "images")."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from venez_vivre.programme.build import Build, current

from .config import ImageSettings, resolve
from .pipeline import Probe


@dataclass
class Source:
    relative: str  # path relative to content/, as editors write it
    path: Path
    digest: str
    size: int
    probe: Probe | None = None
    error: str | None = None


@dataclass(frozen=True)
class Derivative:
    key: str
    fmt: str
    width: int
    height: int
    cache_path: Path
    output: str  # path relative to the output folder
    source: str = ""  # the source's path relative to content/ ("" for share cards)


@dataclass
class Run:
    """State of one build (reset by `initialised`, so autoreload runs do not leak)."""

    settings: ImageSettings
    content: Path
    output: Path
    siteurl: str
    sources: dict[str, Source] = field(default_factory=dict)
    users: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # rel → (file, field)
    tasks: dict[tuple, object] = field(default_factory=dict)  # grouping key → Task/CardTask
    wanted: dict[str, Derivative] = field(default_factory=dict)  # output path → derivative
    placeholders: dict[str, tuple[str, str]] = field(default_factory=dict)
    stats: dict = field(default_factory=dict)
    plans: dict[tuple, list] = field(default_factory=dict)  # (source, slot, flatten) → plan
    build: Build | None = None  # the build context this run belongs to

    @property
    def errors(self):
        return self.build.errors

    def relative_source(self, path) -> str:
        return self.build.relative_source(path)


def run_of(holder) -> Run:
    """This build's images: made (and every source probed) on first use in the build."""
    build = current(holder)
    return build.state("images", lambda: _new_run(build))


def _new_run(build: Build) -> Run:
    run = Run(
        settings=resolve(build.settings),
        content=build.content,
        output=build.output,
        siteurl=build.settings.get("SITEURL", "") or "",
        build=build,
    )
    from .sources import scan_sources

    scan_sources(run)
    return run
