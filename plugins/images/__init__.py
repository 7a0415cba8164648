"""Images: every image the site shows goes through here; no source is served as is.

Templates call `picture(src, alt, slot, eager)` and `image_url(src, width)`.
This first version writes resized, metadata-free JPEG derivatives per layout slot;
the full pipeline (AVIF/WebP, srcset, cache, parallel) replaces its internals
without changing that interface.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from markupsafe import Markup, escape
from pelican import signals
from PIL import Image, ImageOps

# Layout slots: the widest rendering of each in the theme's CSS, and its `sizes`.
SLOTS = {
    "hero": (1600, "100vw"),
    "card": (640, "(min-width: 60em) 30vw, (min-width: 40em) 45vw, 100vw"),
    "poster": (900, "(min-width: 60em) 30vw, 100vw"),
    "portrait": (320, "8rem"),
    "body": (1200, "(min-width: 48em) 46rem, 100vw"),
    "episode": (600, "(min-width: 48em) 18rem, 60vw"),
}

_state: dict = {}


def initialise(pelican) -> None:
    _state.update(content=Path(pelican.settings["PATH"]), output=Path(pelican.output_path))
    _state["siteurl"] = pelican.settings.get("SITEURL", "")
    _state["written"] = {}
    pelican.settings.setdefault("JINJA_GLOBALS", {}).update(picture=picture, image_url=image_url)


def _derivative(src: str, width: int) -> tuple[str, int, int]:
    key = (src, width)
    if key in _state["written"]:
        return _state["written"][key]
    source = _state["content"] / src
    data = source.read_bytes()
    digest = hashlib.sha256(data + str(width).encode()).hexdigest()[:10]
    with Image.open(source) as image:
        image = ImageOps.exif_transpose(image).convert("RGB")
        if image.width > width:
            image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
        name = f"images/{Path(src).stem}-{image.width}-{digest}.jpg"
        target = _state["output"] / name
        target.parent.mkdir(parents=True, exist_ok=True)
        image.save(target, "JPEG", quality=82, optimize=True, progressive=True)
        result = (f"{_state['siteurl']}/{name}", image.width, image.height)
    _state["written"][key] = result
    return result


def image_url(src: str, width: int = 1200) -> str:
    return _derivative(src, width)[0]


def picture(src: str, alt: str, slot: str = "body", eager: bool = False, css_class=None):
    width, sizes = SLOTS[slot]
    url, w, h = _derivative(src, width)
    loading = 'fetchpriority="high"' if eager else 'loading="lazy" decoding="async"'
    klass = f' class="{escape(css_class)}"' if css_class else ""
    return Markup(
        f'<img src="{escape(url)}" alt="{escape(alt or "")}" width="{w}" height="{h}" '
        f'sizes="{sizes}" {loading}{klass}>'
    )


def register():
    signals.initialized.connect(initialise)
