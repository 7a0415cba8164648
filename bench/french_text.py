"""What reading French front matter and typesetting French pages cost. A benchmark, not
a test: prints figures.

    .venv/bin/python bench/french_text.py [--output DIR] [--repeat N]

- front matter: every Markdown file of the demo's content/, read by PyYAML alone and by
  programme.front_matter.load (normalisation, forgivenesses, alias check, then PyYAML);
  per file, CPU time (robust to a busy machine), median of N runs;
- pages: every HTML page of a built site (default output/, `make html` first) through
  programme.typography.french_html, per page and per megabyte.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from venez_vivre.programme.front_matter import SAFE_LOADER, load, split  # noqa: E402
from venez_vivre.programme.typography import french_html  # noqa: E402


def _cpu(function, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.process_time()
        function()
        runs.append(time.process_time() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "output"))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    parts = [split(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "content").rglob("*.md"))]
    blocks = [p.metadata for p in parts if p]
    plain = _cpu(lambda: [yaml.load(b, Loader=SAFE_LOADER) for b in blocks], args.repeat)
    ours = _cpu(lambda: [load(b) for b in blocks], args.repeat)
    print(
        f"front matter, {len(blocks)} files of the demo "
        f"(CPU time per file, median of {args.repeat}):"
    )
    print(f"  PyYAML alone              {plain / len(blocks) * 1000:7.3f} ms")
    print(f"  programme.front_matter    {ours / len(blocks) * 1000:7.3f} ms")

    pages = [p.read_text(encoding="utf-8") for p in sorted(Path(args.output).rglob("*.html"))]
    if not pages:
        print(f"no HTML page in {args.output}: run `make html` first")
        return
    size = sum(len(p.encode()) for p in pages) / 1e6
    spent = _cpu(lambda: [french_html(p) for p in pages], max(1, args.repeat // 4))
    print(f"typography, {len(pages)} pages, {size:.2f} MB of HTML (CPU time):")
    print(f"  per page                  {spent / len(pages) * 1000:7.3f} ms")
    print(f"  per MB                    {spent / size * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
