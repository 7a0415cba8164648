"""plugins/programme/files.py: the one table of file types and the one link-or-copy."""

from __future__ import annotations

import errno
import os

import pytest
from venez_vivre.programme import files


def test_link_or_copy_links_replaces_and_never_symlinks(tmp_path):
    source = tmp_path / "cache" / "photo.jpg"
    source.parent.mkdir()
    source.write_bytes(b"jpeg")
    target = tmp_path / "output" / "images" / "photo.jpg"
    target.parent.mkdir(parents=True)
    target.symlink_to(source)  # what Pelican's STATIC_CREATE_LINKS may leave
    files.link_or_copy(source, target)
    assert not target.is_symlink()
    assert os.path.samefile(source, target)  # a hard link: no bytes copied


def test_link_or_copy_copies_across_file_systems(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    source = tmp_path / "episode.mp3"
    source.write_bytes(b"mp3")
    monkeypatch.setattr(os, "link", refuse)
    target = tmp_path / "output" / "audio" / "episode.mp3"
    files.link_or_copy(source, target)  # creates the folder too
    assert target.read_bytes() == b"mp3"
    assert not target.is_symlink() and not os.path.samefile(source, target)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("/territoires/val/index.html", "text/html; charset=utf-8"),
        ("theme/js/site.0123456789.js", "text/javascript; charset=utf-8"),
        ("podcast/feed.xml", "application/rss+xml; charset=utf-8"),
        ("sitemap.xml", "application/xml; charset=utf-8"),
        ("podcast/episode/chapters.json", "application/json+chapters"),  # Podcasting 2.0
        ("inscription/territoires.json", "application/json"),
        ("evenements/calendrier.ics", "text/calendar; charset=utf-8"),
        ("transcripts/episode.vtt", "text/vtt; charset=utf-8"),
        ("transcripts/episode.srt", "application/x-subrip"),
        ("audio/episode.MP3", "audio/mpeg"),
        ("images/lac-480-0123456789.avif", "image/avif"),
        ("images/logo.svg", "image/svg+xml"),
        ("pagefind/fragment/fr_1.pf_fragment", "application/octet-stream"),
    ],
)
def test_content_types_of_published_files(path, expected):
    assert files.content_type(path) == expected


def test_content_fields_accept_the_tables_suffixes():
    assert {".jpg", ".avif", ".svg"} <= files.IMAGE_SUFFIXES
    assert ".mp3" in files.AUDIO_SUFFIXES and ".mp3" not in files.IMAGE_SUFFIXES
    assert {".vtt", ".srt"} == files.TRANSCRIPT_SUFFIXES
    assert all(suffix in files.MEDIA_TYPES for suffix in files.TEXT_SUFFIXES)
