"""Pelican itself, not only our wrapper: every content error, whatever the phase in which
it is found, makes `pelican content -s pelicanconf.py` exit non-zero with the French
report; and a run repeated in one process (what `pelican -r` does) starts from nothing."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

DEMO = ROOT / "content"
PELICAN = Path(sys.executable).with_name("pelican")

SETTINGS = f"""
from venez_vivre.settings import settings_beside

globals().update(settings_beside({str(ROOT / "pelicanconf.py")!r}, "pelicanconf.py"))
PATH = "content"
# The repository's warm caches: the photos are the demo's own.
IMAGES = {{**IMAGES, "cache_dir": {str(ROOT / ".cache" / "images")!r}}}
POSTERS = {{**POSTERS, "cache_path": {str(ROOT / ".cache" / "posters")!r}}}
"""
TERRITORY = """---
title: Grand Besançon Métropole
department: Doubs (25)
summary: Une capitale verte au bord du Doubs.
hero: images/path.jpg
hero_alt: Sentier dans une forêt de pins
location: {lat: 47.24, lon: 6.02}
kind: metropole
welcome_officer: {name: Léa Martin, email: accueil@example.org, phone: 03 81 00 00 00}
---
Besançon, ville d'eau et de forêts.
"""
CAMPAIGN = """---
title: Cap sur Besançon
summary: Une affiche dans le métro parisien.
start: 2025-09-15
end: 2025-11-30
channels: [metro]
posters:
  - image: images/kite.jpg
    alt: Un cerf-volant dans le ciel
    landing: /territoires/grand-besancon/
---
Une campagne d'affichage.
"""
EPISODE_SOURCE = "podcast/dijon-a-1-h-35-de-paris.md"


def write_programme(base: Path) -> Path:
    """A programme repository: content/ (a territory, a campaign, an episode with its
    audio and transcript) and its settings file."""
    content = base / "content"
    for folder in ("territoires", "campagnes", "podcast", "images", "audio", "transcripts"):
        (content / folder).mkdir(parents=True)
    for image in ("path.jpg", "kite.jpg", "podcast.jpg", "logo.svg", "eveningglow.jpg"):
        shutil.copy2(DEMO / "images" / image, content / "images" / image)
    (content / "territoires" / "grand-besancon.md").write_text(TERRITORY, encoding="utf-8")
    (content / "campagnes" / "cap-sur-besancon.md").write_text(CAMPAIGN, encoding="utf-8")
    episode = (DEMO / EPISODE_SOURCE).read_text(encoding="utf-8")
    episode = episode.replace("territory: dijon-metropole", "territory: grand-besancon")
    (content / EPISODE_SOURCE).write_text(episode, encoding="utf-8")
    for folder in ("audio", "transcripts"):
        for path in (DEMO / folder).glob("dijon-a-1-h-35-de-paris.*"):
            shutil.copy2(path, content / folder / path.name)
    for path in (DEMO / "images").glob("podcast-dijon*"):
        shutil.copy2(path, content / "images" / path.name)
    (base / "pelicanconf.py").write_text(SETTINGS, encoding="utf-8")
    return content


def pelican(base: Path) -> subprocess.CompletedProcess:
    """Pelican's own command line, as any Pelican user runs it."""
    return subprocess.run(
        [str(PELICAN), "content", "-s", "pelicanconf.py", "-o", "output"],
        cwd=base,
        capture_output=True,
        encoding="utf-8",
        env={**os.environ, "COLUMNS": "400"},  # the report's lines unwrapped
        timeout=300,
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def programme(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("programme")
    write_programme(base)
    return base


def test_the_programme_builds_with_pelicans_own_command(programme, tmp_path):
    base = tmp_path / "ok"
    shutil.copytree(programme, base)
    done = pelican(base)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (base / "output" / "territoires" / "grand-besancon" / "index.html").is_file()
    assert (base / "output" / "podcast" / "feed.xml").is_file()


# (file, text, replacement, French message). The first three are found only once the
# site is written (posters, stable URLs) or while the podcast reads its files.
CASES = {
    "unknown poster landing": (
        "content/campagnes/cap-sur-besancon.md",
        "landing: /territoires/grand-besancon/",
        "landing: /territoires/nulle-part/",
        "content/campagnes/cap-sur-besancon.md — champ « posters[1].landing » : la page "
        "« /territoires/nulle-part/ » n’existe pas dans le site",
    ),
    "published URL gone": (
        "content/urls-publiees.txt",
        None,
        "/territoires/grand-besancon/\n/territoires/disparu/\n",
        "l’adresse /territoires/disparu/ a déjà été publiée",
    ),
    "broken transcript": (
        "content/transcripts/dijon-a-1-h-35-de-paris.vtt",
        None,
        "Ceci n’est pas une transcription.\n",
        "content/podcast/dijon-a-1-h-35-de-paris.md — champ « transcript »",
    ),
    "missing image": (
        "content/territoires/grand-besancon.md",
        "hero: images/path.jpg",
        "hero: images/pth.jpg",
        "« images/pth.jpg » est introuvable dans content/",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_pelican_itself_exits_non_zero_on_every_content_error(programme, tmp_path, case):
    relative, old, new, expected = CASES[case]
    base = tmp_path / "broken"
    shutil.copytree(programme, base)
    if old is None:
        (base / relative).write_text(new, encoding="utf-8")
    else:
        edit(base / relative, old, new)
    done = pelican(base)
    report = done.stdout + done.stderr
    assert done.returncode != 0, report
    assert re.search(r"erreurs? dans le contenu", report), report
    assert expected in report, report


def test_a_symbolic_link_in_content_is_refused_naming_the_file(programme, tmp_path):
    base = tmp_path / "link"
    shutil.copytree(programme, base)
    secret = tmp_path / "secret.mp3"
    secret.write_bytes(b"not for publication")
    (base / "content" / "audio" / "fuite.mp3").symlink_to(secret)
    done = pelican(base)
    report = done.stdout + done.stderr
    assert done.returncode != 0, report
    assert "content/audio/fuite.mp3" in report and "lien symbolique" in report, report
    assert not (base / "output" / "audio" / "fuite.mp3").exists()


def snapshot(output: Path) -> dict[str, str]:
    return {
        p.relative_to(output).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(output.rglob("*"))
        if p.is_file()
    }


def test_running_pelican_again_in_one_process_gives_the_same_site(tmp_path):
    """`pelican -r` runs one Pelican instance again and again; tests and the
    benchmarks create several instances in one process. No run may see another's
    state: no reset code, the same bytes."""
    from pelican import Pelican
    from pelican.settings import read_settings

    def settings(output: Path) -> dict:
        return read_settings(str(ROOT / "pelicanconf.py"), override={"OUTPUT_PATH": str(output)})

    first = Pelican(settings(tmp_path / "a"))
    first.run()
    once = snapshot(tmp_path / "a")
    first.run()  # the same instance again, as `pelican -r` does on a change
    assert snapshot(tmp_path / "a") == once
    Pelican(settings(tmp_path / "b")).run()  # a new instance in the same process
    assert snapshot(tmp_path / "b") == once
    assert "index.html" in once and len(once) > 300


def test_a_run_frees_the_previous_runs_pages(tmp_path):
    """`pelican -r` runs for hours: each run must free the previous run's pages and
    build (Pelican memoizes every page's HTML on its Content class, keyed by the page:
    at ten times the demo that kept 80 MiB more per run)."""
    import gc
    import weakref

    from pelican import Pelican
    from pelican.settings import read_settings

    settings = read_settings(
        str(ROOT / "pelicanconf.py"), override={"OUTPUT_PATH": str(tmp_path / "out")}
    )
    instance = Pelican(settings)
    instance.run()
    first = weakref.ref(instance.settings["PROGRAMME"].build)
    page = next(entry for entry in first().written.values() if entry is not None)
    page = weakref.ref(page)
    instance.run()
    gc.collect()
    assert first() is None, "the previous run's build is still alive"
    assert page() is None, "the previous run's entries are still alive"


def test_a_profiled_build_writes_its_profile(tmp_path):
    """tools/build.py leaves without the interpreter's teardown, except under a
    profiler, which writes what it measured at exit (bench/build_speed.py --profile)."""
    import pstats

    profile = tmp_path / "build.prof"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cProfile",
            "-o",
            str(profile),
            str(ROOT / "tools" / "build.py"),
            "--settings",
            str(ROOT / "pelicanconf.py"),
            "--output",
            str(tmp_path / "output"),
            "--status",
            str(tmp_path / "status.json"),
            "--quiet",
            "--index-later",
        ],
        cwd=ROOT,
        capture_output=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "output" / "index.html").is_file()
    assert pstats.Stats(str(profile)).total_calls > 100_000


def test_published_files_are_world_readable_whatever_the_umask(programme, tmp_path):
    """A site copied with `cp -a` or served by a web server user must be readable:
    files 0644 and folders 0755, even from caches and content written 0600."""
    base = tmp_path / "modes"
    shutil.copytree(programme, base)
    os.chmod(base / "content" / "audio" / "dijon-a-1-h-35-de-paris.mp3", 0o600)
    previous = os.umask(0o077)
    try:
        done = pelican(base)
    finally:
        os.umask(previous)
    assert done.returncode == 0, done.stdout + done.stderr
    output = base / "output"
    modes = {p.relative_to(output).as_posix(): p.stat().st_mode & 0o777 for p in output.rglob("*")}
    wrong = {path: oct(mode) for path, mode in modes.items() if mode not in (0o644, 0o755)}
    assert not wrong
    assert modes["audio/dijon-a-1-h-35-de-paris.mp3"] == 0o644
    assert any(path.startswith("images/") for path in modes)
    # The editor's own file is left as it was.
    mp3 = base / "content" / "audio" / "dijon-a-1-h-35-de-paris.mp3"
    assert mp3.stat().st_mode & 0o777 == 0o600
