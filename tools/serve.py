"""Development server: build, serve on http://127.0.0.1:8000, rebuild on every change.

    python tools/serve.py [--settings pelicanconf.py] [--output output] [--port 8000]

- Each rebuild is tools/build.py's (it swaps output/ only when it succeeds: a broken
  content file never takes the site down), run by one process kept between rebuilds
  (`--worker`: nothing imported again); a new one takes over when the plugins' code
  or the installed packages change.
- While the last build failed, every page shows the French error report on top of the
  last good build; the terminal prints it too.
- Files are served by tools/static_server.py (byte ranges, so the audio player can
  seek; the site's media types); `--port 0` takes a free port and prints it.
- Pages reload themselves after each successful rebuild (a small script injected by
  this server only — the published site has none of it).
- The reference signup receiver (receiver/) is started beside the site on port 8001
  when present, so the form works locally end to end.
- The web editor's local backend (decap-server, npm) is started on 127.0.0.1:8081
  (--cms-port) when installed: /admin/ then writes entries straight into content/,
  and the rebuild follows (plugins/cms, docs/cms.md).
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from venez_vivre.programme.files import CROSS_ORIGIN_PATHS
from venez_vivre.tools.build import reuse_summary
from venez_vivre.tools.static_server import StaticServer

# The programme's folder (this repository, or a programme's own one): where the
# command runs, as for `pelican`.
ROOT = Path.cwd()

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
# chapters from their own origin (deploy/nginx.conf and deploy/_headers do the same).
CROSS_ORIGIN_HEADERS = [
    (f"/{path}", {"Access-Control-Allow-Origin": "*"}) for path in CROSS_ORIGIN_PATHS
]


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


def inject_dev_script(state: DevState) -> Callable[[bytes, str], bytes]:
    """What the development server does to every page: the reload script, and the
    French error report while the last build failed."""

    def rewrite(body: bytes, path: str) -> bytes:
        status = state.status()
        inject = DEV_SCRIPT + (b"" if status.get("ok", True) else error_banner(status))
        if path.startswith("/admin/"):
            inject = b""  # a reload would lose what the editor is typing in the CMS
        if b"<body" in body:
            start = body.index(b"<body")
            end = body.index(b">", start) + 1
            return body[:end] + inject + body[end:]
        return inject + body

    return rewrite


def stop_process(process: subprocess.Popen) -> None:
    """Ask a child process to stop (SIGTERM), and kill it if it has not within 10 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class BuildWorker:
    """The builds of the preview, run one after the other by one process kept between
    them (`tools/build.py --worker`): Pelican, the plugins and their libraries are
    imported once, not at every save. The worker exits when the code it imported
    changed (a plugin edited, a package installed) and a new one builds instead; one
    that died is replaced too, and the build tried again once. Each build is still
    tools/build.py's: into a staging folder, swapped in only when it succeeds."""

    def __init__(self, settings: str, output: str, status_file: Path) -> None:
        self.settings = settings
        self.output = output
        self.status_file = status_file
        self.process: subprocess.Popen | None = None
        self.replies = None

    def start(self) -> None:
        read, write = os.pipe()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "venez_vivre.tools.build",
                "--worker",
                "--settings",
                self.settings,
                "--output",
                self.output,
                "--status",
                str(self.status_file),
                "--reply-fd",
                str(write),
            ],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            pass_fds=(write,),
        )
        os.close(write)
        self.replies = os.fdopen(read, "r", encoding="utf-8")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            for stream in (self.process.stdin, self.replies):
                with contextlib.suppress(OSError):
                    stream.close()
        self.process = self.replies = None

    def _ask(self) -> str:
        if self.process is None or self.process.poll() is not None:
            self.stop()
            self.start()
        try:
            self.process.stdin.write(b"build\n")
            self.process.stdin.flush()
        except OSError:  # it died meanwhile
            return ""
        return self.replies.readline().strip()

    def build(self) -> bool:
        started = time.perf_counter()
        answer = self._ask()
        if answer not in ("ok", "failed"):  # "restart" (new code) or "" (it died)
            self.stop()
            answer = self._ask()
        elapsed = time.perf_counter() - started
        stamp = time.strftime("%H:%M:%S")
        status = DevState(self.status_file).status() if answer == "ok" else {}
        if status.get("skipped"):
            return True  # nothing had changed: nothing to say
        if answer == "ok":
            detail = reuse_summary(status)
            print(
                f"[{stamp}] site reconstruit ({elapsed:.1f} s{detail and ', ' + detail})",
                flush=True,
            )
        else:
            print(f"[{stamp}] échec : le site précédent reste en ligne.", flush=True)
        return answer == "ok"


class SearchIndexer:
    """Pagefind over the served output, in the background, after each build: the
    preview never waits for the search index (the build carries the previous index
    over meanwhile). A build arriving while indexing stops the indexing under way."""

    def __init__(self, settings: str, output: Path) -> None:
        self.command = [
            sys.executable,
            "-m",
            "venez_vivre.search",
            "--settings",
            settings,
            "--output",
            str(output),
        ]
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.stop()
        self.process = subprocess.Popen(self.command, cwd=ROOT)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
        self.process = None


def watched_paths(settings_file: str) -> list[Path]:
    """What a rebuild depends on: the settings, their content folder, theme and plugins
    (so `make serve SETTINGS=examples/ville/pelicanconf.py` watches that programme)."""
    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / settings_file))
    from venez_vivre.tools.build import PACKAGE_FOLDERS

    paths = [ROOT / settings_file, Path(ROOT / settings_file).with_name("pelicanconf.py")]
    paths += [Path(settings["PATH"]), Path(settings["THEME"]), *map(Path, PACKAGE_FOLDERS)]
    return sorted({p.resolve() for p in paths if p.exists()})


def start_receiver(host: str, site_port: int, output: Path) -> subprocess.Popen | None:
    db = ROOT / ".build" / "inscriptions.sqlite3"
    db.parent.mkdir(parents=True, exist_ok=True)
    # The site's territories (labels on the correction page, the site's frame).
    territories = output / "inscription" / "territoires.json"
    extra = ["--territories", str(territories)] if territories.is_file() else []
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "venez_vivre.receiver",
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
            *extra,
        ],
        cwd=ROOT,
    )


def start_cms_backend(host: str, port: int, settings_file: str) -> subprocess.Popen | None:
    """decap-server in its file-system mode, on loopback, over the project folder (the
    parent of content/, as in /admin/config.json's paths)."""
    server = ROOT / "node_modules" / "decap-server" / "dist" / "index.js"
    node = shutil.which("node")
    if not server.is_file() or not node:
        return None
    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / settings_file))
    if not (settings.get("CMS") or {}).get("enabled", True):
        return None
    project = Path(settings["PATH"]).resolve().parent
    environment = {**os.environ, "MODE": "fs", "PORT": str(port), "BIND_HOST": host}
    environment.update(GIT_REPO_DIRECTORY=str(project), LOG_LEVEL="warn")
    return subprocess.Popen([node, str(server)], cwd=project, env=environment)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Serve the site and rebuild on change.")
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--output", default="output")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-receiver", action="store_true")
    parser.add_argument("--cms-port", type=int, default=8081)
    args = parser.parse_args(argv)

    from watchfiles import watch

    # Stopped with SIGTERM (a test, a service manager), Python would exit without its
    # `finally`, leaving the receiver and decap-server running: exit normally instead.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    status_file = ROOT / ".build" / "serve-status.json"
    output = (ROOT / args.output).resolve()
    indexer = SearchIndexer(args.settings, output)
    builder = BuildWorker(args.settings, str(output), status_file)
    builder.build()
    output.mkdir(parents=True, exist_ok=True)
    indexer.start()

    cms = start_cms_backend(args.host, args.cms_port, args.settings)
    cms_backend = f"http://{args.host}:{args.cms_port}/api/v1" if cms else None
    state = DevState(status_file)
    server = StaticServer(
        output,
        host=args.host,
        port=args.port,
        headers=CROSS_ORIGIN_HEADERS,
        rewrite_html=inject_dev_script(state),
        json_routes={"/__dev/status": lambda: {**state.status(), "cms_backend": cms_backend}},
    ).start()
    port = int(server.url.rsplit(":", 1)[1])  # the one the system chose for --port 0
    receiver = None if args.no_receiver else start_receiver(args.host, port, output)
    print(f"Site : {server.url}/  (Ctrl+C pour arrêter)", flush=True)
    if receiver:
        print(f"Réception des inscriptions : http://{args.host}:8001/", flush=True)
    if cms:
        print(f"Modifier le site : {server.url}/admin/", flush=True)

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
                indexer.stop()
                if builder.build() and (changes or not (output / "pagefind").is_dir()):
                    indexer.start()
    except KeyboardInterrupt:
        pass
    finally:
        indexer.stop()
        builder.stop()
        server.stop()
        for process in (receiver, cms):
            if process:
                stop_process(process)
    return 0


if __name__ == "__main__":
    sys.exit(main())
