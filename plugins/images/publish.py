"""Publishing, at `finalized`: encode what is missing, link every derivative from the
cache into the output, write the placeholders' CSS, sweep the cache, print a summary."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

from .cache import clean_cache
from .encoding import _reporting, encode_missing
from .run import Derivative, Run, run_of


def _publish(derivative: Derivative, output_root: Path, folders: set | None = None) -> None:
    """Link (or copy) a cached derivative into the output. Raises FileNotFoundError
    when the cache lost it. `folders`: output folders already created."""
    target = output_root / derivative.output
    if folders is None or target.parent not in folders:
        target.parent.mkdir(parents=True, exist_ok=True)
        if folders is not None:
            folders.add(target.parent)
    if derivative.fmt == "svg":
        shutil.copyfile(derivative.cache_path, target)
        return
    try:
        os.link(derivative.cache_path, target)
    except OSError:  # another file system, or links not allowed
        shutil.copyfile(derivative.cache_path, target)


def finalise(pelican) -> None:
    run = run_of(pelican)
    started = time.perf_counter()
    encoded, failures = encode_missing(run)
    for task, message in failures:
        relative = Path(task.source).relative_to(run.content).as_posix() if task.source else ""
        for source_file, name in run.users.get(relative) or [("?", "image")]:
            run.errors.add(source_file, name, message)
    if failures:
        return  # tools/build.py reports the errors and keeps the previous site
    total_bytes = 0
    folders: set[Path] = set()
    for derivative in run.wanted.values():
        try:
            _publish(derivative, run.output, folders)
        except FileNotFoundError:
            # Removed by a concurrent build's cleanup since it was checked: redo it.
            encoded += encode_missing(run)[0]
            _publish(derivative, run.output, folders)
        total_bytes += derivative.cache_path.stat().st_size
    _write_placeholders(run)
    removed = clean_cache(run, changed=encoded > 0)
    count = len(run.wanted)
    run.stats = dict(
        derivatives=count,
        encoded=encoded,
        reused=count - encoded,
        published_bytes=total_bytes,
        saved_bytes=saved_bytes(run),
        removed_from_cache=removed,
        seconds=round(time.perf_counter() - started, 2),
    )
    if _reporting():
        print(summary(run.stats), file=sys.stderr)
    run.build.figures["images"] = run.stats


def saved_bytes(run: Run) -> int:
    """Bytes a visitor does not download: for each raster source shown, its size minus
    that of its largest derivative in the best format (what a wide screen fetches)."""
    best: dict[str, Derivative] = {}
    order = {fmt: rank for rank, fmt in enumerate(("avif", "webp", "jpeg", "png"))}
    for derivative in run.wanted.values():
        if not derivative.source or derivative.fmt == "svg":
            continue
        current = best.get(derivative.source)
        if current is None or (derivative.width, -order[derivative.fmt]) > (
            current.width,
            -order[current.fmt],
        ):
            best[derivative.source] = derivative
    return sum(
        run.sources[relative].size - derivative.cache_path.stat().st_size
        for relative, derivative in best.items()
    )


def summary(stats: dict) -> str:
    return (
        f"Images : {stats['encoded']} dérivées encodées, {stats['reused']} réutilisées du cache "
        f"({stats['derivatives']} publiées, {_mo(stats['published_bytes'])}) ; "
        f"{_mo(stats['saved_bytes'])} de moins que les originaux pour les plus grands "
        f"affichages ; {stats['removed_from_cache']} fichiers périmés retirés du cache ; "
        f"{stats['seconds']} s."
    )


def _mo(count: int) -> str:
    return f"{count / 1_000_000:.1f} Mo".replace(".", ",")


def _write_placeholders(run: Run) -> None:
    """Placeholder colours as classes in a stylesheet: no inline style, so the site
    runs under Content-Security-Policy: default-src 'self'."""
    lines = [
        "/* Written by plugins/images: each photo's colours, shown while it loads. */",
        *(
            f".{name} {{ background: linear-gradient({top}, {bottom}); }}"
            for name, (top, bottom) in sorted(run.placeholders.items())
        ),
    ]
    target = run.output / "theme" / "css" / "images.css"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
