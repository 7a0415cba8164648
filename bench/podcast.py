"""Podcast figures: the demo episodes' files, and the cost of the podcast plugin's work
at the size of a long-running show. A benchmark that prints, not a test.

    .venv/bin/python bench/podcast.py [--episodes 300]

Prints, for each demo episode, the audio's size, duration and bit rate (target: mono,
at most 64 kbit/s, 1 to 3 minutes) and the transcript's cue count; then the time to read
audio facts and transcripts (mutagen, webvtt-py) and to build a feed of N episodes with
feedgen, and that feed's size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import mutagen
from venez_vivre.podcast.feed import build_feed
from venez_vivre.podcast.generator import EpisodeMedia
from venez_vivre.podcast.media import read_audio, read_transcript
from venez_vivre.podcast.show import Show, podcast_guid

ROOT = Path(__file__).resolve().parent.parent


def demo_figures() -> list[tuple]:
    rows = []
    for mp3 in sorted((ROOT / "content" / "audio").glob("*.mp3")):
        audio = read_audio(mp3)
        info = mutagen.File(mp3).info
        vtt = ROOT / "content" / "transcripts" / f"{mp3.stem}.vtt"
        cues = len(read_transcript(vtt, vtt.name).cues) if vtt.is_file() else 0
        rows.append((mp3.name, audio.size, audio.duration, info.bitrate, info.channels, cues))
    return rows


def synthetic_feed(count: int) -> tuple[float, float, int]:
    base = "https://venez-vivre.example.org"
    show = Show(
        title="Venez vivre, le podcast",
        description="Banc d’essai. " * 20,
        author="Région",
        owner_name="Région",
        owner_email="podcast@example.org",
        artwork="images/podcast.jpg",
        category="Society & Culture",
        subcategory="Places & Travel",
        language="fr",
        explicit=False,
        type="episodic",
        copyright="© Région",
        host="Léa Martin",
        subscribe=[],
        funding=None,
        locked=True,
        location=None,
        base_url=base,
        guid=podcast_guid(base + "/podcast/feed.xml"),
    )
    mp3 = ROOT / "content" / "audio" / "dijon-a-1-h-35-de-paris.mp3"
    vtt = ROOT / "content" / "transcripts" / "dijon-a-1-h-35-de-paris.vtt"
    started = time.perf_counter()
    audio, transcript = read_audio(mp3), read_transcript(vtt, "transcripts/x.vtt")
    read_once = time.perf_counter() - started
    first = dt.datetime(2020, 1, 1, 7, tzinfo=dt.UTC)
    episodes = []
    for n in range(count, 0, -1):
        episodes.append(
            SimpleNamespace(
                title=f"Épisode {n}",
                url=f"podcast/episode-{n}/",
                summary="Un épisode du banc d’essai. " * 8,
                content='<p>Notes de l’épisode, avec <a href="/territoires/">un lien</a>.</p>',
                date=first + dt.timedelta(days=7 * n),
                audio=f"audio/episode-{n}.mp3",
                episode=n,
                season=None,
                episode_type="full",
                explicit=None,
                image=None,
                guests=[SimpleNamespace(name="Invitée", role="rôle")],
                territory=None,
                chapters=[],
                media=EpisodeMedia(audio, f"guid-{n}", transcript, f"podcast/episode-{n}/c.json"),
            )
        )
    started = time.perf_counter()
    feed = build_feed(show, episodes, lambda src: f"{base}/images/podcast-3000.jpg")
    return read_once, time.perf_counter() - started, len(feed)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=300)
    args = parser.parse_args(argv)
    print("Demo episodes")
    print(f"{'file':<45} {'bytes':>8} {'seconds':>8} {'kbit/s':>7} {'ch':>3} {'cues':>5}")
    for name, size, duration, bitrate, channels, cues in demo_figures():
        print(f"{name:<45} {size:>8} {duration:>8.1f} {bitrate // 1000:>7} {channels:>3} {cues:>5}")
    read_once, build, size = synthetic_feed(args.episodes)
    print(f"\nRead one episode's audio facts and transcript: {read_once * 1000:.1f} ms")
    print(
        f"Feed of {args.episodes} episodes: built in {build * 1000:.0f} ms, {size / 1024:.0f} KiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
