"""Generate the demo podcast: audio, timed transcripts, episode files and artwork.

    python tools/make_demo_podcast.py [--content content] [--only SLUG]

Each episode below is a written French script (who says what, where chapters start).
Every sentence is spoken by espeak-ng (French voice, one variant per speaker), the
sentences are joined with short pauses, and ffmpeg encodes the result to a small mono
MP3. Because each sentence is synthesised on its own, its exact start and end in the
episode are known: they become the WebVTT cues, and the chapter starts in the episode's
front matter come from the same timings. The outputs are committed, so building the demo
needs neither espeak-ng nor ffmpeg; run this again only to change the demo.

Writes content/audio/<slug>.mp3, content/transcripts/<slug>.vtt,
content/podcast/<slug>.md, content/images/podcast.jpg (show artwork) and
content/images/podcast-<slug>.jpg (episode artwork).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFont, ImageOps

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = ROOT.parent / "shared" / "photos"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
SHOW_TITLE = "Venez vivre"
SHOW_SUBTITLE = "le podcast de Bourgogne-Franche-Comté"
ARTWORK_SIZE = 1400  # Apple: square, 1400 to 3000 px
SAMPLE_RATE = 22050  # espeak-ng's own rate: no resampling
BITRATE = "48k"  # mono speech: small files, clear enough
WORDS_PER_MINUTE = 160
PAUSE_SENTENCE = 0.35  # seconds between two sentences of one speaker
PAUSE_TURN = 0.7  # seconds when the speaker changes
LEAD_IN = 0.5

HOST = "Léa Martin"
VOICES = {  # espeak-ng French voice with a variant per speaker, so voices differ
    HOST: "fr+f3",
    "Claire Moreau": "fr+f4",
    "Camille Roussel": "fr+m3",
    "Sophie Lambert": "fr+f2",
    "Anne Bonnot": "fr+f5",
    "Karim Benali": "fr+m4",
    "Julien Perrin": "fr+m2",
}


@dataclass
class Line:
    speaker: str
    text: str
    chapter: str | None = None  # a chapter starts with this line


def L(speaker, text, chapter=None):  # a short name: the scripts read like a play
    return Line(speaker, text, chapter)


EPISODES = [
    {
        "slug": "dijon-a-1-h-35-de-paris",
        "photo": "eveningglow.jpg",
        "front": {
            "title": "Dijon, à 1 h 35 de Paris",
            "date": "2025-06-03 07:00",
            "summary": (
                "Claire a quitté la banlieue parisienne pour un poste d’infirmière au CHU "
                "de Dijon. Avec Camille Roussel, chargée d’accueil de Dijon Métropole, elle "
                "raconte le déclic, le logement et la vie sans RER."
            ),
            "episode": 1,
            "season": 1,
            "territory": "dijon-metropole",
            "guests": [
                {"name": "Claire Moreau", "role": "infirmière au CHU de Dijon"},
                {"name": "Camille Roussel", "role": "chargée d’accueil de Dijon Métropole"},
            ],
        },
        "body": (
            "Dans ce premier épisode, Claire raconte son arrivée à Dijon après huit ans "
            "de trajets quotidiens en RER, et Camille Roussel explique comment le service "
            "d’accueil de la métropole accompagne les nouveaux arrivants : recherche de "
            "logement, emploi du conjoint, inscription des enfants.\n\n"
            "Pour aller plus loin, lisez [le témoignage de Claire]"
            "({filename}/temoignages/claire-infirmiere-a-dijon.md)."
        ),
        "lines": [
            L(
                HOST,
                "Bonjour et bienvenue dans Venez vivre, le podcast de Bourgogne-Franche-Comté. "
                "Je suis Léa Martin. Aujourd’hui, nous partons à Dijon, à une heure trente-cinq "
                "de Paris en TGV.",
                "Introduction",
            ),
            L(
                HOST,
                "Avec moi, Claire Moreau, infirmière, et Camille Roussel, du service "
                "d’accueil de la métropole. Claire, pourquoi avoir quitté la région parisienne ?",
            ),
            L(
                "Claire Moreau",
                "J’habitais en grande banlieue et je passais presque trois heures par jour "
                "dans les transports. Un soir, le RER est resté bloqué une heure dans un "
                "tunnel. Je me suis dit : ça suffit.",
                "Le déclic",
            ),
            L(
                "Claire Moreau",
                "Le CHU de Dijon recrutait. J’ai postulé un lundi, et trois "
                "semaines plus tard, je visitais des appartements.",
            ),
            L(
                HOST,
                "Camille, que proposez-vous concrètement à quelqu’un comme Claire ?",
                "L’accompagnement",
            ),
            L(
                "Camille Roussel",
                "Un interlocuteur unique. Nous aidons à trouver un logement, nous mettons "
                "le conjoint en relation avec les employeurs du territoire, et nous "
                "organisons une journée de découverte des quartiers.",
            ),
            L(
                "Camille Roussel",
                "Ce n’est pas un guichet de plus : c’est quelqu’un qui "
                "répond au téléphone et qui connaît la ville.",
            ),
            L(HOST, "Et la vie à Dijon, au quotidien ?", "La vie à Dijon"),
            L(
                "Claire Moreau",
                "Je vais au travail en tramway en quinze minutes. Le samedi, on est dans "
                "les vignes de la Côte en vingt minutes. Et pour le prix de notre deux pièces "
                "en banlieue, nous louons une maison avec un jardin.",
            ),
            L(
                HOST,
                "Merci à toutes les deux. Pour être accompagné, inscrivez-vous sur le "
                "site du programme. À très bientôt dans Venez vivre.",
                "Conclusion",
            ),
        ],
    },
    {
        "slug": "teletravailler-au-coeur-du-morvan",
        "photo": "bythewater.jpg",
        "front": {
            "title": "Télétravailler au cœur du Morvan",
            "date": "2025-07-01 07:00",
            "summary": (
                "Graphiste indépendante, Sophie travaille désormais face à un lac du Morvan. "
                "Connexion, coworking, hivers et vie de village : elle répond sans détour, "
                "avec Anne Bonnot, chargée d’accueil du Parc."
            ),
            "episode": 2,
            "season": 1,
            "territory": "morvan",
            "guests": [
                {"name": "Sophie Lambert", "role": "graphiste indépendante"},
                {"name": "Anne Bonnot", "role": "chargée d’accueil du Parc naturel du Morvan"},
            ],
        },
        "body": (
            "Peut-on travailler pour des clients parisiens depuis un village du Morvan ? "
            "Sophie Lambert le fait depuis deux ans. Elle parle de la fibre, du tiers-lieu "
            "où elle retrouve d’autres indépendants, et de ce qu’elle n’avait pas prévu.\n\n"
            "Anne Bonnot présente l’accompagnement du Parc naturel régional : maisons à "
            "reprendre, tiers-lieux, aides à l’installation."
        ),
        "lines": [
            L(
                HOST,
                "Bonjour et bienvenue dans Venez vivre. Cette fois, direction le Parc "
                "naturel régional du Morvan, entre forêts et lacs.",
                "Introduction",
            ),
            L(
                HOST,
                "Sophie Lambert est graphiste, Anne Bonnot accueille les nouveaux "
                "habitants du Parc. Sophie, vous travaillez d’où, aujourd’hui ?",
            ),
            L(
                "Sophie Lambert",
                "D’une ancienne grange, au bord du lac des Settons. Mes clients sont restés "
                "à Paris. Je les vois une fois par mois, le reste du temps, tout se fait en "
                "visioconférence.",
                "Travailler à distance",
            ),
            L(HOST, "Et la connexion, ce n’est pas trop compliqué ?"),
            L(
                "Sophie Lambert",
                "La fibre est arrivée dans mon village l’an dernier. Avant, je travaillais "
                "deux jours par semaine au tiers-lieu de Montsauche, et j’y vais toujours, "
                "pour voir du monde.",
            ),
            L(HOST, "Anne, qui vient s’installer dans le Morvan ?", "L’accueil du Parc"),
            L(
                "Anne Bonnot",
                "Des indépendants comme Sophie, des soignants, des familles qui reprennent "
                "un commerce ou une ferme. Nous les aidons à trouver une maison, un local, "
                "et surtout à rencontrer les habitants.",
            ),
            L(HOST, "Sophie, un conseil pour ceux qui hésitent ?", "Conseils"),
            L(
                "Sophie Lambert",
                "Venez d’abord passer un hiver. Le Morvan est magnifique en juillet, mais "
                "c’est en janvier qu’on sait si on est chez soi. Moi, je n’ai jamais regretté.",
            ),
            L(
                HOST,
                "Merci à toutes les deux. Retrouvez la transcription de cet épisode sur "
                "le site. À bientôt dans Venez vivre.",
                "Conclusion",
            ),
        ],
    },
    {
        "slug": "besancon-ville-verte-et-industrielle",
        "photo": "autumn.jpg",
        "front": {
            "title": "Besançon, ville verte et industrielle",
            "date": "2025-09-02 07:00",
            "summary": (
                "Ingénieur, Karim a quitté la Défense pour les microtechniques à Besançon. "
                "Julien Perrin, chargé d’accueil du Grand Besançon, explique comment trouver "
                "un emploi pour chacun dans un couple."
            ),
            "episode": 3,
            "season": 1,
            "territory": "grand-besancon",
            "guests": [
                {"name": "Karim Benali", "role": "ingénieur en microtechniques"},
                {"name": "Julien Perrin", "role": "chargé d’accueil du Grand Besançon"},
            ],
        },
        "body": (
            "Karim travaillait dans une tour de la Défense. Il conçoit aujourd’hui des "
            "instruments médicaux dans une entreprise de la technopole Temis. Il raconte "
            "la recherche d’emploi de sa compagne, les week-ends dans le Jura et la "
            "citadelle vue de sa fenêtre.\n\n"
            "Julien Perrin détaille le service de l’emploi du conjoint, l’un des premiers "
            "motifs d’appel des candidats au départ."
        ),
        "lines": [
            L(
                HOST,
                "Bonjour et bienvenue dans Venez vivre. Nous sommes à Besançon, dans une "
                "boucle du Doubs, au pied de la citadelle de Vauban.",
                "Introduction",
            ),
            L(
                HOST,
                "Karim Benali est ingénieur, Julien Perrin accueille les nouveaux "
                "arrivants du Grand Besançon. Karim, qu’est-ce qui vous a fait partir ?",
            ),
            L(
                "Karim Benali",
                "Je travaillais à la Défense, dans une tour, sur des projets qui ne me "
                "parlaient plus. À Besançon, je conçois des instruments médicaux. Je vois "
                "les objets que nous fabriquons.",
                "Changer de métier sans changer de vie",
            ),
            L(HOST, "Et votre compagne, elle a retrouvé du travail ?", "L’emploi du conjoint"),
            L(
                "Julien Perrin",
                "C’est la première question que l’on nous pose. Nous présentons le conjoint "
                "aux entreprises qui recrutent, avant même le déménagement. Pour la "
                "compagne de Karim, cela a pris six semaines.",
            ),
            L(
                "Karim Benali",
                "Elle est pharmacienne. Elle a signé son contrat avant que nous ayons "
                "trouvé l’appartement. C’est ce qui nous a décidés.",
            ),
            L(HOST, "Et le temps libre ?", "Le temps libre"),
            L(
                "Karim Benali",
                "Le vélo le long du Doubs, le ski de fond dans le Haut-Doubs à une heure, "
                "les lacs du Jura l’été. Et Paris reste à deux heures de TGV quand il faut.",
            ),
            L(
                HOST,
                "Merci Karim, merci Julien. Pour préparer votre installation, écrivez "
                "au service d’accueil depuis le site. À bientôt dans Venez vivre.",
                "Conclusion",
            ),
        ],
    },
]

_SENTENCE = re.compile(r"(?<=[.!?…])\s+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def speak(text: str, voice: str, target: Path) -> None:
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(WORDS_PER_MINUTE), "-w", str(target), text],
        check=True,
    )


def vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def timestamp(seconds: int) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{minutes:02d}:{secs:02d}"


def synthesise(lines: list[Line], workdir: Path):
    """Speak every sentence; return (pcm frames, cues, chapters)."""
    frames = bytearray(b"\0\0" * round(LEAD_IN * SAMPLE_RATE))
    cues, chapters = [], []
    previous_speaker = None
    for index, line in enumerate(lines):
        if previous_speaker is not None:
            pause = PAUSE_TURN if line.speaker != previous_speaker else PAUSE_SENTENCE
            frames += b"\0\0" * round(pause * SAMPLE_RATE)
        previous_speaker = line.speaker
        if line.chapter:
            start = 0 if not chapters else int(len(frames) / 2 / SAMPLE_RATE)
            chapters.append({"start": timestamp(start), "title": line.chapter})
        for number, sentence in enumerate(sentences(line.text)):
            if number:
                frames += b"\0\0" * round(PAUSE_SENTENCE * SAMPLE_RATE)
            wav = workdir / f"{index:03d}-{number:02d}.wav"
            speak(sentence, VOICES[line.speaker], wav)
            with wave.open(str(wav)) as w:
                assert w.getframerate() == SAMPLE_RATE and w.getnchannels() == 1
                pcm = w.readframes(w.getnframes())
            start = len(frames) / 2 / SAMPLE_RATE
            frames += pcm
            end = len(frames) / 2 / SAMPLE_RATE
            cues.append((start, end, line.speaker, sentence))
    frames += b"\0\0" * round(LEAD_IN * SAMPLE_RATE)
    return bytes(frames), cues, chapters


def write_vtt(cues, target: Path) -> None:
    out = ["WEBVTT", ""]
    for number, (start, end, speaker, text) in enumerate(cues, 1):
        out += [str(number), f"{vtt_time(start)} --> {vtt_time(end)}", f"<v {speaker}>{text}", ""]
    target.write_text("\n".join(out), encoding="utf-8")


def encode_mp3(frames: bytes, title: str, target: Path, workdir: Path) -> None:
    wav = workdir / "episode.wav"
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(frames)
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), "-ac", "1", "-codec:a",
         "libmp3lame", "-b:a", BITRATE, "-map_metadata", "-1", "-metadata",
         f"title={title}", "-metadata", f"artist={SHOW_TITLE}", "-fflags", "+bitexact",
         "-flags:a", "+bitexact", str(target)],
        check=True,
    )  # fmt: skip


def artwork(photo: Path, target: Path, title: str, subtitle: str) -> None:
    """A square RGB JPEG with the title on a band: Apple's cover art rules."""
    with Image.open(photo) as image:
        square = ImageOps.fit(ImageOps.exif_transpose(image).convert("RGB"),
                              (ARTWORK_SIZE, ARTWORK_SIZE), Image.LANCZOS)  # fmt: skip
    draw = ImageDraw.Draw(square)
    band_top = int(ARTWORK_SIZE * 0.62)
    draw.rectangle((0, band_top, ARTWORK_SIZE, ARTWORK_SIZE), fill=(122, 31, 61))
    big = ImageFont.truetype(FONT, 150)
    size = 58
    while ImageFont.truetype(FONT, size).getlength(subtitle) > ARTWORK_SIZE - 180:
        size -= 2
    small = ImageFont.truetype(FONT, size)
    draw.text((90, band_top + 90), title, font=big, fill=(255, 250, 243))
    draw.text((94, band_top + 290), subtitle, font=small, fill=(242, 177, 52))
    square.save(target, "JPEG", quality=85, optimize=True, progressive=True)


def front_matter(front: dict, slug: str, chapters: list[dict]) -> str:
    data = {
        **front,
        "audio": f"audio/{slug}.mp3",
        "transcript": f"transcripts/{slug}.vtt",
        "image": f"images/podcast-{slug}.jpg",
    }
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    # Chapter starts quoted, as the editor's guide asks (YAML reads 12:30 as a number).
    text += "chapters:\n" + "".join(
        f'  - {{start: "{c["start"]}", title: "{c["title"]}"}}\n' for c in chapters
    )
    return text


def make_episode(episode: dict, content: Path) -> None:
    slug = episode["slug"]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        frames, cues, chapters = synthesise(episode["lines"], workdir)
        encode_mp3(frames, episode["front"]["title"], content / "audio" / f"{slug}.mp3", workdir)
    write_vtt(cues, content / "transcripts" / f"{slug}.vtt")
    artwork(
        PHOTOS / episode["photo"],
        content / "images" / f"podcast-{slug}.jpg",
        f"Épisode {episode['front']['episode']}",
        episode["front"]["title"],
    )
    header = "# Generated by tools/make_demo_podcast.py from its written script.\n"
    text = "---\n" + header + front_matter(episode["front"], slug, chapters) + "---\n\n"
    (content / "podcast" / f"{slug}.md").write_text(text + episode["body"] + "\n", "utf-8")
    print(f"{slug}: {len(frames) / 2 / SAMPLE_RATE:.1f} s, {len(cues)} cues")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--only", help="slug of one episode")
    args = parser.parse_args(argv)
    for tool in ("espeak-ng", "ffmpeg"):
        if not shutil.which(tool):
            print(f"{tool} is missing: apt-get install espeak-ng ffmpeg", file=sys.stderr)
            return 1
    content = Path(args.content)
    for folder in ("audio", "transcripts", "podcast", "images"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    artwork(PHOTOS / "summer-1am.jpg", content / "images" / "podcast.jpg", SHOW_TITLE,
            SHOW_SUBTITLE)  # fmt: skip
    for episode in EPISODES:
        if not args.only or episode["slug"] == args.only:
            make_episode(episode, content)
    return 0


if __name__ == "__main__":
    sys.exit(main())
