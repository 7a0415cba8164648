"""Campaign posters: a QR code per poster, and a print-ready file per poster.

For each poster of each campaign (read by plugins/programme), this plugin writes, next
to the campaign page (`/campagnes/<slug>/`):

- `affiche-<n>-qr.svg`: the QR code for print, vector, with the short address under it;
- `affiche-<n>-qr.png`: the same code for screens (slides, e-mails, the campaign page);
- `affiche-<n>-impression.pdf`: the poster image with its QR code and short address,
  composed at a standard poster ratio (A-series) at print resolution.

The QR code encodes `Poster.tracked_url(...)` (plugins/programme/models.py, where URL
building lives). Poster landing paths are checked against the built site once every
page is written: a landing that leads nowhere is a content error naming the campaign
file and `posters[N].landing`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from pelican import signals
from pelican.generators import Generator
from venez_vivre.programme import cache_dir, current
from venez_vivre.programme.files import link_or_copy
from venez_vivre.programme.plugin_settings import plugin_settings

from . import compose, qr

logger = logging.getLogger(__name__)

# One dict setting, defaults applied here and only here (as pelican-plugins/sitemap).
DEFAULTS = {
    # Absolute address encoded in QR codes when SITEURL is relative (development
    # builds): a printed code must never hold a path without a host.
    "public_url": "",
    "print_size_mm": (297, 420),  # A3 portrait; any A-series size keeps the ratio
    "print_dpi": 300,
    "qr_png_scale": 8,  # pixels per module of the screen PNG
    "cache_path": None,  # derived files keyed by their inputs; None: .cache/posters
}


@dataclass(frozen=True)
class PosterFiles:
    """What templates need to show and offer a poster's QR code and print file."""

    qr_svg: str  # site path, e.g. campagnes/automne-a-besancon/affiche-1-qr.svg
    qr_png: str
    print_pdf: str
    tracked_url: str  # what the QR code encodes
    short_url: str  # what people read and type: venez-vivre.example.org/territoires/…
    qr_png_size: int  # width = height of the PNG, in pixels


def poster_settings(settings: dict) -> dict:
    config = plugin_settings(settings, "POSTERS", DEFAULTS)
    width, height = config["print_size_mm"]
    if width <= 0 or height <= 0 or config["print_dpi"] <= 0:
        raise ValueError("POSTERS: print_size_mm and print_dpi must be positive")
    return config


def public_base(settings: dict) -> str:
    """SITEURL when it is absolute (published builds), else POSTERS["public_url"]."""
    siteurl = (settings.get("SITEURL") or "").rstrip("/")
    if siteurl.startswith(("https://", "http://")):
        return siteurl
    return (poster_settings(settings)["public_url"] or siteurl).rstrip("/")


def poster_basename(poster) -> str:
    return f"{poster.campaign_slug}/affiche-{poster.number}"


class PosterGenerator(Generator):
    """Runs after ProgrammeGenerator (plugins load in PLUGINS order), so the campaigns
    are in the shared context; fills `poster_files` before any page is written."""

    def generate_context(self):
        self.config = poster_settings(self.settings)
        cache = self._cache_folder()
        base = public_base(self.settings)
        if not base.startswith(("https://", "http://")):
            logger.warning(
                "QR codes will hold a path without a host: set SITEURL or "
                'POSTERS["public_url"] to the public address before printing.'
            )
        files = {}
        for campaign in self.context.get("campaigns", []):
            folder = campaign.url  # campagnes/<slug>/
            for poster in campaign.posters:
                stem = f"{folder}affiche-{poster.number}"
                tracked = poster.tracked_url(base)
                files[poster] = PosterFiles(
                    qr_svg=f"{stem}-qr.svg",
                    qr_png=f"{stem}-qr.png",
                    print_pdf=f"{stem}-impression.pdf",
                    tracked_url=tracked,
                    short_url=poster.short_url(base),
                    qr_png_size=qr.png_size(tracked, self.config["qr_png_scale"], cache),
                )
        self.files = files
        self.context["poster_files"] = files
        # The campaigns whose landings are checked once every page is written.
        current(self.settings).states["posters"] = list(self.context.get("campaigns", []))

    def generate_output(self, writer):
        content = Path(self.path)
        output = Path(self.output_path)
        cache = self._cache_folder()
        build = current(self.settings)
        brand = build.brand
        for campaign in self.context.get("campaigns", []):
            for poster in campaign.posters:
                files = self.files[poster]
                _write(output / files.qr_svg, qr.svg(files.tracked_url, files.short_url, cache))
                scale = self.config["qr_png_scale"]
                _write(output / files.qr_png, qr.png(files.tracked_url, scale, cache))
                build.record_written(output / files.qr_svg)
                build.record_written(output / files.qr_png)
                pdf = compose.print_pdf_file(
                    source=content / poster.image,
                    tracked_url=files.tracked_url,
                    short_url=files.short_url,
                    headline=poster.caption or campaign.title,
                    signature=brand.name,
                    colors=dict(brand.colors.items()),
                    size_mm=tuple(self.config["print_size_mm"]),
                    dpi=self.config["print_dpi"],
                    cache=cache,
                )
                link_or_copy(pdf, output / files.print_pdf)
                build.record_written(output / files.print_pdf)

    def _cache_folder(self) -> Path:
        if not self.config["cache_path"]:
            return cache_dir(self.settings, "posters", create=False)
        cache = Path(self.config["cache_path"])
        if not cache.is_absolute():
            cache = Path(self.settings.get("CACHE_PATH_ROOT", os.getcwd())) / cache
        return cache


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def get_generators(pelican):
    return PosterGenerator


def check_landings(pelican) -> None:
    """Every poster's landing must be a page of the built site: a QR code printed on
    thousands of posters cannot lead to a 404. Asked of the build's written-URL index
    (every page Pelican's writer wrote), not of the output folder."""
    from venez_vivre.programme.text import close_match

    build = current(pelican)
    campaigns = build.states.get("posters") or []
    built = build.pages()
    for campaign in campaigns:
        for poster in campaign.posters:
            path = poster.landing.split("#", 1)[0].split("?", 1)[0]
            if build.serves(path) or build.serves(path.rstrip("/") + "/"):
                continue
            build.errors.add(
                campaign.source_path,
                f"posters[{poster.number}].landing",
                f"la page « {poster.landing} » n’existe pas dans le site : le QR code de "
                "l’affiche mènerait à une page introuvable. Indiquez l’adresse d’une page "
                "du site, par exemple /territoires/dijon-metropole/.",
                close_match(path, built),
            )


def register():
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(check_landings)
