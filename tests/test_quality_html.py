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


BROKEN = (
    '<!doctype html><html lang="fr"><head><title>x</title></head><body>'
    '<p id="a">one</p><p id="a">two</p></div></body></html>'
)


@pytest.fixture(scope="module")
def vnu_report(demo_site, tmp_path_factory):
    """One Java run over every built page and a deliberately broken page."""
    broken = tmp_path_factory.mktemp("vnu") / "broken.html"
    broken.write_text(BROKEN, encoding="utf-8")
    pages = sorted(demo_site.rglob("*.html"))
    errors = run_vnu([*pages, broken])
    return pages, broken, errors


def test_every_built_page_is_valid_html(demo_site, vnu_report):
    pages, broken, errors = vnu_report
    assert len(pages) > 20, "the demo should have dozens of pages"
    errors = [e for e in errors if not e.get("url", "").endswith(broken.name)]
    assert not errors, f"{len(errors)} HTML error(s):\n" + "\n".join(
        _describe(e, demo_site) for e in errors
    )


def test_vnu_reports_invalid_markup(vnu_report):
    """The gate can fail: a duplicate id and a stray end tag are errors."""
    _pages, broken, errors = vnu_report
    messages = " ".join(m["message"] for m in errors if m.get("url", "").endswith(broken.name))
    assert "Duplicate ID" in messages
    assert "Stray end tag" in messages
