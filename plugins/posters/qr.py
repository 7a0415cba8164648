"""QR codes of the posters, made with segno: SVG for print, PNG for screens."""

from __future__ import annotations

import functools
import hashlib
import io
import os
from pathlib import Path
from xml.sax.saxutils import escape

import segno

# M (15 % of the code can be damaged) is the usual choice for posters: a scratched or
# partly covered code still scans, and the code stays small enough to scan from afar.
ERROR_LEVEL = "m"
BORDER = 4  # the quiet zone the QR standard requires, in modules


# Each poster's code is drawn three times (PNG size, PNG, SVG): encode it once
# (bench/build_speed.py: 3.3 s of a 13 s warm build at 10x the demo).
@functools.lru_cache(maxsize=1024)
def make(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR_LEVEL, micro=False, boost_error=False)


# Encoding picks the best of eight masks, which costs more than the rest of a poster's
# page: the drawn files are kept on disk, keyed by everything that shapes them, so a
# rebuild encodes only new or changed addresses. `cache`: the build's posters cache
# folder (None: no cache).


def _cached(kind: str, parts: tuple, produce, cache: Path | None) -> bytes:
    if cache is None:
        return produce()
    identity = "|".join(map(str, (segno.__version__, ERROR_LEVEL, BORDER, kind, *parts)))
    key = hashlib.sha256(identity.encode("utf-8")).hexdigest()
    path = Path(cache) / "qr" / key[:2] / f"{key}.{kind}"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = produce()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_bytes(data)
    partial.replace(path)  # atomic: a concurrent build never reads half a file
    return data


def png_size(url: str, scale: int, cache: Path | None = None) -> int:
    size = _cached(
        "size",
        (url, scale),
        lambda: str(make(url).symbol_size(scale=scale, border=BORDER)[0]).encode(),
        cache,
    )
    return int(size)


def png(url: str, scale: int = 8, cache: Path | None = None) -> bytes:
    def draw() -> bytes:
        buffer = io.BytesIO()
        make(url).save(buffer, kind="png", scale=scale, border=BORDER)
        return buffer.getvalue()

    return _cached("png", (url, scale), draw, cache)


def svg(url: str, short_url: str, cache: Path | None = None) -> bytes:
    return _cached("svg", (url, short_url), lambda: _draw_svg(url, short_url), cache)


def _draw_svg(url: str, short_url: str) -> bytes:
    """A vector QR code with the short address printed under it, for the printer.

    segno draws the code; it is nested in a taller SVG that adds the address, sized
    to the code's width so that the file can be scaled to any size as one piece.
    """
    code = make(url)
    size = code.symbol_size(scale=1, border=BORDER)[0]
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        scale=1,
        border=BORDER,
        xmldecl=False,
        svgns=False,
        omitsize=True,
        nl=False,
    )
    inner = buffer.getvalue().decode("utf-8")
    # Fit the address to the code's width (an average glyph is about 0.6 em wide).
    usable = size - 2 * BORDER
    font_size = round(min(4.0, usable / (0.6 * max(len(short_url), 1))), 2)
    height = size + round(font_size * 1.6, 2)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {height}" '
        f'width="{size * 4}mm" height="{round(height * 4, 2)}mm">'
        f"<title>QR code : {escape(short_url)}</title>"
        f"<desc>{escape(url)}</desc>"
        f'<rect width="{size}" height="{height}" fill="#fff"/>'
        + inner.replace("<svg ", f'<svg x="0" y="0" width="{size}" height="{size}" ', 1)
        + f'<text x="{size / 2}" y="{size + font_size * 0.6}" text-anchor="middle" '
        f'font-family="DejaVu Sans, Arial, Helvetica, sans-serif" font-size="{font_size}" '
        f'fill="#000">{escape(short_url)}</text></svg>\n'
    ).encode("utf-8")
