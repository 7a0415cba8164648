"""Incremental rendering never publishes a stale page: after each kind of change (an
edit, a rename, a deletion, a template, a setting, an image), the site a build makes by
reusing the previous output's unchanged pages is byte for byte the site a build
rendering every page makes, and the pages the change did not touch were reused."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from tiny_site import tiny_settings, write_tiny_programme
from venez_vivre.tools.build import build

TESTIMONIAL = Path("temoignages") / "zoe-au-bord-du-lac" / "index.html"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not any(p.startswith(".") for p in path.relative_to(folder).parts)
    }


@pytest.fixture
def site(tmp_path):
    content = write_tiny_programme(tmp_path / "content")
    settings = tiny_settings(content)
    output = tmp_path / "output"

    def incremental(**extra):
        result = build(ROOT / "pelicanconf.py", output, overrides={**settings, **extra}, quiet=True)
        assert result["ok"], result.get("report")
        return result["figures"]["render"]

    def same_as_full_build(**extra):
        """Everything incremental wrote equals what a build rendering every page
        writes, and nothing more (no page left from before)."""
        reference = tmp_path / "reference"
        result = build(
            ROOT / "pelicanconf.py",
            reference,
            overrides={**settings, **extra},
            quiet=True,
            full=True,
        )
        assert result["ok"], result.get("report")
        mine, theirs = tree(output), tree(reference)
        assert sorted(mine) == sorted(theirs)
        differing = [name for name in mine if mine[name] != theirs[name]]
        assert differing == []
        shutil.rmtree(reference)

    first = incremental()
    assert first["reused"] == 0 and first["rendered"] > 10
    return content, output, incremental, same_as_full_build


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_nothing_changed_every_page_is_reused(site):
    _content, output, incremental, same_as_full_build = site
    inode = (output / TESTIMONIAL).stat().st_ino
    figures = incremental()
    assert figures["rendered"] <= 1 and figures["reused"] > 10
    assert (output / TESTIMONIAL).stat().st_ino == inode  # linked, not written again
    same_as_full_build()


def test_an_edited_body_renders_its_page_again_and_reuses_the_others(site):
    content, output, incremental, same_as_full_build = site
    source = content / "temoignages" / "zoe-au-bord-du-lac.md"
    source.write_text(read(source).replace("kinkajou", "capybara"), encoding="utf-8")
    figures = incremental()
    assert "capybara" in read(output / TESTIMONIAL)
    assert figures["reused"] > 10
    assert figures["rendered"] <= 3  # the page, and pages that may show its text
    same_as_full_build()


def test_a_renamed_territory_shows_on_every_page_naming_it(site):
    content, output, incremental, same_as_full_build = site
    source = content / "territoires" / "val-d-alpha.md"
    source.write_text(read(source).replace("title: Val d'Alpha", "title: Val d'Oméga"), "utf-8")
    incremental()
    assert "Oméga" in read(output / TESTIMONIAL)  # the testimonial names its territory
    assert "Oméga" in read(output / "index.html")
    same_as_full_build()


def test_a_renamed_file_moves_its_page_and_leaves_no_copy_behind(site):
    content, output, incremental, same_as_full_build = site
    folder = content / "temoignages"
    (folder / "zoe-au-bord-du-lac.md").rename(folder / "zoe-et-le-lac.md")
    incremental()
    assert not (output / TESTIMONIAL).exists()
    assert (output / "temoignages" / "zoe-et-le-lac" / "index.html").is_file()
    same_as_full_build()


def test_a_deleted_entry_is_no_longer_published(site):
    content, output, incremental, same_as_full_build = site
    (content / "actualites" / "portes-ouvertes.md").unlink()
    incremental()
    assert not (output / "actualites" / "portes-ouvertes").exists()
    assert "portes ouvertes" not in read(output / "actualites" / "index.html").lower()
    same_as_full_build()


def test_a_template_change_renders_the_pages_using_it(site, tmp_path):
    _content, output, incremental, same_as_full_build = site
    overrides = tmp_path / "templates"
    overrides.mkdir()
    template = read(ROOT / "theme" / "templates" / "testimonial.html")
    marked = template.replace("{% block content %}", "{% block content %}<!-- marque 1 -->", 1)
    assert marked != template
    (overrides / "testimonial.html").write_text(marked, encoding="utf-8")
    figures = incremental(THEME_TEMPLATES_OVERRIDES=[str(overrides)])
    assert "marque 1" in read(output / TESTIMONIAL)
    assert "marque 1" not in read(output / "index.html")
    (overrides / "testimonial.html").write_text(marked.replace("marque 1", "marque 2"), "utf-8")
    figures = incremental(THEME_TEMPLATES_OVERRIDES=[str(overrides)])
    assert "marque 2" in read(output / TESTIMONIAL)
    assert figures["reused"] > 10 and figures["rendered"] <= 2
    same_as_full_build(THEME_TEMPLATES_OVERRIDES=[str(overrides)])


def test_a_full_build_renders_every_page_and_writes_only_what_changed(site):
    """--full renders every page; a page whose HTML comes out identical keeps the
    previous build's typeset file (linked), one whose HTML changed is written."""
    content, output, _incremental, same_as_full_build = site
    territory = output / "territoires" / "val-d-alpha" / "index.html"
    inode = territory.stat().st_ino
    source = content / "temoignages" / "zoe-au-bord-du-lac.md"
    source.write_text(read(source).replace("kinkajou", "capybara"), encoding="utf-8")
    result = build(
        ROOT / "pelicanconf.py",
        output,
        overrides=tiny_settings(content),
        quiet=True,
        full=True,
    )
    assert result["ok"], result.get("report")
    figures = result["figures"]["render"]
    assert figures["reused"] == 0 and figures["rendered"] > 10
    assert 0 < figures["same"] < figures["rendered"]
    assert territory.stat().st_ino == inode
    assert "capybara" in read(output / TESTIMONIAL)
    same_as_full_build()


def test_a_settings_change_renders_every_page(site):
    _content, _output, incremental, same_as_full_build = site
    figures = incremental(SITENAME="Venez vivre à Oméga")
    assert figures["reused"] == 0
    same_as_full_build(SITENAME="Venez vivre à Oméga")


def test_a_replaced_photo_renders_the_pages_showing_it(site):
    content, output, incremental, same_as_full_build = site
    territory = output / "territoires" / "val-d-alpha" / "index.html"
    before = read(territory)
    shutil.copyfile(ROOT / "content" / "images" / "kite.jpg", content / "images" / "lac.jpg")
    incremental()
    assert read(territory) != before  # new derivatives, under their new digests
    same_as_full_build()


def test_plain_pelican_reuses_its_own_output_and_removes_deleted_pages(tmp_path):
    """`pelican content -s …` (no staging folder): the output is moved aside before
    Pelican empties it, unchanged pages are linked back, removed pages are gone."""
    content = write_tiny_programme(tmp_path / "content")
    settings = tmp_path / "settings.py"
    extra = tiny_settings(content)
    settings.write_text(
        "import runpy\n"
        f"globals().update(runpy.run_path({str(ROOT / 'pelicanconf.py')!r}))\n"
        f"globals().update({extra!r})\n",
        encoding="utf-8",
    )
    output = tmp_path / "public"
    command = [
        sys.executable,
        "-m",
        "pelican",
        str(content),
        "-s",
        str(settings),
        "-o",
        str(output),
    ]
    environment = {**os.environ, "LC_ALL": "C.UTF-8"}

    def pelican():
        done = subprocess.run(
            command, cwd=tmp_path, capture_output=True, encoding="utf-8", env=environment
        )
        assert done.returncode == 0, done.stdout + done.stderr

    pelican()
    territory = output / "territoires" / "val-d-alpha" / "index.html"
    inode = territory.stat().st_ino
    (content / "actualites" / "portes-ouvertes.md").unlink()
    source = content / "temoignages" / "zoe-au-bord-du-lac.md"
    source.write_text(read(source).replace("kinkajou", "capybara"), encoding="utf-8")
    pelican()
    assert territory.stat().st_ino == inode  # reused from the previous output
    assert "capybara" in read(output / TESTIMONIAL)
    assert not (output / "actualites" / "portes-ouvertes").exists()
