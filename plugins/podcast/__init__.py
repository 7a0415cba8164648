"""The podcast: /podcast/feed.xml for Apple Podcasts and Podcasting 2.0 apps.

Episodes are read and validated by the `programme` plugin (front matter); this plugin
adds what needs the files themselves (audio size, duration and type, transcripts,
chapters past the end), the show settings (`PODCAST`), stable episode GUIDs, the JSON
chapters files and the feed. See docs/podcast.md.
"""

from __future__ import annotations

from pelican import signals
from venez_vivre.programme import current

from .generator import PodcastGenerator


def get_generators(pelican):
    return PodcastGenerator


def save_ledger(pelican) -> None:
    generator = current(pelican).states.get("podcast")
    if generator is not None:
        generator.save_ledger()


def register():
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(save_ledger)
