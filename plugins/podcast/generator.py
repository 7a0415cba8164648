"""PodcastGenerator: what the podcast adds to the episodes ProgrammeGenerator has read.

generate_context (after ProgrammeGenerator's, since the plugin comes after `programme`
in PLUGINS) validates the show and reads each episode's files once: audio size,
duration and type, the transcript, the GUID. It attaches them to each episode as
`episode.media` and puts the show in the context as `podcast`, for templates.
generate_output writes the feed, one JSON chapters file and one transcript page per
episode, and the subscribe page the visitor's "Flux RSS" link leads to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pelican.generators import Generator
from programme.errors import BUILD_ERRORS
from programme.file_memo import FileMemo

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
# the demo).
MEDIA = FileMemo("podcast-media", version=1, errors=(MediaError,))


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
        if "episodes" not in self.context:
            raise RuntimeError(
                'The podcast plugin reads the episodes of the "programme" plugin: '
                'list "programme" before "podcast" in PLUGINS.'
            )
        episodes = self.context["episodes"]
        if not episodes:  # no feed without episodes; the show is checked with the first
            return
        content = Path(self.path)
        show = read_show(self.settings, content, BUILD_ERRORS)
        readable = []
        MEDIA.configure(self.settings)
        for episode in episodes:
            audio = self._audio(episode, content)
            transcript = self._transcript(episode, content, audio)
            self._check_episode(episode, content, audio)
            if audio is not None:
                readable.append((episode, audio, transcript))
        MEDIA.save()
        if show is None:
            return
        assigned = self._guids(episodes, content, show)
        for episode, audio, transcript in readable:
            chapters = f"{episode.url}{CHAPTERS_FILE}" if episode.chapters else None
            page = f"{episode.url}{TRANSCRIPT_PAGE}" if transcript else None
            episode.media = EpisodeMedia(
                audio, assigned[episode.source_path], transcript, chapters, page
            )
            self.published.append(episode)
        self.show = show
        self.context["podcast"] = show
        self.context["PODCAST_FEED_URL"] = show.feed_url
        self.context["PODCAST_SUBSCRIBE_URL"] = SUBSCRIBE_URL
        self._reject_reserved_slugs(episodes)

    # -- reading and checking -------------------------------------------------------------
    def _audio(self, episode, content: Path) -> AudioFile | None:
        try:
            audio = MEDIA.get(read_audio, content / episode.audio)
        except MediaError as error:
            BUILD_ERRORS.add(episode.source_path, "audio", f"content/{episode.audio} : {error}")
            return None
        for index, chapter in enumerate(episode.chapters):
            if chapter.start >= audio.duration:
                BUILD_ERRORS.add(
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
            transcript = MEDIA.get(
                read_transcript, content / episode.transcript, episode.transcript
            )
        except MediaError as error:
            BUILD_ERRORS.add(
                episode.source_path, "transcript", f"content/{episode.transcript} : {error}"
            )
            return None
        if audio is not None and transcript.end > audio.duration + TRANSCRIPT_TOLERANCE:
            BUILD_ERRORS.add(
                episode.source_path,
                "transcript",
                f"content/{episode.transcript} : la transcription va jusqu’à "
                f"{int(transcript.end)} s, après la fin de l’audio ({audio.label}) : "
                "est-ce la transcription d’un autre épisode ?",
            )
        return transcript

    @staticmethod
    def _reject_reserved_slugs(episodes) -> None:
        for episode in episodes:
            if episode.url == SUBSCRIBE_URL:
                BUILD_ERRORS.add(
                    episode.source_path,
                    "slug",
                    f"l’adresse /{SUBSCRIBE_URL} est celle de la page d’abonnement au "
                    "podcast : renommez le fichier de l’épisode.",
                )

    def _check_episode(self, episode, content: Path, audio) -> None:
        size = len(episode.summary.encode("utf-8"))
        if size > DESCRIPTION_MAX_BYTES:
            BUILD_ERRORS.add(
                episode.source_path,
                "summary",
                f"Apple limite la description à {DESCRIPTION_MAX_BYTES} octets, "
                f"celle-ci en fait {size} : raccourcissez-la.",
            )
        if episode.image:
            for problem in check_artwork(content / episode.image):
                BUILD_ERRORS.add(
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
                BUILD_ERRORS.add(
                    episode.source_path,
                    "guid",
                    f"le GUID « {guid} » est déjà celui de {seen[guid].source_path} : chaque "
                    "épisode doit avoir le sien, sinon les applications n’en gardent qu’un.",
                )
            seen[guid] = episode
        return assigned

    def save_ledger(self) -> bool:
        """Write content/podcast/guids.yml once the build succeeded."""
        if self.show is None or BUILD_ERRORS.errors:
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
                self._write(output / episode.media.chapters_path, self._chapters(episode))
            if episode.media.transcript_url:
                writer.write_file(
                    episode.media.transcript_url + "index.html",
                    transcript_template,
                    self.context,
                    relative_urls=relative_urls,
                    page_name=episode.media.transcript_url.rstrip("/"),
                    url=episode.media.transcript_url,
                    episode=episode,
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

    def _feed_image_url(self, src: str) -> str:
        # The images plugin's public interface (the Jinja global) makes the JPEG derivative.
        image_url = self.env.globals["image_url"]
        return self.show.absolute(image_url(src, FEED_IMAGE_WIDTH))

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
