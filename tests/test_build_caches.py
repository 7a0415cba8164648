"""The caches that make a warm rebuild fast (what the Markdown reader returned, the
Pagefind index) never change what is built: every edit shows, every content error
is reported again until it is fixed, and a settings change discards what it shapes."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, build_site
from tiny_site import tiny_settings, write_tiny_programme


@pytest.fixture
def tiny(tmp_path, tmp_path_factory):
    content = write_tiny_programme(tmp_path / "content")
    settings = tiny_settings(content, tmp_path_factory.getbasetemp() / "tiny-image-cache")
    output = tmp_path / "output"

    def build(**extra):
        return build_site(ROOT / "pelicanconf.py", output, **{**settings, **extra})

    first = build()
    assert first["ok"], first.get("report")
    return content, output, build


def read(path) -> str:
    return path.read_text(encoding="utf-8")


def test_an_edit_shows_even_when_the_file_keeps_its_size(tiny):
    content, output, build = tiny
    assert (content.parent / ".cache" / "content" / "content.pickle").is_file()
    page = output / "temoignages" / "zoe-au-bord-du-lac" / "index.html"
    assert "kinkajou" in read(page)
    source = content / "temoignages" / "zoe-au-bord-du-lac.md"
    size = source.stat().st_size
    source.write_text(read(source).replace("kinkajou", "capybara"), encoding="utf-8")
    assert source.stat().st_size == size
    assert build()["ok"]
    assert "capybara" in read(page)
    assert "kinkajou" not in read(page)


def test_a_content_error_is_reported_from_the_cache_until_fixed(tiny):
    content, _output, build = tiny
    source = content / "temoignages" / "zoe-au-bord-du-lac.md"
    good = read(source)
    source.write_text(good.replace('quote: "Le lac', 'quote: "Le lac: "'), encoding="utf-8")
    first = build()
    second = build()  # the broken file's front matter now comes from the cache
    for result in (first, second):
        assert not result["ok"]
        assert "content/temoignages/zoe-au-bord-du-lac.md" in result["report"]
        assert "illisible" in result["report"]
    assert second["report"] == first["report"]
    source.write_text(good, encoding="utf-8")
    assert build()["ok"]


def test_a_reader_setting_change_discards_the_cached_reads(tiny):
    _content, output, build = tiny
    page = output / "territoires" / "val-d-alpha" / "index.html"
    assert "Val d&rsquo;Alpha</strong>" not in read(page)
    markdown = {
        "extensions": ["markdown.extensions.extra", "markdown.extensions.smarty"],
        "output_format": "html5",
    }
    assert build(MARKDOWN=markdown)["ok"]
    assert "Val d&rsquo;Alpha</strong>" in read(page)


def test_the_search_index_is_reused_only_while_the_pages_are_unchanged(tiny, monkeypatch):
    content, output, build = tiny
    import search

    stored = content.parent / ".cache" / "search"
    assert len(list(stored.iterdir())) == 1
    entry = json.loads(read(output / "pagefind" / "pagefind-entry.json"))
    pages = entry["languages"]["fr"]["page_count"]

    def no_pagefind(*args, **kwargs):
        raise AssertionError("Pagefind ran although no page changed")

    with monkeypatch.context() as patch:
        patch.setattr(search.subprocess, "run", no_pagefind)
        assert build()["ok"]
    assert json.loads(read(output / "pagefind" / "pagefind-entry.json")) == entry

    second = read(content / "temoignages" / "zoe-au-bord-du-lac.md").replace(
        "kinkajou", "ornithorynque"
    )
    (content / "temoignages" / "deuxieme.md").write_text(second, encoding="utf-8")
    assert build()["ok"]
    entry = json.loads(read(output / "pagefind" / "pagefind-entry.json"))
    assert entry["languages"]["fr"]["page_count"] == pages + 1
    assert len(list(stored.iterdir())) == 2
