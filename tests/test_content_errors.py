"""Each kind of editor mistake: a French message naming the file and the field, a
non-zero exit, and the previously built site left exactly as it was."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, build_site

TERRITORY = """---
title: Grand Besançon Métropole
department: Doubs (25)
summary: Une capitale verte au bord du Doubs.
hero: images/path.jpg
hero_alt: Sentier dans une forêt de pins
location: {lat: 47.24, lon: 6.02}
kind: metropole
tags: [nature, universite]
figures:
  - {label: Paris en TGV, value: 2 h 05}
welcome_officer: {name: Léa Martin, email: accueil@example.org, phone: 03 81 00 00 00}
opportunities:
  - {kind: emploi, title: Offres d'emploi, url: https://example.org/emploi}
couleur_preferee: vert
---
Besançon, ville d'eau et de forêts.
"""

TESTIMONIAL = """---
title: Nous avons trouvé notre place
person: Claire M.
origin: Paris
territory: grand-besancon
date: 2025-11-27
quote: On ne regrette rien.
moved_in: 2024
household: {adults: 2, children: 1}
---
*Témoignage fictif, à titre d'exemple.*
"""

PAGE = """---
title: Mentions légales
summary: Qui publie ce site.
---
Éditeur : la Région.
"""


@pytest.fixture
def tiny_site(tmp_path):
    """A small programme: one territory, one testimonial, one page; built once."""
    content = tmp_path / "content"
    (content / "territoires").mkdir(parents=True)
    (content / "temoignages").mkdir()
    (content / "pages").mkdir()
    shutil.copytree(ROOT / "content" / "images", content / "images")
    (content / "territoires" / "grand-besancon.md").write_text(TERRITORY, encoding="utf-8")
    (content / "temoignages" / "claire.md").write_text(TESTIMONIAL, encoding="utf-8")
    (content / "pages" / "mentions-legales.md").write_text(PAGE, encoding="utf-8")
    output = tmp_path / "output"

    def build():
        return build_site(ROOT / "pelicanconf.py", output, PATH=str(content))

    first = build()
    assert first["ok"], first.get("report")
    return content, output, build


def snapshot(output: Path) -> dict:
    return {
        str(p.relative_to(output)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(output.rglob("*"))
        if p.is_file()
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_tiny_site_builds_with_typed_values(tiny_site):
    _content, output, _build = tiny_site
    html = (output / "territoires/grand-besancon/index.html").read_text(encoding="utf-8")
    assert "Grand Besançon Métropole" in html
    assert "Nous avons trouvé notre place" in html  # testimonial resolved to its territory
    page = (output / "temoignages/claire/index.html").read_text(encoding="utf-8")
    assert "27 novembre 2025" in page
    assert "2 adultes, 1 enfant" in page


CASES = {
    "missing field": (
        "territoires/grand-besancon.md",
        "department: Doubs (25)\n",
        "",
        "content/territoires/grand-besancon.md — champ « department » : ce champ est "
        "obligatoire et il est absent ou vide.",
    ),
    "wrong type": (
        "temoignages/claire.md",
        "moved_in: 2024",
        "moved_in: l'an dernier",
        "content/temoignages/claire.md — champ « moved_in » : attendu : un nombre entier",
    ),
    "wrong date": (
        "temoignages/claire.md",
        "date: 2025-11-27",
        "date: 27/11/2025",
        "content/temoignages/claire.md — champ « date » : attendu : une date AAAA-MM-JJ",
    ),
    "unknown reference": (
        "temoignages/claire.md",
        "territory: grand-besancon",
        "territory: besancon",
        "content/temoignages/claire.md — champ « territory » : le territoire « besancon » "
        "n’existe pas. Vouliez-vous dire « grand-besancon » ?",
    ),
    "unreadable YAML": (
        "temoignages/claire.md",
        "origin: Paris",
        "origin: Paris: 15e\n  oops: [",
        "content/temoignages/claire.md : ligne 5, champ « origin » : l’indentation de cette "
        "ligne ne correspond pas à celle des lignes du même bloc",
    ),
    "missing image": (
        "territoires/grand-besancon.md",
        "hero: images/path.jpg",
        "hero: images/pth.jpg",
        "content/territoires/grand-besancon.md — champ « hero » : le fichier image "
        "« images/pth.jpg » est introuvable dans content/. Vouliez-vous dire « images/path.jpg » ?",
    ),
    "bad choice": (
        "territoires/grand-besancon.md",
        "kind: metropole",
        "kind: metropol",
        "champ « kind » : « metropol » n’est pas une valeur possible ; attendu : metropole, "
        "ville, agglomeration, communaute-de-communes, parc-naturel, departement. "
        "Vouliez-vous dire « metropole » ?",
    ),
    "summary too long": (
        "territoires/grand-besancon.md",
        "summary: Une capitale verte au bord du Doubs.",
        "summary: " + "Très long résumé. " * 20,
        "champ « summary » : 359 caractères, au plus 300 attendus",
    ),
    "missing page title": (
        "pages/mentions-legales.md",
        "title: Mentions légales\n",
        "",
        "content/pages/mentions-legales.md — champ « title » : ce champ est obligatoire",
    ),
    "nested field": (
        "territoires/grand-besancon.md",
        "{kind: emploi,",
        "{kind: emplois,",
        "champ « opportunities[1].kind » : « emplois » n’est pas une valeur possible",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_content_stops_the_build_and_keeps_the_last_good_site(tiny_site, case):
    content, output, build = tiny_site
    relative, old, new, expected = CASES[case]
    before = snapshot(output)
    edit(content / relative, old, new)
    result = build()
    assert not result["ok"]
    assert expected in result["report"], result["report"]
    assert result["report"].startswith("1 erreur dans le contenu")
    assert snapshot(output) == before  # not a byte of the published site changed


def test_all_errors_are_listed_at_once(tiny_site):
    content, _output, build = tiny_site
    edit(content / "temoignages/claire.md", "territory: grand-besancon", "territory: dijon")
    edit(content / "territoires/grand-besancon.md", "kind: metropole", "kind: capitale")
    result = build()
    assert result["report"].startswith("2 erreurs dans le contenu")


def test_draft_stays_out_of_the_site(tiny_site):
    content, output, build = tiny_site
    draft = TESTIMONIAL.replace("title:", "status: draft\ntitle:")
    (content / "temoignages" / "brouillon.md").write_text(draft, encoding="utf-8")
    assert build()["ok"]
    assert not (output / "temoignages" / "brouillon").exists()
    assert "brouillon" not in (output / "temoignages/index.html").read_text(encoding="utf-8")


def test_slug_field_overrides_the_file_name_and_is_normalised(tiny_site):
    content, output, build = tiny_site
    edit(content / "temoignages/claire.md", "title:", "slug: Claire à Besançon\ntitle:")
    assert build()["ok"]
    assert (output / "temoignages" / "claire-a-besancon" / "index.html").is_file()


def test_make_html_exits_non_zero_on_bad_content(tiny_site, tmp_path):
    content, output, _build = tiny_site
    edit(content / "temoignages/claire.md", "territory: grand-besancon", "territory: nulle-part")
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import runpy\nglobals().update(runpy.run_path({str(ROOT / 'pelicanconf.py')!r}))\n"
        f"PATH = {str(content)!r}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "venez_vivre.tools.build",
            "--settings",
            str(settings),
            "--output",
            str(output),
            "--status",
            str(tmp_path / "status.json"),
            "--quiet",
        ],
        capture_output=True,
        encoding="utf-8",
        cwd=ROOT,
    )
    assert done.returncode == 1
    assert "le territoire « nulle-part » n’existe pas" in done.stderr
    assert (output / "index.html").is_file()
