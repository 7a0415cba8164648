"""Shared fixtures: the demo site built once per test session, served on loopback,
and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import functools
import http.server
import shutil
import socket
import threading
import typing
from pathlib import Path

import pytest
from venez_vivre.tools.build import build
from venez_vivre.tools.chromium import CHROMIUM_FLAGS

ROOT = Path(__file__).resolve().parent.parent


def build_site(settings: Path, output: Path, **overrides) -> dict:
    result = build(settings, output, overrides=overrides or None, quiet=True)
    return result


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """The demo programme built with pelicanconf.py, once for the whole session."""
    output = tmp_path_factory.mktemp("demo") / "output"
    result = build_site(ROOT / "pelicanconf.py", output)
    assert result["ok"], result.get("report")
    return output


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extra_headers: typing.ClassVar[dict] = {}

    def end_headers(self):
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):
        pass


def serve_directory(directory: Path, headers: dict | None = None):
    """Serve a built site on 127.0.0.1; returns (base_url, server)."""
    handler = type("Handler", (QuietHandler,), {"extra_headers": headers or {}})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", free_port()), functools.partial(handler, directory=str(directory))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


@pytest.fixture(scope="session")
def demo_url(demo_site):
    url, server = serve_directory(demo_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (Playwright cannot download browsers here)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium")
    if not executable:
        pytest.fail("chromium is not installed: run .ci/run or apt-get install chromium")
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def published_site(tmp_path_factory):
    """tests/tiny_site.py's programme published with publishconf.py (fingerprinted,
    precompressed, checked), once for the session: (output dir, publish result)."""
    from tiny_site import publish_tiny_programme

    output, result = publish_tiny_programme(
        tmp_path_factory.mktemp("published"),
        image_cache=tmp_path_factory.getbasetemp() / "tiny-image-cache",
    )
    assert result["ok"], result.get("report")
    return output, result
