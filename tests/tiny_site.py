"""A tiny programme written by tests: one territory, one testimonial, one news item,
a renamed territory (redirect) and a manifest of published URLs. Built with the real
theme and plugins, fast enough to publish in a session fixture."""

from __future__ import annotations

import shutil
from pathlib import Path

from venez_vivre.tools.demo_settings import content_files_named_in_settings, settings_module

ROOT = Path(__file__).resolve().parent.parent
# One image cache for every build of the tiny programme, and the demo's own: its photo
# is one of the demo's, so the cache is warm from the first build of any session on.
IMAGE_CACHE = ROOT / ".cache" / "images"

TERRITORY = """---
title: Val d'Alpha
department: Doubs (25)
summary: "Un territoire de test, au bord d'un lac, à 2 h de Paris."
hero: images/lac.jpg
hero_alt: "Un lac au coucher du soleil"
location: {lat: 47.2, lon: 6.0}
tags: [lac]
---

Le **Val d'Alpha** accueille les nouveaux habitants. Mot rare pour la recherche : ornithorynque.
"""
TESTIMONIAL = """---
title: Une nouvelle vie au bord du lac
person: Zoé T.
origin: Paris
territory: val-d-alpha
date: 2025-10-01
quote: "Le lac à dix minutes, le bureau à la maison."
---

Nous sommes arrivées de Paris en 2024. Mot rare : kinkajou.
"""
NEWS = """---
title: Une journée portes ouvertes
date: 2025-11-02
summary: "Venez découvrir le Val d'Alpha."
---

Rendez-vous le 2 novembre. Mot rare : tamanoir.
"""
DRAFT = """---
title: Brouillon secret
date: 2025-11-03
status: draft
summary: "Pas encore publié."
---

Ce texte n'est pas publié.
"""
LEGAL_PAGES = (
    "a-propos",
    "mentions-legales",
    "accessibilite",
    "donnees-personnelles",
    "credits-photos",
)
REDIRECTS = "/territoires/ancien-alpha/: /territoires/val-d-alpha/\n"
MANIFEST = "# test\n/territoires/ancien-alpha/\n/territoires/val-d-alpha/\n"


def write_tiny_programme(content: Path) -> Path:
    for folder in ("territoires", "temoignages", "actualites", "pages", "data", "images"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    # Files the settings name (brand logo, podcast artwork…), and only those: every
    # image under content/ is encoded, which would make this tiny site slow.
    for relative in content_files_named_in_settings():
        (content / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "content" / relative, content / relative)
    shutil.copyfile(ROOT / "content" / "images" / "eveningglow.jpg", content / "images/lac.jpg")
    (content / "territoires" / "val-d-alpha.md").write_text(TERRITORY, encoding="utf-8")
    (content / "temoignages" / "zoe-au-bord-du-lac.md").write_text(TESTIMONIAL, encoding="utf-8")
    (content / "actualites" / "portes-ouvertes.md").write_text(NEWS, encoding="utf-8")
    (content / "actualites" / "brouillon.md").write_text(DRAFT, encoding="utf-8")
    (content / "data" / "redirections.yml").write_text(REDIRECTS, encoding="utf-8")
    (content / "urls-publiees.txt").write_text(MANIFEST, encoding="utf-8")
    for slug in LEGAL_PAGES:  # the footer links to them
        (content / "pages" / f"{slug}.md").write_text(
            f"---\ntitle: {slug}\n---\n\nPage du test.\n", encoding="utf-8"
        )
    return content


def publish_tiny_programme(base: Path, **overrides) -> tuple[Path, dict]:
    """Publish the tiny programme with publishconf.py into base/output. Its header
    links to /inscription/, which the signup plugin writes: a missing signup page fails
    the publication's link check, as it should."""
    from venez_vivre.tools.publish import publish

    content = write_tiny_programme(base / "content")
    settings = {**tiny_settings(content), **overrides}
    output = base / "output"
    return output, publish(ROOT / "publishconf.py", output, overrides=settings)


def tiny_settings(content: Path, image_cache: Path = IMAGE_CACHE) -> dict:
    """Overrides building the tiny programme: JPEG only (AVIF encoding would dominate
    the test's time; the image pipeline has its own tests), the shared image cache."""
    images = {"formats": ["jpeg"], "cache_dir": str(image_cache)}
    return {"PATH": str(content), "BRAND": _brand(), "IMAGES": images}


def _brand() -> dict:
    brand = dict(settings_module().BRAND)
    brand["default_image"] = "images/lac.jpg"
    return brand
