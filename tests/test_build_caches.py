"""The caches that make a warm rebuild fast (what the Markdown reader returned, the
Pagefind index) never change what is built: every edit shows, every content error
is reported again until it is fixed, and a settings change discards what it shapes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest
from conftest import ROOT, build_site
from tiny_site import tiny_settings, write_tiny_programme


@pytest.fixture
def tiny(tmp_path):
    content = write_tiny_programme(tmp_path / "content")
    settings = tiny_settings(content)
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
        assert "ligne 7, champ « quote » : du texte suit le guillemet fermant" in result["report"]
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
    from venez_vivre import search

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


# -- nothing changed, nothing done ---------------------------------------------------------
@pytest.fixture
def settled(tmp_path):
    """The tiny programme with files last modified a minute ago (a file modified within
    two seconds of a build is not trusted to have a distinct modification time)."""
    content = write_tiny_programme(tmp_path / "content")
    past = time.time() - 60
    for path in content.rglob("*"):
        os.utime(path, (past, past))
    settings = tiny_settings(content)
    output = tmp_path / "output"

    def build(force=False, full=False, **extra):
        from venez_vivre.tools.build import build as build_once

        return build_once(
            ROOT / "pelicanconf.py", output, overrides={**settings, **extra}, quiet=True,
            force=force, full=full,
        )  # fmt: skip

    return content, output, build


def test_a_build_with_unchanged_inputs_leaves_the_site_as_it_is(settled):
    _content, output, build = settled
    first = build()
    assert first["ok"] and not first["skipped"], first.get("report")
    page = output / "temoignages" / "zoe-au-bord-du-lac" / "index.html"
    written = page.stat().st_mtime_ns
    again = build()
    assert again["ok"] and again["skipped"]
    assert page.stat().st_mtime_ns == written
    forced = build(force=True)  # --force: built again, its unchanged pages reused
    assert not forced["skipped"] and forced["figures"]["render"]["reused"] > 10
    assert page.stat().st_mtime_ns == written
    full = build(force=True, full=True)  # --full: every page rendered again…
    assert not full["skipped"] and full["figures"]["render"]["reused"] == 0
    # …and, its HTML unchanged, each keeps its typeset file from the previous build.
    assert full["figures"]["render"]["same"] == full["figures"]["render"]["rendered"]
    assert page.stat().st_mtime_ns == written


@pytest.mark.parametrize("change", ["edit", "setting", "output removed", "output touched"])
def test_any_changed_input_rebuilds(settled, change):
    content, output, build = settled
    assert build()["ok"] and build()["skipped"]
    extra = {}
    if change == "edit":
        source = content / "temoignages" / "zoe-au-bord-du-lac.md"
        source.write_text(read(source).replace("kinkajou", "capybara"), encoding="utf-8")
    elif change == "setting":
        from tiny_site import _brand

        extra = {"BRAND": {**_brand(), "name": "Un autre nom"}}
    elif change == "output removed":
        shutil.rmtree(output)
    else:
        (output / "ajout.txt").write_text("?", encoding="utf-8")
    result = build(**extra)
    assert result["ok"] and not result["skipped"], change
    page = read(output / "temoignages" / "zoe-au-bord-du-lac" / "index.html")
    if change == "edit":
        assert "capybara" in page
    if change == "setting":
        assert "Un autre nom" in page


def settings_file(folder, content):
    """A settings file for the command line: the demo's settings on `content`, dated a
    minute ago like the settled programme."""
    settings = folder / "settings.py"
    settings.write_text(
        f"import runpy\nglobals().update(runpy.run_path({str(ROOT / 'pelicanconf.py')!r}))\n"
        f"PATH = {str(content)!r}\nIMAGES = {{'formats': ['jpeg']}}\n",
        encoding="utf-8",
    )
    past = time.time() - 60
    os.utime(settings, (past, past))
    return settings


def test_the_command_line_says_when_the_site_is_already_up_to_date(settled, tmp_path):
    content, output, _build = settled
    settings = settings_file(tmp_path, content)
    command = [sys.executable, "-m", "venez_vivre.tools.build", "--settings", str(settings)]
    command += ["--output", str(output), "--status", str(tmp_path / "status.json")]
    # Run as a person would from a shell (`make test` sets MAKELEVEL for its children,
    # and under make the hint is « make html FORCE=1 »), then as `make html` runs it.
    shell = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS")}

    def run(extra, env):
        done = subprocess.run(
            command + extra, capture_output=True, encoding="utf-8", check=True, env=env
        )
        return done.stdout

    outputs = [run(extra, shell) for extra in ([], [], ["--force"])]
    assert "Site construit" in outputs[0]
    assert "Site à jour" in outputs[1] and "--force" in outputs[1]
    assert "Site construit" in outputs[2]
    under_make = run([], {**shell, "MAKELEVEL": "1"})
    assert "Site à jour" in under_make and "make html FORCE=1" in under_make


# -- results kept per file (audio durations, transcripts) ------------------------------------
class Problem(Exception):
    pass


CALLS: list[str] = []


def measure_file(path):
    CALLS.append(path.name)
    text = path.read_text(encoding="utf-8")
    if "cassé" in text:
        raise Problem(f"{path.name} est cassé")
    return len(text)


def test_a_file_memo_computes_again_only_when_the_file_changes(tmp_path):
    from venez_vivre.programme import cache_dir
    from venez_vivre.programme.file_memo import FileMemo

    content = tmp_path / "content"
    content.mkdir()
    audio = content / "episode.txt"
    audio.write_text("douze octets", encoding="utf-8")
    settings = {"PATH": str(content)}

    def one_build():
        memo = FileMemo("test", version=1, errors=(Problem,))
        memo.configure(cache_dir(settings, "memo"))
        try:
            return memo.get(measure_file, audio)
        finally:
            memo.save()

    CALLS.clear()
    # Just written: not trusted to have a distinct modification time, read each time.
    assert one_build() == one_build() == 12
    assert CALLS == ["episode.txt", "episode.txt"]
    past = time.time() - 60
    os.utime(audio, (past, past))
    CALLS.clear()
    assert one_build() == one_build() == one_build() == 12
    assert CALLS == ["episode.txt"]  # settled: read once, then from the cache
    audio.write_text("un texte cassé", encoding="utf-8")
    os.utime(audio, (past + 1, past + 1))
    for _ in range(2):  # the error is raised again from the cache
        with pytest.raises(Problem, match="cassé"):
            one_build()
    assert CALLS == ["episode.txt", "episode.txt"]


def test_audio_is_linked_into_the_output_or_copied_never_symlinked(tmp_path, monkeypatch):
    import errno

    real_link = os.link
    refused = []

    def no_cross_device_links(source, target, *args, **kwargs):
        if str(source).endswith(".mp3"):
            refused.append(source)
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_link(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "link", no_cross_device_links)
    output = tmp_path / "output"
    result = build_site(ROOT / "pelicanconf.py", output)
    assert result["ok"], result.get("report")
    assert refused  # the build tried to link the audio, and could not
    for audio in (ROOT / "content" / "audio").glob("*.mp3"):
        published = output / "audio" / audio.name
        assert published.is_file() and not published.is_symlink()
        assert published.read_bytes() == audio.read_bytes()


def test_replaced_outputs_are_deleted_by_the_next_build(settled):
    import time

    _content, output, build = settled
    for _ in range(3):
        assert build(force=True)["ok"]
    # The output the last build replaced waits for the next build; older ones are
    # deleted by a process the build does not wait for.
    deadline = time.monotonic() + 60
    while len(list(output.parent.glob(".output.previous-*"))) > 1:
        assert time.monotonic() < deadline, "replaced outputs left undeleted"
        time.sleep(0.1)
    assert len(list(output.parent.glob(".output.previous-*"))) == 1
    assert (output / "temoignages" / "zoe-au-bord-du-lac" / "index.html").is_file()


def test_two_builds_of_the_same_output_at_once_take_turns(settled, tmp_path):
    """`make serve` rebuilding while someone runs `make html`: the second waits."""
    content, output, _build = settled
    settings = settings_file(tmp_path, content)
    command = [sys.executable, "-m", "venez_vivre.tools.build", "--settings", str(settings)]
    command += ["--output", str(output), "--force", "--quiet"]
    builds = [
        subprocess.Popen(
            [*command, "--status", str(tmp_path / f"status-{i}.json")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(2)
    ]
    results = [build.communicate(timeout=300) for build in builds]
    for build, (_out, err) in zip(builds, results, strict=True):
        assert build.returncode == 0, err.decode("utf-8", "replace")[-2000:]
    page = output / "temoignages" / "zoe-au-bord-du-lac" / "index.html"
    assert "kinkajou" in read(page)
    assert (output / "pagefind" / "pagefind-entry.json").is_file()
    assert not output.with_name(".output.building").exists()
