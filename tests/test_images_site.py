"""The image pipeline inside real builds: the pages' <picture> markup against the files it
names, share cards and their meta tags, the cache across rebuilds, and editors' errors."""

from __future__ import annotations

import hashlib
import os
import re
import struct
import zlib
from pathlib import Path

import pytest
from conftest import ROOT, build_site, serve_directory
from PIL import Image
from test_images_pipeline import png_chunk
from venez_vivre.images import config
from venez_vivre.programme import html_scan

SITEURL = "https://venez-vivre.exemple.org"


def tags(html: str, name: str | None = None) -> list[tuple[str, dict]]:
    """(element name, attributes) of every element of `html`, or of those named `name`."""
    return [(t.name, dict(t.attrs)) for t in html_scan.parse(html).find_all(name or True)]


def photo(path: Path, size=(1600, 1000), seed=0) -> Path:
    """A photo-like JPEG: gradients and noise, so that encoders have real work."""
    gradient = Image.linear_gradient("L").resize(size)
    noise = Image.effect_noise(size, 30 + seed)
    image = Image.merge("RGB", (gradient, noise, gradient.rotate(180)))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=92)
    return path


def make_content(root: Path) -> Path:
    content = root / "content"
    photo(content / "images" / "lac.jpg")
    photo(content / "images" / "foret.jpg", (900, 1200), seed=10)
    (content / "images" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"></svg>'
    )
    pages = content / "pages"
    pages.mkdir()
    (pages / "galerie.md").write_text(
        "---\ntitle: Galerie du lac\nimage: images/foret.jpg\n---\n\n"
        "Le lac au printemps.\n\n![Le lac au lever du jour](images/lac.jpg)\n\n"
        "![Une forêt de sapins](images/foret.jpg)\n\n![Logo du programme](images/logo.svg)\n",
        encoding="utf-8",
    )
    return content


def overrides(root: Path, content: Path, quality=None, **images) -> dict:
    return {
        "PATH": str(content),
        "SITEURL": SITEURL,
        "PLUGINS": ["venez_vivre.programme", "venez_vivre.images", "venez_vivre.seo"],
        "BRAND": {**_brand(), "default_image": "images/lac.jpg"},
        "IMAGES": {
            "cache_dir": str(root / "cache"),
            "quality": {"avif_speed": 9, **(quality or {})},  # fast: tests check files
            **images,
        },
    }


PRIMARY = "#7a1f3d"


def _brand() -> dict:
    """The demo's brand, read from the repository's pelicanconf.py by path (another test
    may have imported an example's settings module under the same name)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_images_conf", ROOT / "pelicanconf.py")
    settings = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(settings)
    colors = {**settings.BRAND["colors"], "primary": PRIMARY}
    return {**settings.BRAND, "colors": colors}


def build(root: Path, content: Path, output: Path | None = None, **images) -> dict:
    output = output or root / "output"
    result = build_site(ROOT / "pelicanconf.py", output, **overrides(root, content, **images))
    return {**result, "stats": dict(result.get("figures", {}).get("images", {})), "output": output}


def local(output: Path, url: str) -> Path:
    assert url.startswith(SITEURL + "/"), url
    return output / url[len(SITEURL) + 1 :]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("images-site")
    content = make_content(root)
    result = build(root, content)
    assert result["ok"], result.get("report")
    return root, content, result


def candidates(srcset: str) -> list[tuple[str, int]]:
    pairs = [item.strip().rsplit(" ", 1) for item in srcset.split(",")]
    return [(url, int(w[:-1])) for url, w in pairs]


def test_body_images_become_pictures_with_honest_srcsets(site):
    _root, content, result = site
    output = result["output"]
    html = (output / "galerie" / "index.html").read_text(encoding="utf-8")
    pictures = re.findall(r"<picture>.*?</picture>", html, re.DOTALL)
    assert len(pictures) == 2, "both photos of the body, the SVG passes through"
    body_sizes = config.SLOTS["body"]["sizes"]
    for markup, name, alt in zip(
        pictures, ("lac", "foret"), ("Le lac au lever du jour", "Une forêt de sapins"), strict=True
    ):
        found = tags(markup)
        sources = [a for t, a in found if t == "source"]
        assert [s["type"] for s in sources] == ["image/avif", "image/webp"]
        (img,) = [a for t, a in found if t == "img"]
        assert img["alt"] == alt
        assert img["loading"] == "lazy" and img["decoding"] == "async"
        assert "fetchpriority" not in img
        largest = None
        for srcset, mime in [(s["srcset"], s["type"]) for s in sources] + [
            (img["srcset"], "image/jpeg")
        ]:
            widths = [w for _url, w in candidates(srcset)]
            assert widths == sorted(set(widths)), "no duplicate width"
            for url, width in candidates(srcset):
                assert f"/images/{name}-" in url
                with Image.open(local(output, url)) as file:
                    assert file.width == width, url  # every w is the file's real width
                    assert Image.MIME[file.format] == mime
                    largest = file.size
        assert (int(img["width"]), int(img["height"])) == largest
        assert all(s["sizes"] == body_sizes for s in sources) and img["sizes"] == body_sizes
    assert max(w for _u, w in candidates(tags(pictures[0], "img")[0][1]["srcset"])) == 1472
    # The 900 px wide forest is never enlarged.
    assert max(w for _u, w in candidates(tags(pictures[1], "img")[0][1]["srcset"])) == 900
    (logo,) = [a for _t, a in tags(html, "img") if a["alt"] == "Logo du programme"]
    assert logo["src"].endswith(".svg") and (logo["width"], logo["height"]) == ("120", "40")
    assert local(output, logo["src"]).read_bytes() == (content / "images/logo.svg").read_bytes()


def test_main_image_is_eager_and_placeholders_are_css_classes(site):
    _root, _content, result = site
    output = result["output"]
    html = (output / "index.html").read_text(encoding="utf-8")
    (hero,) = [a for _t, a in tags(html, "img") if "hero-image" in a.get("class", "")]
    assert hero["fetchpriority"] == "high" and "loading" not in hero
    assert hero["sizes"] == "100vw"
    placeholder = [c for c in hero["class"].split() if c.startswith("ph-")]
    assert placeholder, "a placeholder class"
    css = (output / "theme" / "css" / "images.css").read_text()
    assert re.search(rf"\.{placeholder[0]} {{ background: linear-gradient\(#[0-9a-f]{{6}}, ", css)
    for page in output.rglob("*.html"):
        assert " style=" not in page.read_text(encoding="utf-8"), page


def test_no_source_is_published_as_is(site):
    _root, content, result = site
    sources = {
        hashlib.sha256(p.read_bytes()).digest()
        for p in (content / "images").iterdir()
        if p.suffix != ".svg"
    }
    for path in result["output"].rglob("*"):
        if path.is_file():
            assert hashlib.sha256(path.read_bytes()).digest() not in sources, path
    assert not list(result["output"].rglob("lac.jpg"))


def test_share_cards_and_meta_tags(site):
    _root, _content, result = site
    output = result["output"]
    html = (output / "galerie" / "index.html").read_text(encoding="utf-8")
    meta = {a.get("property") or a.get("name"): a.get("content") for _t, a in tags(html, "meta")}
    assert meta["og:title"] == "Galerie du lac"
    assert meta["og:url"] == f"{SITEURL}/galerie/"
    assert meta["og:image"].startswith(f"{SITEURL}/social/galerie-")
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["twitter:image"] == meta["og:image"]
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    card = local(output, meta["og:image"])
    with Image.open(card) as image:
        assert (image.format, image.size) == ("JPEG", (1200, 630))
        # The page's own image (the forest: green noise) and the brand band (primary).
        band = image.convert("RGB").getpixel((1100, 610))
        assert band == pytest.approx((0x7A, 0x1F, 0x3D), abs=12)  # PRIMARY
        assert not image.getexif()
    home = (output / "index.html").read_text(encoding="utf-8")
    home_meta = {
        a.get("property") or a.get("name"): a.get("content") for _t, a in tags(home, "meta")
    }
    assert home_meta["og:image"] != meta["og:image"], "one card per page"


def test_warm_rebuild_encodes_nothing_and_settings_change_reencodes_only_that(tmp_path):
    content = make_content(tmp_path)
    cold = build(tmp_path, content)
    assert cold["ok"], cold.get("report")
    assert cold["stats"]["encoded"] == cold["stats"]["derivatives"] - 1  # the SVG is copied
    cache = tmp_path / "cache" / "derivatives"
    before = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}

    warm = build(tmp_path, content)
    assert warm["ok"]
    assert warm["stats"]["encoded"] == 0
    assert warm["stats"]["reused"] == warm["stats"]["derivatives"]
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()} == before

    avif = [p for p in before if p.suffix == ".avif"]
    changed = build(tmp_path, content, quality={"avif": 40}, cache_grace=0)
    assert changed["ok"]
    assert changed["stats"]["encoded"] == len(avif), "only AVIF depends on its quality"
    assert changed["stats"]["removed_from_cache"] >= len(avif), "stale AVIF cleaned up"
    assert not any(p.exists() for p in avif)
    assert all(p.exists() for p in before if p.suffix != ".avif")


def test_unpublishable_images_stop_the_build_naming_the_content_file(tmp_path):
    content = make_content(tmp_path)
    previous = build(tmp_path, content)
    assert previous["ok"]
    whole = (content / "images" / "lac.jpg").read_bytes()
    (content / "images" / "coupee.jpg").write_bytes(whole[: len(whole) // 3])
    # A 20 000 × 20 000 PNG header: refused before any pixel is decoded.
    (content / "images" / "immense.png").write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0))
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 20001))
        + png_chunk(b"IEND", b"")
    )
    (content / "pages" / "erreurs.md").write_text(
        "---\ntitle: Erreurs\nimage: images/inconnue.jpg\n---\n\n"
        "![Photo coupée](images/coupee.jpg)\n\n"
        "![Photo absente](images/absente.jpg)\n\n![Photo tierce](https://exemple.com/a.jpg)\n",
        encoding="utf-8",
    )
    result = build_site(
        ROOT / "pelicanconf.py",
        tmp_path / "output",
        **{
            **overrides(tmp_path, content),
            "BRAND": {**_brand(), "default_image": "images/immense.png"},
        },
    )
    assert not result["ok"]
    report = result["report"]
    assert "erreurs.md — champ « corps du texte » : « coupee.jpg » est incomplète" in report
    assert "« images/absente.jpg » est introuvable" in report
    assert "vient d’un autre site" in report
    assert (
        "erreurs.md — champ « image » : l’image « images/inconnue.jpg » est introuvable" in report
    )
    assert "pelicanconf.py — champ « BRAND.default_image » : « immense.png » est beaucoup" in report
    # The previous site is still there.
    assert (tmp_path / "output" / "galerie" / "index.html").is_file()


def test_demo_pages_every_img_is_a_derivative(demo_site):
    sources = {p.name for p in (ROOT / "content" / "images").iterdir()}
    count = 0
    for page in demo_site.rglob("*.html"):
        for _tag, img in tags(page.read_text(encoding="utf-8"), "img"):
            src = img["src"]
            if "/theme/" in src or src.startswith("data:"):
                continue
            count += 1
            assert src.rsplit("/", 1)[-1] not in sources, (page, src)
            assert "width" in img and "height" in img, (page, src)
            assert "alt" in img, (page, src)
            assert img.get("fetchpriority") == "high" or img.get("loading") == "lazy", (page, src)
    assert count > 20


@pytest.mark.browser
def test_phone_gets_a_small_avif_under_a_strict_csp(demo_site, browser):
    url, server = serve_directory(demo_site, {"Content-Security-Policy": "default-src 'self'"})
    try:
        page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        violations = []
        page.on(
            "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
        )
        page.goto(f"{url}/territoires/dijon-metropole/", wait_until="load")
        current = page.eval_on_selector(
            ".hero-image", "img => [img.currentSrc, img.naturalWidth, img.complete]"
        )
        assert current[0].endswith(".avif"), current
        assert current[1] <= 1024, "a phone does not download the desktop hero"
        assert current[2]
        page.goto(f"{url}/", wait_until="load")
        lazy = page.eval_on_selector_all(
            "img[loading=lazy]", "els => els.map(e => e.closest('picture') !== null)"
        )
        assert lazy and all(lazy), "cards' images are lazy <picture>s"
        assert not violations, violations
        page.close()
    finally:
        server.shutdown()


def test_cache_dir_is_outside_the_output(site):
    root, _content, result = site
    assert (root / "cache" / "derivatives").is_dir()
    assert not (result["output"] / ".cache").exists()
    assert os.path.commonpath([root / "cache", result["output"]]) == str(root)
