"""make stats speed and memory on generated access logs (prints figures, asserts none).

    make bench-stats       # or: PYTHONPATH=plugins .venv/bin/python -P bench/stats.py

(-P: bench/podcast.py must not hide the podcast plugin.)

Generates a month of two servers' rotated logs (sample_logs: visitors, poster scans,
podcast apps fetching ranges, bots) of about 100 000 and 1 000 000 lines, counts each in
a fresh process, and prints lines per second and the process's peak memory: the two
peaks should be close, since memory holds the last day's clients, not the logs. Lines
per CPU second are printed too: on a shared machine the wall-clock rate says more about
the neighbours than about the code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from venez_vivre.measurement import count_logs, log_files
from venez_vivre.measurement.counting import EpisodeFile
from venez_vivre.measurement.logs import open_log
from venez_vivre.measurement.sample_logs import generate

EPISODES = [
    EpisodeFile(f"episode-{n}", f"/audio/episode-{n}.mp3", 28_800_000, 1800.0, f"Épisode {n}")
    for n in range(1, 13)
]
POSTERS = [(f"campagne-{c}", str(p), f"/territoires/t{p}/") for c in (1, 2) for p in (1, 2, 3)]
START = dt.date(2026, 3, 1)
DAYS = 30


def count_lines(files) -> int:
    total = 0
    for path in files:
        with open_log(path) as stream:
            total += sum(1 for _ in stream)
    return total


def make_logs(folder: Path, lines: int) -> list[Path]:
    probe = folder / "probe"
    sample = count_lines(generate(probe, EPISODES, POSTERS, START, days=1, people=500))
    per_person = (sample - 60) / 500  # less the bots' and the scraper's lines of the day
    people = max(1, round((lines / DAYS - 60) / per_person))
    return generate(folder / "logs", EPISODES, POSTERS, START, days=DAYS, people=people)


def peak_memory_kib() -> int:
    """This process's peak resident memory. Linux's VmHWM starts afresh at exec, unlike
    ru_maxrss, which keeps the forking parent's pages."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(folder: Path) -> dict:
    files = log_files([str(folder / "logs" / "*")])
    started, cpu = time.perf_counter(), time.process_time()
    totals = count_logs(files, {e.path: e for e in EPISODES})
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_kib = peak_memory_kib()
    return {
        "lines": totals.lines,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mib": peak_kib / 1024,
        "visits": totals.visits,
        "downloads": sum(totals.downloads.values()),
        "files": len(files),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--count", type=Path, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if args.count:
        print(json.dumps(measure(args.count)))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-stats-") as tmp:
        for size in (args.lines // 10, args.lines):
            folder = Path(tmp) / str(size)
            make_logs(folder, size)
            child = subprocess.run(
                [sys.executable, "-P", __file__, "--count", str(folder)],
                capture_output=True,
                encoding="utf-8",
                check=True,
                env=os.environ,
            )
            result = json.loads(child.stdout)
            rate = result["lines"] / result["seconds"]
            cpu_rate = result["lines"] / result["cpu_seconds"]
            print(
                f"{result['lines']:>9,} lines in {result['files']} files: "
                f"{result['seconds']:.1f} s, {rate:,.0f} lines/s "
                f"({cpu_rate:,.0f} lines per CPU second), "
                f"peak memory {result['peak_mib']:.0f} MiB "
                f"({result['visits']:,} visits, {result['downloads']:,} downloads)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
