"""Links gate: every internal reference of the built demo resolves (tools/check_links.py),
and the checker does catch each kind of broken reference."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from venez_vivre.programme.html_scan import parse_srcset
from venez_vivre.tools.check_links import check_site, main


def _report(problems) -> str:
    return "\n".join(str(p) for p in problems)


def test_demo_site_has_no_broken_internal_reference(demo_site):
    problems = check_site(demo_site)
    assert not problems, f"{len(problems)} broken reference(s):\n{_report(problems)}"


def _write(root: Path, relative: str, text: str) -> None:
    file = root / relative
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(textwrap.dedent(text), encoding="utf-8")


def _tiny_site(root: Path) -> None:
    """A hand-made site with one good and one broken reference of every kind."""
    _write(root, "theme/site.css", "body { background: url(../img/ok.png); }\n")
    _write(root, "theme/broken.css", "@import 'missing.css';\nb { background: url('nope.png') }\n")
    _write(root, "img/ok.png", "png")
    _write(root, "img/ok-2x.png", "png")
    _write(root, "audio/ok.mp3", "mp3")
    _write(root, "podcast/transcript.vtt", "WEBVTT\n")
    _write(
        root,
        "index.html",
        """\
        <!doctype html><html lang="fr"><head><title>t</title>
        <link rel="stylesheet" href="/theme/site.css">
        <link rel="alternate" type="application/rss+xml" href="/podcast/feed.xml">
        <meta property="og:image" content="/img/social.png">
        <script type="application/ld+json">{"@type": "Organization",
          "logo": "/img/logo.svg"}</script>
        </head><body>
        <a href="#top">top</a> <a href="#absent">absent anchor</a>
        <h1 id="top">x</h1>
        <a href="page/">page</a> <a href="/page/#section">section</a>
        <a href="/page/#nowhere">missing anchor elsewhere</a>
        <a href="/gone/">missing page</a>
        <a href="{filename}/territoires/oublie.md">unresolved Pelican link</a>
        <img src="/img/ok.png" srcset="/img/ok.png 1x, /img/ok-2x.png 2x" alt="">
        <img src="/img/missing.png" alt="">
        <picture><source srcset="/img/ok.png 640w, /img/missing-1280.avif 1280w"></picture>
        <audio src="/audio/ok.mp3"><track src="/podcast/transcript.vtt"></audio>
        <audio src="/audio/missing.mp3"></audio>
        <a href="mailto:a@example.org">mail</a> <a href="https://example.org/x">external</a>
        </body></html>
        """,
    )
    _write(
        root,
        "page/index.html",
        '<!doctype html><html lang="fr"><title>p</title><h2 id="section">s</h2>'
        '<a href="../index.html">up</a><a href="../../outside.html">outside</a></html>',
    )
    _write(
        root,
        "podcast/feed.xml",
        """\
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
        <link>https://example.org/</link><itunes:image href="/img/ok.png"/>
        <item><link>/page/</link>
        <enclosure url="/audio/ok.mp3" type="audio/mpeg" length="3"/></item>
        <item><link>/episode-absent/</link>
        <enclosure url="/audio/episode-absent.mp3" type="audio/mpeg" length="3"/></item>
        </channel></rss>
        """,
    )


def _line_of(file: Path, text: str) -> int:
    lines = file.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_checker_catches_every_kind_of_broken_reference(tmp_path):
    _tiny_site(tmp_path)
    problems = check_site(tmp_path)
    broken = {(p.source, p.url) for p in problems}
    assert broken == {
        ("index.html", "#absent"),
        ("index.html", "/page/#nowhere"),
        ("index.html", "/gone/"),
        ("index.html", "{filename}/territoires/oublie.md"),
        ("index.html", "/img/missing.png"),
        ("index.html", "/img/missing-1280.avif"),
        ("index.html", "/audio/missing.mp3"),
        ("index.html", "/img/social.png"),
        ("index.html", "/img/logo.svg"),
        ("page/index.html", "../../outside.html"),
        ("podcast/feed.xml", "/episode-absent/"),
        ("podcast/feed.xml", "/audio/episode-absent.mp3"),
        ("theme/broken.css", "missing.css"),
        ("theme/broken.css", "nope.png"),
    }, _report(problems)
    by_url = {p.url: p for p in problems}
    assert "ancre #nowhere" in by_url["/page/#nowhere"].reason
    assert "{filename}" in by_url["{filename}/territoires/oublie.md"].reason
    # The line of the page, for the person who fixes it.
    assert by_url["/gone/"].line == _line_of(tmp_path / "index.html", "/gone/")


def test_checker_catches_a_file_missing_from_the_real_demo(demo_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(demo_site, site)
    image = next((site / "images").rglob("*.jpg"))
    image.unlink()
    shutil.rmtree(site / "territoires" / "grand-besancon")
    problems = check_site(site)
    urls = {p.url.split("?")[0].split("#")[0] for p in problems}
    assert "/territoires/grand-besancon/" in urls, _report(problems)
    assert any(u.endswith("/" + image.relative_to(site).as_posix()) for u in urls), _report(
        problems
    )
    pages = {p.source for p in problems}
    assert "territoires/index.html" in pages


def test_site_url_prefixed_links_are_checked_and_other_origins_are_not(tmp_path):
    _write(tmp_path, "index.html", "<a href='https://site.example/sub/x/'>x</a>")
    _write(
        tmp_path,
        "x/index.html",
        "<a href='https://site.example/sub/z/'>z</a><a href='https://other.example/sub/z/'>o</a>"
        "<a href='/sub/'>root</a><a href='https://site.example/elsewhere/'>e</a>",
    )
    problems = check_site(tmp_path, site_url="https://site.example/sub")
    found = sorted((p.source, p.url) for p in problems)
    assert found == [
        ("x/index.html", "https://site.example/elsewhere/"),
        ("x/index.html", "https://site.example/sub/z/"),
    ], _report(problems)


def test_srcset_parsing():
    assert parse_srcset("/a.avif 640w, /b.avif 1280w") == ["/a.avif", "/b.avif"]
    assert parse_srcset("/a.jpg") == ["/a.jpg"]
    assert parse_srcset("/a.jpg 1x,/b.jpg 2x") == ["/a.jpg", "/b.jpg"]


def test_command_line_exit_status(tmp_path, capsys):
    _tiny_site(tmp_path)
    assert main([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"index.html:{_line_of(tmp_path / 'index.html', '/gone/')}: /gone/" in out
    ok = tmp_path / "ok"
    _write(ok, "index.html", "<a href='/'>home</a><a href='#t' id='t'>t</a>")
    assert main([str(ok)]) == 0
