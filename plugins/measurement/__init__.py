"""Measuring the programme from its web server's access logs, without a tracker.

`make stats LOGS='…' [SIGNUPS=…] [STATS_OUT=stats] [UPDATE_FIGURES=1]` (tools/stats.py)
calls `measure()`: the logs are streamed in time order (logs.py), each request is
classified and counted by the rules of docs/stats.md (agents.py, counting.py), joined
with the campaigns, the built site's episodes, the key figures (programme_facts.py) and
the receiver's sign-up counts (signups.py), and written as report.json and report.html
(report.py). Not a Pelican plugin: it reads what the build and the editors wrote.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

from .counting import Counting, Totals
from .logs import LineCount, merged_requests
from .programme_facts import campaigns, key_figures, published_episodes
from .report import build_report, render_html, write_report
from .signups import read_signups


class LogsError(Exception):
    """A French message about LOGS."""


def log_files(patterns: list[str]) -> list[Path]:
    """Every file the patterns name (shell-style globs, as LOGS='…/access.log*')."""
    files: list[Path] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern)) or ([pattern] if Path(pattern).is_file() else [])
        if not matches:
            raise LogsError(f"aucun journal ne correspond à « {pattern} ».")
        files += [Path(m) for m in matches if Path(m).is_file()]
    return list(dict.fromkeys(files))


def count_logs(files: list[Path], episodes) -> Totals:
    counting = Counting(episodes=episodes)
    count = LineCount()
    for request in merged_requests(files, count):
        counting.add(request)
    totals = counting.finish()
    totals.lines, totals.skipped_lines = count.lines, count.skipped
    totals.truncated_files = count.truncated
    return totals


@dataclass(frozen=True)
class Measured:
    report: dict
    json_path: Path
    html_path: Path


def measure(
    logs: list[str],
    site: Path,
    content: Path,
    key_figures_file: Path,
    out: Path,
    signups: str | None = None,
) -> Measured:
    files = log_files(logs)
    episodes = published_episodes(site)
    known_campaigns = campaigns(content)  # content errors stop before the long count
    signup_counts = read_signups(signups) if signups else None
    totals = count_logs(files, episodes)
    report = build_report(totals, known_campaigns, key_figures(key_figures_file), signup_counts)
    titles = {c.slug: c.title for c in known_campaigns}
    titles.update((e.slug, e.title) for e in episodes.values())
    html = render_html(report, titles)
    json_path, html_path = write_report(report, html, out)
    return Measured(report, json_path, html_path)
