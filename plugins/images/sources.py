"""Sources: every image under content/, hashed and probed once (in parallel, cached by
its bytes), and the images content declares (Entry.media_files()) checked before writing."""

from __future__ import annotations

import hashlib
import json

from venez_vivre.programme.models import page_media

from . import pipeline
from .cache import probe_key
from .encoding import map_tasks
from .pipeline import Probe
from .run import Run, Source, run_of


def scan_sources(run: Run) -> None:
    suffixes = pipeline.RASTER_SUFFIXES | {".svg"}
    probes_dir = run.settings.cache_dir / "probes"
    to_probe = []
    for path in sorted(run.content.rglob("*")):
        if path.suffix.lower() not in suffixes or not path.is_file():
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        relative = path.relative_to(run.content).as_posix()
        source = Source(relative, path, digest, len(data))
        run.sources[relative] = source
        cached = probes_dir / f"{probe_key(run, digest)}.json"
        if cached.is_file():
            _apply_probe(source, json.loads(cached.read_text()))
        else:
            to_probe.append(source)
    if not to_probe:
        return
    jobs = [(str(s.path), run.settings.max_pixels) for s in to_probe]
    by_path = {str(s.path): s for s in to_probe}
    results = [
        result for _job, result, _ in map_tasks(pipeline.probe_task, jobs, run.settings.workers)
    ]
    for path, probe, error in results:
        source = by_path[path]
        record = {"probe": probe, "error": error}
        _apply_probe(source, record)
        target = probes_dir / f"{probe_key(run, source.digest)}.json"
        pipeline.write_atomic(target, json.dumps(record).encode())


def _apply_probe(source: Source, record: dict) -> None:
    source.probe = Probe.from_dict(record["probe"]) if record.get("probe") else None
    source.error = record.get("error")


def _resolve(src: str) -> str:
    """An image path as written by editors → the path relative to content/."""
    src = src.strip()
    for prefix in ("{static}", "{attach}", "{filename}"):
        if src.startswith(prefix):
            src = src[len(prefix) :]
    src = src.lstrip("/")
    if src.startswith("content/"):
        src = src[len("content/") :]
    return src


def check_used_images(generator) -> None:
    """Runs when the static generator has read its files: the last generator, so every
    content type is in the context, and before programme's all_generators_finalized
    check stops the build with every error at once."""
    run = run_of(generator)
    context = generator.context
    uses = [(run.build.brand.default_image, "pelicanconf.py", "BRAND.default_image")]
    # Each content type declares which of its fields are images (Entry.media_files()).
    for entry in context.get("entries") or []:
        uses += [
            (m.path, entry.source_path, m.field) for m in entry.media_files() if m.kind == "image"
        ]
    for item in [*(context.get("articles") or []), *(context.get("pages") or [])]:
        source = run.relative_source(item.source_path)
        uses += [(m.path, source, m.field) for m in page_media(item) if m.kind == "image"]
    for src, source_file, name in uses:
        if src:
            run.users.setdefault(_resolve(src), []).append((source_file, name))
    for relative, users in run.users.items():
        source = run.sources.get(relative)
        if source is None:
            for source_file, name in users:
                run.errors.add(
                    source_file, name, f"l’image « {relative} » est introuvable dans content/."
                )
        elif source.error:
            for source_file, name in users:
                run.errors.add(source_file, name, source.error)


def _source_for(run: Run, src: str, source_file: str | None, field_name: str) -> Source | None:
    relative = _resolve(src)
    source = run.sources.get(relative)
    # The page being rendered shows this file's pixels (its derivatives' names hold
    # their digest): edited, the page is rendered again (programme.incremental).
    run.build.render.depends_on_file(source.path if source is not None else run.content / relative)
    where = source_file or (run.users.get(relative) or [("?", field_name)])[0][0]
    if source is None:
        run.errors.add(where, field_name, f"l’image « {src} » est introuvable dans content/.")
        return None
    if source.error:
        run.errors.add(where, field_name, source.error)
        return None
    return source
