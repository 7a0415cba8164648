"""Print-file and QR figures of the demo campaigns: compose time cold and cached, sizes.

    .venv/bin/python bench/posters.py

Prints one line per poster and a total; no assertion (targets are read, not tested).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import yaml
from venez_vivre.posters import compose, qr
from venez_vivre.programme.models import Poster

ROOT = Path(__file__).resolve().parent.parent


def demo_posters():
    for path in sorted((ROOT / "content/campagnes").glob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        for number, block in enumerate(meta["posters"], 1):
            poster = Poster(
                number,
                block["image"],
                block["alt"],
                block.get("caption"),
                block["landing"],
                path.stem,
            )
            yield meta["title"], poster


def main() -> None:
    base = "https://venez-vivre.example.org"
    colors = {"primary": "#7a1f3d", "ink": "#1d1b1a", "paper": "#fffaf3"}
    totals = {"cold": 0.0, "cached": 0.0, "bytes": 0}
    with tempfile.TemporaryDirectory() as cache:
        for title, poster in demo_posters():
            args = dict(
                source=ROOT / "content" / poster.image,
                tracked_url=poster.tracked_url(base),
                short_url=poster.short_url(base),
                headline=poster.caption or title,
                signature="Venez vivre en Bourgogne-Franche-Comté",
                colors=colors,
                size_mm=(297, 420),
                dpi=300,
                cache=Path(cache),
            )
            started = time.perf_counter()
            pdf = compose.print_pdf(**args)
            cold = time.perf_counter() - started
            started = time.perf_counter()
            compose.print_pdf(**args)
            cached = time.perf_counter() - started
            png = qr.png(args["tracked_url"])
            svg = qr.svg(args["tracked_url"], args["short_url"])
            totals["cold"] += cold
            totals["cached"] += cached
            totals["bytes"] += len(pdf)
            print(
                f"{poster.campaign_slug} #{poster.number}: PDF A3 300 dpi "
                f"{len(pdf) / 1e6:.2f} MB in {cold:.2f} s (cached {cached * 1000:.1f} ms); "
                f"QR version {qr.make(args['tracked_url']).version}, "
                f"PNG {len(png)} B, SVG {len(svg)} B"
            )
    print(
        f"total: {totals['bytes'] / 1e6:.1f} MB of print files, "
        f"{totals['cold']:.2f} s cold, {totals['cached'] * 1000:.1f} ms cached"
    )


if __name__ == "__main__":
    main()
