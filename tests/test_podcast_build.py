"""Tiny podcast sites built for real: byte-identical rebuilds, GUIDs that survive renames
and address changes, and every validation error, in French, naming file and field."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import pytest
from conftest import build_site
from lxml import etree
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "content"
NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd"}
SETTINGS = f"""
from venez_vivre.settings import settings_beside
globals().update(settings_beside({str(ROOT / "pelicanconf.py")!r}, "pelicanconf.py"))

PATH = "content"
"""
EPISODE = """---
title: {title}
date: {date}
summary: "Un épisode d’essai."
audio: {audio}
episode: {number}
season: 1
{extra}---

Notes de l’épisode, avec [un lien vers le site](/podcast/).
"""


def write_site(base: Path, episodes: dict[str, dict]) -> Path:
    """A programme with only a podcast: settings, artwork, audio, transcripts, episodes."""
    content = base / "content"
    for folder in ("images", "audio", "transcripts", "podcast", "pages"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    from pelicanconf import BRAND

    # The artwork, and the images the brand settings name (a build checks they exist).
    for relative in ("images/podcast.jpg", BRAND.get("logo"), BRAND.get("default_image")):
        if relative:
            shutil.copyfile(DEMO / relative, content / relative)
    for name in ("dijon-a-1-h-35-de-paris", "teletravailler-au-coeur-du-morvan"):
        shutil.copyfile(DEMO / "audio" / f"{name}.mp3", content / "audio" / f"{name}.mp3")
        shutil.copyfile(
            DEMO / "transcripts" / f"{name}.vtt", content / "transcripts" / f"{name}.vtt"
        )
    for slug, fields in episodes.items():
        fields = {"extra": "", "date": "2025-06-03", "title": slug.title(), **fields}
        (content / "podcast" / f"{slug}.md").write_text(EPISODE.format(**fields), "utf-8")
    settings = base / "settings.py"
    settings.write_text(SETTINGS, encoding="utf-8")
    return settings


GOOD = {
    "un": {
        "audio": "audio/dijon-a-1-h-35-de-paris.mp3",
        "number": 1,
        "extra": 'transcript: transcripts/dijon-a-1-h-35-de-paris.vtt\nchapters:\n  - {start: "00:00", title: Début}\n  - {start: "01:00", title: Suite}\n',  # noqa: E501
    },
    "deux": {
        "audio": "audio/teletravailler-au-coeur-du-morvan.mp3",
        "number": 2,
        "date": "2025-07-01",
    },
}


def _items(output: Path) -> dict[str, etree._Element]:
    feed = etree.fromstring((output / "podcast" / "feed.xml").read_bytes())
    return {item.findtext("title"): item for item in feed.iter("item")}


def test_rebuild_is_byte_identical(tmp_path):
    settings = write_site(tmp_path, GOOD)
    first = build_site(settings, tmp_path / "out1")
    assert first["ok"], first.get("report")
    second = build_site(settings, tmp_path / "out2")
    assert second["ok"], second.get("report")
    for name in ("podcast/feed.xml", "podcast/un/chapters.json"):
        assert (tmp_path / "out1" / name).read_bytes() == (tmp_path / "out2" / name).read_bytes()
    feed = (tmp_path / "out1" / "podcast" / "feed.xml").read_text(encoding="utf-8")
    assert "<lastBuildDate>Tue, 01 Jul 2025 00:00:00 +0200</lastBuildDate>" in feed
    # Links in show notes point to the site, absolutely.
    assert 'href="http://127.0.0.1:8000/podcast/"' in feed


def test_guid_survives_renamed_file_and_new_address(tmp_path):
    settings = write_site(tmp_path, GOOD)
    result = build_site(settings, tmp_path / "out", SITEURL="https://a.example.org")
    assert result["ok"], result.get("report")
    before = {title: item.findtext("guid") for title, item in _items(tmp_path / "out").items()}
    ledger = (tmp_path / "content" / "podcast" / "guids.yml").read_text(encoding="utf-8")
    assert "podcast/un.md" in ledger

    podcast = tmp_path / "content" / "podcast"
    (podcast / "un.md").rename(podcast / "premier-episode.md")
    result = build_site(settings, tmp_path / "out", SITEURL="https://b.example.org")
    assert result["ok"], result.get("report")
    items = _items(tmp_path / "out")
    after = {title: item.findtext("guid") for title, item in items.items()}
    assert after == before
    assert items["Un"].findtext("link") == "https://b.example.org/podcast/premier-episode/"
    ledger = (podcast / "guids.yml").read_text(encoding="utf-8")
    assert "podcast/premier-episode.md" in ledger and "podcast/un.md" not in ledger


def test_guid_is_derived_the_same_way_without_the_ledger(tmp_path):
    settings = write_site(tmp_path, GOOD)
    assert build_site(settings, tmp_path / "out1")["ok"]
    (tmp_path / "content" / "podcast" / "guids.yml").unlink()
    assert build_site(settings, tmp_path / "out2")["ok"]
    first = {t: i.findtext("guid") for t, i in _items(tmp_path / "out1").items()}
    second = {t: i.findtext("guid") for t, i in _items(tmp_path / "out2").items()}
    assert first == second and len(set(first.values())) == 2


def _wav(path: Path) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\0\0" * 8000)


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory):
    """Every file-level and show-level mistake at once: the build reports them all."""
    base = tmp_path_factory.mktemp("podcast-errors")
    audio = "audio/dijon-a-1-h-35-de-paris.mp3"
    settings = write_site(
        base,
        {
            "texte": {"audio": "audio/texte.mp3", "number": 1},
            "wav": {"audio": "audio/son.mp3", "number": 2},
            "chapitres": {
                "audio": audio,
                "number": 3,
                "extra": 'chapters:\n  - {start: "00:00", title: Début}\n'
                '  - {start: "10:00", title: Trop tard}\n'
                "transcript: transcripts/mauvais.vtt\n",
            },
            "image": {"audio": audio, "number": 4, "extra": "image: images/paysage.jpg\n"},
            "double": {"audio": audio, "number": 4},
        },
    )
    content = base / "content"
    (content / "audio" / "texte.mp3").write_text("pas du son", encoding="utf-8")
    _wav(content / "audio" / "son.mp3")
    (content / "transcripts" / "mauvais.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02,5\nBonjour\n", encoding="utf-8"
    )
    Image.new("RGB", (800, 600), "seagreen").save(content / "images" / "paysage.jpg")
    Image.new("CMYK", (1400, 1400)).save(content / "images" / "cmjn.jpg")
    podcast = {
        "owner": {"name": "Région"},
        "category": "Society and Culture",
        "artwork": "images/cmjn.jpg",
    }
    from pelicanconf import PODCAST

    result = build_site(
        settings,
        base / "output",
        PODCAST={**PODCAST, **podcast},
        SITEURL="http://venez-vivre.example.org",
        PODCAST_REQUIRE_HTTPS=True,
    )
    assert not result["ok"]
    assert not (base / "output").exists()  # nothing published
    return result["errors"]


@pytest.mark.parametrize(
    ("where", "fragment"),
    [
        ("content/podcast/texte.md — champ « audio »", "fichier audio illisible"),
        ("content/podcast/wav.md — champ « audio »", "format WAVE, qu’Apple Podcasts n’accepte"),
        ("content/podcast/chapitres.md — champ « chapters[2].start »", "après la fin"),
        ("content/podcast/chapitres.md — champ « transcript »", "ligne 3"),
        ("content/podcast/image.md — champ « image »", "carrée, elle mesure 800 × 600"),
        ("content/podcast/image.md — champ « episode »", "déjà celui de"),
        ("pelicanconf.py — champ « PODCAST.owner.email »", "obligatoire"),
        ("pelicanconf.py — champ « PODCAST.category »", "Society & Culture"),
        ("pelicanconf.py — champ « PODCAST.artwork »", "RVB"),
        ("pelicanconf.py — champ « SITEURL »", "https://"),
    ],
)
def test_each_validation_error_names_file_and_field(broken_build, where, fragment):
    matching = [e for e in broken_build if e.startswith(where)]
    assert matching, f"no error for {where} in:\n" + "\n".join(broken_build)
    assert any(fragment in e for e in matching), matching


def test_duplicate_guids_are_refused(tmp_path):
    settings = write_site(
        tmp_path,
        {
            "ancien": {**GOOD["un"], "extra": "guid: ancien-flux-1\n"},
            "copie": {**GOOD["deux"], "extra": "guid: ancien-flux-1\n"},
        },
    )
    result = build_site(settings, tmp_path / "out")
    assert not result["ok"]
    assert any(
        e.startswith("content/podcast/copie.md — champ « guid »") and "ancien-flux-1" in e
        for e in result["errors"]
    ), result["errors"]
    assert not (tmp_path / "content" / "podcast" / "guids.yml").exists()  # failed: no ledger
