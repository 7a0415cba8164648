"""What the feed and the pages need from an episode's files, read once from the files.

Editors never type a size, a duration or a MIME type (../shared/CONTENT.md): mutagen
reads them from the audio itself, and webvtt-py parses the transcript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import mutagen
import webvtt
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from venez_vivre.programme.files import TRANSCRIPT_TYPES

# What Apple Podcasts accepts as episode audio, by the type mutagen finds in the bytes
# (not the file name): the MIME type the enclosure announces, and the file suffixes
# that agree with it.
APPLE_AUDIO = {
    MP3: ("audio/mpeg", (".mp3",)),
    MP4: ("audio/x-m4a", (".m4a", ".mp4")),
}


class MediaError(Exception):
    """A French message for editors: what is wrong with the file."""


@dataclass(frozen=True)
class AudioFile:
    size: int  # bytes, the enclosure length
    duration: float  # seconds
    mime: str

    @property
    def seconds(self) -> int:
        """itunes:duration: whole seconds."""
        return round(self.duration)

    @property
    def label(self) -> str:
        """`23 min 05 s`, `1 h 02 min`: the duration as a listener reads it."""
        hours, rest = divmod(self.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        if hours:
            return f"{hours} h {minutes:02d} min"
        if minutes:
            return f"{minutes} min {seconds:02d} s"
        return f"{seconds} s"

    @property
    def iso(self) -> str:
        """ISO 8601 duration for <time datetime> and structured data."""
        hours, rest = divmod(self.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return "PT" + (f"{hours}H" if hours else "") + f"{minutes}M{seconds}S"


def read_audio(path: Path) -> AudioFile:
    """Size, duration and real type of an audio file; MediaError if Apple would refuse it."""
    if not path.is_file():
        raise MediaError(f"le fichier {path.name} n’existe pas.")
    size = path.stat().st_size
    if size == 0:
        raise MediaError(f"le fichier {path.name} est vide.")
    try:
        audio = mutagen.File(path)
    except mutagen.MutagenError as error:
        raise MediaError(
            f"fichier audio illisible ({error}) : réexportez-le en MP3 depuis votre logiciel."
        ) from error
    if audio is None:
        raise MediaError(
            f"type de fichier audio inconnu : {path.name} n’est ni un MP3 ni un M4A lisible."
        )
    kind = next((k for k in APPLE_AUDIO if isinstance(audio, k)), None)
    if kind is None:
        found = type(audio).__name__
        raise MediaError(
            f"ce fichier est au format {found}, qu’Apple Podcasts n’accepte pas : "
            "attendu un MP3 (ou un M4A)."
        )
    mime, suffixes = APPLE_AUDIO[kind]
    if path.suffix.lower() not in suffixes:
        raise MediaError(
            f"le fichier contient du {kind.__name__} mais son nom se termine par "
            f"« {path.suffix} » : renommez-le en « {suffixes[0]} »."
        )
    duration = getattr(audio.info, "length", 0) or 0
    if duration <= 0:
        raise MediaError("fichier audio illisible : sa durée est nulle.")
    return AudioFile(size=size, duration=float(duration), mime=mime)


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    speaker: str | None
    text: str


@dataclass(frozen=True)
class Paragraph:
    """Consecutive cues of one speaker: the transcript as readable text."""

    start: float
    speaker: str | None
    text: str

    @property
    def seconds(self) -> int:
        return int(self.start)

    @property
    def timestamp(self) -> str:
        hours, rest = divmod(self.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


_TIMING = re.compile(
    r"^\s*(?:\d+:)?\d{2}:\d{2}[.,]\d{3}\s+-->\s+(?:\d+:)?\d{2}:\d{2}[.,]\d{3}(?:\s+.*)?$"
)
# A line that starts like a cue timing (`00:00:06`, `0:06.5`): checked even without a
# correct `-->`, since webvtt-py drops a cue whose timing it cannot read, silently.
_TIMESTAMP = r"(?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d+)?"
_TIMING_LIKE = re.compile(rf"^\s*({_TIMESTAMP})\s*(?:[-–—=]*>|→|\s)\s*({_TIMESTAMP})")


@dataclass
class Transcript:
    path: str  # relative to content/, published at the same path
    mime: str
    cues: list[Cue] = field(default_factory=list)

    @property
    def end(self) -> float:
        return max((c.end for c in self.cues), default=0.0)

    @property
    def paragraphs(self) -> list[Paragraph]:
        out: list[Paragraph] = []
        for cue in self.cues:
            if out and cue.speaker == out[-1].speaker:
                last = out[-1]
                out[-1] = Paragraph(last.start, last.speaker, f"{last.text} {cue.text}")
            else:
                out.append(Paragraph(cue.start, cue.speaker, cue.text))
        return out


def _seconds(timestamp: str) -> float:
    parts = timestamp.replace(",", ".").split(":")
    seconds = float(parts[-1]) + int(parts[-2]) * 60
    return seconds + (int(parts[-3]) * 3600 if len(parts) == 3 else 0)


def _timing_problem(number: int, line: str, suffix: str) -> str | None:
    """What is wrong with a cue's timing line, in the editor's words (None if nothing)."""
    if "-->" not in line and not _TIMING_LIKE.match(line):
        return None
    shown = f"ligne {number} : « {line.strip()} »"
    if "-->" not in line:
        return f"{shown} : la flèche entre le début et la fin s’écrit « --> » (deux tirets)"
    if not _TIMING.match(line):
        return f"{shown} n’est pas un horodatage « 00:01:02.500 --> 00:01:05.000 »"
    if suffix == ".vtt" and "," in "".join(_TIMING_LIKE.match(line).groups()):
        return (
            f"{shown} : dans un fichier VTT les millièmes suivent un point "
            "(00:00:06.000), pas une virgule comme en SRT"
        )
    return None


def read_transcript(path: Path, relative: str) -> Transcript:
    """Parse a WebVTT or SubRip transcript; MediaError names the first line at fault."""
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise MediaError("transcription illisible : enregistrez le fichier en UTF-8.") from error
    # webvtt-py silently skips a cue whose timing line it cannot read: check them first,
    # all of them, so that the editor fixes every cue in one go.
    problems = [
        problem
        for number, line in enumerate(text.splitlines(), 1)
        if (problem := _timing_problem(number, line, suffix))
    ]
    if problems:
        raise MediaError("transcription illisible : " + " ; ".join(problems) + ".")
    try:
        captions = webvtt.read(str(path)) if suffix == ".vtt" else webvtt.from_srt(str(path))
    except (webvtt.errors.MalformedFileError, webvtt.errors.MalformedCaptionError) as error:
        expected = "commencer par la ligne « WEBVTT »" if suffix == ".vtt" else "être un SRT"
        raise MediaError(
            f"transcription illisible ({error}) : le fichier doit {expected}."
        ) from error
    cues = []
    for caption in captions:
        start, end = _seconds(caption.start), _seconds(caption.end)
        if end < start:
            raise MediaError(
                f"transcription illisible : la réplique de {caption.start} "
                "finit avant de commencer."
            )
        cue_text = " ".join(caption.text.split())
        if cue_text:
            cues.append(Cue(start, end, getattr(caption, "voice", None), cue_text))
    if not cues:
        raise MediaError("transcription vide : aucune réplique horodatée n’a été trouvée.")
    return Transcript(path=relative, mime=TRANSCRIPT_TYPES[suffix], cues=cues)
