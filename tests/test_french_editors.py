"""Editors write French the way they always do (issue 15), on a real build.

One small programme written the way a communication team writes: a space before
colons, Word's no-break spaces in keys, typographic quotes, a byte order mark. It
builds with the values the editor meant, in French typography, with words instead
of slugs. Then every usual mistake at once: one build lists them all, in French, with
line, field and fix, and the previous site is left exactly as it was."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, build_site, serve_directory
from PIL import Image, ImageDraw
from tiny_site import tiny_settings, write_tiny_programme
from venez_vivre.posters.compose import band_text
from venez_vivre.programme.typography import LEADING_MARKS, french

NBSP, NNBSP = "\u00a0", "\u202f"

TERRITORY = (
    "\ufeff---\n"  # saved by a Windows editor: a byte order mark
    "title\u00a0: Haut-Doubs Horloger\n"  # Word's no-break space before the colon
    "department: Doubs (25)\n"
    "summary: Montagne et lacs : le Haut-Doubs vit à l’heure suisse.\n"
    "hero: images/lac.jpg\n"
    "hero_alt: Un lac au coucher du soleil\n"
    "location: {lat: 47.06, lon: 6.65}\n"
    "kind: communaute-de-communes\n"
    "where: dans le Haut-Doubs\n"
    "tags\u00a0: [montagne, teletravail, universite]\n"
    "figures:\n"
    "  – {label: Suisse en voiture, value: 20\u00a0min}\n"  # Word's en dash for a list
    "welcome_officer:\n"
    "  name: Léa Martin\n"
    "  role: chargée d’accueil\n"
    "  email: accueil@example.org\n"
    "--- \n"  # a trailing space after the closing line
    "\n"
    "L’arrière-boutique ; ici on fabrique des montres. Et le ski ? Tout l’hiver !\n"
    "Le code `a ; b` et l’adresse <https://example.org/?a=1;b=2> restent tels quels.\n"
)
TESTIMONIAL = """---
title: Pourquoi nous sommes partis?
person: Claire M.
origin: Lyon
territory: haut-doubs
date: 2025-11-27
quote: “À Lyon, on étouffait : ici, on respire.”
---
*Témoignage fictif.*
"""
CAMPAIGN = """---
title: Automne dans le Haut-Doubs
summary: Une campagne d’affichage.
start: 2025-09-01
end: 2025-10-31
posters:
  - image: images/lac.jpg
    alt: Un lac au coucher du soleil
    caption: Elle a tout quitté : lisez son histoire
    landing: /territoires/haut-doubs/
channels: [metro, reseaux-sociaux]
---
"""
EPISODE = """---
title: Le Haut-Doubs, à l’heure suisse
date: 2025-06-03 07:00
summary: Léa raconte : le lac, la frontière, le ski.
audio: audio/episode.mp3
episode: 1
transcript: transcripts/episode.vtt
chapters:
  - {start: "00:00", title: Introduction}
  - {start: "00:10", title: Le lac}
---
"""
TRANSCRIPT = "WEBVTT\n\n00:00:00.500 --> 00:00:04.000\n<v Léa>Bonjour !\n"


def _page(output: Path, path: str) -> str:
    return (output / path / "index.html").read_text(encoding="utf-8")


def snapshot(output: Path) -> dict:
    return {
        str(p.relative_to(output)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(output.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The programme built once: (content, output, build)."""
    base = tmp_path_factory.mktemp("french-editors")
    content = write_tiny_programme(base / "content")
    for folder in ("campagnes", "podcast", "audio", "transcripts"):
        (content / folder).mkdir(exist_ok=True)
    (content / "territoires" / "haut-doubs.md").write_text(TERRITORY, encoding="utf-8")
    (content / "temoignages" / "claire.md").write_text(TESTIMONIAL, encoding="utf-8")
    (content / "campagnes" / "automne.md").write_text(CAMPAIGN, encoding="utf-8")
    (content / "podcast" / "episode.md").write_text(EPISODE, encoding="utf-8")
    (content / "transcripts" / "episode.vtt").write_text(TRANSCRIPT, encoding="utf-8")
    shutil.copyfile(
        ROOT / "content" / "audio" / "dijon-a-1-h-35-de-paris.mp3", content / "audio/episode.mp3"
    )
    settings = tiny_settings(content, tmp_path_factory.getbasetemp() / "tiny-image-cache")
    settings["POSTERS"] = {"public_url": "https://venez-vivre.example.org", "print_dpi": 40}
    settings["LABELS"] = {"tag": {"montagne": "Montagne et ski"}}
    output = base / "output"

    def build():
        return build_site(ROOT / "pelicanconf.py", output, **settings)

    result = build()
    assert result["ok"], result.get("report")
    return content, output, build


# -- what the editor typed is what the visitor reads ----------------------------------------
def test_word_artefacts_and_french_colons_build_with_the_intended_values(site):
    _content, output, _build = site
    page = _page(output, "territoires/haut-doubs")
    assert '<h1 id="page-title">Haut-Doubs Horloger</h1>' in page  # NBSP before the key's colon
    assert f"Montagne et lacs{NBSP}: le Haut-Doubs vit à l’heure suisse." in page
    assert f"20{NBSP}min" in page  # a no-break space inside a value is kept
    assert "Suisse en voiture" in page  # the en-dash list item was read as a list item
    # NBSP before the colon of `tags`: the tags are there, as words.
    cards = _page(output, "territoires")
    for label in ("Montagne et ski", "Télétravail", "Université"):
        assert f">{label}<" in cards
    assert 'value="teletravail"' in cards  # the filter still works on the slug
    assert ">teletravail<" not in cards and ">universite<" not in cards


def test_typographic_quotes_are_read_as_quotes(site):
    _content, output, _build = site
    page = _page(output, "temoignages/claire")
    assert f"<p>À Lyon, on étouffait{NBSP}: ici, on respire.</p>" in page
    assert "“" not in page and "”" not in page  # not « “À Lyon…” »


def test_a_territory_says_how_its_name_is_used_and_who_welcomes(site):
    _content, output, _build = site
    page = _page(output, "territoires/haut-doubs")
    assert f"Envie de vivre dans le Haut-Doubs{NNBSP}?" in page
    assert "Votre chargée d’accueil" in page
    assert "de Lyon dans le Haut-Doubs" in _page(output, "temoignages")
    campaign = _page(output, "campagnes/automne")
    assert "Métro, Réseaux sociaux" in campaign


# -- French typography, once, on everything a visitor reads ----------------------------------
_TOKEN = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
_VERBATIM = {"code", "pre", "script", "style", "textarea"}
# What a browser may break before: an ordinary space before a mark, or after «.
_BREAKABLE = re.compile(r"[ \t\n][;:!?»]|«[ \t\n]")


def _text_nodes(html: str):
    verbatim = 0
    for index, part in enumerate(_TOKEN.split(html)):
        if index % 2:
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            if name and name.group(1).lower() in _VERBATIM:
                verbatim += -1 if part.startswith("</") else 1
        elif not verbatim:
            yield part


def test_no_line_of_any_page_can_start_with_a_punctuation_mark(site):
    _content, output, _build = site
    pages = sorted(output.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        for text in _text_nodes(page.read_text(encoding="utf-8")):
            found = _BREAKABLE.search(text)
            assert not found, f"{page.relative_to(output)}: {text[: found.end() + 20]!r}"


def test_typography_is_applied_to_bodies_titles_and_never_to_code_or_addresses(site):
    _content, output, _build = site
    page = _page(output, "territoires/haut-doubs")
    assert f"L’arrière-boutique{NNBSP}; ici on fabrique des montres." in page
    assert f"Et le ski{NNBSP}? Tout l’hiver{NNBSP}!" in page
    assert "<code>a ; b</code>" in page
    assert (
        'href="https://example.org/?a=1;b=2"' in page and ">https://example.org/?a=1;b=2<" in page
    )
    testimonial = _page(output, "temoignages/claire")
    assert f"Pourquoi nous sommes partis{NNBSP}?" in testimonial  # no space typed at all
    assert 'content="Pourquoi nous sommes partis?' in testimonial  # attributes untouched


def test_the_podcast_feed_text_apps_show_is_in_french_typography(site):
    _content, output, _build = site
    feed = (output / "podcast" / "feed.xml").read_text(encoding="utf-8")
    assert f"Léa raconte{NBSP}: le lac, la frontière, le ski." in feed


def test_the_quotation_marks_the_stylesheet_adds_hold_to_the_quote(site, browser):
    """« and » come from CSS (blockquote p::before/::after): what the browser computes
    must be a no-break space, or a lone » starts a line on a phone."""
    _content, output, _build = site
    url, server = serve_directory(output)
    page = browser.new_page()
    try:
        page.goto(f"{url}/temoignages/claire/")
        before, after = page.evaluate(
            """() => { const p = document.querySelector('blockquote p');
                return [getComputedStyle(p, '::before').content,
                        getComputedStyle(p, '::after').content]; }"""
        )
    finally:
        page.close()
        server.shutdown()
    assert before == f'"«{NBSP}"' and after == f'"{NBSP}»"'


SENTENCES = [
    "Elle a tout quitté : lisez son histoire",
    "Envie de vivre dans le Haut-Doubs ? Inscrivez-vous !",
    "« Ici, on respire » : Claire, infirmière à Dijon ; venue de Lyon",
    "Le télétravail ? Oui ! Et la fibre : partout.",
]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_no_printed_line_of_a_poster_starts_with_a_punctuation_mark(sentence):
    """The print PDF is a raster image (no text layer to extract): these are the lines
    compose() draws into it, at every width the band may have."""
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    mm = 300 / 25.4
    for width in range(300, 2400, 37):
        (_font, lines), (_sfont, signature) = band_text(draw, sentence, "Venez vivre !", mm, width)
        assert " ".join(lines) == french(sentence)
        for line in lines + signature:
            assert not line.startswith(LEADING_MARKS), (width, lines)
            assert not line.endswith("«"), (width, lines)


def test_the_poster_and_share_card_of_the_build_exist(site):
    _content, output, _build = site
    assert (output / "campagnes" / "automne" / "affiche-1-impression.pdf").stat().st_size > 1000


# -- every mistake at once ------------------------------------------------------------------
MISTAKES = {
    # file: (content, the message the editor reads)
    "territoires/tabulation.md": (
        TERRITORY.replace("location: {lat: 47.06, lon: 6.65}", "location:\n\tlat: 47.06"),
        "content/territoires/tabulation.md : ligne 8, champ « location » : une tabulation ; "
        "remplacez-la par deux espaces.",
    ),
    "actualites/sans-fin.md": (
        "---\ntitle: Portes ouvertes\ndate: 2025-11-02\n\nRendez-vous le 2 novembre.\n",
        "content/actualites/sans-fin.md : ligne 1 : l’en-tête commence par « --- » mais la ligne "
        "« --- » qui doit le fermer est absente : ajoutez une ligne « --- » seule après le "
        "dernier champ, avant le texte.",
    ),
    "temoignages/renvoi.md": (
        TESTIMONIAL.replace("origin: Lyon", "origin: &ville Lyon\nprofession: *ville"),
        "content/temoignages/renvoi.md : ligne 4, champ « origin » : « & » et « * » au début "
        "d’une valeur sont des renvois YAML, refusés ici ; si c’est du texte, mettez le texte "
        'entre guillemets droits "…".',
    ),
    "temoignages/guillemets.md": (
        TESTIMONIAL.replace("title: Pourquoi nous sommes partis?", 'title: "Partir" de Lyon'),
        "content/temoignages/guillemets.md : ligne 2, champ « title » : du texte suit le "
        "guillemet fermant ; mettez tout le texte entre les guillemets droits, et les "
        "guillemets intérieurs en « … ».",
    ),
    "territoires/sans-mot.md": (
        TERRITORY.replace("where: dans le Haut-Doubs", "where: Haut-Doubs"),
        "content/territoires/sans-mot.md — champ « where » : « Haut-Doubs » : attendu le nom "
        "tel qu’il suit « Envie de vivre », avec son mot de liaison : « dans le Haut-Doubs », "
        "« à Dijon », « en Côte-d’Or », « au Creusot ».",
    ),
    "territoires/sans-photo.md": (
        TERRITORY.replace("hero: images/lac.jpg", "hero: images/lac-gele.jpg"),
        "content/territoires/sans-photo.md — champ « hero » : le fichier image "
        "« images/lac-gele.jpg » est introuvable dans content/. "
        "Vouliez-vous dire « images/lac.jpg » ?",
    ),
}
# Mistakes in files of the built site, found only once it is written or its media read.
EDITS = {
    "campagnes/automne.md": (
        ("landing: /territoires/haut-doubs/", "landing: /territoires/haut-doub/"),
        "content/campagnes/automne.md — champ « posters[1].landing » : la page "
        "« /territoires/haut-doub/ » n’existe pas dans le site",
    ),
    "podcast/episode.md": (
        ('{start: "00:10", title: Le lac}', '{start: "10:00", title: Le lac}'),
        "content/podcast/episode.md — champ « chapters[2].start » : le chapitre « Le lac » "
        "commence à 10:00, après la fin de l’épisode",
    ),
    "transcripts/episode.vtt": (
        (
            "<v Léa>Bonjour !\n",
            "<v Léa>Bonjour !\n\n00:00:06,000 --> 00:00:08,000\nSalut\n\n"
            "00:00:09.000 -> 00:00:10.000\nEt voilà\n",
        ),
        "content/podcast/episode.md — champ « transcript » : content/transcripts/episode.vtt : "
        "transcription illisible : ligne 6 : « 00:00:06,000 --> 00:00:08,000 » : dans un fichier "
        "VTT les millièmes suivent un point (00:00:06.000), pas une virgule comme en SRT ; "
        "ligne 9 : « 00:00:09.000 -> 00:00:10.000 » : la flèche entre le début et la fin "
        "s’écrit « --> » (deux tirets).",
    ),
}


def test_every_mistake_is_listed_in_one_build_and_the_site_is_kept(site):
    content, output, build = site
    before = snapshot(output)
    originals = {name: (content / name).read_text(encoding="utf-8") for name in EDITS}
    try:
        for name, (text, _message) in MISTAKES.items():
            (content / name).write_text(text, encoding="utf-8")
        for name, ((old, new), _message) in EDITS.items():
            assert old in originals[name]
            (content / name).write_text(originals[name].replace(old, new), encoding="utf-8")
        result = build()
    finally:
        for name in MISTAKES:
            (content / name).unlink()
        for name, text in originals.items():
            (content / name).write_text(text, encoding="utf-8")
    assert not result["ok"]
    report = result["report"]
    expected = [message for _text, message in MISTAKES.values()] + [
        message for _edit, message in EDITS.values()
    ]
    for message in expected:
        assert any(error.startswith(message) for error in result["errors"]), (message, report)
    assert report.startswith(f"{len(expected)} erreurs dans le contenu"), report
    assert snapshot(output) == before  # not a byte of the published site changed
    assert not (output / "actualites" / "sans-fin").exists()


def test_the_terminal_says_how_to_rebuild_the_way_the_editor_typed_it(site, tmp_path):
    """`make html` with nothing changed: the message names `make html FORCE=1`, as the
    guide does (make sets MAKELEVEL for the commands it runs)."""
    content, _output, _build = site
    overrides = tiny_settings(content, tmp_path.parent / "tiny-image-cache")
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import runpy\nglobals().update(runpy.run_path({str(ROOT / 'pelicanconf.py')!r}))\n"
        + "".join(f"{name} = {value!r}\n" for name, value in overrides.items()),
        encoding="utf-8",
    )
    command = [
        sys.executable,
        str(ROOT / "tools" / "build.py"),
        "--settings",
        str(settings),
        "--output",
        str(tmp_path / "output"),
        "--status",
        str(tmp_path / "status.json"),
        "--quiet",
    ]
    environment = {**os.environ, "MAKELEVEL": "1"}
    first = subprocess.run(command, capture_output=True, encoding="utf-8", env=environment)
    assert first.returncode == 0, first.stderr
    # A file changed within two seconds of a build is not trusted to have a distinct
    # modification time: age the content so that the next build may skip.
    old = time.time() - 10
    for path in [settings, *content.rglob("*")]:
        os.utime(path, (old, old))
    subprocess.run(command, capture_output=True, encoding="utf-8", env=environment, check=True)
    again = subprocess.run(command, capture_output=True, encoding="utf-8", env=environment)
    assert again.returncode == 0, again.stderr
    assert "rien n’a changé depuis la dernière construction" in again.stdout
    assert again.stdout.rstrip().endswith("Pour reconstruire quand même : make html FORCE=1")
