"""Pelican glue: find the sources, plan derivatives while templates render, encode what
the cache lacks in parallel at the end of the build, publish, clean up.

Flow of one build:
1. `initialised`: every image under content/ is hashed and probed (in parallel, cached
   by its bytes), so rendering never waits for a decoder.
2. `content_object_init`: Markdown body images become <picture> (slot "body").
3. `static_generator_finalized`: images that content uses but cannot be published
   (corrupt, animated, too large…) stop the build, naming the content file and field.
4. Rendering: `picture()`, `image_url()` and `share_meta()` return markup with the final,
   content-addressed URLs and record what must exist.
5. `finalized`: missing derivatives are encoded in a process pool, every derivative is
   linked from the cache into the output, placeholders CSS is written, stale cache
   entries are removed, and a summary line is printed.
"""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import dataclasses
import hashlib
import json
import logging
import multiprocessing
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from markupsafe import Markup, escape

from . import pipeline, social
from .config import ImageSettings, resolve
from .pipeline import EXTENSIONS, MIME_TYPES, Probe

logger = logging.getLogger(__name__)

CACHE_LAYOUT = "derivatives", "probes", "sites"
SWEEP_INTERVAL = 24 * 3600  # seconds: the cache is swept at least this often (clean_cache)


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


RUN: Run | None = None
LAST_STATS: dict = {}  # the last build's summary, for the benchmark and the tests


def _errors():
    from programme.errors import BUILD_ERRORS

    return BUILD_ERRORS


def _relative_source(path) -> str:
    from programme.reader import relative_source

    return relative_source(path)


# -- 1. sources --------------------------------------------------------------------------
def initialised(pelican) -> None:
    global RUN
    settings = resolve(pelican.settings)
    RUN = Run(
        settings=settings,
        content=Path(pelican.settings["PATH"]).resolve(),
        output=Path(pelican.output_path).resolve(),
        siteurl=pelican.settings.get("SITEURL", "") or "",
    )
    pelican.settings.setdefault("JINJA_GLOBALS", {}).update(
        picture=picture, image_url=image_url, share_meta=share_meta
    )
    scan_sources(RUN)


def _pool(workers: int):
    # forkserver: the build process may hold threads (dev server, tests); fork with
    # threads is unsafe. Children get sys.path from the parent, so `images` imports.
    context = multiprocessing.get_context("forkserver")
    return concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context)


def scan_sources(run: Run) -> None:
    suffixes = pipeline.RASTER_SUFFIXES | {".svg"}
    probes_dir = run.settings.cache_dir / "probes"
    to_probe = []
    for path in sorted(run.content.rglob("*")):
        if path.suffix.lower() not in suffixes or not path.is_file():
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        relative = path.relative_to(run.content).as_posix()
        source = Source(relative, path, digest, len(data))
        run.sources[relative] = source
        cached = probes_dir / f"{_probe_key(run, digest)}.json"
        if cached.is_file():
            _apply_probe(source, json.loads(cached.read_text()))
        else:
            to_probe.append(source)
    if not to_probe:
        return
    jobs = [(str(s.path), run.settings.max_pixels) for s in to_probe]
    by_path = {str(s.path): s for s in to_probe}
    results = [result for _job, result, _ in _map(pipeline.probe_task, jobs, run.settings.workers)]
    for path, probe, error in results:
        source = by_path[path]
        record = {"probe": probe, "error": error}
        _apply_probe(source, record)
        target = probes_dir / f"{_probe_key(run, source.digest)}.json"
        pipeline.write_atomic(target, json.dumps(record).encode())


def _probe_key(run: Run, digest: str) -> str:
    text = f"{pipeline.PROBE_VERSION}:{run.settings.max_pixels}:{digest}"
    return hashlib.sha256(text.encode()).hexdigest()


def _apply_probe(source: Source, record: dict) -> None:
    source.probe = Probe.from_dict(record["probe"]) if record.get("probe") else None
    source.error = record.get("error")


def _resolve(src: str) -> str:
    """An image path as written by editors → the path relative to content/."""
    src = src.strip()
    for prefix in ("{static}", "{attach}", "{filename}"):
        if src.startswith(prefix):
            src = src[len(prefix) :]
    src = src.lstrip("/")
    if src.startswith("content/"):
        src = src[len("content/") :]
    return src


# -- 2. Markdown body images -------------------------------------------------------------
IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.attrs: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        self.attrs = {name: value or "" for name, value in attrs}

    handle_startendtag = handle_starttag


def _attributes(tag: str) -> dict[str, str]:
    parser = _Attributes()
    parser.feed(tag)
    return parser.attrs


def rewrite_body_images(content) -> None:
    """`![alt](images/x.jpg)` in a body → the same <picture> as everywhere else."""
    run = RUN
    body = getattr(content, "_content", None)
    if run is None or not body or "<img" not in body:
        return
    source_file = _relative_source(content.source_path) if content.source_path else "?"

    def replace(match: re.Match) -> str:
        attrs = _attributes(match.group(0))
        src = attrs.get("src", "")
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", src, re.IGNORECASE) and not src.startswith("{"):
            _errors().add(
                source_file,
                "corps du texte",
                f"l’image « {src} » vient d’un autre site : le site ne charge rien d’un "
                "tiers. Déposez-la dans content/images/ et écrivez images/nom.jpg.",
            )
            return match.group(0)
        relative = _resolve(src)
        run.users.setdefault(relative, []).append((source_file, "corps du texte"))
        if not attrs.get("alt", "").strip():
            _errors().add(
                source_file,
                "corps du texte",
                f"l’image « {src} » n’a pas de texte alternatif : écrivez ![description](…).",
            )
        markup = picture(
            relative, attrs.get("alt", ""), "body", source=source_file, field_name="corps du texte"
        )
        return str(markup) or match.group(0)

    content._content = IMG_TAG.sub(replace, body)


# -- 3. errors before writing ------------------------------------------------------------
def check_used_images(generator) -> None:
    """Runs when the static generator has read its files: the last generator, so every
    content type is in the context, and before programme's all_generators_finalized
    check stops the build with every error at once."""
    run = RUN
    if run is None:
        return
    context = generator.context
    brand = context.get("BRAND") or {}
    uses = [(brand.get("default_image"), "pelicanconf.py", "BRAND.default_image")]
    for territory in context.get("territories") or []:
        uses.append((territory.hero, territory.source_path, "hero"))
    for testimonial in context.get("testimonials") or []:
        uses.append((testimonial.portrait, testimonial.source_path, "portrait"))
    for campaign in context.get("campaigns") or []:
        for poster in campaign.posters:
            uses.append((poster.image, campaign.source_path, f"posters[{poster.number}].image"))
    for episode in context.get("episodes") or []:
        uses.append((getattr(episode, "image", None), episode.source_path, "image"))
    for item in [*(context.get("articles") or []), *(context.get("pages") or [])]:
        image = getattr(item, "metadata", {}).get("image")  # the share card's photo
        if isinstance(image, str) and image:
            uses.append((image, _relative_source(item.source_path), "image"))
    for src, source_file, name in uses:
        if src:
            run.users.setdefault(_resolve(src), []).append((source_file, name))
    for relative, users in run.users.items():
        source = run.sources.get(relative)
        if source is None:
            for source_file, name in users:
                _errors().add(
                    source_file, name, f"l’image « {relative} » est introuvable dans content/."
                )
        elif source.error:
            for source_file, name in users:
                _errors().add(source_file, name, source.error)


# -- 4. rendering ------------------------------------------------------------------------
def _key(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _source_for(run: Run, src: str, source_file: str | None, field_name: str) -> Source | None:
    relative = _resolve(src)
    source = run.sources.get(relative)
    where = source_file or (run.users.get(relative) or [("?", field_name)])[0][0]
    if source is None:
        _errors().add(where, field_name, f"l’image « {src} » est introuvable dans content/.")
        return None
    if source.error:
        _errors().add(where, field_name, source.error)
        return None
    return source


def plan(run: Run, source: Source, slot: str, flatten: bool = False) -> list[Derivative]:
    """Every derivative of `source` for `slot`, registered for the end of the build.
    Planned once per build: a hero is drawn on its page and on several lists."""
    memo = (source.relative, source.digest, slot, flatten)
    if memo not in run.plans:
        run.plans[memo] = _plan(run, source, slot, flatten)
    return run.plans[memo]


def _plan(run: Run, source: Source, slot: str, flatten: bool) -> list[Derivative]:
    settings = run.settings
    spec = settings.slots[slot]
    probe = source.probe
    ratio = spec.get("ratio")
    crop_w, crop_h = pipeline.cropped_size(probe.width, probe.height, ratio)
    widths = pipeline.plan_widths(crop_w, spec["widths"])
    kind = "photo" if flatten else probe.kind
    formats = ["jpeg"] if flatten else pipeline.formats_for(kind, list(settings.formats))
    stem = _stem(source.relative)
    derivatives = []
    for width in widths:
        height = max(1, round(crop_h * width / crop_w))
        outputs = []
        for fmt in formats:
            quality = _quality_key(settings.quality, fmt, kind)
            key = _key(pipeline.PIPELINE_VERSION, source.digest, width, ratio, kind, fmt, quality)
            ext = EXTENSIONS[fmt]
            derivative = Derivative(
                key=key,
                fmt=fmt,
                width=width,
                height=height,
                cache_path=settings.cache_dir / "derivatives" / key[:2] / f"{key}.{ext}",
                output=f"{settings.output_dir}/{stem}-{width}-{key[:12]}.{ext}",
                source=source.relative,
            )
            run.wanted[derivative.output] = derivative
            outputs.append((fmt, str(derivative.cache_path)))
            derivatives.append(derivative)
        task_key = (source.digest, width, ratio, kind, tuple(outputs))
        if task_key not in run.tasks:
            run.tasks[task_key] = pipeline.Task(
                source=str(source.path),
                width=width,
                ratio=ratio,
                kind=kind,
                max_pixels=settings.max_pixels,
                quality=dict(settings.quality),
                outputs=tuple(outputs),
                source_bytes=source.size,
                flatten=flatten,
            )
    return derivatives


def _quality_key(quality: dict, fmt: str, kind: str):
    if fmt == "avif":
        return [
            quality["avif"],
            quality.get("avif_speed", 6),
            quality.get("avif_subsampling", "4:4:4"),
        ]
    if fmt == "webp":
        return "lossless" if kind == "flat" else [quality["webp"], quality.get("webp_method", 4)]
    if fmt == "jpeg":
        return quality["jpeg"]
    return "lossless"


def _url(run: Run, output: str) -> str:
    return f"{run.siteurl}/{output}"


def _stem(relative: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", Path(relative).stem.lower()).strip("-") or "image"


def _svg(run: Run, source: Source) -> Derivative:
    """SVG passes through (it is text, and <img> never runs its scripts), under a
    content-addressed name like every derivative."""
    output = f"{run.settings.output_dir}/{_stem(source.relative)}-{source.digest[:12]}.svg"
    derivative = Derivative(
        source.digest, "svg", source.probe.width, source.probe.height, source.path, output
    )
    run.wanted[output] = derivative
    return derivative


def picture(
    src,
    alt,
    slot: str = "body",
    eager: bool = False,
    css_class=None,
    source: str | None = None,
    field_name: str = "image",
):
    """<picture> for `src` (relative to content/) in a layout slot of site.css.

    eager: the page's main image (LCP) — fetched first, never lazy. `source` names the
    content file using the image, for error messages (found automatically otherwise).
    """
    run = RUN
    if run is None or not src:
        return Markup("")
    if slot not in run.settings.slots:
        raise ValueError(f"picture(): unknown slot {slot!r}; known: {sorted(run.settings.slots)}")
    image = _source_for(run, str(src), source, field_name)
    if image is None:
        return Markup("")
    classes = [css_class] if css_class else []
    loading = ' fetchpriority="high"' if eager else ' loading="lazy" decoding="async"'
    alt_attr = escape(alt or "")
    if image.probe.kind == "svg":
        svg = _svg(run, image)
        klass = f' class="{escape(" ".join(classes))}"' if classes else ""
        return Markup(
            f'<img src="{escape(_url(run, svg.output))}" alt="{alt_attr}" width="{svg.width}" '
            f'height="{svg.height}"{loading}{klass}>'
        )
    derivatives = plan(run, image, slot)
    spec = run.settings.slots[slot]
    sizes = escape(spec["sizes"])
    by_format: dict[str, list[Derivative]] = {}
    for derivative in derivatives:
        by_format.setdefault(derivative.fmt, []).append(derivative)
    formats = list(by_format)
    fallback_format = formats[-1]
    fallback = by_format[fallback_format]
    largest = fallback[-1]
    # The <img src> for browsers without srcset: the candidate nearest 1100 px.
    default = min(fallback, key=lambda d: abs(d.width - 1100))
    if run.settings.placeholder and image.probe.kind in ("photo", "gray") and image.probe.colors:
        top, bottom = image.probe.colors
        name = f"ph-{top[1:]}-{bottom[1:]}"
        run.placeholders[name] = (top, bottom)
        classes.append(name)
    klass = f' class="{escape(" ".join(classes))}"' if classes else ""

    def srcset(items: list[Derivative]) -> str:
        return ", ".join(f"{_url(run, d.output)} {d.width}w" for d in items)

    sources = "".join(
        f'<source type="{MIME_TYPES[fmt]}" srcset="{escape(srcset(by_format[fmt]))}" '
        f'sizes="{sizes}">'
        for fmt in formats[:-1]
    )
    return Markup(
        f"<picture>{sources}"
        f'<img src="{escape(_url(run, default.output))}" '
        f'srcset="{escape(srcset(fallback))}" sizes="{sizes}" '
        f'width="{largest.width}" height="{largest.height}" alt="{alt_attr}"{loading}{klass}>'
        "</picture>"
    )


def image_url(src, width: int = 1200, source: str | None = None) -> str:
    """URL of a JPEG derivative at most `width` px wide (feeds, podcast artwork, meta).

    Transparent sources are flattened on white: podcast apps and social networks
    expect an opaque JPEG."""
    run = RUN
    if run is None or not src:
        return ""
    image = _source_for(run, str(src), source, "image")
    if image is None:
        return ""
    if image.probe.kind == "svg":
        return _url(run, _svg(run, image).output)
    slot = f"url-{int(width)}"
    if slot not in run.settings.slots:
        run.settings.slots[slot] = {"widths": [int(width)], "sizes": f"{int(width)}px"}
    derivative = plan(run, image, slot, flatten=True)[-1]
    return _url(run, derivative.output)


def _share_source(context) -> str | None:
    """The photo a page's share card is made from (path relative to content/)."""
    entry = context.get("entry")  # territory, testimonial, campaign or episode pages
    candidates = []
    if entry is not None:
        posters = getattr(entry, "posters", None) or []
        territory = getattr(entry, "territory", None)
        candidates += [
            getattr(entry, "hero", None),  # territory
            getattr(entry, "image", None),  # episode art
            posters[0].image if posters else None,  # campaign
            getattr(territory, "hero", None),  # testimonial or episode: its territory
        ]
    for name in ("article", "page"):
        item = context.get(name)
        if item is not None and hasattr(item, "metadata"):
            candidates.append(item.metadata.get("image"))
    candidates.append((context.get("BRAND") or {}).get("default_image"))
    for candidate in candidates:
        if candidate and isinstance(candidate, str):
            source = RUN.sources.get(_resolve(candidate))
            if source and source.probe and source.probe.kind != "svg":
                return source.relative
    return None


def _pass_context(function):
    from jinja2 import pass_context

    return pass_context(function)


@_pass_context
def share_meta(context, title: str, description: str = "", url: str | None = None) -> Markup:
    """Open Graph and Twitter card tags, with a 1200 × 630 share image made for the page.

    `url`: the page's path from the site root ("territoires/dijon/"), None when the page
    has no address of its own (404)."""
    run = RUN
    if run is None:
        return Markup("")
    brand = context.get("BRAND") or {}
    brand_name = brand.get("name") or context.get("SITENAME", "")
    title = " ".join(str(title or brand_name).split())
    description = " ".join(str(description or "").split())
    page_url = f"{run.siteurl}/{url or ''}"
    tags = [
        ("property", "og:type", "article" if context.get("article") else "website"),
        ("property", "og:site_name", brand_name),
        ("property", "og:locale", "fr_FR"),
        ("property", "og:title", title),
        ("property", "og:description", description),
    ]
    if url is not None:
        tags.append(("property", "og:url", page_url))
    social_settings = run.settings.social
    if social_settings.get("enabled", True):
        output = _share_card(run, context, title, brand, url)
        image = _url(run, output)
        width, height = social_settings["size"]
        alt = f"{title} — {brand_name}" if title != brand_name else brand_name
        tags += [
            ("property", "og:image", image),
            ("property", "og:image:type", "image/jpeg"),
            ("property", "og:image:width", str(width)),
            ("property", "og:image:height", str(height)),
            ("property", "og:image:alt", alt),
            ("name", "twitter:card", "summary_large_image"),
            ("name", "twitter:image", image),
            ("name", "twitter:image:alt", alt),
        ]
    else:
        tags.append(("name", "twitter:card", "summary"))
    tags += [("name", "twitter:title", title), ("name", "twitter:description", description)]
    return Markup(
        "\n  ".join(
            f'<meta {kind}="{name}" content="{escape(value)}">'
            for kind, name, value in tags
            if value
        )
    )


def _share_card(run: Run, context, title: str, brand: dict, url: str | None) -> str:
    relative = _share_source(context)
    source = run.sources.get(relative) if relative else None
    social_settings = run.settings.social
    colors = brand.get("colors") or {}
    font = social_settings["font"]
    font_id = f"{font}:{os.path.getsize(font)}" if os.path.isfile(font) else "default"
    label = brand.get("short_name") or brand.get("name") or ""
    key = _key(
        pipeline.PIPELINE_VERSION,
        "card",
        source.digest if source else None,
        title,
        label,
        colors.get("primary", "#333333"),
        colors.get("accent", "#ffcc00"),
        social_settings["size"],
        social_settings["quality"],
        font_id,
    )
    cache_path = run.settings.cache_dir / "derivatives" / key[:2] / f"{key}.jpg"
    name = url if url is not None else context.get("output_file") or "page"
    stem = re.sub(r"[^a-z0-9-]+", "-", str(name).replace(".html", "").lower()).strip("-")
    output = f"social/{stem or 'accueil'}-{key[:12]}.jpg"
    width, height = social_settings["size"]
    run.wanted[output] = Derivative(key, "jpeg", width, height, cache_path, output)
    run.tasks[("card", key)] = social.CardTask(
        source=str(source.path) if source else None,
        title=title,
        brand=label,
        primary=colors.get("primary", "#333333"),
        accent=colors.get("accent", "#ffcc00"),
        size=(width, height),
        font=font,
        font_regular=social_settings.get("font_regular", ""),
        quality=int(social_settings["quality"]),
        max_pixels=run.settings.max_pixels,
        target=str(cache_path),
    )
    return output


# -- 5. encoding and publishing ----------------------------------------------------------
def _task_outputs(task) -> list[str]:
    if isinstance(task, social.CardTask):
        return [task.target]
    return [target for _fmt, target in task.outputs]


def _run_one(task):
    if isinstance(task, social.CardTask):
        return social.run_card(task)
    return pipeline.run_task(task)


class Progress:
    """A progress line on a terminal for runs longer than a couple of seconds."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.started = time.monotonic()
        self.shown = False
        self.interactive = hasattr(stream, "isatty") and stream.isatty()

    def step(self) -> None:
        self.done += 1
        elapsed = time.monotonic() - self.started
        if elapsed < 2 or not _reporting():
            return
        if self.interactive:
            end = "\n" if self.done == self.total else ""
            print(f"\rImages : {self.done}/{self.total} encodées", end=end, file=self.stream)
            self.shown = True
        elif self.done == self.total or self.done % max(1, self.total // 10) == 0:
            print(f"Images : {self.done}/{self.total} encodées", file=self.stream)


def _reporting() -> bool:
    # tools/build.py --quiet and the tests raise the "pelican" logger to ERROR.
    return logging.getLogger("pelican").getEffectiveLevel() <= logging.WARNING


def encode_missing(run: Run) -> tuple[int, list[tuple[object, str]]]:
    """Encode every task with a missing output; returns (outputs encoded, failures)."""
    missing = []
    cached = _cached_derivatives(run.settings.cache_dir)

    def present(path: str) -> bool:
        return path in cached or Path(path).is_file()

    for task in run.tasks.values():
        if all(present(p) for p in _task_outputs(task)):
            continue
        if isinstance(task, pipeline.Task):  # encode only the formats the cache lacks
            outputs = tuple((f, p) for f, p in task.outputs if not present(p))
            task = dataclasses.replace(task, outputs=outputs)
        missing.append(task)
    encoded, failures = 0, []
    if not missing:
        return 0, failures
    progress = Progress(len(missing))
    # Biggest first: keeps every core busy until the end.
    missing.sort(key=lambda t: -getattr(t, "width", 1200))
    for task, written, problem in _map(_run_one, missing, run.settings.workers, progress):
        if problem is not None:
            failures.append((task, str(problem)))
        else:
            encoded += len(written)
    return encoded, failures


def _map(function, items: list, workers: int, progress=None):
    """[(item, result, ImageProblem or None)] of `function` over `items`, in worker
    processes when there is more than one item and one core. Where worker processes
    cannot start (a main module that cannot be re-imported, such as `python -`), the
    work is done in this process instead."""

    def call(item):
        try:
            return item, function(item), None
        except pipeline.ImageProblem as problem:
            return item, None, problem

    results = []
    if workers > 1 and len(items) > 1:
        try:
            with _pool(min(workers, len(items))) as pool:
                futures = {pool.submit(function, item): item for item in items}
                for future in concurrent.futures.as_completed(futures):
                    item = futures[future]
                    try:
                        results.append((item, future.result(), None))
                    except pipeline.ImageProblem as problem:
                        results.append((item, None, problem))
                    if progress:
                        progress.step()
            return results
        except concurrent.futures.process.BrokenProcessPool:
            logger.warning("images: worker processes unavailable, encoding in this process")
            results = []
    for item in items:
        results.append(call(item))
        if progress:
            progress.step()
    return results


def _cached_derivatives(cache_dir: Path) -> set[str]:
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


def _publish(derivative: Derivative, output_root: Path, folders: set | None = None) -> None:
    """Link (or copy) a cached derivative into the output. Raises FileNotFoundError
    when the cache lost it. `folders`: output folders already created."""
    target = output_root / derivative.output
    if folders is None or target.parent not in folders:
        target.parent.mkdir(parents=True, exist_ok=True)
        if folders is not None:
            folders.add(target.parent)
    if derivative.fmt == "svg":
        shutil.copyfile(derivative.cache_path, target)
        return
    try:
        os.link(derivative.cache_path, target)
    except OSError:  # another file system, or links not allowed
        shutil.copyfile(derivative.cache_path, target)


def finalise(pelican) -> None:
    run = RUN
    if run is None:
        return
    started = time.perf_counter()
    encoded, failures = encode_missing(run)
    for task, message in failures:
        relative = Path(task.source).relative_to(run.content).as_posix() if task.source else ""
        for source_file, name in run.users.get(relative) or [("?", "image")]:
            _errors().add(source_file, name, message)
    if failures:
        return  # tools/build.py reports the errors and keeps the previous site
    total_bytes = 0
    folders: set[Path] = set()
    for derivative in run.wanted.values():
        try:
            _publish(derivative, run.output, folders)
        except FileNotFoundError:
            # Removed by a concurrent build's cleanup since it was checked: redo it.
            encoded += encode_missing(run)[0]
            _publish(derivative, run.output, folders)
        total_bytes += derivative.cache_path.stat().st_size
    _write_placeholders(run)
    removed = clean_cache(run, changed=encoded > 0)
    count = len(run.wanted)
    LAST_STATS.clear()
    LAST_STATS.update(
        derivatives=count,
        encoded=encoded,
        reused=count - encoded,
        published_bytes=total_bytes,
        saved_bytes=saved_bytes(run),
        removed_from_cache=removed,
        seconds=round(time.perf_counter() - started, 2),
    )
    if _reporting():
        print(summary(LAST_STATS), file=sys.stderr)


def saved_bytes(run: Run) -> int:
    """Bytes a visitor does not download: for each raster source shown, its size minus
    that of its largest derivative in the best format (what a wide screen fetches)."""
    best: dict[str, Derivative] = {}
    order = {fmt: rank for rank, fmt in enumerate(("avif", "webp", "jpeg", "png"))}
    for derivative in run.wanted.values():
        if not derivative.source or derivative.fmt == "svg":
            continue
        current = best.get(derivative.source)
        if current is None or (derivative.width, -order[derivative.fmt]) > (
            current.width,
            -order[current.fmt],
        ):
            best[derivative.source] = derivative
    return sum(
        run.sources[relative].size - derivative.cache_path.stat().st_size
        for relative, derivative in best.items()
    )


def summary(stats: dict) -> str:
    return (
        f"Images : {stats['encoded']} dérivées encodées, {stats['reused']} réutilisées du cache "
        f"({stats['derivatives']} publiées, {_mo(stats['published_bytes'])}) ; "
        f"{_mo(stats['saved_bytes'])} de moins que les originaux pour les plus grands "
        f"affichages ; {stats['removed_from_cache']} fichiers périmés retirés du cache ; "
        f"{stats['seconds']} s."
    )


def _mo(count: int) -> str:
    return f"{count / 1_000_000:.1f} Mo".replace(".", ",")


def _write_placeholders(run: Run) -> None:
    """Placeholder colours as classes in a stylesheet: no inline style, so the site
    runs under Content-Security-Policy: default-src 'self'."""
    lines = [
        "/* Written by plugins/images: each photo's colours, shown while it loads. */",
        *(
            f".{name} {{ background: linear-gradient({top}, {bottom}); }}"
            for name, (top, bottom) in sorted(run.placeholders.items())
        ),
    ]
    target = run.output / "theme" / "css" / "images.css"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


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
        | {
            str(cache / "probes" / f"{_probe_key(run, s.digest)}.json")
            for s in run.sources.values()
        }
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
