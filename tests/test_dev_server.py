"""`make serve`: the last good build stays online, errors show in the page, audio seeks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import ROOT

TERRITORY = (ROOT / "content" / "territoires" / "grand-besancon.md").read_text(encoding="utf-8")


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_until(predicate, seconds=90):
    """Poll `predicate` until it holds (True) or `seconds` pass (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory):
    """serve.py on a copy of the demo's content, so the test can break a file."""
    tmp_path = tmp_path_factory.mktemp("serve")
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    settings = tmp_path / "settings.py"
    settings.write_text(
        "import runpy\n"
        f"globals().update(runpy.run_path({str(ROOT / 'pelicanconf.py')!r}))\n"
        f"PATH = {str(content)!r}\n"
        # The demo's image cache: the copied photos are the same bytes.
        f"IMAGES = {{**IMAGES, 'cache_dir': {str(ROOT / '.cache' / 'images')!r}}}\n",
        encoding="utf-8",
    )
    log_file = tmp_path / "serve.log"
    log = log_file.open("wb")  # a pipe nobody reads would fill and block it
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "venez_vivre.tools.serve",
            "--settings",
            str(settings),
            "--output",
            str(tmp_path / "output"),
            "--port",
            "0",  # the server binds a free port and prints it
            "--no-receiver",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def announced():
        return re.search(rb"Site : (http://\S+)/ ", log_file.read_bytes())

    try:
        assert wait_until(announced, 180), "dev server did not start:\n" + log_file.read_text()
        url = announced().group(1).decode()
        assert fetch(url + "/")[0] == 200
        yield url, content
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_errors_show_in_the_page_and_the_last_good_build_stays(dev_server):
    url, content = dev_server
    status, _headers, body = fetch(url + "/territoires/grand-besancon/")
    assert status == 200 and b"/__dev/status" in body and b'role="alert"' not in body

    broken = TERRITORY.replace("kind: metropole", "kind: metropol")
    assert broken != TERRITORY
    (content / "territoires" / "grand-besancon.md").write_text(broken, encoding="utf-8")

    def banner():
        return b'role="alert"' in fetch(url + "/territoires/grand-besancon/")[2]

    assert wait_until(banner), "the error never showed in the page"
    page = fetch(url + "/territoires/grand-besancon/")[2].decode("utf-8")
    assert "champ « kind » : « metropol » n’est pas une valeur possible" in page
    assert "Vouliez-vous dire « metropole » ?" in page
    assert "Grand Besançon" in page  # the last good build is still served

    (content / "territoires" / "grand-besancon.md").write_text(TERRITORY, encoding="utf-8")
    assert wait_until(lambda: not banner()), "the error did not go away once fixed"


def test_audio_can_be_sought_with_byte_ranges(dev_server):
    url, content = dev_server
    audio = sorted((content / "audio").glob("*.mp3"))[0]
    size = audio.stat().st_size
    status, headers, body = fetch(f"{url}/audio/{audio.name}", {"Range": "bytes=100-199"})
    assert status == 206
    assert headers["Content-Range"] == f"bytes 100-199/{size}"
    assert body == audio.read_bytes()[100:200]
    status, headers, _ = fetch(f"{url}/audio/{audio.name}", {"Range": f"bytes={size + 5}-"})
    assert status == 416


def test_transcripts_and_chapters_are_readable_from_other_origins(dev_server):
    """Podcast apps' web players fetch them from their own origin."""
    url, content = dev_server
    transcript = sorted((content / "transcripts").glob("*.vtt"))[0]
    status, headers, _ = fetch(f"{url}/transcripts/{transcript.name}")
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    chapters = f"{url}/podcast/{transcript.stem}/chapters.json"
    status, headers, body = fetch(chapters)
    headers = {name.lower(): value for name, value in headers.items()}
    assert status == 200 and body.startswith(b"{")
    assert headers["content-type"] == "application/json+chapters"
    assert headers["access-control-allow-origin"] == "*"
    status, headers, _ = fetch(f"{url}/")
    assert "Access-Control-Allow-Origin" not in headers


def tiny_preview(tmp_path):
    """The tiny programme, with a settings file as `make serve SETTINGS=…` takes."""
    from tiny_site import tiny_settings, write_tiny_programme

    content = write_tiny_programme(tmp_path / "content")
    settings = tmp_path / "settings.py"
    lines = [
        "import runpy",
        f"globals().update(runpy.run_path({str(ROOT / 'pelicanconf.py')!r}))",
        *(f"{name} = {value!r}" for name, value in tiny_settings(content).items()),
    ]
    settings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return content, settings


def test_the_preview_is_built_by_one_process_kept_between_saves(tmp_path):
    """Each save is built by the same worker (nothing imported again); a worker that
    died is replaced and the build done; a content error keeps the last good site."""
    from venez_vivre.tools.serve import BuildWorker

    content, settings = tiny_preview(tmp_path)
    output = tmp_path / "output"
    status = tmp_path / "status.json"
    source = content / "temoignages" / "zoe-au-bord-du-lac.md"
    page = output / "temoignages" / "zoe-au-bord-du-lac" / "index.html"
    worker = BuildWorker(str(settings), str(output), status)
    try:
        assert worker.build()
        assert "kinkajou" in page.read_text(encoding="utf-8")
        first = worker.process.pid
        source.write_text(
            source.read_text(encoding="utf-8") + "\nMot rare : ornithorynque.\n", encoding="utf-8"
        )
        assert worker.build()
        assert "ornithorynque" in page.read_text(encoding="utf-8")
        assert worker.process.pid == first, "a second process built the second save"

        worker.process.kill()
        worker.process.wait()
        source.write_text(
            source.read_text(encoding="utf-8") + "\nMot rare : axolotl.\n", encoding="utf-8"
        )
        assert worker.build()
        assert "axolotl" in page.read_text(encoding="utf-8")
        assert worker.process.pid != first

        source.write_text("---\ntitle: [sans fin\n---\n", encoding="utf-8")
        assert not worker.build()
        assert "axolotl" in page.read_text(encoding="utf-8"), "the last good site was lost"
        assert json.loads(status.read_text(encoding="utf-8"))["errors"]
    finally:
        worker.stop()


def test_a_worker_whose_code_changed_asks_to_be_replaced(tmp_path, monkeypatch):
    """A plugin edited (or a package installed) while `make serve` runs: the worker
    that imported the old code builds nothing and answers "restart"."""
    import os
    from types import SimpleNamespace

    import venez_vivre.programme.incremental as incremental
    from venez_vivre.tools import build

    _content, settings = tiny_preview(tmp_path)
    code = {"digest": "before"}

    def requests():
        yield "build\n"
        code["digest"] = "after"  # edited once the first build is done
        yield "build\n"

    monkeypatch.setattr(incremental, "code_digest", lambda: code["digest"])
    monkeypatch.setattr(sys, "stdin", requests())
    read, write = os.pipe()
    arguments = SimpleNamespace(
        settings=str(settings),
        output=str(tmp_path / "output"),
        status=str(tmp_path / "status.json"),
        reply_fd=write,
    )
    assert build.serve_builds(arguments) == 0
    with os.fdopen(read, encoding="utf-8") as replies:
        assert replies.read().split() == ["ok", "restart"]
    assert (tmp_path / "output" / "index.html").is_file()
