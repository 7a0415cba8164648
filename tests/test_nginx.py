"""deploy/nginx.conf serving the published tiny programme: Debian's nginx, started by
the test as the current user on a Unix socket (no port to pick) with a temporary prefix. Checks
the security headers, cache lifetimes, precompressed files, redirects and MIME types."""

from __future__ import annotations

import gzip
import http.client
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from venez_vivre.tools.publish import (
    LONG_CACHE,
    SHORT_CACHE,
    admin_content_security_policy,
    content_security_policy,
    render_nginx_conf,
)

# .ci/run installs nginx: without it these tests fail, they do not skip.
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PRODUCTION = {"SIGNUP_ENDPOINT": "https://inscriptions.venez-vivre.example.org/inscriptions"}
CSP = content_security_policy(PRODUCTION)
ADMIN_CSP = admin_content_security_policy({"PLUGINS": ["venez_vivre.cms"], "CMS": {}})

MAIN_CONF = """\
{user}
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/client;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    sendfile on;
    include {prefix}/site.conf;
}}
"""


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP to nginx's Unix socket, with the Host header a browser would send."""

    def __init__(self, path: Path):
        super().__init__("localhost", timeout=5)
        self.socket_path = str(path)

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


@pytest.fixture(scope="module")
def nginx(published_site, tmp_path_factory):
    """(nginx's socket, site root) of nginx serving a copy of the published site."""
    output, _ = published_site
    prefix = tmp_path_factory.mktemp("nginx")
    root = prefix / "site"
    shutil.copytree(output, root)
    # Files of the types under test that the tiny programme does not have.
    (root / "transcripts").mkdir(exist_ok=True)
    (root / "transcripts" / "episode.vtt").write_text("WEBVTT\n", encoding="utf-8")
    (root / "podcast" / "episode").mkdir(parents=True, exist_ok=True)
    (root / "podcast" / "episode" / "chapters.json").write_text('{"version": "1.2.0"}\n')
    (root / "images" / "essai-480-0123456789.avif").write_bytes(b"\0\0\0\x1cftypavif")
    feed = root / "podcast" / "feed.xml"  # written by plugins/podcast when there are episodes
    if not feed.is_file():
        feed.write_text('<?xml version="1.0"?><rss version="2.0"></rss>\n', encoding="utf-8")
    shutil.copyfile("/etc/nginx/mime.types", prefix / "mime.types")
    sock = prefix / "nginx.sock"
    site_conf = render_nginx_conf(
        root, CSP, listen=[f"unix:{sock}"], server_name="localhost", admin_csp=ADMIN_CSP
    )
    (prefix / "site.conf").write_text(site_conf, encoding="utf-8")
    # As root (CI), workers would switch to `nobody`, who cannot read pytest's tmp dirs.
    user = "user root;" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(MAIN_CONF.format(prefix=prefix, user=user), encoding="utf-8")
    check = subprocess.run(
        [NGINX, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        capture_output=True,
        encoding="utf-8",
        check=False,
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # until nginx accepts connections
        assert process.poll() is None, process.stderr.read().decode()
        try:
            UnixHTTPConnection(sock).request("HEAD", "/")
            break
        except OSError:
            time.sleep(0.05)
    yield sock, root
    process.terminate()
    process.wait(timeout=10)


def get(sock, path, headers=None):
    connection = UnixHTTPConnection(sock)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def assert_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        assert response.getheader(name) == value, name
    assert "camera=()" in response.getheader("Permissions-Policy")


def test_pages_have_security_headers_and_a_short_cache(nginx):
    sock, root = nginx
    for path in ("/", "/territoires/val-d-alpha/", "/recherche/"):
        response, body = get(sock, path)
        assert response.status == 200, path
        assert response.getheader("Content-Type") == "text/html; charset=utf-8"
        assert response.getheader("Cache-Control") == SHORT_CACHE
        assert_security_headers(response)
        assert body == (root / path.lstrip("/") / "index.html").read_bytes()


def test_the_web_editor_has_its_own_policy_and_stays_out_of_search_engines(nginx):
    port, root = nginx
    for path in ("/admin/", "/admin/decap-cms.js", "/admin/config.json"):
        response, body = get(port, path)
        assert response.status == 200, path
        assert body == (root / path.lstrip("/")).read_bytes() if "." in path else body
        assert response.getheader("Content-Security-Policy") == ADMIN_CSP, path
        assert response.getheader("X-Robots-Tag") == "noindex, nofollow"
        assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert "'unsafe-eval'" in ADMIN_CSP and "'unsafe-eval'" not in CSP
    response, _ = get(port, "/")
    assert response.getheader("Content-Security-Policy") == CSP


def test_fingerprinted_assets_are_immutable(nginx, published_site):
    sock, _ = nginx
    _, result = published_site
    for old, new in result["fingerprinted"].items():
        response, _ = get(sock, new)
        assert response.status == 200, new
        assert response.getheader("Cache-Control") == LONG_CACHE, new
        assert_security_headers(response)
        expected = "text/css" if new.endswith(".css") else "application/javascript"
        assert response.getheader("Content-Type").startswith(expected)
        assert get(sock, old)[0].status == 404  # the unfingerprinted name is gone


def test_precompressed_files_are_served_to_browsers_that_accept_them(nginx):
    sock, root = nginx
    response, body = get(sock, "/", {"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Encoding") == "gzip"
    assert body == (root / "index.html.gz").read_bytes()
    assert gzip.decompress(body) == (root / "index.html").read_bytes()
    plain, _ = get(sock, "/")
    assert plain.getheader("Content-Encoding") is None


def test_renamed_page_redirects_keeping_the_campaign_parameters(nginx):
    sock, _ = nginx
    query = "?utm_source=affiche&utm_medium=print&utm_campaign=automne&utm_content=2"
    for old in ("/territoires/ancien-alpha/", "/territoires/ancien-alpha"):
        response, _ = get(sock, old + query)
        assert response.status == 301, old
        assert response.getheader("Location") == "/territoires/val-d-alpha/" + query
        assert_security_headers(response)


def test_mime_types_of_feed_subtitles_and_avif(nginx):
    sock, _ = nginx
    feed, body = get(sock, "/podcast/feed.xml")
    assert feed.status == 200
    assert feed.getheader("Content-Type").startswith("application/rss+xml")
    assert feed.getheader("Cache-Control") == SHORT_CACHE
    assert_security_headers(feed)
    assert body.startswith(b"<?xml")
    subtitles, _ = get(sock, "/transcripts/episode.vtt")
    assert subtitles.getheader("Content-Type").startswith("text/vtt")
    # Podcast apps' web players read transcripts and chapters from another origin.
    assert subtitles.getheader("Access-Control-Allow-Origin") == "*"
    assert_security_headers(subtitles)
    chapters, body = get(sock, "/podcast/episode/chapters.json")
    assert chapters.status == 200 and body.startswith(b"{")
    assert chapters.getheader("Content-Type") == "application/json+chapters"
    assert chapters.getheader("Access-Control-Allow-Origin") == "*"
    assert chapters.getheader("Cache-Control") == SHORT_CACHE
    assert_security_headers(chapters)
    page, _ = get(sock, "/")
    assert page.getheader("Access-Control-Allow-Origin") is None  # pages stay same-origin
    image, _ = get(sock, "/images/essai-480-0123456789.avif")
    assert image.getheader("Content-Type") == "image/avif"
    assert image.getheader("Cache-Control") == LONG_CACHE


def test_missing_page_is_the_site_404_and_server_files_are_hidden(nginx):
    sock, root = nginx
    response, body = get(sock, "/nulle-part/")
    assert response.status == 404
    assert body == (root / "404.html").read_bytes()
    assert_security_headers(response)
    for path in ("/_redirects", "/_redirects.nginx", "/_headers"):
        assert get(sock, path)[0].status == 404, path
