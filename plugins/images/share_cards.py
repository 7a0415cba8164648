"""Share cards: the 1200 × 630 image a page is shared with (Open Graph, Twitter), made
from the photo the page's entry names first (Entry.share_images()). The tags themselves
are written by venez_vivre.seo, which asks `share_card()` for the image."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from venez_vivre.programme.models import page_media
from venez_vivre.programme.typography import french

from . import pipeline, social
from .markup import _key, _url
from .run import Derivative, Run, run_of
from .sources import _resolve


@dataclass(frozen=True)
class ShareCard:
    url: str
    width: int
    height: int
    mime: str = "image/jpeg"


def share_card(context, title: str, url: str | None) -> ShareCard | None:
    """The share card of the page being rendered, planned for this build; None when
    share cards are disabled (IMAGES["social"]["enabled"])."""
    run = run_of(context)
    social_settings = run.settings.social
    if not social_settings.get("enabled", True):
        return None
    output = _share_card(run, context, title, run.build.brand, url)
    width, height = social_settings["size"]
    return ShareCard(_url(run, output), width, height)


def _share_source(run: Run, context) -> str | None:
    """The photo a page's share card is made from (path relative to content/)."""
    entry = context.get("entry")  # territory, testimonial, campaign or episode pages
    candidates = list(entry.share_images()) if entry is not None else []
    for name in ("article", "page"):
        item = context.get(name)
        if item is not None and hasattr(item, "metadata"):
            candidates += [m.path for m in page_media(item) if m.kind == "image"]
    candidates.append(run.build.brand.default_image)
    for candidate in candidates:
        if candidate and isinstance(candidate, str):
            # Which candidate is a usable photo depends on the files (added, replaced).
            run.build.render.depends_on_file(run.content / _resolve(candidate))
            source = run.sources.get(_resolve(candidate))
            if source and source.probe and source.probe.kind != "svg":
                return source.relative
    return None


def _share_card(run: Run, context, title: str, brand, url: str | None) -> str:
    title = french(title)  # a line of the card never starts with « : » or « ? »
    relative = _share_source(run, context)
    source = run.sources.get(relative) if relative else None
    social_settings = run.settings.social
    colors = brand.colors
    font = social_settings["font"]
    font_id = f"{font}:{os.path.getsize(font)}" if os.path.isfile(font) else "default"
    label = brand.label
    key = _key(
        pipeline.PIPELINE_VERSION,
        "card",
        source.digest if source else None,
        title,
        label,
        colors.primary,
        colors.accent,
        social_settings["size"],
        social_settings["quality"],
        font_id,
    )
    cache_path = run.settings.cache_dir / "derivatives" / key[:2] / f"{key}.jpg"
    name = url if url is not None else context.get("output_file") or "page"
    stem = re.sub(r"[^a-z0-9-]+", "-", str(name).replace(".html", "").lower()).strip("-")
    output = f"social/{stem or 'accueil'}-{key[:12]}.jpg"
    width, height = social_settings["size"]
    derivative = Derivative(key, "jpeg", width, height, cache_path, output)
    run.wanted[output] = derivative
    run.tasks[("card", key)] = task = social.CardTask(
        source=str(source.path) if source else None,
        title=title,
        brand=label,
        primary=colors.primary,
        accent=colors.accent,
        size=(width, height),
        font=font,
        font_regular=social_settings.get("font_regular", ""),
        quality=int(social_settings["quality"]),
        max_pixels=run.settings.max_pixels,
        target=str(cache_path),
    )
    if source is not None:
        run.build.render.depends_on_file(source.path)
    if os.path.isfile(font):
        run.build.render.depends_on_file(font)
    run.build.render.effect("images", ("card", output, derivative, ("card", key), task))
    return output
