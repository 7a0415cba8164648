"""The podcast plugin's pure parts: feedgen extension, show GUID, artwork, audio and
transcript checks, on real files made here."""

from __future__ import annotations

import itertools
import shutil
import wave
from pathlib import Path

import pytest
from feedgen.feed import FeedGenerator
from lxml import etree
from PIL import Image
from venez_vivre.podcast.feed_ext import (
    ITUNES_NS,
    PODCAST_NS,
    PodcastIndexEntryExtension,
    PodcastIndexExtension,
)
from venez_vivre.podcast.guids import assign, derive_guid, read_ledger, write_ledger
from venez_vivre.podcast.media import MediaError, read_audio, read_transcript
from venez_vivre.podcast.show import check_artwork, podcast_guid

ROOT = Path(__file__).resolve().parent.parent
DEMO_MP3 = ROOT / "content" / "audio" / "dijon-a-1-h-35-de-paris.mp3"
NS = {"itunes": ITUNES_NS, "podcast": PODCAST_NS}


def _feed():
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)
    fg.title("Essai")
    fg.link(href="https://example.org/podcast/", rel="alternate")
    fg.description("Un podcast d’essai.")
    return fg


def _parse(fg) -> etree._Element:
    return etree.fromstring(fg.rss_str())


# -- feedgen defects, worked around in the extension ----------------------------------


def test_feedgen_alone_cannot_write_explicit_true_false():
    fg = _feed()
    with pytest.raises(ValueError):
        fg.podcast.itunes_explicit("false")  # the defect the extension exists for


@pytest.mark.parametrize(("value", "text"), [(True, "true"), (False, "false")])
def test_extension_writes_explicit_true_false_once(value, text):
    fg = _feed()
    fg.podcast.itunes_explicit("no")  # whatever feedgen wrote is replaced, not duplicated
    fg.podcastindex.explicit(value)
    fe = fg.add_entry()
    fe.title("Épisode")
    fe.podcastindex.explicit(value)
    channel = _parse(fg).find("channel")
    assert [e.text for e in channel.findall("itunes:explicit", NS)] == [text]
    assert [e.text for e in channel.find("item").findall("itunes:explicit", NS)] == [text]


def test_feedgen_alone_writes_length_none_and_the_extension_refuses_it():
    plain = FeedGenerator()
    plain.title("Essai")
    plain.link(href="https://example.org/podcast/", rel="alternate")
    plain.description("Un podcast d’essai.")
    entry = plain.add_entry()
    entry.title("Épisode")
    entry.enclosure("https://example.org/a.mp3", type="audio/mpeg")
    assert b'length="None"' in plain.rss_str()  # the defect
    fg = _feed()
    fe = fg.add_entry()
    fe.title("Épisode")
    fe.enclosure("https://example.org/a.mp3", type="audio/mpeg")
    with pytest.raises(ValueError, match="no byte length"):
        fg.rss_str()


def test_extension_enclosure_writes_the_byte_length():
    fg = _feed()
    fe = fg.add_entry()
    fe.title("Épisode")
    fe.enclosure("https://example.org/old.mp3", type="audio/mpeg")  # replaced
    fe.podcastindex.enclosure("https://example.org/a.mp3", 12345, "audio/mpeg")
    enclosures = _parse(fg).findall("channel/item/enclosure")
    assert [(e.get("url"), e.get("length"), e.get("type")) for e in enclosures] == [
        ("https://example.org/a.mp3", "12345", "audio/mpeg")
    ]
    with pytest.raises(ValueError):
        fe.podcastindex.enclosure("https://example.org/a.mp3", None, "audio/mpeg")


def test_feedgen_alone_drops_image_urls_the_extension_refuses_them():
    fg = _feed()
    fg.podcast.itunes_image("https://example.org/art.jpg?v=2")
    assert fg.podcast.itunes_image() is None  # silently dropped: the defect
    for bad in ("https://example.org/art.jpg?v=2", "/images/art.jpg", "https://e.org/a.webp"):
        with pytest.raises(ValueError):
            fg.podcastindex.image(bad)
    fg.podcastindex.image("https://example.org/art.jpg")
    image = _parse(fg).find("channel/itunes:image", NS)
    assert image.get("href") == "https://example.org/art.jpg"


def test_extension_writes_podcasting_2_tags():
    fg = _feed()
    fg.podcastindex.guid("917393e3-1b1e-5cef-ace4-edaa54e1f810")
    fg.podcastindex.locked(True, owner="moi@example.org")
    fg.podcastindex.funding("https://example.org/don", "Soutenir")
    fg.podcastindex.location("Besançon", 47.238, 6.024, osm="R71585", country="fr")
    fe = fg.add_entry()
    fe.title("Épisode")
    fe.podcastindex.transcript("https://example.org/t.vtt", "text/vtt", "fr", "captions")
    fe.podcastindex.chapters("https://example.org/c.json")
    fe.podcastindex.person("Claire Moreau", role="guest")
    channel = _parse(fg).find("channel")
    assert channel.find("podcast:guid", NS).text == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    locked = channel.find("podcast:locked", NS)
    assert (locked.text, locked.get("owner")) == ("yes", "moi@example.org")
    assert channel.find("podcast:funding", NS).get("url") == "https://example.org/don"
    location = channel.find("podcast:location", NS)
    assert (location.text, location.get("geo"), location.get("country")) == (
        "Besançon",
        "geo:47.238,6.024",
        "FR",
    )
    item = channel.find("item")
    transcript = item.find("podcast:transcript", NS)
    assert transcript.attrib == {
        "url": "https://example.org/t.vtt",
        "type": "text/vtt",
        "language": "fr",
        "rel": "captions",
    }
    assert item.find("podcast:chapters", NS).get("type") == "application/json+chapters"
    person = item.find("podcast:person", NS)
    assert (person.text, person.get("role")) == ("Claire Moreau", "guest")


# -- show GUID (Podcasting 2.0 worked examples) ---------------------------------------


@pytest.mark.parametrize(
    ("feed_url", "guid"),
    [
        ("https://podnews.net/rss", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
        ("http://podnews.net/rss/", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
        ("https://mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"),
    ],
)
def test_podcast_guid_matches_the_specification_examples(feed_url, guid):
    assert podcast_guid(feed_url) == guid


# -- episode GUID ledger --------------------------------------------------------------


class _Ep:
    def __init__(self, relative_file, episode, season=1, guid=None):
        self.relative_file, self.episode, self.season, self.guid = (
            relative_file,
            episode,
            season,
            guid,
        )


def test_ledger_keeps_guids_across_renames_and_address_changes(tmp_path):
    show = podcast_guid("https://a.example.org/podcast/feed.xml")
    first, ledger = assign([_Ep("podcast/un.md", 1), _Ep("podcast/deux.md", 2)], tmp_path, show)
    write_ledger(tmp_path, ledger)
    # Renamed file, and the site moved to another address (another show GUID seed).
    other = podcast_guid("https://b.example.org/podcast/feed.xml")
    second, ledger = assign([_Ep("podcast/un-nouveau.md", 1), _Ep("podcast/deux.md", 2)],
                            tmp_path, other)  # fmt: skip
    assert second["podcast/un-nouveau.md"] == first["podcast/un.md"]
    assert second["podcast/deux.md"] == first["podcast/deux.md"]
    assert write_ledger(tmp_path, ledger) is True
    assert {e.file for e in read_ledger(tmp_path)} == {"podcast/un-nouveau.md", "podcast/deux.md"}
    assert write_ledger(tmp_path, ledger) is False  # unchanged: not rewritten


def test_imported_guid_wins_and_derivation_is_deterministic(tmp_path):
    show = podcast_guid("https://a.example.org/podcast/feed.xml")
    guids, _ = assign([_Ep("podcast/vieux.md", 1, guid="ancien-flux-42")], tmp_path, show)
    assert guids == {"podcast/vieux.md": "ancien-flux-42"}
    assert derive_guid(show, 1, 2) == derive_guid(show, 1, 2) != derive_guid(show, 1, 3)


# -- artwork rules --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "mode", "fmt", "problem"),
    [
        ((1400, 1400), "RGB", "JPEG", None),
        ((3000, 3000), "RGB", "PNG", None),
        ((1000, 1000), "RGB", "JPEG", "entre 1400 et 3000 px"),
        ((3200, 3200), "RGB", "JPEG", "entre 1400 et 3000 px"),
        ((1600, 1400), "RGB", "JPEG", "carrée"),
        ((1400, 1400), "CMYK", "JPEG", "RVB"),
        ((1400, 1400), "RGBA", "PNG", "RVB"),
        ((1400, 1400), "P", "GIF", "JPEG ou PNG"),
    ],
)
def test_artwork_rules(tmp_path, size, mode, fmt, problem):
    path = tmp_path / f"art.{fmt.lower()}"
    Image.new(mode, size).save(path, fmt)
    problems = check_artwork(path)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


def test_artwork_that_is_not_an_image(tmp_path):
    path = tmp_path / "art.jpg"
    path.write_text("pas une image")
    assert check_artwork(path) == ["image illisible : attendu un fichier JPEG ou PNG."]


# -- audio ----------------------------------------------------------------------------


def test_real_mp3_facts():
    audio = read_audio(DEMO_MP3)
    assert audio.size == DEMO_MP3.stat().st_size
    assert audio.mime == "audio/mpeg"
    assert 60 < audio.duration < 180
    assert audio.label.endswith(" s") and audio.iso.startswith("PT")


def _wav(path: Path, seconds=1.0):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\0\0" * int(8000 * seconds))


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (
            lambda p: p.write_text("ceci n’est pas du son", encoding="utf-8"),
            "texte.mp3",
            "illisible",
        ),
        (lambda p: p.write_bytes(b""), "vide.mp3", "vide"),
        (_wav, "son.mp3", "WAVE"),
        (_wav, "son.wav", "WAVE"),
        (lambda p: p.write_bytes(b"\x00" * 4096), "zeros.xyz", "type de fichier audio inconnu"),
    ],
)
def test_audio_errors(tmp_path, make, name, message):
    path = tmp_path / name
    make(path)
    with pytest.raises(MediaError, match=message):
        read_audio(path)


def test_mp3_with_another_suffix_is_refused(tmp_path):
    path = tmp_path / "episode.m4a"
    shutil.copyfile(DEMO_MP3, path)
    with pytest.raises(MediaError, match=r"renommez-le en « \.mp3 »"):
        read_audio(path)


# -- transcripts ----------------------------------------------------------------------


def test_srt_transcript(tmp_path):
    path = tmp_path / "t.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:03,500\nBonjour.\n\n2\n00:00:04,000 --> "
                    "00:00:06,000\nBienvenue.\n", encoding="utf-8")  # fmt: skip
    transcript = read_transcript(path, "transcripts/t.srt")
    assert transcript.mime == "application/x-subrip"
    assert [(c.start, c.text) for c in transcript.cues] == [(1.0, "Bonjour."), (4.0, "Bienvenue.")]
    assert transcript.end == 6.0


def test_vtt_speakers_become_paragraphs():
    transcript = read_transcript(
        ROOT / "content" / "transcripts" / "dijon-a-1-h-35-de-paris.vtt", "x.vtt"
    )
    speakers = [p.speaker for p in transcript.paragraphs]
    assert speakers[:2] == ["Léa Martin", "Claire Moreau"]
    assert all(a != b for a, b in itertools.pairwise(speakers))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\nBonjour\n", "ligne 3"),
        ("Bonjour\n\n00:00:01.000 --> 00:00:02.000\nBonjour\n", "WEBVTT"),
        ("WEBVTT\n\n", "vide"),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nBonjour\n", "finit avant de commencer"),
    ],
)
def test_transcript_errors(tmp_path, text, message):
    path = tmp_path / "t.vtt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MediaError, match=message):
        read_transcript(path, "transcripts/t.vtt")
