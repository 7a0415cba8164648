"""Pure image functions: read a source safely, normalise it, resize and encode it.

Nothing here knows about Pelican. Every function takes paths and plain settings and
returns bytes or plain values, so that it runs in worker processes and is unit-tested
on images the tests make. Problems an editor can fix raise `ImageProblem` with a French
message; the plugin adds the content file that uses the image.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass
from pathlib import Path

import mozjpeg_lossless_optimization
import pyjpegli
from PIL import Image, ImageChops, ImageCms, ImageOps, UnidentifiedImageError
from venez_vivre.programme.files import write_atomic

# Bump when the output of this module changes for the same inputs: every cached
# derivative is then re-encoded (the version is part of each cache key).
PIPELINE_VERSION = "2"
# Bump when probe() decides differently (kind, colours): cached probes are then read
# again; derivatives whose kind did not change keep their cache entries.
PROBE_VERSION = "2"

RASTER_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".tif", ".tiff"}
MIME_TYPES = {
    "avif": "image/avif",
    "webp": "image/webp",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "svg": "image/svg+xml",
}
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png", "svg": "svg"}

ORIENTATION = 0x0112  # EXIF tag
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class ImageProblem(Exception):
    """A source image the pipeline cannot publish; the message is for editors (French)."""


@dataclass(frozen=True)
class Probe:
    """What the pipeline needs to know about a source before planning derivatives."""

    width: int  # as displayed, EXIF orientation applied
    height: int
    kind: str  # "photo", "gray" (black-and-white photo), "alpha" (transparency used),
    # "flat" (drawing, chart: lossless), "svg"
    colors: tuple[str, str] | None  # mean colour of the top and bottom halves (#rrggbb)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Probe:
        colors = tuple(data["colors"]) if data.get("colors") else None
        return cls(data["width"], data["height"], data["kind"], colors)


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.0f}".replace(".", ",")


def open_source(path: Path, max_pixels: int, reduce=None) -> Image.Image:
    """Open and fully decode a raster source, refusing what cannot be published.

    `reduce(image)` (given the opened, not yet decoded image) may return a smaller
    size the decoder may produce directly (JPEG DCT scaling)."""
    # Pillow's own guard raises above 2 × MAX_IMAGE_PIXELS with an English message;
    # ours is stricter and also checked on the header, before any pixel is decoded.
    # Pillow's is lifted only for this call (other plugins keep it).
    guard, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        image = Image.open(path)
    except UnidentifiedImageError as error:
        raise ImageProblem(
            f"« {path.name} » n’est pas une image lisible (fichier corrompu ou d’un format "
            "inconnu). Réexportez-la en JPEG ou en PNG."
        ) from error
    except OSError as error:
        raise ImageProblem(f"« {path.name} » ne peut pas être lue : {error}.") from error
    finally:
        Image.MAX_IMAGE_PIXELS = guard
    pixels = image.width * image.height
    if pixels > max_pixels:
        image.close()
        raise ImageProblem(
            f"« {path.name} » est beaucoup trop grande ({image.width} × {image.height} pixels, "
            f"{_megapixels(pixels)} mégapixels ; maximum {_megapixels(max_pixels)}). "
            "Réduisez-la à 3000 pixels de large au plus avant de la déposer."
        )
    if getattr(image, "n_frames", 1) > 1:
        image.close()
        raise ImageProblem(
            f"« {path.name} » est une image animée ({image.n_frames} images) : le site "
            "n’accepte que des images fixes. Exportez une seule image en JPEG ou en PNG, "
            "ou publiez l’animation comme une vidéo."
        )
    if reduce is not None and image.format == "JPEG":
        size = reduce(image)
        if size:
            image.draft("RGB", size)
    try:
        image.load()
    except (OSError, SyntaxError, ValueError) as error:
        image.close()
        raise ImageProblem(
            f"« {path.name} » est incomplète ou endommagée ({error}). "
            "Déposez à nouveau le fichier d’origine."
        ) from error
    return image


def normalise(image: Image.Image) -> Image.Image:
    """Upright, sRGB, 8-bit RGB or RGBA, without any metadata."""
    icc = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image)
    mode = image.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit greyscale: Pillow's convert("L") clips instead of scaling.
        image = image.convert("I").point(lambda value: value / 257).convert("L")
    elif mode == "F":
        image = image.point(lambda value: value * 255).convert("L")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        image.mode in ("P", "L", "RGB") and "transparency" in image.info
    )
    if image.mode == "P" or image.mode == "PA":
        image = image.convert("RGBA" if has_alpha else "RGB")
    if icc:
        image = _to_srgb(image, icc, has_alpha)
    target = "RGBA" if has_alpha else "RGB"
    if image.mode != target:
        image = image.convert(target)
    image.info = {}
    return image


def _to_srgb(image: Image.Image, icc: bytes, has_alpha: bool) -> Image.Image:
    try:
        source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (OSError, ImageCms.PyCMSError):
        return image  # an unreadable profile: treat the pixels as sRGB
    alpha = image.getchannel("A") if has_alpha and "A" in image.getbands() else None
    if image.mode not in ("RGB", "CMYK", "L"):
        image = image.convert("RGB")
    # Some profiles only have a relative colorimetric table.
    for intent in (ImageCms.Intent.PERCEPTUAL, ImageCms.Intent.RELATIVE_COLORIMETRIC):
        try:
            converted = ImageCms.profileToProfile(
                image, source_profile, _SRGB, renderingIntent=intent, outputMode="RGB"
            )
            break
        except ImageCms.PyCMSError:
            continue
    else:
        return image
    if alpha is not None:
        converted.putalpha(alpha)
    return converted


def _hex(rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb[:3])


def probe(path: Path, max_pixels: int) -> Probe:
    """Decode the source once to learn its shape, kind and placeholder colours."""
    if path.suffix.lower() == ".svg":
        width, height = svg_size(path)
        return Probe(width, height, "svg", None)
    with open_source(path, max_pixels) as source:
        lossless_format = source.format in ("PNG", "GIF", "BMP", "TIFF")
        image = normalise(source)
    kind = "photo"
    if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] < 255:
        kind = "alpha"
    elif lossless_format and looks_like_graphic(image):
        # A drawing, logo, chart or screenshot saved losslessly: kept lossless.
        kind = "flat"
    elif is_grayscale(image):
        # A black-and-white photograph (heritage, archives): a photo, encoded with
        # a single channel where the format has one (AVIF, JPEG).
        kind = "gray"
    rgb = image.convert("RGB")
    halves = rgb.resize((1, 2), Image.Resampling.BOX)
    colors = (_hex(halves.getpixel((0, 0))), _hex(halves.getpixel((0, 1))))
    return Probe(image.width, image.height, kind, colors)


# Lossless bytes ÷ lossy bytes of the same samples above which an image is a photo. Photos
# measure 2.9 to 38 (../shared/photos, in colour and in grey), flat drawings and charts
# well under 1: lossy encoding only blurs their edges, and lossless is as small.
GRAPHIC_RATIO = 1.5
_SAMPLE = 256


def _samples(image: Image.Image) -> list[Image.Image]:
    """Up to three native-resolution crops (no resampling: it would soften a drawing's
    edges into a photo's gradients): the centre and two off-centre areas."""
    w, h = image.size
    if w <= _SAMPLE and h <= _SAMPLE:
        return [image]
    size_w, size_h = min(_SAMPLE, w), min(_SAMPLE, h)
    corners = [
        ((w - size_w) // 2, (h - size_h) // 2),
        (w // 6, h // 6),
        (max(0, w - w // 6 - size_w), max(0, h - h // 6 - size_h)),
    ]
    return [image.crop((x, y, x + size_w, y + size_h)) for x, y in corners]


def looks_like_graphic(image: Image.Image) -> bool:
    """Photo or graphic by content, not by colour count (every greyscale photo has at
    most 256 colours): encode samples both ways, and a graphic is one that lossless
    encoding keeps about as small as lossy encoding."""
    lossless = lossy = 0
    for sample in _samples(image.convert("RGB")):
        out = io.BytesIO()
        sample.save(out, "WEBP", lossless=True, quality=0, method=0)
        lossless += out.tell()
        out = io.BytesIO()
        sample.save(out, "WEBP", quality=84, method=0)
        lossy += out.tell()
    return lossless < GRAPHIC_RATIO * lossy


def is_grayscale(image: Image.Image) -> bool:
    """Every pixel neutral (R = G = B, within 2 levels for a scanned print's noise)."""
    if image.mode == "L":
        return True
    red, green, blue = image.convert("RGB").split()[:3]
    for a, b in ((red, green), (green, blue)):
        if ImageChops.difference(a, b).getextrema()[1] > 2:
            return False
    return True


_LENGTH = re.compile(r"^\s*([0-9.]+)\s*(px)?\s*$")


def svg_size(path: Path) -> tuple[int, int]:
    """Width and height of an SVG from its attributes or viewBox (for width/height)."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as error:
        raise ImageProblem(f"« {path.name} » n’est pas un fichier SVG valide ({error}).") from error
    if not root.tag.endswith("svg"):
        raise ImageProblem(f"« {path.name} » n’est pas un fichier SVG.")
    width, height = root.get("width", ""), root.get("height", "")
    w, h = _LENGTH.match(width), _LENGTH.match(height)
    if w and h:
        return round(float(w.group(1))), round(float(h.group(1)))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        return round(float(box[2])), round(float(box[3]))
    return 300, 150  # the CSS default size of a replaced element


# -- planning -----------------------------------------------------------------------------
def plan_widths(source_width: int, slot_widths: list[int]) -> list[int]:
    """The widths to make for a slot: never wider than the source, no duplicates."""
    widths = sorted({min(w, source_width) for w in slot_widths})
    return widths or [source_width]


def cropped_size(width: int, height: int, ratio: float | None) -> tuple[int, int]:
    """Size of the centre crop of (width, height) to `ratio` (width / height)."""
    if not ratio:
        return width, height
    if width / height > ratio:
        return round(height * ratio), height
    return width, round(width / ratio)


def formats_for(kind: str, formats: list[str]) -> list[str]:
    """Output formats, best first; the last one is the <img> fallback.

    Transparent sources keep their alpha: PNG replaces JPEG as the fallback. Flat
    illustrations (few colours) stay lossless: lossless WebP, then PNG.
    """
    if kind == "svg":
        return ["svg"]
    if kind == "flat":
        return ["webp", "png"]
    modern = [f for f in formats if f in ("avif", "webp")]
    return [*modern, "png" if kind == "alpha" else "jpeg"]  # photo, gray


# -- encoding -----------------------------------------------------------------------------
def resize(image: Image.Image, width: int, ratio: float | None) -> Image.Image:
    crop_w, crop_h = cropped_size(image.width, image.height, ratio)
    if (crop_w, crop_h) != image.size:
        image = ImageOps.fit(image, (crop_w, crop_h), Image.Resampling.LANCZOS)
    if width < image.width:
        height = max(1, round(image.height * width / image.width))
        image = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return image


def encode(image: Image.Image, fmt: str, quality: dict, kind: str) -> bytes:
    """Encode without any metadata: no EXIF, no XMP, no ICC (pixels are sRGB)."""
    image.info = {}
    out = io.BytesIO()
    if kind == "gray" and fmt in ("avif", "jpeg"):
        image = image.convert("L")  # one channel: monochrome AVIF, one-component JPEG
    if fmt == "avif":
        image.save(
            out,
            "AVIF",
            quality=quality["avif"],
            speed=quality.get("avif_speed", 6),
            # 4:0:0 is monochrome: one plane, no chroma at all.
            subsampling="4:0:0" if image.mode == "L" else quality.get("avif_subsampling", "4:4:4"),
        )
    elif fmt == "webp":
        if kind == "flat":
            image.save(out, "WEBP", lossless=True, quality=100, method=4)
        else:
            image.save(out, "WEBP", quality=quality["webp"], method=quality.get("webp_method", 4))
    elif fmt == "jpeg":
        return encode_jpeg(image, quality["jpeg"])
    elif fmt == "png":
        image.save(out, "PNG", optimize=True)
    else:  # pragma: no cover - settings are validated
        raise ValueError(fmt)
    return out.getvalue()


def encode_jpeg(image: Image.Image, quality: int) -> bytes:
    """JPEG as small as mozjpeg's at the same visual quality: jpegli (libjxl's JPEG
    encoder: adaptive quantisation) for colour, libjpeg for one-component greyscale
    (jpegli's binding takes RGB only), then mozjpeg's lossless re-optimisation of both
    (progressive scans, optimised Huffman tables: 7 to 11 % off jpegli's output)."""
    if image.mode == "L":
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
        data = out.getvalue()
    else:
        if image.mode != "RGB":
            image = image.convert("RGB")
        data = pyjpegli.encode(image.tobytes(), image.width, image.height, quality)
    return mozjpeg_lossless_optimization.optimize(data)


def flatten(image: Image.Image, background: str = "#ffffff") -> Image.Image:
    """An opaque copy (for JPEG-only uses such as podcast artwork and share cards)."""
    if image.mode != "RGBA":
        return image.convert("RGB")
    base = Image.new("RGB", image.size, background)
    base.paste(image, mask=image.getchannel("A"))
    return base


@dataclass(frozen=True)
class Task:
    """One source at one width, encoded to several formats (one decode per task)."""

    source: str  # absolute path
    width: int
    ratio: float | None
    kind: str
    max_pixels: int
    quality: dict
    outputs: tuple[tuple[str, str], ...]  # (format, cache path)
    source_bytes: int = 0  # to keep no derivative larger than its source
    flatten: bool = False


def run_task(task: Task) -> list[tuple[str, int]]:
    """Worker entry point: encode and write the task's outputs; returns (path, bytes)."""
    path = Path(task.source)

    def reduce(opened: Image.Image):
        # Decode at a reduced scale when the target is much smaller (JPEG DCT scaling,
        # as libvips' shrink-on-load), keeping at least twice the target width for
        # LANCZOS to work on. The stored size is turned as EXIF orientation says.
        width, height = opened.size
        swapped = opened.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8)
        shown = (height, width) if swapped else (width, height)
        crop_w, _ = cropped_size(*shown, task.ratio)
        scale = crop_w / (2 * task.width)
        if scale < 2:
            return None
        return (int(width / scale), int(height / scale))

    with open_source(path, task.max_pixels, reduce) as source:
        image = normalise(source)
    if task.flatten:
        image = flatten(image)
    image = resize(image, task.width, task.ratio)
    written = []
    for fmt, target in task.outputs:
        data = encode(image, fmt, task.quality, task.kind)
        data = _no_larger_than_source(image, fmt, data, task)
        write_atomic(Path(target), data)
        written.append((target, len(data)))
    return written


def _no_larger_than_source(image, fmt, data, task) -> bytes:
    """A derivative never weighs more than its source: lower the quality until it does
    not (only happens with small sources already compressed hard, or pure noise)."""
    if not task.source_bytes or len(data) <= task.source_bytes or fmt == "png":
        return data
    start = task.quality.get(fmt, 80)
    smallest = data
    for quality in [*range(start - 10, 9, -10), 5]:
        data = encode(image.copy(), fmt, {**task.quality, fmt: quality}, task.kind)
        smallest = min(smallest, data, key=len)
        if len(data) <= task.source_bytes:
            break
    return smallest


def probe_task(args: tuple[str, int]) -> tuple[str, dict | None, str | None]:
    """Worker entry point for probing: (path, probe as dict, or French error)."""
    path, max_pixels = args
    try:
        return path, probe(Path(path), max_pixels).as_dict(), None
    except ImageProblem as problem:
        return path, None, str(problem)
    except Exception as error:  # an unexpected decoder failure is still the file's fault
        return path, None, f"« {Path(path).name} » ne peut pas être lue ({error})."
