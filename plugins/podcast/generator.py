"""PodcastGenerator: what the podcast adds to the episodes ProgrammeGenerator has read.

generate_context (after ProgrammeGenerator's, since the plugin comes after `programme`
in PLUGINS) validates the show and reads each episode's files once: audio size,
duration and type, the transcript, the GUID. It attaches them to each episode as
`podcast_media` (episode slug → EpisodeMedia: the episode model, programme's, is not
changed) and puts the show in the context as `podcast`, for templates.
generate_output writes the feed, one JSON chapters file and one transcript page per
episode, and the subscribe page the visitor's "Flux RSS" link leads to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pelican.generators import Generator
from venez_vivre.images import jpeg_url
from venez_vivre.programme import current

from . import guids
from .feed import build_feed
from .media import AudioFile, MediaError, Transcript, read_audio, read_transcript
from .show import DESCRIPTION_MAX_BYTES, FEED_PATH, Show, check_artwork, read_show

CHAPTERS_FILE = "chapters.json"  # beside the episode page: /podcast/<slug>/chapters.json
TRANSCRIPT_PAGE = "transcription/"  # the transcript as a page: /podcast/<slug>/transcription/
# Where the "Flux RSS" link leads visitors: the feed address to copy and the apps, never
# the raw XML (apps find the feed itself through <link rel="alternate">).
SUBSCRIBE_URL = "podcast/abonnement/"
FEED_IMAGE_WIDTH = 3000  # Apple's largest artwork; sources are 1400 to 3000 px
TRANSCRIPT_TOLERANCE = 1.0  # seconds a transcript may run past the audio's end
# Audio headers and transcripts are read once, not at every build (150 episodes at 50x
# the demo): a file memo of the build context, under this name.
MEDIA_MEMO = "podcast-media"


@dataclass(frozen=True)
class EpisodeMedia:
    audio: AudioFile
    guid: str
    transcript: Transcript | None
    chapters_path: str | None  # site path of the JSON chapters file
    transcript_url: str | None  # site path of the transcript's HTML page

    @property
    def chapters_url(self) -> str | None:
        return self.chapters_path


class PublishedEpisode:
    """An episode of the feed: the programme's Episode, read through, with its media."""

    def __init__(self, entry, media: EpisodeMedia) -> None:
        self.entry, self.media = entry, media  # not `episode`: the episode's number

    def __getattr__(self, name):
        if name == "entry":  # not set yet (copy, pickle): no recursion
            raise AttributeError(name)
        return getattr(self.entry, name)


@dataclass(frozen=True)
class _GuidKey:
    relative_file: str
    season: int | None
    episode: int
    guid: str | None


class PodcastGenerator(Generator):
    def generate_context(self):
        self.show: Show | None = None
        self.published: list = []
        self.build = current(self.settings)
        self.build.state("podcast", lambda: self)  # the generator, for save_ledger()
        self.media = self.build.memo(MEDIA_MEMO, version=2, errors=(MediaError,))
        if "episodes" not in self.context:
            raise RuntimeError(
                'The podcast plugin reads the episodes of the "programme" plugin: '
                'list "programme" before "podcast" in PLUGINS.'
            )
        episodes = self.context["episodes"]
        if not episodes:  # no feed without episodes; the show is checked with the first
            return
        content = Path(self.path)
        show = read_show(self.settings, content, self.build.errors)
        readable = []
        for episode in episodes:
            audio = self._audio(episode, content)
            transcript = self._transcript(episode, content, audio)
            self._check_episode(episode, content, audio)
            if audio is not None:
                readable.append((episode, audio, transcript))
        self.media.save()
        if show is None:
            return
        assigned = self._guids(episodes, content, show)
        media_by_slug = {}
        for episode, audio, transcript in readable:
            chapters = f"{episode.url}{CHAPTERS_FILE}" if episode.chapters else None
            page = f"{episode.url}{TRANSCRIPT_PAGE}" if transcript else None
            media = EpisodeMedia(audio, assigned[episode.source_path], transcript, chapters, page)
            media_by_slug[episode.slug] = media
            self.published.append(PublishedEpisode(episode, media))
        self.show = show
        self.context["podcast"] = show
        self.context["podcast_media"] = media_by_slug
        self.context["PODCAST_FEED_URL"] = show.feed_url
        self.context["PODCAST_SUBSCRIBE_URL"] = SUBSCRIBE_URL
        self._reject_reserved_slugs(episodes)

    # -- reading and checking -------------------------------------------------------------
    def _audio(self, episode, content: Path) -> AudioFile | None:
        try:
            audio = self.media.get(read_audio, content / episode.audio)
        except MediaError as error:
            self.build.errors.add(
                episode.source_path, "audio", f"content/{episode.audio} : {error}"
            )
            return None
        for index, chapter in enumerate(episode.chapters, 1):
            if chapter.start >= audio.duration:
                self.build.errors.add(
                    episode.source_path,
                    f"chapters[{index}].start",
                    f"le chapitre « {chapter.title} » commence à {chapter.timestamp}, après la "
                    f"fin de l’épisode (l’audio dure {audio.label}).",
                )
        return audio

    def _transcript(self, episode, content: Path, audio) -> Transcript | None:
        if not episode.transcript:
            return None
        try:
            transcript = self.media.get(
                read_transcript, content / episode.transcript, episode.transcript
            )
        except MediaError as error:
            self.build.errors.add(
                episode.source_path, "transcript", f"content/{episode.transcript} : {error}"
            )
            return None
        if audio is not None and transcript.end > audio.duration + TRANSCRIPT_TOLERANCE:
            self.build.errors.add(
                episode.source_path,
                "transcript",
                f"content/{episode.transcript} : la transcription va jusqu’à "
                f"{int(transcript.end)} s, après la fin de l’audio ({audio.label}) : "
                "est-ce la transcription d’un autre épisode ?",
            )
        return transcript

    def _reject_reserved_slugs(self, episodes) -> None:
        for episode in episodes:
            if episode.url == SUBSCRIBE_URL:
                self.build.errors.add(
                    episode.source_path,
                    "slug",
                    f"l’adresse /{SUBSCRIBE_URL} est celle de la page d’abonnement au "
                    "podcast : renommez le fichier de l’épisode.",
                )

    def _check_episode(self, episode, content: Path, audio) -> None:
        size = len(episode.summary.encode("utf-8"))
        if size > DESCRIPTION_MAX_BYTES:
            self.build.errors.add(
                episode.source_path,
                "summary",
                f"Apple limite la description à {DESCRIPTION_MAX_BYTES} octets, "
                f"celle-ci en fait {size} : raccourcissez-la.",
            )
        if episode.image:
            for problem in check_artwork(content / episode.image):
                self.build.errors.add(
                    episode.source_path, "image", f"content/{episode.image} : {problem}"
                )

    def _guids(self, episodes, content: Path, show: Show) -> dict:
        keys = {
            episode.source_path: _GuidKey(
                str(Path(episode.page.source_path).resolve().relative_to(content.resolve())),
                episode.season,
                episode.episode,
                episode.guid,
            )
            for episode in episodes
        }
        by_file, self.ledger = guids.assign(list(keys.values()), content, show.guid)
        assigned = {path: by_file[key.relative_file] for path, key in keys.items()}
        seen: dict[str, object] = {}
        for episode in sorted(episodes, key=lambda e: e.source_path):
            guid = assigned[episode.source_path]
            if guid in seen:
                self.build.errors.add(
                    episode.source_path,
                    "guid",
                    f"le GUID « {guid} » est déjà celui de {seen[guid].source_path} : chaque "
                    "épisode doit avoir le sien, sinon les applications n’en gardent qu’un.",
                )
            seen[guid] = episode
        return assigned

    def save_ledger(self) -> bool:
        """Write content/podcast/guids.yml once the build succeeded."""
        if self.show is None or self.build.errors.errors:
            return False
        return guids.write_ledger(Path(self.path), self.ledger)

    # -- writing --------------------------------------------------------------------------
    def generate_output(self, writer):
        if self.show is None:
            return
        output = Path(self.output_path)
        relative_urls = self.settings.get("RELATIVE_URLS")
        transcript_template = self.get_template("transcript")
        for episode in self.published:
            if episode.media.chapters_path:
                chapters = output / episode.media.chapters_path
                self._write(chapters, self._chapters(episode))
                self.build.record_written(chapters)
            if episode.media.transcript_url:
                writer.write_file(
                    episode.media.transcript_url + "index.html",
                    transcript_template,
                    self.context,
                    relative_urls=relative_urls,
                    page_name=episode.media.transcript_url.rstrip("/"),
                    url=episode.media.transcript_url,
                    episode=episode.entry,
                )
        writer.write_file(
            SUBSCRIBE_URL + "index.html",
            self.get_template("podcast_subscribe"),
            self.context,
            relative_urls=relative_urls,
            page_name=SUBSCRIBE_URL.rstrip("/"),
            url=SUBSCRIBE_URL,
        )
        feed = build_feed(self.show, self.published, self._feed_image_url)
        self._write(output / FEED_PATH, feed)
        self.build.record_written(output / FEED_PATH)

    def _feed_image_url(self, src: str) -> str:
        # The images plugin's public interface makes the JPEG derivative.
        return self.show.absolute(jpeg_url(self.build, src, FEED_IMAGE_WIDTH))

    def _chapters(self, episode) -> bytes:
        """Podcasting 2.0 JSON chapters (version 1.2.0) from the front matter."""
        data = {
            "version": "1.2.0",
            "title": episode.title,
            "podcastName": self.show.title,
            "author": self.show.author,
            "fileName": self.show.absolute(episode.audio),
            "chapters": [{"startTime": c.start, "title": c.title} for c in episode.chapters],
        }
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
