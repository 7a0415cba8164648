"""The one static HTTP server of the project: `make serve` (tools/serve.py) and every
test that loads a built site in a browser use it.

aiohttp's file response does the HTTP work a podcast player and a browser rely on: byte
ranges (206, `Range`, `If-Range`, 416), `ETag`/`Last-Modified` revalidation, `HEAD`,
and the precompressed `.br`/`.gz` beside a file when the client accepts them (as nginx's
`gzip_static`). This module adds what a built site needs: `index.html` for folders,
`404.html` for what is missing, the media types of programme/files.py, and headers per
path (a CSP, CORS for podcast apps…).

    csp = {"Content-Security-Policy": "default-src 'self'"}
    with StaticServer(output, headers=[("*", csp)]) as server:
        print(server.url)

The server binds port 0 unless told otherwise and reports the port it got (`url`):
no port is chosen, released and bound again.
"""

from __future__ import annotations

import asyncio
import fnmatch
import ssl
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from aiohttp import web
from venez_vivre.programme.files import content_type

# (URL path glob, headers): every rule whose glob matches the path adds its headers,
# later rules winning. "*" matches every path; "/transcripts/*" the transcripts.
HeaderRules = Iterable[tuple[str, Mapping[str, str]]]


class StaticServer:
    """Serve the folder `root` over HTTP (HTTPS with `tls`) on `host`, in a thread.

    - `headers`: per-path response headers (HeaderRules).
    - `rewrite_html(body, path)`: when given, each HTML page is passed through it (the
      development server injects its reload script); such pages are sent whole.
    - `json_routes`: {URL path: function returning a JSON-serialisable value}, for a
      tool's own endpoints (the development server's build status).
    """

    def __init__(
        self,
        root: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        headers: HeaderRules = (),
        rewrite_html: Callable[[bytes, str], bytes] | None = None,
        json_routes: Mapping[str, Callable[[], object]] | None = None,
        tls: ssl.SSLContext | None = None,
    ):
        self.root = Path(root).resolve()
        self.host, self.port = host, port
        self.rules = [(pattern, dict(values)) for pattern, values in headers]
        self.rewrite_html = rewrite_html
        self.json_routes = dict(json_routes or {})
        self.tls = tls
        self.url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ------------------------------------------------------------------
    def start(self) -> StaticServer:
        started = threading.Event()
        failure: list[BaseException] = []

        def run():
            loop = self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._listen())
            except BaseException as error:  # reported to the caller of start()
                failure.append(error)
                started.set()
                loop.close()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="static-server", daemon=True)
        self._thread.start()
        started.wait()
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop and self._thread and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)

    shutdown = stop  # the name http.server's servers use

    def __enter__(self) -> StaticServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    async def _listen(self) -> None:
        app = web.Application()
        for path, function in self.json_routes.items():
            app.router.add_get(path, self._json_handler(function))
        app.router.add_get("/{tail:.*}", self._serve)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, ssl_context=self.tls)
        await site.start()
        port = self._runner.addresses[0][1]  # the one the system chose for port 0
        scheme = "https" if self.tls else "http"
        self.url = f"{scheme}://{self.host}:{port}"

    # -- responses -------------------------------------------------------------------
    def headers_for(self, path: str) -> dict[str, str]:
        """The extra headers of the response to `path` (a URL path)."""
        found: dict[str, str] = {}
        for pattern, values in self.rules:
            if fnmatch.fnmatchcase(path, pattern):
                found.update(values)
        return found

    def _json_handler(self, function):
        async def handler(request: web.Request) -> web.Response:
            headers = {"Cache-Control": "no-store", **self.headers_for(request.path)}
            return web.json_response(function(), headers=headers)

        return handler

    def _file(self, path: str) -> Path | None:
        """The file served at URL `path`, or None (missing, or outside the root)."""
        file = (self.root / path.lstrip("/")).resolve()
        if not file.is_relative_to(self.root):
            return None
        if file.is_dir():
            file = file / "index.html"
        return file if file.is_file() else None

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        folder = (self.root / path.lstrip("/")).resolve()
        if not path.endswith("/") and folder.is_dir() and folder.is_relative_to(self.root):
            # As every web server: relative links in the folder's page need the slash.
            location = path + "/" + (f"?{request.query_string}" if request.query_string else "")
            raise web.HTTPMovedPermanently(location, headers=self.headers_for(path))
        file, status = self._file(path), 200
        if file is None:
            file, status = self.root / "404.html", 404
        headers = {"Content-Type": content_type(file.relative_to(self.root).as_posix())}
        headers.update(self.headers_for(path))
        if file.suffix == ".html" and (self.rewrite_html or status == 404):
            body = file.read_bytes() if file.is_file() else b"<h1>Page introuvable</h1>"
            if self.rewrite_html:
                body = self.rewrite_html(body, path)
                headers.setdefault("Cache-Control", "no-store")
            return web.Response(body=body, status=status, headers=headers)
        if _stale_if_range(request, file):
            return web.Response(body=file.read_bytes(), headers=headers)
        return web.FileResponse(file, headers=headers)


def _stale_if_range(request: web.Request, file: Path) -> bool:
    """aiohttp honours `If-Range` with a date only. With an entity tag (what browsers
    send when resuming audio), a range of a file that changed since must not be
    served: the whole file is sent instead (RFC 9110, 13.1.5)."""
    if_range = request.headers.get("If-Range", "")
    if "Range" not in request.headers or not if_range.startswith(('"', "W/")):
        return False
    stat = file.stat()
    return if_range != f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'  # aiohttp's strong ETag
