"""The programme's content types as plain typed values, read and validated once.

Templates and other plugins read these objects; they never re-parse front matter.
`meta` keeps every front-matter field as written, unknown ones included (the contract
passes unknown fields to templates).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from .text import tel_href

# Public URLs of ../shared/CONTENT.md. URL building lives here and nowhere else.
PUBLIC_URLS = {
    "territory": "territoires/{slug}/",
    "testimonial": "temoignages/{slug}/",
    "campaign": "campagnes/{slug}/",
    "episode": "podcast/{slug}/",
    "event": "evenements/{slug}/",
}
INDEX_URLS = {
    "territories": "territoires/",
    "testimonials": "temoignages/",
    "campaigns": "campagnes/",
    "podcast": "podcast/",
    "news": "actualites/",
    "key_figures": "chiffres-cles/",
    "signup": "inscription/",
    "events": "evenements/",
}
# The calendar of upcoming events (contract), beside the events index.
EVENTS_CALENDAR_URL = "evenements/calendrier.ics"


def entry_url(kind: str, slug: str) -> str:
    return PUBLIC_URLS[kind].format(slug=slug)


def cost_per(budget_eur: int | None, count: int | None) -> float | None:
    """A derived cost (per sign-up, per person settled…): computed, never typed, and
    only when both figures are known."""
    if budget_eur is None or not count:
        return None
    return budget_eur / count


def save_as(url: str) -> str:
    return url + "index.html" if url.endswith("/") else url


TERRITORY_KINDS = {
    "metropole": "Métropole",
    "ville": "Ville",
    "agglomeration": "Agglomération",
    "communaute-de-communes": "Communauté de communes",
    "parc-naturel": "Parc naturel régional",
    "departement": "Département",
}
OPPORTUNITY_KINDS = {
    "emploi": "Emploi",
    "logement": "Logement",
    "culture": "Culture",
    "etudes": "Études",
    "entreprendre": "Entreprendre",
    "sante": "Santé",
}
CAMPAIGN_CHANNELS = {
    "metro": "Métro",
    "presse": "Presse",
    "affichage": "Affichage",
    "reseaux-sociaux": "Réseaux sociaux",
    "podcast": "Podcast",
    "influence": "Influence",
    "radio": "Radio",
}
EVENT_KINDS = {
    "week-end-decouverte": "Week-end découverte",
    "salon": "Salon",
    "job-dating": "Job dating",
    "webinaire": "Webinaire",
    "visite": "Visite",
    "reunion-information": "Réunion d’information",
}
EPISODE_TYPES = {"full": "Épisode", "trailer": "Bande-annonce", "bonus": "Bonus"}
# What a campaign result counts, when derived figures are computed from it (`kind` of
# a result): cost per new inhabitant and cost per sign-up are never typed by hand.
RESULT_KINDS = {
    "nouveaux-habitants": "Nouveaux habitants",
    "inscriptions": "Inscriptions",
}


@dataclass(frozen=True)
class Media:
    """One media file a content entry uses: which field holds it, of what kind. Plugins
    that publish media (images, podcast) ask entries for theirs instead of knowing each
    content type's fields."""

    kind: str  # "image", "audio" or "transcript"
    path: str  # as the editor wrote it, relative to content/
    field: str  # the front-matter field, for error messages: hero, posters[2].image…


@dataclass
class Entry:
    """What every published entry has: where it comes from and where it goes."""

    slug: str
    title: str
    url: str
    source_path: str  # relative to the project root, for error messages
    page: object = field(repr=False)  # the Pelican Page holding the rendered body
    meta: dict = field(repr=False, default_factory=dict)

    # The build's incremental renderer (incremental.Renderer) once the generator has
    # registered the entry: every attribute read while a page renders is recorded, in
    # templates and in Python helpers alike, so that the page is rendered again when
    # exactly what it read changes. A class attribute, not a field.
    _reads = None

    def __getattribute__(self, name):
        value = object.__getattribute__(self, name)
        if name[0] != "_":
            reads = object.__getattribute__(self, "_reads")
            if reads is not None and reads.page is not None:
                reads.entry_read(self, name, value)
        return value

    @property
    def save_as(self) -> str:
        return save_as(self.url)

    @property
    def content(self) -> str:
        """The Markdown body as HTML, with {filename} links resolved by Pelican."""
        # Read without recording `page` (incremental.py): the HTML returned is what a
        # page shows, and it is recorded as `content`.
        return object.__getattribute__(self, "page").content

    def __html__(self):  # lets templates print an entry as its title
        from markupsafe import escape

        return str(escape(self.title))

    def media_files(self) -> list[Media]:
        """The media files this entry's fields name (each content type says which)."""
        return []

    def share_images(self) -> list[str]:
        """Photos for the page's share card, best first."""
        return [m.path for m in self.media_files() if m.kind == "image"]


def page_media(item) -> list[Media]:
    """Pelican's own pages and news: their optional `image` (the share card's photo)."""
    image = getattr(item, "metadata", {}).get("image")
    return [Media("image", image, "image")] if isinstance(image, str) and image else []


@dataclass(frozen=True)
class Figure:
    label: str
    value: object  # text ("1 h 35") or number
    kind: str | None = None  # campaign results only: one of RESULT_KINDS


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float


# How a welcome officer is called when the front matter does not say (`role`).
OFFICER_ROLE = "chargé d’accueil"
# The words a territory's name takes in a sentence (`where`): « Envie de vivre
# dans le Haut-Doubs ? », « à Dijon », « en Côte-d’Or », « au Creusot ».
WHERE_WORDS = ("à", "au", "aux", "en", "dans", "sur", "près", "autour", "entre", "chez")


@dataclass(frozen=True)
class WelcomeOfficer:
    name: str
    email: str | None
    phone: str | None
    role: str = OFFICER_ROLE  # « chargée d’accueil », « conseillère installation »…

    @property
    def phone_href(self) -> str | None:
        if not self.phone:
            return None
        return tel_href(self.phone)


@dataclass(frozen=True)
class Opportunity:
    kind: str
    title: str
    url: str | None


@dataclass
class Territory(Entry):
    department: str = ""
    summary: str = ""
    hero: str = ""
    hero_alt: str = ""
    location: Location | None = None
    kind: str | None = None
    tags: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    welcome_officer: WelcomeOfficer | None = None
    opportunities: list[Opportunity] = field(default_factory=list)
    # The name as used in a sentence, from the front matter's `where` (see `where`).
    where_text: str | None = None
    # Filled once every collection is read:
    testimonials: list[Testimonial] = field(default_factory=list, repr=False)
    episodes: list = field(default_factory=list, repr=False)
    events: list = field(default_factory=list, repr=False)  # upcoming, soonest first

    @property
    def where(self) -> str | None:
        """« dans le Haut-Doubs », « à Dijon »: the front matter's `where`, else « à »
        and the name for a town (`kind: ville`), else None (templates then say « ici »):
        « à Le Grand Chalon » or « à Parc naturel régional du Morvan » is what a guess
        would print for the others."""
        if self.where_text:
            return self.where_text
        return f"à {self.title}" if self.kind == "ville" else None

    @property
    def signup_url(self) -> str:
        return f"{INDEX_URLS['signup']}?{urlencode({'territoire': self.slug})}"

    def media_files(self) -> list[Media]:
        return [Media("image", self.hero, "hero")] if self.hero else []


@dataclass(frozen=True)
class Household:
    adults: int | None
    children: int | None


@dataclass
class Testimonial(Entry):
    person: str = ""
    origin: str = ""
    territory: Territory | None = None
    date: dt.datetime | None = None
    quote: str = ""
    portrait: str | None = None
    portrait_alt: str | None = None
    moved_in: int | None = None
    household: Household | None = None
    profession: str | None = None

    @property
    def initials(self) -> str:
        return "".join(part[0] for part in self.person.replace(".", " ").split()[:2]).upper()

    def media_files(self) -> list[Media]:
        return [Media("image", self.portrait, "portrait")] if self.portrait else []

    def share_images(self) -> list[str]:
        return self.territory.share_images() if self.territory else []


@dataclass(frozen=True)
class Poster:
    number: int  # 1-based, the `utm_content` of its QR code
    image: str
    alt: str
    caption: str | None
    landing: str  # site path, e.g. /territoires/grand-besancon/
    campaign_slug: str
    budget_eur: int | None = None  # this poster's share of the campaign budget, if not even

    @property
    def utm(self) -> dict[str, str]:
        return {
            "utm_source": "affiche",
            "utm_medium": "print",
            "utm_campaign": self.campaign_slug,
            "utm_content": str(self.number),
        }

    def tracked_url(self, siteurl: str) -> str:
        """The URL the poster's QR code encodes (contract: landing page plus UTM)."""
        base = siteurl.rstrip("/") + self.landing
        separator = "&" if "?" in base else "?"
        return base + separator + urlencode(self.utm)

    def short_url(self, siteurl: str) -> str:
        """What people read and type under the QR code: host and path, no scheme, no
        tracking (`venez-vivre.example.org/territoires/grand-besancon`)."""
        host = urlsplit(siteurl).netloc if "://" in siteurl else siteurl.strip("/")
        path = self.landing.split("#", 1)[0].split("?", 1)[0]
        path = path.rstrip("/") if path != "/" else ""
        return (host + path) or "/"


@dataclass(frozen=True)
class Placement:
    media: str
    date: dt.datetime | None
    url: str | None


@dataclass
class Campaign(Entry):
    summary: str = ""
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    posters: list[Poster] = field(default_factory=list)
    budget_eur: int | None = None
    channels: list[str] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    results: list[Figure] = field(default_factory=list)

    def result_of_kind(self, kind: str) -> int | None:
        for result in self.results:
            if result.kind == kind and isinstance(result.value, (int, float)):
                return result.value
        return None

    @property
    def new_inhabitants(self) -> int | None:
        return self.result_of_kind("nouveaux-habitants")

    @property
    def signups(self) -> int | None:
        return self.result_of_kind("inscriptions")

    @property
    def poster_budgets(self) -> dict[int, float]:
        """Each poster's share of `budget_eur` (by poster number): what a poster says
        (`budget_eur` in its block), the rest split evenly between the others."""
        if self.budget_eur is None or not self.posters:
            return {}
        stated = {p.number: p.budget_eur for p in self.posters if p.budget_eur is not None}
        others = [p.number for p in self.posters if p.budget_eur is None]
        rest = max(0, self.budget_eur - sum(stated.values()))
        shares = {number: float(value) for number, value in stated.items()}
        shares.update((number, rest / len(others)) for number in others)
        return shares

    @property
    def cost_per_new_inhabitant(self) -> float | None:
        """Budget ÷ the result marked `kind: nouveaux-habitants`, when both are known."""
        return cost_per(self.budget_eur, self.new_inhabitants)

    @property
    def cost_per_signup(self) -> float | None:
        """Budget ÷ the result marked `kind: inscriptions`, when both are known."""
        return cost_per(self.budget_eur, self.signups)

    @property
    def date(self) -> dt.datetime | None:
        return self.start

    def media_files(self) -> list[Media]:
        return [Media("image", p.image, f"posters[{p.number}].image") for p in self.posters]

    def share_images(self) -> list[str]:
        return [p.image for p in self.posters[:1]]


@dataclass(frozen=True)
class Chapter:
    start: int  # seconds from the start of the audio
    title: str

    @property
    def timestamp(self) -> str:
        hours, rest = divmod(self.start, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


@dataclass(frozen=True)
class Guest:
    name: str
    role: str | None


@dataclass
class Episode(Entry):
    date: dt.datetime | None = None
    summary: str = ""
    audio: str = ""  # path relative to content/, published at the same path
    episode: int = 0
    season: int | None = None
    episode_type: str = "full"
    explicit: bool | None = None
    transcript: str | None = None
    chapters: list[Chapter] = field(default_factory=list)
    guests: list[Guest] = field(default_factory=list)
    territory: Territory | None = None
    image: str | None = None
    guid: str | None = None
    previous: Episode | None = field(default=None, repr=False)
    next: Episode | None = field(default=None, repr=False)

    def media_files(self) -> list[Media]:
        media = [Media("audio", self.audio, "audio")] if self.audio else []
        if self.transcript:
            media.append(Media("transcript", self.transcript, "transcript"))
        if self.image:
            media.append(Media("image", self.image, "image"))
        return media

    def share_images(self) -> list[str]:
        own = [m.path for m in self.media_files() if m.kind == "image"]
        return own + (self.territory.share_images() if self.territory else [])


@dataclass
class KeyFigures:
    """content/data/chiffres.yml: the programme's own figures. Missing ones are None."""

    source_path: str
    period: str | None = None
    period_start: dt.datetime | None = None
    period_end: dt.datetime | None = None
    signups_target: int | None = None
    signups: int | None = None
    site_visits: int | None = None
    social_views: int | None = None
    podcast_listens: int | None = None
    accompanied: int | None = None
    settled: int | None = None
    settled_children: int | None = None
    budget_eur: int | None = None
    source: str | None = None
    # The period of site_visits and podcast_listens when `make stats UPDATE_FIGURES=1`
    # measured them in the server's logs (docs/stats.md).
    measured_start: dt.datetime | None = None
    measured_end: dt.datetime | None = None
    meta: dict = field(default_factory=dict, repr=False)

    @property
    def cost_per_settled(self) -> float | None:
        return cost_per(self.budget_eur, self.settled)

    @property
    def cost_per_signup(self) -> float | None:
        return cost_per(self.budget_eur, self.signups)

    @property
    def target_ratio(self) -> float | None:
        if self.signups is None or not self.signups_target:
            return None
        return self.signups / self.signups_target

    @property
    def funnel(self) -> list[tuple[str, int]]:
        """From site visit to settlement: each known step, in order."""
        steps = [
            ("Visites du site", self.site_visits),
            ("Inscriptions", self.signups),
            ("Personnes accompagnées", self.accompanied),
            ("Personnes installées", self.settled),
        ]
        return [(label, value) for label, value in steps if value is not None]

    @property
    def is_empty(self) -> bool:
        return not self.funnel and self.budget_eur is None


@dataclass(frozen=True)
class Place:
    name: str
    address: str
    location: Location


@dataclass(frozen=True)
class MapPoint:
    """A place drawn on the site's own map like a territory (an event's venue)."""

    slug: str
    title: str
    url: str
    location: Location


@dataclass
class Event(Entry):
    """content/evenements/<slug>.md: a discovery weekend, a fair stand, a webinar…"""

    summary: str = ""
    kind: str = ""
    start: dt.datetime | None = None  # aware, Europe/Paris
    end: dt.datetime | None = None
    place: Place | None = None  # None for a webinar
    online_url: str | None = None
    territories: list[Territory] = field(default_factory=list)
    hero: str | None = None
    hero_alt: str | None = None
    capacity: int | None = None
    full: bool = False
    registration: str | None = None  # external https:// registration page
    price_eur: float | None = None
    uid: str = ""  # iCalendar UID, from the ledger (plugins/programme/events.py)
    sequence: int = 0  # iCalendar SEQUENCE: grows when the time or place change
    dtstamp: dt.datetime | None = None  # when the UID was first recorded
    upcoming: bool = True  # at build time; the browser hides it once it has ended

    @property
    def date(self) -> dt.datetime | None:  # sitemap, sorting
        return self.start

    @property
    def is_online(self) -> bool:
        return self.kind == "webinaire" or (self.place is None and bool(self.online_url))

    @property
    def is_free(self) -> bool:
        return not self.price_eur

    @property
    def open_for_registration(self) -> bool:
        """Offered in the signup form: upcoming, not full, no external registration."""
        return self.upcoming and not self.full and not self.registration

    @property
    def registration_url(self) -> str | None:
        """Where "Je m’inscris" leads: the external page, else the signup form."""
        if self.registration:
            return self.registration
        if not self.upcoming or self.full:
            return None
        return f"{INDEX_URLS['signup']}?{urlencode({'evenement': self.slug})}"

    @property
    def map_point(self) -> MapPoint | None:
        if self.place is None:
            return None
        return MapPoint(self.slug, self.place.name, self.url, self.place.location)

    @property
    def ics_url(self) -> str:
        return self.url + self.slug + ".ics"
