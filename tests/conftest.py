"""Shared fixtures: the demo site built once per test session, served on loopback,
and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright  # a dev dependency: missing is a failure
from venez_vivre.tools.build import build
from venez_vivre.tools.chromium import CHROMIUM_FLAGS
from venez_vivre.tools.static_server import StaticServer

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
    """A port that was free a moment ago, for the signup receiver's process only: it
    cannot yet bind port 0 and say which port it got (receiver/__main__.py). Every
    other server in the tests binds port 0 itself."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_directory(directory: Path, headers: dict | None = None):
    """Serve a built site on 127.0.0.1 with `make serve`'s server (byte ranges, the
    site's media types), `headers` on every response; returns (base_url, server)."""
    server = StaticServer(directory, headers=[("*", headers or {})]).start()
    return server.url, server


@pytest.fixture(scope="session")
def demo_url(demo_site):
    url, server = serve_directory(demo_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (Playwright cannot download browsers here)."""
    executable = shutil.which("chromium")
    if not executable:
        pytest.fail("chromium is not installed: run .ci/run or apt-get install chromium")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def published_site(tmp_path_factory):
    """tests/tiny_site.py's programme published with publishconf.py (fingerprinted,
    precompressed, checked), once for the session: (output dir, publish result)."""
    from tiny_site import publish_tiny_programme

    output, result = publish_tiny_programme(tmp_path_factory.mktemp("published"))
    assert result["ok"], result.get("report")
    return output, result
