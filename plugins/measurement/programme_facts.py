"""What the statistics need to know about the programme, read from its own files.

- Episode audio from the *built* site: the podcast feed (`/podcast/feed.xml`) names each
  episode's page and audio URL; size and duration are read from the published audio file
  by the podcast plugin's `read_audio` (mutagen), as the feed itself was made. A feed
  whose audio file is not in the built site falls back on the feed's own length and
  duration.
- Campaigns from the content folder, validated by the programme's own campaign reader
  (the same errors as `make html`, in French); a campaign with an error stops the run.
- Key figures (`content/data/chiffres.yml`) as plain values for the funnel.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml
from venez_vivre.podcast.media import MediaError, read_audio
from venez_vivre.programme import content_types
from venez_vivre.programme.errors import ErrorLog
from venez_vivre.programme.fields import FrontMatter
from venez_vivre.programme.front_matter import SAFE_LOADER
from venez_vivre.programme.models import Campaign, entry_url
from venez_vivre.programme.text import slugify

from .counting import EpisodeFile, target_path

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
FEED = "podcast/feed.xml"


class FactsError(Exception):
    """A French message: what is missing and what to do."""


def published_episodes(site: Path) -> dict[str, EpisodeFile]:
    """The episodes of the built site's feed, by the URL path of their audio."""
    feed = site / FEED
    if not feed.is_file():
        return {}  # a programme without a podcast: no downloads to count
    try:
        root = ET.parse(feed).getroot()
    except ET.ParseError as error:
        raise FactsError(f"{feed} est illisible ({error}) : reconstruisez le site.") from error
    episodes = {}
    for item in root.iter("item"):
        enclosure, link = item.find("enclosure"), item.findtext("link") or ""
        if enclosure is None:
            continue
        path = target_path(enclosure.get("url", ""))
        slug = PurePosixPath(target_path(link)).name
        local = site / path.lstrip("/")
        try:
            audio = read_audio(local)
            size, duration = audio.size, audio.duration
        except MediaError:
            size = int(enclosure.get("length") or 0)
            duration = float(item.findtext(f"{ITUNES}duration") or 0)
        if size and duration:
            title = item.findtext("title") or slug
            episodes[path] = EpisodeFile(slug, path, size, duration, title)
    return episodes


def _front_matter(path: Path) -> dict | None:
    text = path.read_text(encoding="utf-8-sig")
    if not text.startswith("---"):
        return {}
    end = text.find("\n---", 3)
    if end < 0:
        return {}
    return yaml.load(text[3:end], Loader=SAFE_LOADER) or {}


def campaigns(content: Path) -> list[Campaign]:
    """The programme's published campaigns; FactsError lists every content error."""
    log = ErrorLog()
    found = []
    for path in sorted((content / "campagnes").rglob("*.md")):
        source = f"{content.name}/{path.relative_to(content).as_posix()}"
        try:
            meta = _front_matter(path)
        except yaml.YAMLError as error:
            log.add(source, None, f"l’en-tête YAML est illisible : {error}")
            continue
        if not isinstance(meta, dict) or meta.get("status") == "draft":
            continue
        slug = slugify(meta.get("slug") or path.stem)
        fm = FrontMatter(meta, source, content, log)
        base = {
            "slug": slug,
            "title": fm.text("title"),
            "url": entry_url("campaign", slug),
            "source_path": source,
            "page": None,
            "meta": meta,
        }
        campaign = content_types.read_campaign(fm, base)
        if not fm.failed:
            found.append(campaign)
    if log.errors:
        raise FactsError(
            "Les campagnes ont des erreurs ; corrigez-les (make html les montre aussi) :\n"
            + "\n".join(f"  • {error}" for error in log.errors)
        )
    return sorted(found, key=lambda c: (c.start, c.slug))


@dataclass(frozen=True)
class KeyFigures:
    """The few key figures the funnel needs (the file itself is validated by the build)."""

    signups: int | None = None
    accompanied: int | None = None
    settled: int | None = None
    period: str | None = None


def key_figures(path: Path) -> KeyFigures:
    if not path.is_file():
        return KeyFigures()
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}

    def number(name):
        value = data.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    period = data.get("period")
    return KeyFigures(
        signups=number("signups"),
        accompanied=number("accompanied"),
        settled=number("settled"),
        period=str(period) if period is not None else None,
    )
