"""Valid HTML gate: the Nu HTML Checker (vnu, from npm's vnu-jar, run with the machine's
Java) on every page of the built demo, in one Java run: zero errors."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def run_vnu(files: list[Path]) -> list[dict]:
    """vnu's error messages for `files` (warnings are not errors and are left out)."""
    java = shutil.which("java")
    if not java:
        pytest.fail("Java is missing: apt-get install default-jre-headless (.ci/run does it)")
    if not VNU_JAR.is_file():
        pytest.fail(f"{VNU_JAR} is missing: run `make test` (it runs npm ci) or npm ci")
    result = subprocess.run(
        [java, "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
        + [str(f) for f in files],
        capture_output=True,
        encoding="utf-8",  # vnu writes UTF-8 whatever the locale (CI may have none)
        timeout=300,
    )
    # vnu writes its JSON report on stderr; exit status 1 means "errors found".
    report = json.loads(result.stderr or result.stdout)
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


def _describe(message: dict, root: Path) -> str:
    source = message.get("url", "").removeprefix("file:")
    with contextlib.suppress(ValueError):
        source = Path(source).relative_to(root).as_posix()
    where = f"{source}:{message.get('lastLine', '?')}"
    extract = (message.get("extract") or "").strip().replace("\n", " ")
    return f"{where}: {message['message']}  [{extract[:120]}]"


def test_every_built_page_is_valid_html(demo_site):
    pages = sorted(demo_site.rglob("*.html"))
    assert len(pages) > 20, "the demo should have dozens of pages"
    errors = run_vnu(pages)
    assert not errors, f"{len(errors)} HTML error(s):\n" + "\n".join(
        _describe(e, demo_site) for e in errors
    )


def test_vnu_reports_invalid_markup(tmp_path):
    """The gate can fail: a duplicate id and a stray end tag are errors."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!doctype html><html lang="fr"><head><title>x</title></head><body>'
        '<p id="a">one</p><p id="a">two</p></div></body></html>',
        encoding="utf-8",
    )
    messages = " ".join(m["message"] for m in run_vnu([page]))
    assert "Duplicate ID" in messages
    assert "Stray end tag" in messages
