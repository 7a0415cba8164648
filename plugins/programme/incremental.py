"""Incremental rendering: a page is rendered again only when something it showed changed.

While a page renders, the build records every input it read — each attribute of each
programme entry (territory, testimonial…), each name of the template context, each
template loaded, each file a plugin said the page depends on (an image's source) —
with a digest of the value read. The next build, before rendering the same page,
compares those digests with today's values: when every one is unchanged (and so are
the settings and the code), the page it would render is the page already published,
and that file is linked from the previous output instead (hard link: no copy, no
rendering, no typography). Anything the build cannot digest (an unknown object) marks
the page as always rendered; a page no longer written is simply absent from the new
output, so a removed or renamed page is never left published.

Reads are recorded where they happen, in templates and in Python helpers alike:
entries record their own attribute reads (`models.Entry.__getattribute__`), the
template context its name lookups (`TrackingContext`), the Jinja environment its
template loads. Values that are not entries — Pelican's pages and news, lists,
settings data — are digested whole, entries inside them by their source file only
(their attributes are then recorded when read).

What a skipped render would have done besides writing the file is replayed: plugins
record effects (`Renderer.effect`, e.g. the image derivatives a page uses) and give a
replay function (`Programme.effect_handlers`); `content_written` is still sent, so
that receivers indexing pages (the sitemap, the written-URL index) see every page;
receivers that rewrite a page ask `Renderer.reused(path)` and leave reused pages alone.

Where the previous output is: `tools/build.py` builds into a staging folder and says
where the current output is (`INCREMENTAL_PREVIOUS`); plain `pelican` writes into
OUTPUT_PATH itself, which is moved aside at the start of the build (Pelican would
delete it) and reused from there. `INCREMENTAL = False` (publish) renders every page.
The trace is kept in .cache/render/, beside the other build caches.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import logging
import os
import shutil
import sys
import threading
from pathlib import Path, PurePath

from jinja2.environment import TemplateModule
from jinja2.runtime import Context, Macro
from jinja2.utils import missing
from pelican import signals
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper
from pelican.utils import get_relative_path, path_to_url
from pelican.writers import Writer

from .files import (
    FILE_MODE,
    installed_packages,
    read_pickle,
    remove_in_background,
    write_pickle,
)
from .read_cache import settings_text

logger = logging.getLogger(__name__)

FORMAT = 2
# Settings that name where this build writes or reads, not what it shows.
IGNORED_SETTINGS = {
    "OUTPUT_PATH",
    "INCREMENTAL",
    "INCREMENTAL_PREVIOUS",
    "SEARCH_INDEX_LATER",
    "JINJA_ENVIRONMENT",
    "JINJA_FILTERS",
    "JINJA_GLOBALS",
}
ASIDE_SUFFIX = ".render-previous"
METHOD = b"method"  # the digest recorded for a method of an entry
_MAX_DEPTH = 12


class Unhashable(Exception):
    """A value the build cannot digest: the page reading it is always rendered."""


def code_digest() -> str:
    """The venez_vivre package's code, the installed packages and Python: a change to
    any of them may change every page."""
    import venez_vivre

    digest = hashlib.sha256(f"{sys.version}\n".encode())
    for folder in sorted(str(Path(p)) for p in venez_vivre.__path__):
        for here, subfolders, names in os.walk(folder):
            subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
            for name in sorted(names):
                if name.endswith((".py", ".html", ".json", ".yml", ".yaml", ".geojson")):
                    stat = os.stat(os.path.join(here, name))
                    digest.update(f"{here}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    digest.update("\n".join(installed_packages()).encode())
    return digest.hexdigest()


# -- digests of values -----------------------------------------------------------------
class Digests:
    """Digests of what pages read, made once per build per value (memoized by the
    value's identity; the value is kept alive so that its identity is not reused)."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        self._by_id: dict[int, tuple[object, bytes]] = {}
        self._full: dict[int, bytes] = {}

    def of(self, value) -> bytes:
        if value is None or isinstance(value, bool | int | float | str):
            return _hash(repr(value).encode())
        known = self._by_id.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        parts: list[str] = []
        self._canonical(value, parts, 0, set())
        digest = _hash("\x1f".join(parts).encode())
        self._by_id[id(value)] = (value, digest)
        return digest

    def _canonical(self, value, parts: list[str], depth: int, stack: set[int]) -> None:
        if depth > _MAX_DEPTH:
            raise Unhashable("too deep")
        if value is None or isinstance(value, bool | int | float | str | bytes):
            parts.append(f"{type(value).__name__}:{value!r}")
            return
        renderer = self.renderer
        key = renderer.entry_keys.get(id(value))
        if key is not None and renderer.entries.get(key) is value:
            parts.append(f"@{key}")  # its attributes are recorded when they are read
            return
        if value is missing:
            parts.append("missing")
            return
        if value is renderer.settings or value is renderer.programme:
            parts.append("<settings>")  # part of the build's own digest
            return
        if isinstance(value, Macro | TemplateModule):
            # Template code: its template is recorded when loaded.
            parts.append(
                f"jinja:{type(value).__name__}:{getattr(value, 'name', None) or value.__name__}"
            )
            return
        if isinstance(value, dt.datetime | dt.date | dt.time):
            parts.append(
                f"{type(value).__name__}:{value.isoformat()}:{getattr(value, 'tzinfo', '')}"
            )
            return
        if isinstance(value, PurePath):
            parts.append(f"path:{value}")
            return
        if isinstance(value, enum.Enum):
            parts.append(f"enum:{type(value).__qualname__}.{value.name}")
            return
        marker = id(value)
        if marker in stack:
            raise Unhashable("cycle")
        stack.add(marker)
        try:
            if isinstance(value, dict):
                parts.append(f"dict{len(value)}(")
                for k, v in value.items():
                    self._canonical(k, parts, depth + 1, stack)
                    self._canonical(v, parts, depth + 1, stack)
                parts.append(")")
            elif isinstance(value, list | tuple):
                parts.append(f"{type(value).__name__}{len(value)}(")
                for item in value:
                    self._canonical(item, parts, depth + 1, stack)
                parts.append(")")
            elif isinstance(value, set | frozenset):
                parts.append(f"set({sorted(repr(v) for v in value)})")
            elif isinstance(value, Content):
                parts.append(f"content:{self._content(value).hex()}")
            elif isinstance(value, URLWrapper):
                parts.append(f"url:{type(value).__name__}:{value.name}:{value.url}")
            elif dataclasses.is_dataclass(value) and not isinstance(value, type):
                # An entry that is not the build's (a copy): its fields, whole.
                parts.append(f"dc:{type(value).__qualname__}(")
                for f in dataclasses.fields(value):
                    parts.append(f.name)
                    self._canonical(object.__getattribute__(value, f.name), parts, depth + 1, stack)
                parts.append(")")
            elif callable(value) and hasattr(value, "__qualname__"):
                owner = getattr(value, "__self__", None)
                if owner is not None and not isinstance(owner, type):
                    parts.append(f"method:{value.__qualname__}")
                    self._canonical(owner, parts, depth + 1, stack)
                else:  # a function: its code is in the build's digest
                    parts.append(f"fn:{getattr(value, '__module__', '')}.{value.__qualname__}")
            elif hasattr(value, "__dict__") and type(value).__module__.startswith(
                ("venez_vivre", "pelican", "markupsafe")
            ):
                parts.append(f"obj:{type(value).__qualname__}(")
                self._canonical(vars(value), parts, depth + 1, stack)
                parts.append(")")
            else:
                raise Unhashable(type(value).__qualname__)
        finally:
            stack.discard(marker)

    def _content(self, item: Content) -> bytes:
        """A Pelican page or news item, whole: metadata, body and address."""
        known = self._full.get(id(item))
        if known is None:
            parts = [type(item).__name__, str(item.source_path), str(item.url), str(item.save_as)]
            metadata = {k: v for k, v in item.metadata.items() if k != "_context"}
            self._canonical(metadata, parts, 1, set())
            parts.append(item.content or "")
            known = self._full[id(item)] = _hash("\x1f".join(parts).encode())
        return known


def _hash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


# -- recording -------------------------------------------------------------------------
class PageRecord:
    __slots__ = ("effects", "facts", "globals", "identity", "inputs", "poisoned", "raw")

    def __init__(self, inputs=None, globals=None) -> None:
        # What the page is rendered from: names found elsewhere were set by templates
        # (from values recorded when they were read) and are not inputs.
        self.inputs = inputs or {}
        self.globals = globals or {}
        self.facts: set[int] = set()
        self.effects: list[tuple[str, object]] = []
        self.poisoned = False
        self.raw: bytes | None = None  # digest of the HTML rendered, before typography
        self.identity = None  # of the previous file linked for it (same HTML rendered)


class Renderer:
    """The build's incremental rendering: records what pages read, decides which pages
    to render again. One per build (`Build.render`)."""

    def __init__(self, build) -> None:
        self.build = build
        self.settings = build.settings
        self.programme = build.settings.get("PROGRAMME")
        # INCREMENTAL: True reuses pages and records them; "record" renders every page
        # and records them (a full build: `tools/build.py --full`); False does neither
        # (publish's throw-away build).
        mode = build.settings.get("INCREMENTAL", True)
        self.enabled = mode is True
        self.recording = mode is not False
        self.entries: dict[str, object] = {}  # source path → the build's entry
        self.entry_keys: dict[int, str] = {}  # id(entry) → source path
        self.digests = Digests(self)
        self.page: PageRecord | None = None  # the page being rendered
        self.facts: list[tuple] = []
        self.fact_ids: dict[tuple, int] = {}
        self._entry_facts: dict[tuple[int, str], int] = {}
        self._name_facts: dict[tuple[str, int], tuple[object, int]] = {}
        self._template_digests: dict[str, bytes] = {}
        self.pages: dict[str, tuple] = {}  # this build's trace: output path → record
        self.reused_paths: set[str] = set()
        # rendered: pages rendered; same: of those, HTML identical to the previous
        # build's (its typeset file linked); reused: not rendered at all; always: pages
        # reading something that cannot be digested.
        self.figures = {"rendered": 0, "same": 0, "reused": 0, "always": 0}
        self.discarded: set[str] = set()  # paths whose write the writer discards
        self._previous = None
        self._previous_loaded = False
        self._global = None
        self._folders: set[Path] = set()  # output folders made for reused pages
        self._prev_valid: dict[int, bool] = {}  # previous build's fact id → still true
        # (previous fact id, id(value)) → still true, for template-context names
        self._prev_named_valid: dict[tuple[int, int], bool] = {}
        self._from_previous: dict[int, int] = {}  # previous build's fact id → this one's

    # -- entries ------------------------------------------------------------------------
    def register_entries(self, entries) -> None:
        """The build's entries, by source file: reads on them are recorded."""
        if not self.recording:
            return
        for entry in entries:
            key = entry.source_path
            if key in self.entries and self.entries[key] is not entry:
                self.entries[key] = None  # two objects for one file: reads not trusted
            else:
                self.entries[key] = entry
            self.entry_keys[id(entry)] = key
            object.__setattr__(entry, "_reads", self)

    def entry_read(self, entry, name: str, value) -> None:
        page = self.page
        memo = (id(entry), name)
        fact = self._entry_facts.get(memo)
        if fact is None:
            key = self.entry_keys.get(id(entry))
            if key is None or self.entries.get(key) is not entry:
                page.poisoned = True
                return
            try:
                if callable(value) and getattr(value, "__self__", None) is entry:
                    # A method: its code is in the build's digest, and what it reads of
                    # the entry is recorded as it reads it.
                    fact = self._intern(("E", key, name, METHOD))
                else:
                    fact = self._intern(("E", key, name, self.digests.of(value)))
            except Unhashable:
                page.poisoned = True
                return
            self._entry_facts[memo] = fact
        page.facts.add(fact)

    def name_read(self, name: str, value) -> None:
        page = self.page
        if value is not missing and name not in page.inputs and name not in page.globals:
            return  # set by a template, from what it read
        memo = (name, id(value))
        known = self._name_facts.get(memo)
        if known is not None and known[0] is value:
            self.page.facts.add(known[1])
            return
        try:
            fact = self._intern(("N", name, self.digests.of(value)))
        except Unhashable:
            self.page.poisoned = True
            return
        self._name_facts[memo] = (value, fact)
        self.page.facts.add(fact)

    def template_read(self, environment, name: str) -> None:
        self.page.facts.add(self._intern(("T", name, self._template_digest(environment, name))))

    def depends_on_file(self, path) -> None:
        """The page being rendered shows what this file holds (an image's pixels)."""
        if self.page is None:
            return
        self.page.facts.add(self._intern(("F", str(path), _file_identity(path))))

    def effect(self, handler: str, payload) -> None:
        """Something rendering this page did besides writing it, to do again when the
        page is reused: `Programme.effect_handlers[handler](build, payload)`."""
        if self.page is not None:
            self.page.effects.append((handler, payload))

    def reused(self, path) -> bool:
        """Whether the file at `path` was linked from the previous output, not rendered."""
        return os.path.abspath(path) in self.reused_paths

    def _intern(self, fact: tuple) -> int:
        known = self.fact_ids.get(fact)
        if known is None:
            known = self.fact_ids[fact] = len(self.facts)
            self.facts.append(fact)
        return known

    def _template_digest(self, environment, name: str) -> bytes:
        known = self._template_digests.get(name)
        if known is None:
            try:
                source, filename, _ = environment.loader.get_source(environment, name)
                known = _hash(f"{filename}\0{source}".encode())
            except Exception:
                known = os.urandom(16)
            self._template_digests[name] = known
        return known

    # -- the previous build ---------------------------------------------------------------
    def global_digest(self) -> str:
        if self._global is None:
            settings = settings_text(self.settings, IGNORED_SETTINGS)
            text = f"render {FORMAT}\n{code_digest()}\n{settings}"
            self._global = hashlib.sha256(text.encode()).hexdigest()
        return self._global

    def trace_file(self) -> Path:
        from .build import cache_dir

        final = self.settings.get("INCREMENTAL_PREVIOUS") or self.settings["OUTPUT_PATH"]
        name = hashlib.sha256(os.path.abspath(final).encode()).hexdigest()[:16]
        return cache_dir(self.settings, "render") / f"{name}.pickle"

    def previous(self):
        """(folder, trace) of the previous output to reuse pages from, or None."""
        if not self._previous_loaded:
            self._previous_loaded = True
            self._previous = self._load_previous()
        return self._previous

    def _load_previous(self):
        if not self.recording:
            return None
        folder = self.settings.get("INCREMENTAL_PREVIOUS")
        folder = Path(folder) if folder else self.aside_folder()
        trace = read_pickle(self.trace_file())
        if not isinstance(trace, dict) or trace.get("format") != FORMAT:
            return None
        if trace.get("global") != self.global_digest():
            return None
        try:
            stat = folder.stat()
        except OSError:
            return None
        if trace.get("folder") != (stat.st_dev, stat.st_ino):
            return None
        return folder, trace

    def aside_folder(self) -> Path:
        output = Path(self.settings["OUTPUT_PATH"]).resolve()
        return output.with_name(f".{output.name}{ASIDE_SUFFIX}")

    def move_output_aside(self) -> None:
        """Plain `pelican` deletes OUTPUT_PATH before writing: keep its pages aside to
        reuse them (only when nothing else is kept in it: OUTPUT_RETENTION)."""
        if not self.enabled or self.settings.get("INCREMENTAL_PREVIOUS"):
            return
        if not self.settings.get("DELETE_OUTPUT_DIRECTORY") or self.settings.get(
            "OUTPUT_RETENTION"
        ):
            return
        output = Path(self.settings["OUTPUT_PATH"]).resolve()
        aside = self.aside_folder()
        if not output.is_dir():
            return
        content = Path(self.settings["PATH"]).resolve()
        if content == output or output in content.parents:
            return
        self.remove_aside()  # a previous one a killed thread left
        os.rename(output, aside)

    def remove_aside(self) -> None:
        """Delete the folders moved aside (renamed first, then deleted by a process of
        their own; whatever an interrupted deletion leaves, the next build deletes)."""
        aside = self.aside_folder()
        folders = sorted(aside.parent.glob(aside.name + "*"))
        trash = []
        for folder in folders:
            target = (
                folder
                if folder.name != aside.name
                else folder.with_name(f"{aside.name}.{os.getpid()}.{threading.get_ident()}")
            )
            try:
                if target != folder:
                    os.rename(folder, target)
                trash.append(target)
            except OSError:
                continue
        remove_in_background(trash)

    # -- the writer's side ----------------------------------------------------------------
    environment = None  # the environment of the template being checked (set per page)

    def try_reuse(self, name: str, environment, page_value) -> bool:
        """Link `name` from the previous output when nothing it read changed."""
        previous = self.previous()
        if previous is None or not self.enabled:
            return False
        folder, trace = previous
        record = trace["pages"].get(name)
        if record is None:
            return False
        fact_ids, effects, identity, raw = record
        source = folder / name
        if _output_identity(source) != identity:
            return False  # changed or removed since (by hand, or a concurrent build)
        facts = trace["facts"]
        self.environment = environment
        # The previous build's fact ids index its own fact table: validity is memoized
        # per previous id (per id and value for context names, whose value is the
        # page's), each fact checked once per build.
        valid = self._prev_valid
        named = self._prev_named_valid
        for fact_id in fact_ids:
            known = valid.get(fact_id)
            if known is None:
                fact = facts[fact_id]
                if fact[0] == "N":
                    value = page_value(fact[1])
                    if value is None or isinstance(value, bool | int | float | str):
                        known = self.digests.of(value) == fact[2]  # cheap; ids reused
                    else:  # kept alive by Digests' memo: its id stays its own
                        memo = (fact_id, id(value))
                        known = named.get(memo)
                        if known is None:
                            try:
                                known = self.digests.of(value) == fact[2]
                            except Unhashable:
                                known = False
                            named[memo] = known
                    if not known:
                        return False
                    continue
                known = valid[fact_id] = self._fact_valid_now(fact)
            if not known:
                return False
        _path, identity = self._link_previous(source, name, identity)
        handlers = self.programme.effect_handlers if self.programme is not None else {}
        for handler, payload in effects:
            handlers[handler](self.build, payload)
        # Carried into this build's trace with this build's fact ids.
        translate = self._from_previous
        ids = set()
        for fact_id in fact_ids:
            new = translate.get(fact_id)
            if new is None:
                new = translate[fact_id] = self._intern(facts[fact_id])
            ids.add(new)
        self.pages[name] = (ids, effects, identity, raw)
        self.figures["reused"] += 1
        return True

    def _link_previous(self, source: Path, name: str, identity):
        """The previous output's file for `name`, put in this build's output: a hard
        link (the same file: its identity kept), a copy where links fail (a file of its
        own: None, stat when the trace is saved). Not files.link_or_copy, which would
        tell neither and stat again. Returns (absolute path, identity)."""
        target = self.build.output / name
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
            identity = None
        path = os.path.abspath(target)
        self.reused_paths.add(path)
        return path, identity

    def _fact_valid_now(self, fact) -> bool:
        kind = fact[0]
        if kind == "E":
            entry = self.entries.get(fact[1])
            if entry is None:
                return False
            try:
                value = object.__getattribute__(entry, fact[2])
                if callable(value) and getattr(value, "__self__", None) is entry:
                    return fact[3] == METHOD
                return self.digests.of(value) == fact[3]
            except Exception:
                return False
        if kind == "T":
            return self._template_digest(self.environment, fact[1]) == fact[2]
        if kind == "F":
            return _file_identity(fact[1]) == fact[2]
        return False

    def start_page(self, inputs=None, globals=None) -> PageRecord:
        self.page = PageRecord(inputs, globals)
        return self.page

    def end_page(self, name: str, page: PageRecord) -> None:
        self.figures["rendered"] += 1
        if page.poisoned:
            self.figures["always"] += 1
            self.pages.pop(name, None)
        else:
            self.pages[name] = (page.facts, page.effects, page.identity, page.raw)

    def same_output(self, name: str, output: str, page: PageRecord) -> bool:
        """A page rendered again whose HTML is exactly the previous build's: its
        previous file (typeset, worded) is linked instead of written and typeset again
        (the writer discards what Pelican writes, `discarded`)."""
        page.raw = raw = _hash(output.encode("utf-8"))
        previous = self.previous()
        if previous is None:
            return False
        folder, trace = previous
        record = trace["pages"].get(name)
        if record is None or record[3] != raw:
            return False
        source = folder / name
        identity = _output_identity(source)
        if identity is None or identity != record[2]:
            return False
        path, page.identity = self._link_previous(source, name, identity)
        self.discarded.add(path)
        self.figures["same"] += 1
        return True

    def save(self) -> None:
        """This build's trace, for the next one (only when the build succeeded: a
        failed build's output is thrown away)."""
        if not self.recording:
            return
        used = sorted({i for ids, *_ in self.pages.values() for i in ids})
        renumber = {old: new for new, old in enumerate(used)}
        pages = {}
        for name, (ids, effects, identity, raw) in self.pages.items():
            if identity is None:  # rendered: its file as typography left it
                identity = _output_identity(self.build.output / name)
            if identity is None:
                continue
            pages[name] = (sorted(renumber[i] for i in ids), effects, identity, raw)
        stat = self.build.output.stat()
        trace = {
            "format": FORMAT,
            "global": self.global_digest(),
            "folder": (stat.st_dev, stat.st_ino),
            "facts": [self.facts[i] for i in used],
            "pages": pages,
        }
        write_pickle(self.trace_file(), trace)


def _file_identity(path):
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns)


def _output_identity(path):
    try:
        stat = os.stat(path)
    except OSError:
        return None
    if stat.st_mode & 0o777 != FILE_MODE:  # every published file is (publish_modes)
        return None
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


# -- the Jinja side --------------------------------------------------------------------
class TrackingContext(Context):
    """A template context that records the names a page looks up."""

    def resolve_or_missing(self, key):
        value = super().resolve_or_missing(key)
        build = self.environment.venez_vivre_holder.build
        if build is not None and build.render.page is not None:
            build.render.name_read(key, value)
        return value


def track_environment(environment, holder) -> None:
    """Make a generator's Jinja environment record what pages read, for the build in
    progress of `holder` (a Programme)."""
    if getattr(environment, "venez_vivre_holder", None) is holder:
        return
    environment.venez_vivre_holder = holder
    environment.context_class = TrackingContext
    load = environment._load_template

    def load_template(name, globals):
        template = load(name, globals)
        build = holder.build
        if build is not None and build.render.page is not None:
            build.render.template_read(environment, template.name or name)
        return template

    environment._load_template = load_template


class IncrementalWriter(Writer):
    """Pelican's writer, skipping pages whose inputs are unchanged."""

    _renderer = None

    def _open_w(self, filename, encoding, override=False):
        render = self._renderer
        if render is not None and os.path.abspath(filename) in render.discarded:
            # Linked from the previous output: the same HTML, already typeset.
            self._written_files.add(filename)
            return open(os.devnull, "w", encoding=encoding)
        return super()._open_w(filename, encoding, override)

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        if not name:
            return None
        holder = context.get("PROGRAMME")
        build = holder.build if holder is not None else None
        if build is None or not build.render.recording:
            return super().write_file(
                name, template, context, relative_urls, paginated, template_name,
                override_output, url, **kwargs,
            )  # fmt: skip
        render = build.render
        environment = template.environment
        pages_of_many = paginated or {k: v for k, v in kwargs.items() if k in {"articles", "dates"}}
        single = not (pages_of_many and template_name in self.settings["PAGINATED_TEMPLATES"])
        if single:
            # The context Pelican's writer would give the template (Writer.write_file):
            # what the previous render read is compared against it.
            localcontext = {**context, "localsiteurl": context.get("localsiteurl")}
            if relative_urls:
                relative = path_to_url(get_relative_path(name))
                localcontext["SITEURL"] = localcontext["localsiteurl"] = relative
            localcontext["output_file"] = name
            localcontext.update(kwargs)

            def page_value(key):
                if key in localcontext:
                    return localcontext[key]
                return environment.globals.get(key, missing)

            if render.try_reuse(name, environment, page_value):
                signals.content_written.send(str(build.output / name), context=localcontext)
                return None
        self._renderer = render  # _open_w discards writes of pages it linked
        tracked = _TrackedTemplate(template, render)
        return super().write_file(
            name, tracked, context, relative_urls, paginated, template_name,
            override_output, url, **kwargs,
        )  # fmt: skip


class _TrackedTemplate:
    """The template, rendering one page under the renderer's record."""

    def __init__(self, template, render: Renderer) -> None:
        self.template = template
        self.renderer = render

    def __getattr__(self, name):
        return getattr(self.template, name)

    def render(self, localcontext):
        render = self.renderer
        page = render.start_page(localcontext, self.template.environment.globals)
        try:
            render.template_read(self.template.environment, self.template.name)
            output = self.template.render(localcontext)
        finally:
            render.page = None
        name = localcontext["output_file"]
        render.same_output(name, output, page)
        render.end_page(name, page)
        return output
