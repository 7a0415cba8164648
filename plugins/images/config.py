"""The `IMAGES` setting: defaults applied in one place, validated once.

A programme may override any key in its pelicanconf.py, e.g.
`IMAGES = {"quality": {"avif": 60}}`; nested dicts are merged with the defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from venez_vivre.programme import cache_dir as programme_cache_dir

# The card grid (.grid in site.css): columns of at least 18rem in a wrap of at most
# 72rem with gaps of 1.5rem: three columns of 23rem on wide screens, two from 40rem,
# one below (the page margin is 1rem there).
GRID_SIZES = (
    "(min-width: 75rem) 23rem, (min-width: 60rem) calc((100vw - 6rem) / 3), "
    "(min-width: 40rem) calc(47.5vw - 0.75rem), calc(100vw - 2rem)"
)
# Layout slots: candidate widths (CSS px × device pixel ratios 1 to 3 at the slot's
# rendered widths), the `sizes` attribute matching site.css, and the crop the CSS
# applies anyway (object-fit: cover on a fixed aspect ratio), done once at build time.
SLOTS = {
    # .hero-image: width 100% of a full-bleed section.
    "hero": {"widths": [640, 1024, 1440, 1920, 2400], "sizes": "100vw", "ratio": None},
    # .card-image: the grid column, aspect-ratio 16 / 10, object-fit: cover.
    "card": {"widths": [368, 560, 736, 1104], "sizes": GRID_SIZES, "ratio": 16 / 10},
    # .poster img: a grid column, natural aspect ratio.
    "poster": {"widths": [368, 560, 736, 1104], "sizes": GRID_SIZES, "ratio": None},
    # .portrait: 6rem × 6rem, round, object-fit: cover.
    "portrait": {"widths": [96, 192, 288], "sizes": "6rem", "ratio": 1.0},
    # .prose img: at most 46rem, the page margin below that.
    "body": {
        "widths": [360, 736, 1104, 1472],
        "sizes": "(min-width: 48rem) 46rem, calc(100vw - 2rem)",
        "ratio": None,
    },
    # Square episode artwork shown at 18rem beside the episode.
    "episode": {
        "widths": [288, 576, 864],
        "sizes": "(min-width: 48rem) 18rem, 60vw",
        "ratio": 1.0,
    },
}

DEFAULTS = {
    # Best first; the last format is the <img> fallback (PNG for transparent sources).
    "formats": ["avif", "webp", "jpeg"],
    # Tuned on ../shared/photos with SSIMULACRA2 against a lossless downscale: each format
    # about as good as a quality-80 JPEG (docs/images.md, bench/images.py --tune).
    # avif_speed: libaom's speed, 0 (smallest, slowest) to 10; 6 is ~3× slower than 8
    # for files ~8 % smaller (pelicanconf.py uses 8 for development builds).
    # AVIF in 4:4:4 (full-resolution colour) and JPEG from jpegli, losslessly
    # re-optimised by mozjpeg, are smaller than 4:2:0 AVIF and libjpeg at the same
    # SSIMULACRA2 (docs/images.md, bench/images.py --equal-score).
    "quality": {
        "avif": 64,
        "avif_subsampling": "4:4:4",
        "webp": 84,
        "jpeg": 83,
        "avif_speed": 6,
        "webp_method": 4,
    },
    # Sources above this many pixels are refused before decoding (decompression bombs).
    "max_pixels": 50_000_000,
    "cache_dir": None,  # default: .cache/images beside the content folder
    # Unused cache files are removed once older than this (seconds): a build running
    # at the same time on another content folder may still be publishing them.
    "cache_grace": 3600,
    "output_dir": "images",  # derivatives are published under /images/
    "workers": None,  # default: every core
    "placeholder": True,  # dominant colours while an image loads (build-written CSS)
    "slots": SLOTS,
    "social": {
        "enabled": True,
        "size": [1200, 630],
        "font": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "font_regular": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "quality": 86,
    },
}


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class ImageSettings:
    formats: tuple[str, ...]
    quality: dict
    max_pixels: int
    cache_dir: Path
    cache_grace: float
    output_dir: str
    workers: int
    placeholder: bool
    slots: dict
    social: dict


def _merge(defaults: dict, override: dict) -> dict:
    merged = dict(defaults)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(defaults.get(key), dict):
            merged[key] = _merge(defaults[key], value)
        else:
            merged[key] = value
    return merged


def resolve(settings: dict) -> ImageSettings:
    """Defaults merged with settings["IMAGES"]; a wrong value is a clear error."""
    data = _merge(DEFAULTS, settings.get("IMAGES") or {})
    formats = tuple(data["formats"])
    unknown = [f for f in formats if f not in ("avif", "webp", "jpeg")]
    if unknown or not formats or formats[-1] != "jpeg":
        raise SettingsError(
            f"IMAGES['formats'] = {list(formats)}: use avif, webp and jpeg, jpeg last "
            "(it is the fallback every browser reads)."
        )
    for name in ("avif", "webp", "jpeg"):
        value = data["quality"].get(name)
        if not isinstance(value, int) or not 1 <= value <= 100:
            raise SettingsError(f"IMAGES['quality']['{name}'] = {value!r}: expected 1 to 100.")
    if data["quality"].get("avif_subsampling", "4:4:4") not in ("4:4:4", "4:2:0"):
        raise SettingsError(
            f"IMAGES['quality']['avif_subsampling'] = {data['quality']['avif_subsampling']!r}: "
            "expected '4:4:4' or '4:2:0'."
        )
    for name, slot in data["slots"].items():
        if not slot.get("widths") or not slot.get("sizes"):
            raise SettingsError(f"IMAGES['slots']['{name}'] needs `widths` and `sizes`.")
    cache_dir = (
        Path(data["cache_dir"])
        if data["cache_dir"]
        else programme_cache_dir(settings, "images", create=False)
    )
    return ImageSettings(
        formats=formats,
        quality=dict(data["quality"]),
        max_pixels=int(data["max_pixels"]),
        cache_dir=cache_dir,
        cache_grace=float(data["cache_grace"]),
        output_dir=str(data["output_dir"]).strip("/"),
        workers=int(data["workers"] or os.cpu_count() or 1),
        placeholder=bool(data["placeholder"]),
        slots={name: dict(slot) for name, slot in data["slots"].items()},  # per build
        social=dict(data["social"]),
    )
