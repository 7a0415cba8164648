"""tools/make_demo_podcast.py: a written script becomes a small MP3 whose transcript cues
and chapter starts come from the synthesis itself (espeak-ng and ffmpeg, see .ci/run)."""

from __future__ import annotations

import mutagen
import webvtt
import yaml
from venez_vivre.podcast.media import read_audio, read_transcript
from venez_vivre.podcast.show import check_artwork
from venez_vivre.tools import make_demo_podcast as tool

SCRIPT = {
    "slug": "essai",
    "photo": "kite.jpg",
    "front": {
        "title": "Un essai",
        "date": "2025-10-07 07:00",
        "summary": "Un épisode très court.",
        "episode": 9,
    },
    "body": "Notes de l’essai.",
    "lines": [
        tool.L(tool.HOST, "Bonjour à tous. Voici un essai.", "Début"),
        tool.L("Claire Moreau", "Et voici ma réponse.", "Réponse"),
    ],
}


def test_script_becomes_audio_transcript_chapters_and_artwork(tmp_path):
    for folder in ("audio", "transcripts", "podcast", "images"):
        (tmp_path / folder).mkdir()
    tool.make_episode(SCRIPT, tmp_path)
    mp3 = tmp_path / "audio" / "essai.mp3"
    audio = read_audio(mp3)
    info = mutagen.File(mp3).info
    assert audio.mime == "audio/mpeg" and info.channels == 1 and info.bitrate <= 64000

    transcript = read_transcript(tmp_path / "transcripts" / "essai.vtt", "transcripts/essai.vtt")
    assert [(c.speaker, c.text) for c in transcript.cues] == [
        (tool.HOST, "Bonjour à tous."),
        (tool.HOST, "Voici un essai."),
        ("Claire Moreau", "Et voici ma réponse."),
    ]
    assert transcript.cues[0].start == tool.LEAD_IN
    assert transcript.end <= audio.duration <= transcript.end + 2 * tool.LEAD_IN + 0.2

    text = (tmp_path / "podcast" / "essai.md").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---")[1])
    assert front["audio"] == "audio/essai.mp3" and front["episode"] == 9
    assert [c["title"] for c in front["chapters"]] == ["Début", "Réponse"]
    reply = transcript.cues[2].start
    minutes, seconds = (int(x) for x in front["chapters"][1]["start"].split(":"))
    assert minutes * 60 + seconds == int(reply)
    assert webvtt.read(str(tmp_path / "transcripts" / "essai.vtt")).captions[2].voice

    assert check_artwork(tmp_path / "images" / "podcast-essai.jpg") == []

    first = mp3.read_bytes()
    tool.make_episode(SCRIPT, tmp_path)
    assert mp3.read_bytes() == first  # bit-exact: regenerating changes nothing
