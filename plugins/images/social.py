"""Social share cards: 1200 × 630 JPEGs with the page's photo, title and brand.

Drawn with Pillow's ImageDraw at build time. Legibility rules for the small previews
of LinkedIn, Facebook, X and messaging apps: a large bold title (at least 52 px on a
1200 px card) on a darkened photo, at most three lines, kept inside the central 1040 px
so that square crops (WhatsApp, Instagram stories links) still show most of it, and the
programme's name on a band of its primary colour.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps
from venez_vivre.programme.text import wrap_to_width

from .pipeline import flatten, normalise, open_source, write_atomic


@dataclass(frozen=True)
class CardTask:
    source: str | None  # absolute path of the photo, None for a plain brand card
    title: str
    brand: str
    primary: str
    accent: str
    size: tuple[int, int]
    font: str
    font_regular: str
    quality: int
    max_pixels: int
    target: str  # cache path


def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    if path and Path(path).is_file():
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)  # Pillow's bundled scalable font


def fit_title(draw, text: str, font_path: str, width: int, max_lines: int = 3):
    """The largest font size (72 down to 52 px) at which the title fits in max_lines;
    below that, the title is shortened with an ellipsis at 52 px."""
    for size in range(72, 51, -4):
        font = _font(font_path, size)
        lines = wrap_to_width(draw, text, font, width)
        if len(lines) <= max_lines and all(draw.textlength(li, font=font) <= width for li in lines):
            return font, lines
    font = _font(font_path, 52)
    lines = wrap_to_width(draw, text, font, width)[:max_lines]
    while draw.textlength(lines[-1] + " …", font=font) > width and " " in lines[-1]:
        lines[-1] = lines[-1].rsplit(" ", 1)[0]
    lines[-1] += " …"
    return font, lines


def render_card(task: CardTask) -> bytes:
    width, height = task.size
    band = round(height * 0.14)
    if task.source:
        with open_source(Path(task.source), task.max_pixels) as source:
            photo = flatten(normalise(source))
        photo = ImageOps.fit(photo, (width, height - band), Image.Resampling.LANCZOS)
    else:
        photo = Image.new("RGB", (width, height - band), task.primary)
    # Darken towards the bottom-left, where the title sits: the photo stays visible
    # at the top while white text keeps a contrast ratio above 4.5:1.
    shade = Image.linear_gradient("L").resize((width, height - band))
    shade = shade.point(lambda v: 70 + v * 150 // 255)
    card = Image.new("RGB", (width, height), task.primary)
    card.paste(Image.composite(Image.new("RGB", photo.size, "#000000"), photo, shade), (0, 0))
    draw = ImageDraw.Draw(card)
    margin = 80
    font, lines = fit_title(draw, task.title, task.font, width - 2 * margin)
    line_height = round(font.size * 1.18)
    y = height - band - 48 - line_height * len(lines)
    draw.rectangle((margin, y - 28, margin + 96, y - 20), fill=task.accent)
    for line in lines:
        draw.text((margin, y), line, font=font, fill="#ffffff")
        y += line_height
    brand_font = _font(task.font, 34)
    draw.text((margin, height - band / 2), task.brand, font=brand_font, fill="#ffffff", anchor="lm")
    out = io.BytesIO()
    card.save(out, "JPEG", quality=task.quality, optimize=True, progressive=True)
    return out.getvalue()


def run_card(task: CardTask) -> list[tuple[str, int]]:
    """Worker entry point."""
    data = render_card(task)
    write_atomic(Path(task.target), data)
    return [(task.target, len(data))]
