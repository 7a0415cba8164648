"""tools/static_server.py, the server of `make serve` and of the browser tests: byte
ranges as podcast players use them, the site's media types, per-path headers."""

from __future__ import annotations

import gzip
import http.client
from urllib.parse import urlsplit

import pytest
from venez_vivre.tools.static_server import StaticServer

AUDIO = bytes(range(256)) * 40  # 10 240 bytes


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    (root / "audio").mkdir()
    (root / "audio" / "episode.mp3").write_bytes(AUDIO)
    (root / "transcripts").mkdir()
    (root / "transcripts" / "episode.vtt").write_text("WEBVTT\n", encoding="utf-8")
    (root / "podcast").mkdir()
    (root / "podcast" / "feed.xml").write_text("<rss/>", encoding="utf-8")
    (root / "territoires" / "val").mkdir(parents=True)
    (root / "territoires" / "val" / "index.html").write_text("<p>Val</p>", encoding="utf-8")
    (root / "index.html").write_text("<p>Accueil</p>" * 50, encoding="utf-8")
    (root / "index.html.gz").write_bytes(gzip.compress((root / "index.html").read_bytes()))
    (root / "404.html").write_text("<p>Introuvable</p>", encoding="utf-8")
    rules = [
        ("*", {"Content-Security-Policy": "default-src 'self'"}),
        ("/transcripts/*", {"Access-Control-Allow-Origin": "*"}),
    ]
    with StaticServer(root, headers=rules) as server:
        yield server, root


def request(server, path, headers=None, method="GET"):
    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_it_binds_a_free_port_and_says_which(site):
    server, _root = site
    assert urlsplit(server.url).port > 0


def test_byte_ranges_as_a_podcast_player_asks_them(site):
    server, _root = site
    response, body = request(server, "/audio/episode.mp3", {"Range": "bytes=100-199"})
    assert response.status == 206
    assert response.getheader("Content-Range") == f"bytes 100-199/{len(AUDIO)}"
    assert response.getheader("Content-Type") == "audio/mpeg"
    assert body == AUDIO[100:200]
    response, body = request(server, "/audio/episode.mp3", {"Range": "bytes=-16"})
    assert response.status == 206 and body == AUDIO[-16:]
    response, body = request(server, "/audio/episode.mp3", {"Range": "bytes=10000-"})
    assert response.status == 206 and body == AUDIO[10000:]
    response, _ = request(server, "/audio/episode.mp3", {"Range": f"bytes={len(AUDIO) + 5}-"})
    assert response.status == 416
    assert response.getheader("Content-Range") == f"bytes */{len(AUDIO)}"


def test_if_range_sends_the_whole_file_when_it_changed(site):
    server, _root = site
    full, _ = request(server, "/audio/episode.mp3", method="HEAD")
    assert full.getheader("Accept-Ranges") == "bytes"
    etag = full.getheader("ETag")
    same, body = request(server, "/audio/episode.mp3", {"Range": "bytes=0-9", "If-Range": etag})
    assert same.status == 206 and body == AUDIO[:10]
    stale = {"Range": "bytes=0-9", "If-Range": '"an-older-version"'}
    changed, body = request(server, "/audio/episode.mp3", stale)
    assert changed.status == 200 and body == AUDIO


def test_media_types_come_from_the_sites_table(site):
    server, _root = site
    expected = {
        "/": "text/html; charset=utf-8",
        "/transcripts/episode.vtt": "text/vtt; charset=utf-8",
        "/podcast/feed.xml": "application/rss+xml; charset=utf-8",
    }
    for path, content_type in expected.items():
        assert request(server, path)[0].getheader("Content-Type") == content_type, path


def test_headers_per_path(site):
    server, _root = site
    transcript, _ = request(server, "/transcripts/episode.vtt")
    assert transcript.getheader("Access-Control-Allow-Origin") == "*"
    assert transcript.getheader("Content-Security-Policy") == "default-src 'self'"
    page, _ = request(server, "/")
    assert page.getheader("Access-Control-Allow-Origin") is None
    assert page.getheader("Content-Security-Policy") == "default-src 'self'"


def test_folders_missing_pages_and_precompressed_files(site):
    server, root = site
    redirect, _ = request(server, "/territoires/val?utm_source=affiche")
    assert redirect.status == 301
    assert redirect.getheader("Location") == "/territoires/val/?utm_source=affiche"
    page, body = request(server, "/territoires/val/")
    assert page.status == 200 and body == b"<p>Val</p>"
    missing, body = request(server, "/nulle-part/")
    assert missing.status == 404 and body == (root / "404.html").read_bytes()
    assert missing.getheader("Content-Security-Policy") == "default-src 'self'"
    outside, _ = request(server, "/../../etc/passwd")
    assert outside.status == 404
    compressed, body = request(server, "/", {"Accept-Encoding": "gzip"})
    assert compressed.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == (root / "index.html").read_bytes()
