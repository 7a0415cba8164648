"""Index a built site with Pagefind: `python -m venez_vivre.search --settings S --output O`.

The development server runs this after each build it serves (its builds set
SEARCH_INDEX_LATER, so that the preview does not wait for the index)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pelican.settings import read_settings

from . import index_output


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--output", default="output")
    args = parser.parse_args(argv)
    output = Path(args.output).resolve()
    settings_file = Path(args.settings).resolve()
    os.chdir(settings_file.parent)
    settings = read_settings(str(settings_file))
    pages = sorted(
        str(path.relative_to(output)).replace(os.sep, "/")
        for path in output.rglob("*.html")
        if not any(part.startswith(".") for part in path.relative_to(output).parts)
        and path.relative_to(output).parts[0] != "pagefind"
    )
    index_output(settings, output, pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
