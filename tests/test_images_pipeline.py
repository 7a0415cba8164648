"""The image pipeline's pure functions on real images made here: orientation, colour,
bit depth, transparency, metadata, and the files it must refuse."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms
from venez_vivre.images import pipeline

RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)
QUALITY = {"avif": 60, "webp": 80, "jpeg": 85, "avif_speed": 9, "webp_method": 2}
ICC_DIR = Path("/usr/share/color/icc/ghostscript")  # Debian's libgs-common (.ci/run)


def quadrants(width=80, height=40) -> Image.Image:
    """Top-left red, top-right green, bottom-left blue, bottom-right white."""
    image = Image.new("RGB", (width, height))
    half_w, half_h = width // 2, height // 2
    for box, colour in (
        ((0, 0, half_w, half_h), RED),
        ((half_w, 0, width, half_h), GREEN),
        ((0, half_h, half_w, height), BLUE),
        ((half_w, half_h, width, height), WHITE),
    ):
        image.paste(colour, box)
    return image


def near(actual, expected, tolerance=48) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual[:3], expected, strict=True))


def run(path: Path, tmp_path: Path, width=2000, kind=None, ratio=None, formats=None):
    """Encode `path` through the pipeline; returns {format: decoded output image}."""
    probe = pipeline.probe(path, 10**8)
    kind = kind or probe.kind
    formats = formats or pipeline.formats_for(kind, ["avif", "webp", "jpeg"])
    outputs = tuple(
        (fmt, str(tmp_path / f"out-{width}.{pipeline.EXTENSIONS[fmt]}")) for fmt in formats
    )
    task = pipeline.Task(
        str(path), width, ratio, kind, 10**8, QUALITY, outputs, path.stat().st_size
    )
    pipeline.run_task(task)
    return {fmt: Image.open(target) for fmt, target in outputs}


# (orientation, displayed size, colour at top-left, colour at top-right) for an 80 × 40
# stored image: the EXIF 2.3 meaning of each value.
ORIENTATIONS = [
    (1, (80, 40), RED, GREEN),
    (2, (80, 40), GREEN, RED),  # mirrored horizontally
    (3, (80, 40), WHITE, BLUE),  # turned 180°
    (4, (80, 40), BLUE, WHITE),  # mirrored vertically
    (5, (40, 80), RED, BLUE),  # transposed
    (6, (40, 80), BLUE, RED),  # turned 90° clockwise to display
    (7, (40, 80), WHITE, GREEN),  # transversed
    (8, (40, 80), GREEN, WHITE),  # turned 90° counter-clockwise to display
]


@pytest.mark.parametrize(("orientation", "size", "top_left", "top_right"), ORIENTATIONS)
def test_exif_orientation_is_applied(tmp_path, orientation, size, top_left, top_right):
    path = tmp_path / f"o{orientation}.jpg"
    exif = Image.Exif()
    exif[pipeline.ORIENTATION] = orientation
    quadrants().save(path, "JPEG", quality=95, exif=exif)
    assert pipeline.probe(path, 10**8).width == size[0]
    for fmt, image in run(path, tmp_path).items():
        assert image.size == size, fmt
        rgb = image.convert("RGB")
        assert near(rgb.getpixel((2, 2)), top_left), (fmt, rgb.getpixel((2, 2)))
        assert near(rgb.getpixel((size[0] - 3, 2)), top_right), fmt
        assert not rgb.getexif(), f"{fmt} keeps an EXIF block"


def test_gps_and_camera_metadata_are_stripped(tmp_path):
    path = tmp_path / "maison.jpg"
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0xA431] = "SERIAL-0042-XYZ"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (47.0, 19.0, 22.8), 3: "E", 4: (5.0, 2.0, 31.2)})
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">SECRET-XMP</x:xmpmeta>'
    quadrants(640, 400).save(path, "JPEG", quality=95, exif=exif, xmp=xmp)
    assert Image.open(path).getexif().get_ifd(0x8825), "the test image has a GPS position"
    for fmt, image in run(path, tmp_path, width=320).items():
        data = Path(image.filename).read_bytes()
        assert not image.getexif(), fmt
        assert not image.getexif().get_ifd(0x8825), fmt
        for secret in (b"SERIAL-0042", b"CameraMaker", b"SECRET-XMP", b"Exif\x00\x00"):
            assert secret not in data, (fmt, secret)
        assert "icc_profile" not in image.info and "xmp" not in image.info, fmt


def test_icc_profile_is_converted_to_srgb(tmp_path):
    adobe = ICC_DIR / "a98.icc"
    assert adobe.is_file(), "install libgs-common (.ci/run does) for its ICC profiles"
    colour = (200, 100, 50)
    path = tmp_path / "adobe-rgb.png"
    Image.new("RGB", (64, 64), colour).save(path, icc_profile=adobe.read_bytes())
    expected = ImageCms.profileToProfile(
        Image.new("RGB", (1, 1), colour),
        str(adobe),
        ImageCms.createProfile("sRGB"),
        renderingIntent=ImageCms.Intent.PERCEPTUAL,
    ).getpixel((0, 0))
    assert max(abs(a - b) for a, b in zip(expected, colour, strict=True)) >= 8
    for fmt, image in run(path, tmp_path, kind="photo").items():
        pixel = image.convert("RGB").getpixel((32, 32))
        assert near(pixel, expected, 6), (fmt, pixel, expected)
        assert not image.info.get("icc_profile"), fmt


@pytest.mark.parametrize("with_profile", [False, True])
def test_cmyk_becomes_rgb(tmp_path, with_profile):
    path = tmp_path / "cmyk.jpg"
    options = {}
    if with_profile:
        options["icc_profile"] = (ICC_DIR / "default_cmyk.icc").read_bytes()
    Image.new("CMYK", (64, 64), (0, 255, 255, 0)).save(path, "JPEG", quality=95, **options)
    for fmt, image in run(path, tmp_path, kind="photo").items():
        red, green, blue = image.convert("RGB").getpixel((32, 32))
        assert image.mode in ("RGB", "RGBA") or fmt == "jpeg", fmt
        assert red > 180 and green < 90 and blue < 90, (fmt, red, green, blue)


def test_16_bit_greyscale_is_scaled_not_clipped(tmp_path):
    path = tmp_path / "16bit.png"
    values = [0, 16384, 32768, 49152, 65535]
    data = b"".join(struct.pack("<H", v) for v in values for _ in range(20))
    Image.frombytes("I;16", (100, 1), data).resize((100, 40)).save(path)
    assert Image.open(path).mode.startswith("I")
    image = run(path, tmp_path, kind="photo")["jpeg"].convert("L")
    measured = [image.getpixel((10 + 20 * i, 20)) for i in range(5)]
    for got, expected in zip(measured, [0, 64, 128, 191, 255], strict=True):
        assert abs(got - expected) <= 12, measured  # clipping would give 255s


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_16_bit_rgb_png(tmp_path):
    """A 16-bit-per-channel RGB PNG (Pillow cannot write one: made byte by byte)."""
    width, height = 32, 16
    row = b"\x00" + struct.pack(">HHH", 65535, 32768, 0) * width  # orange
    raw = zlib.compress(row * height)
    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    path = tmp_path / "rgb16.png"
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", raw)
        + png_chunk(b"IEND", b"")
    )
    pixel = run(path, tmp_path, kind="photo")["jpeg"].convert("RGB").getpixel((16, 8))
    assert near(pixel, (255, 128, 0), 10), pixel


def test_greyscale_and_palette_sources(tmp_path):
    grey = tmp_path / "grey.jpg"
    Image.linear_gradient("L").resize((300, 200)).save(grey, quality=95)
    out = run(grey, tmp_path)["jpeg"].convert("RGB")
    r, g, b = out.getpixel((150, 100))
    assert abs(r - g) <= 3 and abs(g - b) <= 3
    palette = tmp_path / "palette.gif"
    quadrants().convert("P").save(palette)
    assert pipeline.probe(palette, 10**8).kind == "flat"
    outputs = run(palette, tmp_path)
    assert set(outputs) == {"webp", "png"}, "flat illustrations stay lossless"
    assert outputs["png"].convert("RGB").getpixel((2, 2)) == RED


def test_transparency_is_kept_with_png_fallback(tmp_path):
    path = tmp_path / "logo.png"
    alpha = Image.new("L", (200, 100), 0)
    alpha.paste(255, (0, 0, 100, 100))  # left half opaque, right half transparent
    noise = Image.effect_noise((200, 100), 80).convert("RGB")  # not a flat drawing
    Image.merge("RGBA", (*noise.split(), alpha)).save(path)
    probe = pipeline.probe(path, 10**8)
    assert probe.kind == "alpha"
    assert pipeline.formats_for(probe.kind, ["avif", "webp", "jpeg"]) == ["avif", "webp", "png"]
    outputs = run(path, tmp_path)
    for fmt, out in outputs.items():
        rgba = out.convert("RGBA")
        assert rgba.getpixel((150, 50))[3] == 0, fmt
        assert rgba.getpixel((50, 50))[3] == 255, fmt


def test_widths_never_exceed_the_source_and_are_unique():
    assert pipeline.plan_widths(1000, [480, 768, 1080, 1440]) == [480, 768, 1000]
    assert pipeline.plan_widths(300, [480, 768]) == [300]
    assert pipeline.cropped_size(1600, 1000, 1.0) == (1000, 1000)
    assert pipeline.cropped_size(1000, 1600, 16 / 10) == (1000, 625)


def test_crop_to_slot_ratio(tmp_path):
    path = tmp_path / "wide.jpg"
    quadrants(800, 400).save(path, quality=95)
    outputs = run(path, tmp_path, width=96, ratio=1.0)
    assert {image.size for image in outputs.values()} == {(96, 96)}


def test_no_derivative_larger_than_its_source(tmp_path):
    """A small, heavily compressed noisy JPEG: re-encoding at the default quality
    would make it heavier; the pipeline lowers the quality instead."""
    path = tmp_path / "bruit.jpg"
    Image.effect_noise((300, 200), 100).convert("RGB").save(path, quality=30)
    size = path.stat().st_size
    for fmt, image in run(path, tmp_path, width=300).items():
        assert Path(image.filename).stat().st_size <= size, fmt


# -- what must be refused ---------------------------------------------------------------
def expect_problem(path: Path, words: str, max_pixels=10**8):
    with pytest.raises(pipeline.ImageProblem) as caught:
        pipeline.probe(path, max_pixels)
    assert words in str(caught.value)
    assert path.name in str(caught.value)
    return str(caught.value)


def test_truncated_file_is_refused(tmp_path):
    whole = io.BytesIO()
    Image.effect_noise((400, 300), 50).convert("RGB").save(whole, "JPEG")
    path = tmp_path / "coupee.jpg"
    path.write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])
    expect_problem(path, "incomplète ou endommagée")


def test_not_an_image_is_refused(tmp_path):
    path = tmp_path / "texte.jpg"
    path.write_text("ceci n'est pas une image")
    expect_problem(path, "n’est pas une image lisible")


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    """A 30 000 × 30 000 PNG header with almost no data: refused on its header alone."""
    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 0, 0, 0, 0)
    path = tmp_path / "bombe.png"
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 30001))
        + png_chunk(b"IEND", b"")
    )
    message = expect_problem(path, "beaucoup trop grande", max_pixels=50_000_000)
    assert "30000 × 30000" in message and "900 mégapixels" in message
    assert Image.MAX_IMAGE_PIXELS, "Pillow's own guard is back for other code"


def test_animated_image_is_refused(tmp_path):
    path = tmp_path / "anime.gif"
    frames = [Image.new("RGB", (20, 20), colour) for colour in (RED, GREEN, BLUE)]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100)
    expect_problem(path, "image animée (3 images)")


def test_svg_passes_through_with_its_size(tmp_path):
    path = tmp_path / "logo.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"></svg>')
    probe = pipeline.probe(path, 10**8)
    assert (probe.width, probe.height, probe.kind) == (120, 40, "svg")
    broken = tmp_path / "casse.svg"
    broken.write_text("<svg")
    expect_problem(broken, "n’est pas un fichier SVG valide")


PHOTOS = Path(__file__).resolve().parent.parent.parent / "shared" / "photos"


def _drawing() -> Image.Image:
    """A chart-like illustration: flat colours, lines and antialiased text."""
    from PIL import ImageDraw, ImageFont

    image = Image.new("RGB", (900, 600), "#f4efe6")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 48)
    draw.rectangle((60, 60, 420, 300), fill="#7a1f3d")
    draw.ellipse((480, 140, 820, 480), fill="#0b5a6b")
    draw.text((80, 420), "Venez vivre : 12 000 inscrits", font=font, fill="#222222")
    for i in range(8):
        draw.line((0, i * 75, 900, 600 - i * 75), fill="#333333", width=3)
    return image


@pytest.mark.parametrize("name", ["kite.jpg", "path.jpg", "eveningglow.jpg"])
def test_black_and_white_photo_in_png_is_a_photo(tmp_path, name):
    """A 16-bit greyscale PNG photograph (an archive scan) has at most 256 colours once
    8-bit, and used to be served as a lossless drawing (238 KB WebP, 359 KB PNG and no
    AVIF): it is a photo, encoded with one channel."""
    photo = Image.open(PHOTOS / name).convert("L").resize((1104, 736))
    path = tmp_path / "archive.png"
    wide = photo.point(lambda v: v * 257, mode="I").convert("I;16")
    wide.save(path)
    assert Image.open(path).mode.startswith("I")
    probe = pipeline.probe(path, 10**8)
    assert probe.kind == "gray"
    assert pipeline.formats_for(probe.kind, ["avif", "webp", "jpeg"]) == ["avif", "webp", "jpeg"]
    outputs = run(path, tmp_path, width=1104)
    assert outputs["avif"].mode == "L" and outputs["jpeg"].mode == "L"
    sizes = {
        fmt: (tmp_path / f"out-1104.{pipeline.EXTENSIONS[fmt]}").stat().st_size for fmt in outputs
    }
    lossless = io.BytesIO()
    photo.save(lossless, "WEBP", lossless=True)
    assert sizes["avif"] < lossless.tell() / 4, sizes  # what a photo should weigh


def test_colour_photo_saved_as_png_is_a_photo_and_a_drawing_is_flat(tmp_path):
    photo = tmp_path / "photo.png"
    Image.open(PHOTOS / "bythewater.jpg").convert("RGB").resize((1000, 667)).save(photo)
    assert pipeline.probe(photo, 10**8).kind == "photo"
    drawing = tmp_path / "chart.png"
    _drawing().save(drawing)
    assert pipeline.probe(drawing, 10**8).kind == "flat"
    # Lossless serves the drawing better: smaller than lossy at a usual quality.
    assert pipeline.looks_like_graphic(_drawing())


def test_colour_photo_is_not_grayscale_and_a_grey_jpeg_is():
    colour = Image.open(PHOTOS / "autumn.jpg").convert("RGB").resize((400, 267))
    assert not pipeline.is_grayscale(colour)
    assert pipeline.is_grayscale(colour.convert("L").convert("RGB"))


def test_jpeg_from_jpegli_is_progressive_srgb_and_smaller_than_libjpeg():
    photo = Image.open(PHOTOS / "kite.jpg").convert("RGB").resize((1024, 683))
    data = pipeline.encode(photo.copy(), "jpeg", {"jpeg": 83}, "photo")
    decoded = Image.open(io.BytesIO(data))
    assert decoded.format == "JPEG" and decoded.mode == "RGB"
    assert decoded.info.get("progressive") or decoded.info.get("progression")
    assert "icc_profile" not in decoded.info and "exif" not in decoded.info
    plain = io.BytesIO()
    photo.save(plain, "JPEG", quality=83, optimize=True, progressive=True)
    assert len(data) < plain.tell()
    grey = pipeline.encode(photo.convert("RGB"), "jpeg", {"jpeg": 83}, "gray")
    assert Image.open(io.BytesIO(grey)).mode == "L"
