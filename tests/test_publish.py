"""`make publish` and `make deploy`: the published tiny programme (session fixture
`published_site`), the checks that stop a publication, and rsync to a local folder."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import brotli
import pytest
from tiny_site import tiny_settings, write_tiny_programme
from venez_vivre.tools.deploy import content_type, deploy_rsync, deploy_s3, plan_s3
from venez_vivre.tools.publish import LONG_CACHE, SHORT_CACHE, cache_control, check_site, publish

ROOT = Path(__file__).resolve().parent.parent


def test_css_and_js_are_fingerprinted_and_pages_point_to_them(published_site):
    output, result = published_site
    assert "/theme/css/site.css" in result["fingerprinted"]
    assert not (output / "theme/css/site.css").exists()
    home = (output / "index.html").read_text(encoding="utf-8")
    for old, new in result["fingerprinted"].items():
        assert re.fullmatch(r"/theme/(css|js)/[\w-]+\.[0-9a-f]{10}\.(css|js)", new)
        assert (output / new.lstrip("/")).is_file()
        assert f'"https://venez-vivre.example.org{old}"' not in home
    assert (
        "https://venez-vivre.example.org" + result["fingerprinted"]["/theme/css/site.css"] in home
    )


def test_text_files_are_precompressed(published_site):
    output, _ = published_site
    home = (output / "index.html").read_bytes()
    assert gzip.decompress((output / "index.html.gz").read_bytes()) == home
    assert brotli.decompress((output / "index.html.br").read_bytes()) == home
    assert len((output / "index.html.br").read_bytes()) < len(home) / 2
    stylesheet = next((output / "theme/css").glob("site.*.css"))
    assert Path(str(stylesheet) + ".br").is_file()
    assert not list((output / "images").rglob("*.jpg.gz"))  # images are not text


def test_manifest_gains_the_new_addresses(published_site):
    output, result = published_site
    manifest = (output.parent / "content" / "urls-publiees.txt").read_text(encoding="utf-8")
    listed = [line for line in manifest.splitlines() if line and not line.startswith("#")]
    assert "/territoires/ancien-alpha/" in listed  # kept, though now a redirect
    assert "/temoignages/zoe-au-bord-du-lac/" in listed
    assert "/temoignages/zoe-au-bord-du-lac/" in result["new_urls"]
    assert "/territoires/val-d-alpha/" not in result["new_urls"]  # was already there
    assert not any(url.startswith(("/theme", "/images", "/pagefind")) for url in listed)
    assert "/404.html" not in listed


def test_headers_file_carries_the_csp_and_long_cache_for_fingerprints(published_site):
    output, result = published_site
    headers = (output / "_headers").read_text(encoding="utf-8")
    assert "Content-Security-Policy: default-src 'self';" in headers
    assert "form-action 'self' https://inscriptions.venez-vivre.example.org" in headers
    assert f"{result['fingerprinted']['/theme/css/site.css']}\n  Cache-Control: {LONG_CACHE}" in (
        headers
    )
    assert "Strict-Transport-Security" in headers


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("theme/css/site.0123456789.css", LONG_CACHE),
        ("images/lac-480-0123456789.avif", LONG_CACHE),
        ("pagefind/fragment/fr_1234567.pf_fragment", LONG_CACHE),
        ("index.html", SHORT_CACHE),
        ("territoires/val-d-alpha/index.html", SHORT_CACHE),
        ("podcast/feed.xml", SHORT_CACHE),
        ("pagefind/pagefind.js", SHORT_CACHE),
        ("theme/css/site.css", "public, max-age=86400"),
        ("audio/episode.mp3", "public, max-age=86400"),
    ],
)
def test_cache_lifetimes(path, expected):
    assert cache_control(path) == expected


def test_a_failed_check_publishes_nothing(tmp_path):
    content = write_tiny_programme(tmp_path / "content")
    # A news item linking to a page that does not exist.
    (content / "actualites" / "lien-casse.md").write_text(
        "---\ntitle: Lien cassé\ndate: 2025-11-05\n---\n\nVoir [la page](/nulle-part/).\n",
        encoding="utf-8",
    )
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("le site en ligne", encoding="utf-8")
    settings = tiny_settings(content)
    result = publish(ROOT / "publishconf.py", output, overrides=settings)
    assert not result["ok"]
    assert any("/nulle-part/" in problem for problem in result["errors"]), result["errors"]
    assert result["report"].startswith("Le site construit ne passe pas les vérifications")
    assert (output / "index.html").read_text(encoding="utf-8") == "le site en ligne"
    assert not (tmp_path / ".output.publishing").exists()


def test_checks_catch_what_the_csp_would_block_and_third_party_resources(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    for name in ("sitemap.xml", "robots.txt", "404.html"):
        (site / name).write_text("<!doctype html><title>x</title>", encoding="utf-8")
    (site / "index.html").write_text(
        '<!doctype html><html lang="fr"><head><title>x</title>'
        '<script type="application/ld+json">{}</script>'
        "<script>alert(1)</script><style>p{}</style>"
        '<script src="https://cdn.example.net/lib.js"></script></head>'
        '<body><p style="color:red" onclick="x()">x</p><a href="javascript:x()">y</a>'
        '<link rel="canonical" href="https://ailleurs.example.net/">'
        '<a href="https://ailleurs.example.net/">un lien vers un autre site</a></body></html>',
        encoding="utf-8",
    )
    problems = check_site(site, "https://venez-vivre.example.org")
    text = "\n".join(problems)
    assert "script en ligne" in text
    assert "élément <style> en ligne" in text
    assert "attribut style=" in text
    assert "gestionnaire d’événement en ligne" in text
    assert "adresse javascript: dans <a href>" in text  # the browser test's scanner agrees
    assert "ressource tierce <script> https://cdn.example.net/lib.js" in text
    assert "ailleurs.example.net" not in text  # a link is not a resource
    assert text.count("script en ligne") == 1  # JSON-LD is data


# -- deploy ----------------------------------------------------------------------------
def test_rsync_deploy_sends_only_what_changed(published_site, tmp_path):
    assert shutil.which("rsync"), "rsync is not installed (.ci/run installs it)"
    output, _ = published_site
    source = tmp_path / "site"
    shutil.copytree(output, source)
    target = tmp_path / "server"
    target.mkdir()
    (target / "stale.html").write_text("removed from the site", encoding="utf-8")
    first = deploy_rsync(source, {"target": str(target) + "/"})
    assert "index.html" in first and "*deleting" not in first
    assert (target / "index.html").read_bytes() == (source / "index.html").read_bytes()
    assert not (target / "stale.html").exists()

    # A rebuild rewrites every file; only the one whose bytes changed is sent again.
    for path in source.rglob("*"):
        if path.is_file():
            path.touch()
    page = source / "territoires/val-d-alpha/index.html"
    page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    second = deploy_rsync(source, {"target": str(target) + "/"})
    assert second == ["territoires/val-d-alpha/index.html"]


def test_s3_plan_uploads_changes_pages_last_and_deletes_the_rest():
    local = {"index.html": "a", "theme/css/site.1.css": "b", "images/x.jpg": "c"}
    remote = {"index.html": '"old"', "images/x.jpg": '"c"', "ancien.html": '"d"'}
    uploads, deletions = plan_s3(local, remote)
    assert uploads == ["theme/css/site.1.css", "index.html"]
    assert deletions == ["ancien.html"]


class RecordingBucket:
    """Stands in for boto3's S3 client (same method names and arguments), recording
    calls: the S3 path is not exercised against a real bucket here."""

    def __init__(self, objects):
        self.objects = dict(objects)
        self.puts, self.deleted = [], []

    def list_objects_v2(self, **kwargs):
        return {"Contents": [{"Key": k, "ETag": v} for k, v in self.objects.items()]}

    def put_object(self, **kwargs):
        self.puts.append({k: v for k, v in kwargs.items() if k != "Body"})

    def delete_objects(self, Bucket, Delete):
        self.deleted += [o["Key"] for o in Delete["Objects"]]


def test_s3_deploy_sets_cache_and_type_per_file(published_site):
    output, result = published_site
    bucket = RecordingBucket({"site/ancien/index.html": '"x"'})
    deploy_s3(output, {"bucket": "b", "prefix": "site"}, client=bucket)
    puts = {p["Key"]: p for p in bucket.puts}
    stylesheet = "site" + result["fingerprinted"]["/theme/css/site.css"]
    assert puts[stylesheet]["CacheControl"] == LONG_CACHE
    assert puts[stylesheet]["ContentType"] == "text/css; charset=utf-8"
    assert puts["site/index.html"]["CacheControl"] == SHORT_CACHE
    assert not any(key.endswith((".gz", ".br")) for key in puts)
    assert list(puts)[-1].endswith((".html", ".xml", ".txt"))
    assert bucket.deleted == ["site/ancien/index.html"]


def test_feed_and_subtitles_types():
    assert content_type("podcast/feed.xml").startswith("application/rss+xml")
    assert content_type("podcast/un-episode/chapters.json") == "application/json+chapters"
    assert content_type("transcripts/ep.vtt").startswith("text/vtt")
    assert content_type("images/a.avif") == "image/avif"


def test_publishing_unchanged_content_again_gives_the_same_bytes(tmp_path):
    """So that `make deploy` (rsync or S3, by checksum) uploads nothing when nothing
    changed: no build date in the sitemap, the same Pagefind index."""
    import hashlib

    def snapshot(folder):
        return {
            p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    content = write_tiny_programme(tmp_path / "content")
    settings = tiny_settings(content)
    output = tmp_path / "output"
    first = publish(ROOT / "publishconf.py", output, overrides=settings)
    assert first["ok"], first.get("report")
    before = snapshot(output)
    second = publish(ROOT / "publishconf.py", output, overrides=settings)
    assert second["ok"], second.get("report")
    after = snapshot(output)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert changed == []
    assert "sitemap.xml" in after and any(k.startswith("pagefind/") for k in after)
