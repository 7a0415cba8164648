"""The print file of a poster: its image and its QR code at a standard poster ratio.

A print artefact, not a served web image: the source image is read with Pillow
directly (not through the image pipeline) and composed at print resolution into a
one-page PDF the communication team sends to the printer as is.

Layout (portrait, A-series ratio): the image fills the top three quarters, cropped
around its centre; the bottom band, in the brand's paper colour, carries the
headline and the programme's name on the left, and the QR code with its short
address on the right, on white, with the quiet zone the QR standard asks for.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps
from venez_vivre.programme.text import wrap_to_width
from venez_vivre.programme.typography import french

from . import qr

VERSION = "2"  # bump when the layout changes: the cache key includes it
MM_PER_INCH = 25.4
IMAGE_SHARE = 0.76  # of the poster's height
QR_MM = 70  # side of the QR code: scans from about 1.5 m on a metro platform
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")


def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        path = Path(folder) / name
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)  # Pillow's own scalable font


def _hex(color: str, default: str) -> tuple[int, int, int]:
    value = (color or default).lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    try:
        return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return _hex(default, default)


def cache_key(source: Path, **params) -> str:
    digest = hashlib.sha256(source.read_bytes())
    digest.update(repr(sorted(params.items())).encode("utf-8"))
    digest.update(VERSION.encode())
    return digest.hexdigest()[:24]


def print_pdf(
    source: Path,
    tracked_url: str,
    short_url: str,
    headline: str,
    signature: str,
    colors: dict,
    size_mm: tuple[float, float],
    dpi: int,
    cache: Path | None = None,
) -> bytes:
    """The PDF bytes; cached under the hash of every input (Hugo's rule)."""
    if cache is not None:
        return print_pdf_file(
            source, tracked_url, short_url, headline, signature, colors, size_mm, dpi, cache
        ).read_bytes()
    return _render_pdf(
        source, **_pdf_params(tracked_url, short_url, headline, signature, colors, size_mm, dpi)
    )


def _pdf_params(tracked_url, short_url, headline, signature, colors, size_mm, dpi) -> dict:
    return dict(
        tracked_url=tracked_url,
        short_url=short_url,
        headline=headline,
        signature=signature,
        colors=sorted(colors.items()),
        size_mm=tuple(size_mm),
        dpi=dpi,
    )


def print_pdf_file(
    source, tracked_url, short_url, headline, signature, colors, size_mm, dpi, cache: Path
) -> Path:
    """The cached PDF's path, rendered first if missing: the build links it into the
    site rather than copying megabytes of print file at every build."""
    params = _pdf_params(tracked_url, short_url, headline, signature, colors, size_mm, dpi)
    cached = cache / f"{cache_key(source, **params)}.pdf"
    if not cached.is_file():
        data = _render_pdf(source, **params)
        cache.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(data)
        partial.replace(cached)  # atomic: a parallel build never reads half a file
    return cached


def compose(source: Path, tracked_url, short_url, headline, signature, colors, size_mm, dpi):
    """The poster as a Pillow image at print resolution."""
    colors = dict(colors)
    width = round(size_mm[0] / MM_PER_INCH * dpi)
    height = round(size_mm[1] / MM_PER_INCH * dpi)
    mm = dpi / MM_PER_INCH  # pixels per millimetre
    paper = _hex(colors.get("paper"), "#ffffff")
    primary = _hex(colors.get("primary"), "#000000")
    ink = _hex(colors.get("ink"), "#000000")
    poster = Image.new("RGB", (width, height), paper)

    image_height = round(height * IMAGE_SHARE)
    with Image.open(source) as picture:
        picture = ImageOps.exif_transpose(picture).convert("RGB")
        picture = ImageOps.fit(picture, (width, image_height), Image.LANCZOS)
    poster.paste(picture, (0, 0))

    # QR code, scaled by whole pixels per module so that every module stays square.
    code = qr.make(tracked_url)
    modules = code.symbol_size(scale=1, border=qr.BORDER)[0]
    scale = max(1, round(QR_MM * mm / modules))
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=qr.BORDER)
    buffer.seek(0)
    code_image = Image.open(buffer).convert("RGB")
    margin = round(12 * mm)
    band_top = image_height
    band_height = height - band_top
    address_font = _font(False, max(10, round(4.2 * mm)))
    draw = ImageDraw.Draw(poster)
    address_width = draw.textlength(short_url, font=address_font)
    panel_width = max(code_image.width, round(address_width) + round(4 * mm))
    panel_height = code_image.height + round(8 * mm)
    panel_x = width - margin - panel_width
    panel_y = band_top + (band_height - panel_height) // 2
    draw.rectangle(
        (panel_x, panel_y, panel_x + panel_width, panel_y + panel_height), fill=(255, 255, 255)
    )
    poster.paste(code_image, (panel_x + (panel_width - code_image.width) // 2, panel_y))
    draw.text(
        (panel_x + panel_width / 2, panel_y + code_image.height + round(1 * mm)),
        short_url,
        font=address_font,
        fill=(0, 0, 0),
        anchor="mt",
    )

    # Headline and programme name, left of the code.
    (headline_font, lines), (signature_font, signature_lines) = band_text(
        draw, headline, signature, mm, panel_x - 2 * margin
    )
    y = band_top + margin
    for line in lines:
        draw.text((margin, y), line, font=headline_font, fill=primary)
        y += round(headline_font.size * 1.2)
    for line in signature_lines:
        draw.text((margin, y + round(3 * mm)), line, font=signature_font, fill=ink)
        y += round(signature_font.size * 1.25)
    # A thin brand-coloured rule between image and band.
    draw.rectangle((0, band_top, width, band_top + round(2 * mm)), fill=primary)
    return poster


def band_text(draw, headline: str, signature: str, mm: float, text_width: int):
    """The lines of text printed in the band, each with its font: ((font, headline
    lines), (font, signature lines)). French spacing first (typography.french), so that
    no printed line starts with « : », « ? » or « » »."""
    headline, signature = french(headline), french(signature)
    headline_font = _font(True, round(11 * mm))
    lines = wrap_to_width(draw, headline, headline_font, text_width)
    while len(lines) > 4 and headline_font.size > 6 * mm:
        headline_font = _font(True, round(headline_font.size * 0.85))
        lines = wrap_to_width(draw, headline, headline_font, text_width)
    signature_font = _font(False, round(6.5 * mm))
    return (headline_font, lines), (
        signature_font,
        wrap_to_width(draw, signature, signature_font, text_width),
    )


def _render_pdf(source: Path, **params) -> bytes:
    poster = compose(source, **params)
    buffer = io.BytesIO()
    # Pillow stores RGB pages as JPEG (DCTDecode); the page size follows from dpi.
    poster.save(buffer, "PDF", resolution=params["dpi"], quality=92)
    return buffer.getvalue()
