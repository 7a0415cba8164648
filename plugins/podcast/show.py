"""The show: the `PODCAST` setting with its defaults applied in one place, validated once.

Everything Apple Podcasts checks on the channel is checked here at build time, with a
French message naming the setting, so a refused feed is found before it is submitted.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError
from venez_vivre.programme.brand import brand_data
from venez_vivre.programme.text import close_match

# Podcasting 2.0: podcast:guid is the UUIDv5 of the feed URL in this namespace.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

# Apple Podcasts categories and sub-categories (Apple's current list, "Podcasts
# categories", podcasters.apple.com). itunes:category must be one of these, spelled so.
APPLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": (
        "Books",
        "Design",
        "Fashion & Beauty",
        "Food",
        "Performing Arts",
        "Visual Arts",
    ),
    "Business": (
        "Careers",
        "Entrepreneurship",
        "Investing",
        "Management",
        "Marketing",
        "Non-Profit",
    ),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": (
        "Alternative Health",
        "Fitness",
        "Medicine",
        "Mental Health",
        "Nutrition",
        "Sexuality",
    ),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": (
        "Animation & Manga",
        "Automotive",
        "Aviation",
        "Crafts",
        "Games",
        "Hobbies",
        "Home & Garden",
        "Video Games",
    ),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": (
        "Business News",
        "Daily News",
        "Entertainment News",
        "News Commentary",
        "Politics",
        "Sports News",
        "Tech News",
    ),
    "Religion & Spirituality": (
        "Buddhism",
        "Christianity",
        "Hinduism",
        "Islam",
        "Judaism",
        "Religion",
        "Spirituality",
    ),
    "Science": (
        "Astronomy",
        "Chemistry",
        "Earth Sciences",
        "Life Sciences",
        "Mathematics",
        "Natural Sciences",
        "Nature",
        "Physics",
        "Social Sciences",
    ),
    "Society & Culture": (
        "Documentary",
        "Personal Journals",
        "Philosophy",
        "Places & Travel",
        "Relationships",
    ),
    "Sports": (
        "Baseball",
        "Basketball",
        "Cricket",
        "Fantasy Sports",
        "Football",
        "Golf",
        "Hockey",
        "Rugby",
        "Running",
        "Soccer",
        "Swimming",
        "Tennis",
        "Volleyball",
        "Wilderness",
        "Wrestling",
    ),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}
SHOW_TYPES = ("episodic", "serial")
ARTWORK_MIN, ARTWORK_MAX = 1400, 3000  # Apple: square, 1400 to 3000 px
DESCRIPTION_MAX_BYTES = 4000  # Apple: channel and item descriptions
FEED_PATH = "podcast/feed.xml"
SETTINGS_SOURCE = "pelicanconf.py"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

DEFAULTS = {
    "title": None,  # default: SITENAME
    "description": None,
    "author": None,  # default: BRAND["publisher"]
    "owner": {},  # {name, email}: Apple writes to this address, never shown to listeners
    "artwork": None,  # path in content/: square RGB JPEG or PNG, 1400 to 3000 px
    "category": None,  # Apple category, e.g. "Society & Culture"
    "subcategory": None,  # e.g. "Places & Travel"
    "language": "fr",
    "explicit": False,
    "type": "episodic",
    "copyright": None,
    "host": None,  # the regular host: podcast:person role host on every item
    "subscribe": [],  # [{label, url}]: the index page's buttons (the RSS link is added)
    "funding": None,  # {url, text}
    "locked": True,  # podcast:locked: other hosts may not import the show
    "location": None,  # {name, lat, lon, osm, country}: what the show is about
    "guid": None,  # podcast:guid, once the show has one; default: from the feed URL
    "dev_site_url": "http://127.0.0.1:8000",  # absolute URLs when SITEURL is empty
}


@dataclass(frozen=True)
class SubscribeLink:
    label: str
    url: str


@dataclass
class Show:
    title: str
    description: str
    author: str
    owner_name: str
    owner_email: str
    artwork: str  # path in content/
    category: str
    subcategory: str | None
    language: str
    explicit: bool
    type: str
    copyright: str | None
    host: str | None
    subscribe: list[SubscribeLink]
    funding: dict | None
    locked: bool
    location: dict | None
    base_url: str  # absolute site address, no trailing slash
    guid: str
    settings: dict = field(repr=False, default_factory=dict)

    @property
    def feed_url(self) -> str:
        return f"{self.base_url}/{FEED_PATH}"

    @property
    def page_url(self) -> str:
        return f"{self.base_url}/podcast/"

    def absolute(self, path_or_url: str) -> str:
        """A site path or URL made absolute: feeds are read outside the site."""
        if urlsplit(path_or_url).scheme:
            return path_or_url
        return f"{self.base_url}/{path_or_url.lstrip('/')}"


def podcast_guid(feed_url: str) -> str:
    """Podcasting 2.0 `podcast:guid`: UUIDv5 of the feed URL without scheme and
    trailing slashes, in the podcast namespace."""
    parts = urlsplit(feed_url)
    seed = (parts.netloc + parts.path + (f"?{parts.query}" if parts.query else "")).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, seed))


def base_url(settings: dict, errors) -> str:
    """Feeds need absolute URLs. SITEURL is empty in development builds, where the
    development server's address stands in (PODCAST["dev_site_url"])."""
    siteurl = (settings.get("SITEURL") or "").rstrip("/")
    if settings.get("PODCAST_REQUIRE_HTTPS") and not siteurl.startswith("https://"):
        errors.add(
            SETTINGS_SOURCE,
            "SITEURL",
            "pour publier le podcast, SITEURL doit être l’adresse publique du site en "
            f"https:// (par exemple https://venez-vivre.example.org), trouvé « {siteurl} ».",
        )
        return siteurl or "https://invalid"
    if urlsplit(siteurl).scheme in ("http", "https"):
        return siteurl
    if siteurl:
        errors.add(
            SETTINGS_SOURCE,
            "SITEURL",
            "le flux du podcast a besoin d’une adresse complète (https://…), "
            f"trouvé « {siteurl} ».",
        )
    return (settings.get("PODCAST", {}).get("dev_site_url") or DEFAULTS["dev_site_url"]).rstrip("/")


def check_artwork(path: Path) -> list[str]:
    """Apple's cover art rules, in French: what is wrong with the file, if anything."""
    try:
        with Image.open(path) as image:
            kind, mode, (width, height) = image.format, image.mode, image.size
    except (UnidentifiedImageError, OSError):
        return ["image illisible : attendu un fichier JPEG ou PNG."]
    problems = []
    if kind not in ("JPEG", "PNG"):
        problems.append(f"attendu : une image JPEG ou PNG, trouvé {kind}.")
    if mode != "RGB":
        problems.append(
            f"attendu : des couleurs RVB (RGB) sans transparence, trouvé le mode {mode} "
            "(réenregistrez l’image en RVB, sans couche alpha ni CMJN)."
        )
    if width != height:
        problems.append(f"l’image doit être carrée, elle mesure {width} × {height} px.")
    elif not ARTWORK_MIN <= width <= ARTWORK_MAX:
        problems.append(
            f"l’image doit mesurer entre {ARTWORK_MIN} et {ARTWORK_MAX} px de côté, "
            f"elle mesure {width} px."
        )
    return problems


def _text(config, name, errors, required=True) -> str | None:
    value = config.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(SETTINGS_SOURCE, f"PODCAST.{name}", "ce réglage est obligatoire.")
        return None
    if not isinstance(value, str):
        errors.add(SETTINGS_SOURCE, f"PODCAST.{name}", f"attendu : un texte, trouvé « {value} ».")
        return None
    return value.strip()


def _absolute_url(url, label, errors) -> bool:
    parts = urlsplit(str(url or ""))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        errors.add(
            SETTINGS_SOURCE, label, f"attendu : une adresse complète en https://, trouvé « {url} »."
        )
        return False
    return True


def read_show(settings: dict, content_path: Path, errors) -> Show | None:
    """The PODCAST setting with defaults, validated; None if it has errors."""
    count = len(errors.errors)
    config = {**DEFAULTS, **(settings.get("PODCAST") or {})}
    config["title"] = config["title"] or settings.get("SITENAME")
    config["author"] = config["author"] or brand_data(settings.get("BRAND")).get("publisher")
    title = _text(config, "title", errors)
    author = _text(config, "author", errors)
    description = _text(config, "description", errors)
    if description and len(description.encode("utf-8")) > DESCRIPTION_MAX_BYTES:
        errors.add(
            SETTINGS_SOURCE,
            "PODCAST.description",
            f"Apple limite la description à {DESCRIPTION_MAX_BYTES} octets, elle en fait "
            f"{len(description.encode('utf-8'))} : raccourcissez-la.",
        )

    owner = config.get("owner") or {}
    owner_name = _text(owner, "name", errors=_Prefixed(errors, "owner."), required=True)
    owner_email = owner.get("email")
    if not owner_email:
        errors.add(
            SETTINGS_SOURCE,
            "PODCAST.owner.email",
            "l’adresse e-mail du propriétaire est obligatoire : Apple Podcasts et Spotify "
            "l’utilisent pour vérifier que le podcast vous appartient.",
        )
    elif not _EMAIL.match(str(owner_email)):
        errors.add(
            SETTINGS_SOURCE,
            "PODCAST.owner.email",
            f"« {owner_email} » n’est pas une adresse e-mail.",
        )

    artwork = _text(config, "artwork", errors)
    if artwork:
        path = content_path / artwork
        if not path.is_file():
            errors.add(
                SETTINGS_SOURCE,
                "PODCAST.artwork",
                f"le fichier content/{artwork} n’existe pas.",
            )
        else:
            for problem in check_artwork(path):
                errors.add(SETTINGS_SOURCE, "PODCAST.artwork", f"content/{artwork} : {problem}")

    category, subcategory = config.get("category"), config.get("subcategory")
    if category not in APPLE_CATEGORIES:
        errors.add(
            SETTINGS_SOURCE,
            "PODCAST.category",
            f"« {category} » n’est pas une catégorie d’Apple Podcasts (liste : "
            f"{', '.join(APPLE_CATEGORIES)}).",
            close_match(str(category), APPLE_CATEGORIES),
        )
    elif subcategory and subcategory not in APPLE_CATEGORIES[category]:
        allowed = ", ".join(APPLE_CATEGORIES[category]) or "aucune"
        errors.add(
            SETTINGS_SOURCE,
            "PODCAST.subcategory",
            f"« {subcategory} » n’est pas une sous-catégorie de « {category} » "
            f"(possibles : {allowed}).",
            close_match(str(subcategory), APPLE_CATEGORIES[category]),
        )

    if not isinstance(config["explicit"], bool):
        errors.add(SETTINGS_SOURCE, "PODCAST.explicit", "attendu : True ou False.")
    if config["type"] not in SHOW_TYPES:
        errors.add(SETTINGS_SOURCE, "PODCAST.type", "attendu : « episodic » ou « serial ».")

    subscribe = []
    for index, link in enumerate(config.get("subscribe") or [], 1):
        label = f"PODCAST.subscribe[{index}]"
        if not isinstance(link, dict) or not link.get("label"):
            errors.add(SETTINGS_SOURCE, label, "attendu : un bloc {label, url}.")
        elif _absolute_url(link.get("url"), f"{label}.url", errors):
            subscribe.append(SubscribeLink(str(link["label"]), str(link["url"])))
    funding = config.get("funding")
    if funding and not (
        isinstance(funding, dict)
        and funding.get("text")
        and _absolute_url(funding.get("url"), "PODCAST.funding.url", errors)
    ):
        funding = None
        errors.add(SETTINGS_SOURCE, "PODCAST.funding", "attendu : un bloc {url, text}.")
    location = config.get("location")
    if location and not (isinstance(location, dict) and location.get("name")):
        errors.add(SETTINGS_SOURCE, "PODCAST.location", "attendu : un bloc {name, lat, lon}.")
        location = None

    base = base_url(settings, errors)
    guid = config.get("guid") or podcast_guid(f"{base}/{FEED_PATH}")
    if len(errors.errors) > count:
        return None
    return Show(
        title=title,
        description=description,
        author=author,
        owner_name=owner_name,
        owner_email=str(owner_email),
        artwork=artwork,
        category=category,
        subcategory=subcategory,
        language=config["language"],
        explicit=config["explicit"],
        type=config["type"],
        copyright=config.get("copyright"),
        host=config.get("host"),
        subscribe=subscribe,
        funding=funding,
        locked=bool(config.get("locked")),
        location=location,
        base_url=base,
        guid=str(guid),
        settings=config,
    )


class _Prefixed:
    """Reports `owner.name` as `PODCAST.owner.name`."""

    def __init__(self, errors, prefix):
        self.errors, self.prefix = errors, prefix

    def add(self, source, field, message, suggestion=None):
        self.errors.add(source, field.replace("PODCAST.", f"PODCAST.{self.prefix}"), message)
