"""A feedgen extension for the Podcasting 2.0 namespace, with feedgen's podcast defects fixed.

Register it next to feedgen's own `podcast` extension (which writes the iTunes tags):

    fg.load_extension("podcast")
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)
    fg.podcastindex.guid(...)
    fe = fg.add_entry(order="append"); fe.podcastindex.transcript(...)

It must be registered after `podcast`: feedgen runs extensions in registration order and
this one corrects what the iTunes extension wrote. The defects of feedgen 1.0 it works
around, each a reason for Apple to refuse a feed or for an app to misbehave:

- `itunes:explicit` only takes "yes"/"no"/"clean"; Apple's current specification asks for
  "true"/"false". `explicit(bool)` writes the right value, replacing any other.
- `FeedEntry.enclosure(url)` without a length writes `length="None"`. `enclosure()` here
  requires the byte size and writes it; a `length="None"` left by anything else stops
  the feed instead of shipping it.
- `itunes_image()` silently drops a URL that does not end in .jpg or .png (a derivative
  URL with a cache-busting query string, a .jpeg…), so the feed goes out with no artwork
  and Apple refuses it. `image()` here raises on such a URL, naming it, and writes the
  tag otherwise.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem
from venez_vivre.programme.files import TRANSCRIPT_TYPES

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"

CHAPTERS_TYPE = "application/json+chapters"


def check_image_url(url: str) -> str:
    """Apple reads cover art from an absolute http(s) URL whose path ends in .jpg or .png."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"image URL must be absolute (http or https): {url!r}")
    if parts.query or parts.fragment or not parts.path.lower().endswith((".jpg", ".png")):
        raise ValueError(f"image URL must end in .jpg or .png for Apple Podcasts: {url!r}")
    return url


def _absolute(url: str, what: str) -> str:
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{what} URL must be absolute (http or https): {url!r}")
    return url


def _replace(parent, tag: str, text: str | None = None, **attributes):
    """Write exactly one `tag` under parent, replacing whatever feedgen wrote there."""
    for old in parent.findall(tag):
        parent.remove(old)
    element = xml_elem(tag, parent, **attributes)
    if text is not None:
        element.text = text
    return element


def _location(parent, location: dict) -> None:
    attributes = {}
    for name in ("rel", "geo", "osm", "country"):
        if location.get(name):
            attributes[name] = location[name]
    element = xml_elem(f"{{{PODCAST_NS}}}location", parent, **attributes)
    element.text = location["name"]


def location_value(name: str, lat=None, lon=None, osm=None, country=None, rel=None) -> dict:
    """A `podcast:location`: display name (≤ 128 characters) and geo URI (RFC 5870)."""
    if not name or len(name) > 128:
        raise ValueError(f"location name must be 1 to 128 characters: {name!r}")
    # ISO 3166-1 alpha-2, upper case as the namespace writes it (`country="US"`).
    value = {"name": name, "osm": osm, "country": country.upper() if country else None}
    if rel is not None:
        if rel not in ("subject", "creator"):
            raise ValueError(f"location rel must be subject or creator: {rel!r}")
        value["rel"] = rel
    if lat is not None and lon is not None:
        value["geo"] = f"geo:{float(lat):g},{float(lon):g}"
    return value


class _Common:
    """What channel and item share: explicit, image, locations."""

    def _init_common(self):
        self._explicit = None
        self._image = None
        self._locations = []

    def explicit(self, explicit: bool | None = None):
        """`itunes:explicit` as Apple documents it today: true or false."""
        if explicit is not None:
            if not isinstance(explicit, bool):
                raise ValueError(f"explicit must be True or False, not {explicit!r}")
            self._explicit = explicit
        return self._explicit

    def image(self, url: str | None = None):
        """`itunes:image href`: raises on a URL Apple refuses instead of dropping it."""
        if url is not None:
            self._image = check_image_url(url)
        return self._image

    def location(self, name: str, lat=None, lon=None, osm=None, country=None, rel=None):
        self._locations.append(location_value(name, lat, lon, osm, country, rel))
        return self._locations

    def _write_common(self, parent) -> None:
        if self._explicit is not None:
            _replace(parent, f"{{{ITUNES_NS}}}explicit", "true" if self._explicit else "false")
        if self._image is not None:
            _replace(parent, f"{{{ITUNES_NS}}}image", href=self._image)
        for location in self._locations:
            _location(parent, location)


class PodcastIndexExtension(_Common, BaseExtension):
    """Channel tags of the Podcasting 2.0 namespace."""

    def __init__(self):
        self._init_common()
        self._guid = None
        self._locked = None
        self._funding = []

    def extend_ns(self):
        return {"podcast": PODCAST_NS}

    def extend_rss(self, rss_feed):
        channel = rss_feed[0]
        self._write_common(channel)
        if self._guid:
            xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self._guid
        if self._locked is not None:
            locked, owner = self._locked
            element = xml_elem(f"{{{PODCAST_NS}}}locked", channel)
            if owner:
                element.attrib["owner"] = owner
            element.text = "yes" if locked else "no"
        for url, text in self._funding:
            element = xml_elem(f"{{{PODCAST_NS}}}funding", channel, url=url)
            element.text = text
        return rss_feed

    def guid(self, guid: str | None = None):
        """`podcast:guid`: the show's UUIDv5 (see podcast.show.podcast_guid)."""
        if guid is not None:
            self._guid = str(guid)
        return self._guid

    def locked(self, locked: bool | None = None, owner: str | None = None):
        """`podcast:locked`: whether other platforms may import the show."""
        if locked is not None:
            self._locked = (bool(locked), owner)
        return self._locked

    def funding(self, url: str, text: str):
        """`podcast:funding` (≤ 128 characters of text)."""
        if len(text) > 128:
            raise ValueError("funding text must be at most 128 characters")
        self._funding.append((_absolute(url, "funding"), text))
        return self._funding


class PodcastIndexEntryExtension(_Common, BaseEntryExtension):
    """Item tags of the Podcasting 2.0 namespace, and the item's enclosure."""

    def __init__(self):
        self._init_common()
        self._enclosure = None
        self._transcripts = []
        self._chapters = None
        self._persons = []

    def extend_rss(self, entry):
        self._write_common(entry)
        if self._enclosure is not None:
            url, length, mime = self._enclosure
            _replace(entry, "enclosure", url=url, length=str(length), type=mime)
        for enclosure in entry.findall("enclosure"):
            if not (enclosure.get("length") or "").isdigit():
                raise ValueError(
                    f"enclosure {enclosure.get('url')} has no byte length "
                    f"({enclosure.get('length')!r}): use the podcastindex enclosure()"
                )
        for url, mime, language, rel in self._transcripts:
            element = xml_elem(f"{{{PODCAST_NS}}}transcript", entry, url=url, type=mime)
            if language:
                element.attrib["language"] = language
            if rel:
                element.attrib["rel"] = rel
        if self._chapters is not None:
            url, mime = self._chapters
            xml_elem(f"{{{PODCAST_NS}}}chapters", entry, url=url, type=mime)
        for name, attributes in self._persons:
            xml_elem(f"{{{PODCAST_NS}}}person", entry, **attributes).text = name
        return entry

    def enclosure(self, url: str, length: int, mime: str):
        """The media file: its real byte size is required (RSS 2.0, Apple)."""
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            raise ValueError(f"enclosure length must be a byte count, not {length!r}")
        if not mime or "/" not in mime:
            raise ValueError(f"enclosure type must be a MIME type, not {mime!r}")
        self._enclosure = (_absolute(url, "enclosure"), length, mime)
        return self._enclosure

    def transcript(self, url: str, mime: str, language: str | None = None, rel=None):
        if mime not in TRANSCRIPT_TYPES.values() and not mime.startswith(("text/", "app")):
            raise ValueError(f"transcript type must be a MIME type, not {mime!r}")
        self._transcripts.append((_absolute(url, "transcript"), mime, language, rel))
        return self._transcripts

    def chapters(self, url: str, mime: str = CHAPTERS_TYPE):
        self._chapters = (_absolute(url, "chapters"), mime)
        return self._chapters

    def person(self, name: str, role: str | None = None, group=None, img=None, href=None):
        """`podcast:person`; role and group from the Podcast Taxonomy (default host/cast)."""
        if not name or len(name) > 128:
            raise ValueError(f"person name must be 1 to 128 characters: {name!r}")
        attributes = {}
        for key, value in (("role", role), ("group", group), ("img", img), ("href", href)):
            if value:
                attributes[key] = value
        self._persons.append((name, attributes))
        return self._persons
