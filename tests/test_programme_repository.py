"""A programme is its own repository: examples/ville, copied outside this repository,
builds against the installed wheel alone, and a visitor's browser paints it in its
own colours, never the demo's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import ROOT, serve_directory

VILLE_PRIMARY = "rgb(11, 90, 107)"  # #0b5a6b, examples/ville/pelicanconf.py
DEMO_PRIMARY = "rgb(122, 31, 61)"  # #7a1f3d, pelicanconf.py


@pytest.fixture(scope="session")
def wheel_environment(tmp_path_factory) -> Path:
    """A virtual environment holding the venez-vivre wheel (built once per session, not
    editable) and nothing of this repository. Its dependencies are the project
    environment's, seen through a .pth line: that adds the folder to the path without
    running the editable install's import hook, which lives in a .pth file there."""
    base = tmp_path_factory.mktemp("wheel")
    # From a copy of what the wheel is made of: setuptools writes its build/ folder
    # beside pyproject.toml, which must not land in (or race in) the repository.
    source = base / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".*",
            "node_modules",
            "content",
            "examples",
            "tests",
            "bench",
            "docs",
            "output",
            "build",
            "*.egg-info",
            "__pycache__",
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(base / "dist"),
            str(source),
        ],
        check=True,
        cwd=base,
    )
    (wheel,) = (base / "dist").glob("venez_vivre-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        encoding="utf-8",
    ).stdout.strip()
    Path(site, "project-dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
    )
    return venv


@pytest.fixture(scope="session")
def ville_site(wheel_environment, tmp_path_factory) -> Path:
    """examples/ville copied into a temporary folder and built there with the wheel's
    command, as a programme's own repository would be."""
    programme = tmp_path_factory.mktemp("cap-sur-chalon") / "cap-sur-chalon"
    shutil.copytree(
        ROOT / "examples" / "ville",
        programme,
        ignore=shutil.ignore_patterns("output", ".cache", ".build", "__pycache__"),
    )
    assert sorted(p.name for p in programme.iterdir()) == [
        "content",
        "pelicanconf.py",
        "publishconf.py",
    ]
    # The programme's caches (its own photos' derivatives, posters…) are kept in the
    # repository's .cache between sessions: cold only on a fresh machine.
    warm = ROOT / ".cache" / "examples-ville"
    if warm.is_dir():
        shutil.copytree(warm, programme / ".cache", copy_function=os.link)
    python = wheel_environment / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import venez_vivre; print(venez_vivre.__file__)"],
        cwd=programme,
        check=True,
        capture_output=True,
        encoding="utf-8",
    ).stdout.strip()
    assert Path(where).is_relative_to(wheel_environment), where  # not this repository
    done = subprocess.run(
        [
            str(python),
            "-m",
            "pelican",
            "content",
            "-s",
            "pelicanconf.py",
            "-o",
            "output",
            "-q",
        ],
        cwd=programme,
        capture_output=True,
        encoding="utf-8",
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    keep = warm.with_name(f"{warm.name}.{os.getpid()}.tmp")
    shutil.copytree(programme / ".cache", keep, copy_function=os.link)
    shutil.rmtree(warm, ignore_errors=True)
    try:
        keep.rename(warm)
    except OSError:  # another session kept its copy first
        shutil.rmtree(keep, ignore_errors=True)
    return programme / "output"


def test_the_wheel_holds_plugins_theme_receiver_and_settings(wheel_environment):
    python = wheel_environment / "bin" / "python"
    script = (
        "import pathlib, venez_vivre.settings as s, venez_vivre.receiver.contract, "
        "venez_vivre.programme, venez_vivre.tools.build;"
        "print(s.THEME);"
        "print(pathlib.Path(s.THEME, 'templates', 'base.html').is_file())"
    )
    done = subprocess.run(
        [str(python), "-c", script], check=True, capture_output=True, encoding="utf-8", cwd="/"
    )
    theme, has_base = done.stdout.split()
    assert Path(theme).is_relative_to(wheel_environment) and has_base == "True"


def test_the_programme_built_with_pelicans_own_command_from_the_wheel(ville_site):
    home = (ville_site / "index.html").read_text(encoding="utf-8")
    assert "<title>Cap sur Chalon</title>" in home
    assert "Venez vivre" not in home  # nothing of the demo's


def test_the_wheel_installs_the_programmes_commands(wheel_environment, tmp_path):
    """`venez-vivre-build` (the build that keeps the last good site) works from the
    wheel: on a programme with an error it exits 1 with the French report."""
    (tmp_path / "content").mkdir()
    (tmp_path / "pelicanconf.py").write_text(
        "from venez_vivre.settings import *  # noqa: F403\nSITENAME = 'Essai'\n"
        "BRAND = {'colors': {'primary': '#ffdd00'}}\n"
        "SIGNUP_ENDPOINT = 'http://127.0.0.1:1/inscriptions'\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [str(wheel_environment / "bin" / "venez-vivre-build"), "--settings", "pelicanconf.py"],
        cwd=tmp_path,
        capture_output=True,
        encoding="utf-8",
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "BRAND.colors.primary" in done.stderr and "4,5:1" in done.stderr, done.stderr


@pytest.mark.browser
def test_the_second_programme_is_painted_in_its_own_colours(ville_site, browser):
    url, server = serve_directory(ville_site)
    try:
        page = browser.new_page()
        page.goto(f"{url}/")
        colours = page.evaluate(
            """() => {
                const root = getComputedStyle(document.documentElement);
                const button = document.querySelector('a.button:not(.button-ghost)');
                return {
                    variable: root.getPropertyValue('--primary').trim(),
                    button: getComputedStyle(button).backgroundColor,
                    all: [...document.querySelectorAll('*')].flatMap(e => {
                        const s = getComputedStyle(e);
                        return [s.color, s.backgroundColor, s.borderTopColor];
                    }),
                };
            }"""
        )
        page.close()
    finally:
        server.shutdown()
    assert colours["variable"] == "#0b5a6b"
    assert colours["button"] == VILLE_PRIMARY
    assert DEMO_PRIMARY not in colours["all"]


@pytest.mark.browser
def test_the_demo_keeps_its_own_colours(demo_url, browser):
    page = browser.new_page()
    page.goto(f"{demo_url}/")
    button = page.evaluate(
        "() => getComputedStyle(document.querySelector('a.button:not(.button-ghost)'))"
        ".backgroundColor"
    )
    page.close()
    assert button == DEMO_PRIMARY
