"""Markup: <picture> elements and derivative URLs for templates and Markdown bodies,
with the final, content-addressed URLs; each derivative asked for is planned for
encoding at the end of the build."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import pass_context
from markupsafe import Markup, escape

from . import pipeline
from .pipeline import EXTENSIONS, MIME_TYPES
from .run import Derivative, Run, Source, run_of
from .sources import _resolve, _source_for

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
    body = getattr(content, "_content", None)
    if not body or "<img" not in body:
        return
    run = run_of(content)
    source_file = run.relative_source(content.source_path) if content.source_path else "?"

    def replace(match: re.Match) -> str:
        attrs = _attributes(match.group(0))
        src = attrs.get("src", "")
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", src, re.IGNORECASE) and not src.startswith("{"):
            run.errors.add(
                source_file,
                "corps du texte",
                f"l’image « {src} » vient d’un autre site : le site ne charge rien d’un "
                "tiers. Déposez-la dans content/images/ et écrivez images/nom.jpg.",
            )
            return match.group(0)
        relative = _resolve(src)
        run.users.setdefault(relative, []).append((source_file, "corps du texte"))
        if not attrs.get("alt", "").strip():
            run.errors.add(
                source_file,
                "corps du texte",
                f"l’image « {src} » n’a pas de texte alternatif : écrivez ![description](…).",
            )
        markup = _picture(
            run,
            relative,
            attrs.get("alt", ""),
            "body",
            source=source_file,
            field_name="corps du texte",
        )
        return str(markup) or match.group(0)

    content._content = IMG_TAG.sub(replace, body)


def _key(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def plan(run: Run, source: Source, slot: str, flatten: bool = False) -> list[Derivative]:
    """Every derivative of `source` for `slot`, registered for the end of the build.
    Planned once per build: a hero is drawn on its page and on several lists."""
    memo = (source.relative, source.digest, slot, flatten)
    # A page reused from the previous output plans the same derivatives again.
    run.build.render.effect("images", ("plan", source.relative, slot, flatten))
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


def url_slot(run: Run, width) -> str:
    """The slot of `image_url(src, width)`: one width, made on first use."""
    slot = f"url-{int(width)}"
    if slot not in run.settings.slots:
        run.settings.slots[slot] = {"widths": [int(width)], "sizes": f"{int(width)}px"}
    return slot


def replay(build, payload) -> None:
    """What rendering a page planned, for a page reused from the previous output
    (programme.incremental): the same derivatives wanted, the same placeholders."""
    from .run import run_of

    run = run_of(build)
    kind = payload[0]
    if kind == "placeholder":
        run.placeholders[payload[1]] = (payload[2], payload[3])
        return
    if kind == "card":
        _kind, output, derivative, task_key, task = payload
        run.wanted[output] = derivative
        run.tasks.setdefault(task_key, task)
        return
    source = run.sources.get(payload[1])
    if source is None or source.error:  # gone: the page's file fact failed first
        raise RuntimeError(f"replayed image {payload[1]!r} is no longer a source")
    if kind == "svg":
        _svg(run, source)
    else:
        _kind, _relative, slot, flatten = payload
        if slot.startswith("url-"):
            url_slot(run, slot[4:])
        plan(run, source, slot, flatten)


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
    run.build.render.effect("images", ("svg", source.relative))
    return derivative


@pass_context
def picture(context, src, *arguments, **options):
    """The templates' `picture(src, alt, slot, …)` (Jinja global), for this build."""
    return _picture(run_of(context), src, *arguments, **options)


def _picture(
    run: Run,
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
    if not src:
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
        run.build.render.effect("images", ("placeholder", name, top, bottom))
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


@pass_context
def template_image_url(context, src, width: int = 1200, source: str | None = None) -> str:
    """The templates' `image_url(src, width)` (Jinja global), for this build."""
    return image_url(run_of(context), src, width, source)


def image_url(run: Run, src, width: int = 1200, source: str | None = None) -> str:
    """URL of a JPEG derivative at most `width` px wide (feeds, podcast artwork, meta).

    Transparent sources are flattened on white: podcast apps and social networks
    expect an opaque JPEG."""
    if not src:
        return ""
    image = _source_for(run, str(src), source, "image")
    if image is None:
        return ""
    if image.probe.kind == "svg":
        return _url(run, _svg(run, image).output)
    slot = url_slot(run, width)
    derivative = plan(run, image, slot, flatten=True)[-1]
    return _url(run, derivative.output)
