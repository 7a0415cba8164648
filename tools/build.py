"""Build the site into a fresh directory and swap it in only if the build succeeded.

    python tools/build.py [--settings pelicanconf.py] [--output output]

A broken content file never destroys the last good build: Pelican empties its output
directory before it reads the content, so it writes into a sibling directory which
replaces `output/` only at the end. Exit status: 0 built, 1 content errors (listed in
French), 2 any other failure. The outcome is also written to .build/status.json for
the development server.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _plugins_path(settings_file: Path) -> None:
    for candidate in (ROOT / "plugins", settings_file.parent / "plugins"):
        if candidate.is_dir() and str(candidate) not in sys.path:
            sys.path.insert(0, str(candidate))


def build(settings_file, output, overrides: dict | None = None, quiet: bool = False) -> dict:
    """Build once; return {"ok": bool, "errors": [str], "seconds": float}."""
    from pelican import Pelican
    from pelican.settings import read_settings

    settings_file = Path(settings_file).resolve()
    _plugins_path(settings_file)
    from programme.errors import BUILD_ERRORS, ContentErrors

    output = Path(output).resolve()
    staging = output.with_name(f".{output.name}.building")
    shutil.rmtree(staging, ignore_errors=True)
    started = time.perf_counter()
    previous_cwd = os.getcwd()
    os.chdir(settings_file.parent)  # error messages name files relative to the project
    try:
        settings = read_settings(
            str(settings_file), override={**(overrides or {}), "OUTPUT_PATH": str(staging)}
        )
        if quiet:
            logging.getLogger("pelican").setLevel(logging.ERROR)
        Pelican(settings).run()
        BUILD_ERRORS.raise_if_any()  # errors found while writing (images, links…)
    except ContentErrors as error:
        shutil.rmtree(staging, ignore_errors=True)
        return {"ok": False, "errors": [str(e) for e in error.errors], "report": error.report()}
    except Exception as error:  # a bug or a settings mistake: keep the old site too
        shutil.rmtree(staging, ignore_errors=True)
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        report = (
            "La construction du site a échoué ; le site précédent est conservé.\n"
            f"  • {detail}\n\n{traceback.format_exc()}"
        )
        return {"ok": False, "errors": [detail], "report": report}
    finally:
        os.chdir(previous_cwd)

    retired = output.with_name(f".{output.name}.previous")
    shutil.rmtree(retired, ignore_errors=True)
    if output.exists():
        output.rename(retired)
    staging.rename(output)
    shutil.rmtree(retired, ignore_errors=True)
    return {"ok": True, "errors": [], "seconds": round(time.perf_counter() - started, 2)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--output", default="output")
    parser.add_argument("--status", default=str(ROOT / ".build" / "status.json"))
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    result = build(args.settings, args.output, quiet=args.quiet)
    result["finished"] = time.time()
    status = Path(args.status)
    status.parent.mkdir(parents=True, exist_ok=True)
    status.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if result["ok"]:
        print(f"Site construit dans {args.output}/ en {result['seconds']} s.")
        return 0
    print(result["report"], file=sys.stderr)
    return 1 if "report" in result and "La construction" not in result["report"] else 2


if __name__ == "__main__":
    sys.exit(main())
