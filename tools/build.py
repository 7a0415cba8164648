"""Build the site into a fresh directory and swap it in only if the build succeeded.

    python tools/build.py [--settings pelicanconf.py] [--output output] [--force]

A broken content file never destroys the last good build: Pelican empties its output
directory before it reads the content, so it writes into a sibling directory which
replaces `output/` only at the end. The replaced output is renamed
`.output.previous-<id>` and deleted in the background by the next build. One build of
an output at a time (`make serve` rebuilding while `make html` runs): the second waits
for the first (`.output.lock`). Exit status:
0 built, 1 content errors (listed in French), 2 any other failure. The outcome is also
written to .build/status.json for the development server.

Nothing to do, nothing done: like make, a build whose inputs are exactly those of the
build that produced `output/` leaves it as it is (`--force` rebuilds anyway). The
inputs are every file of the content folder, the theme, the plugins and the settings
files (path, size, modification time), the resolved settings, the Python version and
every installed package's version; they are recorded beside the output
(`.output.inputs.json`) after a successful build. A file modified within two seconds
of the build's start is not trusted to have a distinct modification time (the "racy
git" problem): such a build records nothing, and the next one rebuilds.

`--worker` (the development server's): one build per line read on standard input, in
one process kept between them, each answered on `--reply-fd` (see `serve_builds`).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import logging
import os
import shutil
import sys
import time
import traceback
import uuid
from contextlib import contextmanager
from pathlib import Path

import venez_vivre
import venez_vivre.receiver
import venez_vivre.tools

INPUTS_FORMAT = 1
SKIPPED_FOLDERS = {"__pycache__", ".git", ".cache", ".mypy_cache", ".ruff_cache"}
# The installed package's folders (one in a wheel; plugins/, receiver/ and tools/ of
# the repository in an editable install): a change to its code rebuilds.
PACKAGE_FOLDERS = sorted(
    {
        str(Path(folder))
        for module in (venez_vivre, venez_vivre.receiver, venez_vivre.tools)
        for folder in module.__path__
    }
)


def build(
    settings_file,
    output,
    overrides: dict | None = None,
    quiet: bool = False,
    force: bool = True,
    record: bool = True,
    full: bool = False,
    index_later: bool = False,
) -> dict:
    """Build once; return {"ok": bool, "errors": [str], "seconds": float, "skipped":
    bool}. force=False: skip the build when the inputs are those of `output`'s build.
    record=False: leave no input record (a throw-away output, such as publish's).
    full=True: render every page (otherwise pages whose inputs did not change are
    linked from `output`, see venez_vivre.programme.incremental).
    index_later=True: do not wait for the search index (the development server runs
    `python -m venez_vivre.search` on the output once it is served)."""
    settings_file = Path(settings_file).resolve()

    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(output.with_name(f".{output.name}.lock")):
        overrides = dict(overrides or {})
        if not record:  # a throw-away output (publish): rendered whole, nothing kept
            overrides["INCREMENTAL"] = False
        else:
            if full:  # every page rendered, and recorded for the next build
                overrides["INCREMENTAL"] = "record"
            overrides.setdefault("INCREMENTAL_PREVIOUS", str(output))
        return _build(settings_file, output, overrides, quiet, force, record, index_later)


@contextmanager
def _exclusive(lock: Path):
    """One build of an output at a time (`make serve` running while someone types
    `make html`): both would write the same staging folder. The second waits."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    with open(lock, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(
                f"Une autre construction de {lock.name[1:-5]}/ est en cours : elle est attendue…",
                file=sys.stderr,
                flush=True,
            )
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(
    settings_file: Path,
    output: Path,
    overrides,
    quiet: bool,
    force: bool,
    keep_record: bool,
    index_later: bool = False,
) -> dict:
    from pelican import Pelican
    from pelican.settings import read_settings
    from venez_vivre.programme.errors import ContentErrors
    from venez_vivre.programme.files import RACY_NS

    staging = output.with_name(f".{output.name}.building")
    record = output.with_name(f".{output.name}.inputs.json")
    shutil.rmtree(staging, ignore_errors=True)
    remove_retired_outputs(output)
    started = time.perf_counter()
    started_ns = time.time_ns()
    previous_cwd = os.getcwd()
    os.chdir(settings_file.parent)  # error messages name files relative to the project
    pelican = None
    try:
        settings = read_settings(
            str(settings_file), override={**(overrides or {}), "OUTPUT_PATH": str(staging)}
        )
        settings["SEARCH_INDEX_LATER"] = index_later  # what a page shows does not depend on it
        digest, newest = input_digest(settings_file, settings)
        if not force and _recorded(record, output) == digest:
            return {"ok": True, "errors": [], "seconds": _since(started), "skipped": True}
        if quiet:
            logging.getLogger("pelican").setLevel(logging.ERROR)
        pelican = Pelican(settings)
        pelican.run()  # Pelican itself stops on content errors, whatever the phase
        figures = pelican.settings["PROGRAMME"].build.figures
    except ContentErrors as error:
        shutil.rmtree(staging, ignore_errors=True)
        return {"ok": False, "errors": [str(e) for e in error.errors], "report": error.report()}
    except Exception as error:  # a bug or a settings mistake: keep the old site too
        shutil.rmtree(staging, ignore_errors=True)
        holder = pelican.settings.get("PROGRAMME") if pelican is not None else None
        found = holder.build.errors.errors if holder and holder.build else []
        if found:  # the site is written despite content errors, to find them all: a
            # failure while writing is then most likely one of their effects.
            content = ContentErrors(found)
            return {
                "ok": False,
                "errors": [str(e) for e in content.errors],
                "report": content.report(),
            }
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        report = (
            "La construction du site a échoué ; le site précédent est conservé.\n"
            f"  • {detail}\n\n{traceback.format_exc()}"
        )
        return {"ok": False, "errors": [detail], "report": report}
    finally:
        os.chdir(previous_cwd)

    record.unlink(missing_ok=True)  # output/ is about to change
    retired = output.with_name(f".{output.name}.previous-{uuid.uuid4().hex[:12]}")
    if output.exists():
        output.rename(retired)
    staging.rename(output)
    if keep_record and newest < started_ns - RACY_NS:
        stat = output.stat()
        state = {"format": INPUTS_FORMAT, "digest": digest, "output": _identity(stat)}
        record.write_text(json.dumps(state), encoding="utf-8")
    return {
        "ok": True,
        "errors": [],
        "seconds": _since(started),
        "skipped": False,
        "figures": figures,
    }


def remove_retired_outputs(output: Path):
    """Delete the outputs previous builds replaced (`.output.previous-*`), in a
    process of its own: unlinking 23,000 files took a second at 50 times the demo, and
    it now overlaps with this build's reading and rendering instead of adding to it.
    Whatever an interrupted deletion leaves is deleted by the next build."""
    from venez_vivre.programme.files import remove_in_background

    return remove_in_background(sorted(output.parent.glob(f".{output.name}.previous*")))


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 2)


def _identity(stat: os.stat_result) -> list[int]:
    return [stat.st_dev, stat.st_ino, stat.st_mtime_ns]


def _recorded(record: Path, output: Path) -> str | None:
    """The input digest recorded for `output`, if `output` is still the folder that
    build wrote (same inode, untouched at its top level)."""
    try:
        state = json.loads(record.read_text(encoding="utf-8"))
        if state.get("format") != INPUTS_FORMAT:
            return None
        if state.get("output") != _identity(output.stat()):
            return None
        return state.get("digest")
    except (OSError, ValueError, AttributeError):
        return None


def input_digest(settings_file: Path, settings: dict) -> tuple[str, int]:
    """(digest of everything a build reads, newest modification time among its files)."""
    from venez_vivre.programme.files import installed_packages
    from venez_vivre.programme.read_cache import settings_text

    digest = hashlib.sha256(f"inputs {INPUTS_FORMAT}\n{sys.version}\n".encode())
    digest.update("\n".join(installed_packages()).encode())
    digest.update(
        settings_text(settings, {"OUTPUT_PATH", "INCREMENTAL", "SEARCH_INDEX_LATER"}).encode()
    )
    folders = [
        settings["PATH"],
        settings["THEME"],
        *settings.get("THEME_TEMPLATES_OVERRIDES", []),
        *settings.get("PLUGIN_PATHS", []),
        *PACKAGE_FOLDERS,
    ]
    files = [Path(__file__).resolve(), settings_file]
    files += settings_file.parent.glob("*.py")
    newest = 0
    seen: set[str] = set()

    def add(path: str, stat: os.stat_result) -> None:
        nonlocal newest
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        newest = max(newest, stat.st_mtime_ns)

    for folder in sorted({str(Path(f).resolve()) for f in folders}):
        for here, subfolders, names in os.walk(folder):
            subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED_FOLDERS)
            for name in sorted(names):
                path = os.path.join(here, name)
                if path not in seen:
                    seen.add(path)
                    add(path, os.stat(path))
    for file in sorted({str(Path(f).resolve()) for f in files}):
        if file not in seen and os.path.isfile(file):
            add(file, os.stat(file))
    return digest.hexdigest(), newest


def reuse_summary(result: dict) -> str:
    """« 2 pages rendues, 3 236 reprises telles quelles », or "" when no page was
    reused (for `make html` and `make serve` alike)."""
    pages = (result.get("figures") or {}).get("render") or {}
    if not pages.get("reused"):
        return ""
    return f"{pages['rendered']} pages rendues, {pages['reused']} reprises telles quelles"


def write_status(result: dict, status: Path) -> None:
    """The outcome, for the development server (its pages show the errors)."""
    result["finished"] = time.time()
    status.parent.mkdir(parents=True, exist_ok=True)
    status.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


def serve_builds(args) -> int:
    """`--worker`: one build per line read on standard input, each answered on
    `--reply-fd` with "ok", "failed" (the report is on standard error), or "restart"
    when the code this process imported changed since it started (a plugin or an
    installed package: its builds would run the old code). The development server
    keeps one such process, so that a rebuild does not import Pelican, the plugins
    and their libraries again (a second each at ten times the demo)."""
    from venez_vivre.programme.incremental import code_digest

    imported = code_digest()
    status = Path(args.status)
    with os.fdopen(args.reply_fd, "w", buffering=1, encoding="utf-8") as reply:
        try:
            for _request in sys.stdin:
                if code_digest() != imported:
                    reply.write("restart\n")
                    return 0
                result = build(
                    args.settings, args.output, quiet=True, force=False, index_later=True
                )
                write_status(result, status)
                if not result["ok"]:
                    print(result["report"], file=sys.stderr, flush=True)
                reply.write("ok\n" if result["ok"] else "failed\n")
                del result
                gc.collect()  # the finished build's objects, freed while nobody waits
        except KeyboardInterrupt:  # Ctrl+C reaches the whole `make serve`
            return 130
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--output", default="output")
    parser.add_argument("--status", default=str(Path(".build") / "status.json"))
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument(
        "--force", action="store_true", help="rebuild even if no input changed since the last build"
    )
    parser.add_argument(
        "--index-later",
        action="store_true",
        help="do not index the site for search (python -m venez_vivre.search does it)",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="render every page again (implies --force; otherwise unchanged pages are reused)",
    )
    parser.add_argument(
        "--worker",
        action="store_true",
        help="build once per line read on standard input, as --index-later (make serve)",
    )
    parser.add_argument("--reply-fd", type=int, help="with --worker: where to answer")
    args = parser.parse_args(argv)
    if args.worker:
        return serve_builds(args)
    result = build(
        args.settings,
        args.output,
        quiet=args.quiet,
        force=args.force or args.full,
        full=args.full,
        index_later=args.index_later,
    )
    write_status(result, Path(args.status))
    if result["ok"] and result.get("skipped"):
        # Said the way the person typed the command: `make html` sets MAKELEVEL.
        again = "make html FORCE=1" if os.environ.get("MAKELEVEL") else "--force"
        print(
            f"Site à jour dans {args.output}/ : rien n’a changé depuis la dernière construction "
            f"({result['seconds']} s). Pour reconstruire quand même : {again}"
        )
        return 0
    if result["ok"]:
        detail = reuse_summary(result)
        detail = f" ({detail})" if detail else ""
        print(f"Site construit dans {args.output}/ en {result['seconds']} s{detail}.")
        return 0
    print(result["report"], file=sys.stderr)
    return 1 if "report" in result and "La construction" not in result["report"] else 2


if __name__ == "__main__":
    code = main()
    # Once the result is said, leave without freeing the build's objects one by one:
    # the interpreter's teardown took 1.2 s at ten times the demo. Nothing is left to
    # write (the output, the trace and the caches are written and closed); the
    # deletion of replaced outputs runs in a process of its own.
    # Under a profiler or a coverage tracer (`python -m cProfile tools/build.py`), exit
    # normally: they write what they measured at exit.
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)
