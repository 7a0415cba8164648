"""Encoding: the derivatives the cache lacks, in a process pool at the end of the build."""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import dataclasses
import logging
import multiprocessing
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from . import pipeline, social
from .cache import cached_derivatives

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from .run import Run


def _pool(workers: int):
    # forkserver: the build process may hold threads (dev server, tests); fork with
    # threads is unsafe. Children import venez_vivre.images from the installed package.
    context = multiprocessing.get_context("forkserver")
    return concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context)


def _task_outputs(task) -> list[str]:
    if isinstance(task, social.CardTask):
        return [task.target]
    return [target for _fmt, target in task.outputs]


def _run_one(task):
    if isinstance(task, social.CardTask):
        return social.run_card(task)
    return pipeline.run_task(task)


class Progress:
    """A progress line on a terminal for runs longer than a couple of seconds."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.started = time.monotonic()
        self.shown = False
        self.interactive = hasattr(stream, "isatty") and stream.isatty()

    def step(self) -> None:
        self.done += 1
        elapsed = time.monotonic() - self.started
        if elapsed < 2 or not _reporting():
            return
        if self.interactive:
            end = "\n" if self.done == self.total else ""
            print(f"\rImages : {self.done}/{self.total} encodées", end=end, file=self.stream)
            self.shown = True
        elif self.done == self.total or self.done % max(1, self.total // 10) == 0:
            print(f"Images : {self.done}/{self.total} encodées", file=self.stream)


def _reporting() -> bool:
    # tools/build.py --quiet and the tests raise the "pelican" logger to ERROR.
    return logging.getLogger("pelican").getEffectiveLevel() <= logging.WARNING


def encode_missing(run: Run) -> tuple[int, list[tuple[object, str]]]:
    """Encode every task with a missing output; returns (outputs encoded, failures)."""
    missing = []
    cached = cached_derivatives(run.settings.cache_dir)

    def present(path: str) -> bool:
        return path in cached or Path(path).is_file()

    for task in run.tasks.values():
        if all(present(p) for p in _task_outputs(task)):
            continue
        if isinstance(task, pipeline.Task):  # encode only the formats the cache lacks
            outputs = tuple((f, p) for f, p in task.outputs if not present(p))
            task = dataclasses.replace(task, outputs=outputs)
        missing.append(task)
    encoded, failures = 0, []
    if not missing:
        return 0, failures
    progress = Progress(len(missing))
    # Biggest first: keeps every core busy until the end.
    missing.sort(key=lambda t: -getattr(t, "width", 1200))
    for task, written, problem in map_tasks(_run_one, missing, run.settings.workers, progress):
        if problem is not None:
            failures.append((task, str(problem)))
        else:
            encoded += len(written)
    return encoded, failures


def map_tasks(function, items: list, workers: int, progress=None):
    """[(item, result, ImageProblem or None)] of `function` over `items`, in worker
    processes when there is more than one item and one core. Where worker processes
    cannot start (a main module that cannot be re-imported, such as `python -`), the
    work is done in this process instead."""

    def call(item):
        try:
            return item, function(item), None
        except pipeline.ImageProblem as problem:
            return item, None, problem

    results = []
    if workers > 1 and len(items) > 1:
        try:
            with _pool(min(workers, len(items))) as pool:
                futures = {pool.submit(function, item): item for item in items}
                for future in concurrent.futures.as_completed(futures):
                    item = futures[future]
                    try:
                        results.append((item, future.result(), None))
                    except pipeline.ImageProblem as problem:
                        results.append((item, None, problem))
                    if progress:
                        progress.step()
            return results
        except concurrent.futures.process.BrokenProcessPool:
            logger.warning("images: worker processes unavailable, encoding in this process")
            results = []
    for item in items:
        results.append(call(item))
        if progress:
            progress.step()
    return results
