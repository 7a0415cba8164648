"""The podcast: /podcast/feed.xml for Apple Podcasts and Podcasting 2.0 apps.

Episodes are read and validated by the `programme` plugin (front matter); this plugin
adds what needs the files themselves (audio size, duration and type, transcripts,
chapters past the end), the show settings (`PODCAST`), stable episode GUIDs, the JSON
chapters files and the feed. See docs/podcast.md.
"""

from __future__ import annotations

from pelican import signals

from .generator import PodcastGenerator

_state: dict = {}


def get_generators(pelican):
    return PodcastGenerator


def remember(generators) -> None:
    _state["generator"] = next((g for g in generators if isinstance(g, PodcastGenerator)), None)


def save_ledger(pelican) -> None:
    generator = _state.pop("generator", None)
    if generator is not None:
        generator.save_ledger()


def register():
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(remember)
    signals.finalized.connect(save_ledger)
