"""Development server: build, serve on http://127.0.0.1:8000, rebuild on every change.

    python tools/serve.py [--settings pelicanconf.py] [--output output] [--port 8000]

- Each rebuild runs tools/build.py in a fresh process (plugins and templates are
  reloaded) and swaps output/ only when it succeeds: a broken content file never
  takes the site down.
- While the last build failed, every page shows the French error report on top of the
  last good build; the terminal prints it too.
- Pages reload themselves after each successful rebuild (a small script injected by
  this server only — the published site has none of it).
- The reference signup receiver (receiver/) is started beside the site on port 8001
  when present, so the form works locally end to end.
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEV_SCRIPT = b"""<script>
(function () {
  var seen = null;
  function poll() {
    fetch("/__dev/status").then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.finished !== seen) { location.reload(); }
      seen = s.finished;
    }).catch(function () {}).finally(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>"""


# Podcasting 2.0 web players (the apps' web versions) fetch an episode's transcript and
# chapters from their own origin: those files must allow it, and chapters have their own
# type. deploy/nginx.conf and deploy/_headers set the same on the published site.
CROSS_ORIGIN_PREFIXES = ("/transcripts/",)
CHAPTERS_SUFFIX = "/chapters.json"
CHAPTERS_TYPE = "application/json+chapters"


def podcast_headers(url_path: str) -> dict[str, str]:
    """Headers of a podcast file beside the usual ones: CORS for transcripts and chapters."""
    if url_path.startswith(CROSS_ORIGIN_PREFIXES) or url_path.endswith(CHAPTERS_SUFFIX):
        return {"Access-Control-Allow-Origin": "*"}
    return {}


class DevState:
    def __init__(self, status_file: Path):
        self.status_file = status_file

    def status(self) -> dict:
        try:
            return json.loads(self.status_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"ok": True, "errors": [], "finished": 0}


def error_banner(status: dict) -> bytes:
    items = "".join(f"<li>{html.escape(e)}</li>" for e in status.get("errors", []))
    return (
        '<div role="alert" style="position:sticky;top:0;z-index:1000;background:#8b0000;'
        'color:#fff;padding:1rem 1.5rem;font:16px/1.5 system-ui,sans-serif">'
        "<strong>La dernière modification n’a pas pu être publiée</strong> — vous voyez la "
        f"dernière version correcte du site. Corrigez :<ul>{items}</ul></div>"
    ).encode()


class DevHandler(http.server.SimpleHTTPRequestHandler):
    state: DevState

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/__dev/status"):
            body = json.dumps(self.state.status()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" or not path.exists():
            self._send_page(path)
            return
        if self.headers.get("Range", "").startswith("bytes=") and path.is_file():
            self._send_range(path)
            return
        super().do_GET()

    def guess_type(self, path):
        if str(path).endswith(CHAPTERS_SUFFIX):
            return CHAPTERS_TYPE
        return super().guess_type(path)

    def end_headers(self):
        for name, value in podcast_headers(self.path.split("?", 1)[0]).items():
            self.send_header(name, value)
        super().end_headers()

    def _send_range(self, path: Path):
        """Byte ranges, so the audio player can seek (podcast apps and browsers ask)."""
        size = path.stat().st_size
        first, _, last = self.headers["Range"][len("bytes=") :].split(",")[0].partition("-")
        try:
            if first:
                start, end = int(first), int(last) if last else size - 1
            else:  # a suffix: the last N bytes
                start, end = max(size - int(last), 0), size - 1
        except ValueError:
            start, end = 0, -1
        if not 0 <= start <= end < size:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.end_headers()
            return
        with path.open("rb") as f:
            f.seek(start)
            body = f.read(end - start + 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_page(self, path: Path):
        status = 200
        if not path.is_file():
            status, path = 404, Path(self.directory) / "404.html"
        body = path.read_bytes() if path.is_file() else b"<h1>Pas encore construit</h1>"
        state = self.state.status()
        inject = DEV_SCRIPT + (b"" if state.get("ok", True) else error_banner(state))
        if b"<body" in body:
            start = body.index(b"<body")
            end = body.index(b">", start) + 1
            body = body[:end] + inject + body[end:]
        else:
            body = inject + body
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def run_build(settings: str, output: str, status_file: Path) -> bool:
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "build.py"),
            "--settings",
            settings,
            "--output",
            output,
            "--status",
            str(status_file),
            "--quiet",
        ],
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - started
    stamp = time.strftime("%H:%M:%S")
    if done.returncode == 0 and DevState(status_file).status().get("skipped"):
        return True  # nothing had changed: nothing to say
    if done.returncode == 0:
        print(f"[{stamp}] site reconstruit ({elapsed:.1f} s)", flush=True)
    else:
        print(f"[{stamp}] échec : le site précédent reste en ligne.", flush=True)
    return done.returncode == 0


def watched_paths(settings_file: str) -> list[Path]:
    """What a rebuild depends on: the settings, their content folder, theme and plugins
    (so `make serve SETTINGS=examples/ville/pelicanconf.py` watches that programme)."""
    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / settings_file))
    paths = [ROOT / settings_file, ROOT / "pelicanconf.py", Path(settings["PATH"])]
    paths += [Path(settings["THEME"]), *map(Path, settings.get("PLUGIN_PATHS", []))]
    return sorted({p.resolve() for p in paths if p.exists()})


def start_receiver(host: str, site_port: int) -> subprocess.Popen | None:
    if not (ROOT / "receiver" / "__main__.py").exists():
        return None
    db = ROOT / ".build" / "inscriptions.sqlite3"
    db.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "receiver",
            "--host",
            host,
            "--port",
            "8001",
            "--db",
            str(db),
            "--origin",
            f"http://{host}:{site_port}",
            "--origin",
            f"http://localhost:{site_port}",
        ],
        cwd=ROOT,
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Serve the site and rebuild on change.")
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--output", default="output")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-receiver", action="store_true")
    args = parser.parse_args(argv)

    from watchfiles import watch

    status_file = ROOT / ".build" / "serve-status.json"
    output = (ROOT / args.output).resolve()
    run_build(args.settings, str(output), status_file)
    output.mkdir(parents=True, exist_ok=True)

    handler = type("Handler", (DevHandler,), {"state": DevState(status_file)})
    server = http.server.ThreadingHTTPServer(
        (args.host, args.port), functools.partial(handler, directory=str(output))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver = None if args.no_receiver else start_receiver(args.host, args.port)
    print(f"Site : http://{args.host}:{args.port}/  (Ctrl+C pour arrêter)", flush=True)
    if receiver:
        print(f"Réception des inscriptions : http://{args.host}:8001/", flush=True)

    watched = watched_paths(args.settings)
    try:
        # A file saved between the first build and the start of watching would be
        # missed: the first wake-up (a change, or a second without one) builds again,
        # which costs nothing when no input changed (tools/build.py).
        caught_up = False
        for changes in watch(
            *watched, debounce=300, step=100, rust_timeout=1000, yield_on_timeout=True
        ):
            if changes or not caught_up:
                caught_up = True
                run_build(args.settings, str(output), status_file)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        if receiver:
            receiver.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
