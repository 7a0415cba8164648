"""Front matter → typed entries, one function per content type of ../shared/CONTENT.md."""

from __future__ import annotations

import re

from .fields import FrontMatter
from .models import (
    CAMPAIGN_CHANNELS,
    EPISODE_TYPES,
    OFFICER_ROLE,
    OPPORTUNITY_KINDS,
    RESULT_KINDS,
    TERRITORY_KINDS,
    WHERE_WORDS,
    Campaign,
    Chapter,
    Episode,
    Figure,
    Guest,
    Household,
    Location,
    Opportunity,
    Placement,
    Poster,
    Territory,
    Testimonial,
    WelcomeOfficer,
)

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".tif", ".tiff", ".svg"}
AUDIO_SUFFIXES = {".mp3", ".m4a", ".mp4", ".aac", ".ogg", ".oga", ".opus", ".wav", ".flac"}
TRANSCRIPT_SUFFIXES = {".vtt", ".srt"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TIMESTAMP = re.compile(r"^(?:(\d+):)?([0-5]?\d):([0-5]\d)$")


def _figures(fm: FrontMatter, name: str, kinds: dict | None = None) -> list[Figure]:
    """`{label, value}` blocks; with `kinds`, an optional `kind` says what a result
    counts (campaign results), so that derived figures are computed, never typed."""
    out = []
    seen_kinds: dict[str, str] = {}
    for label, block in fm.records(name):
        text = fm.text("label", data=block, label=f"{label}.label")
        value = block.get("value")
        if value is None or (isinstance(value, str) and not value.strip()):
            fm.error(f"{label}.value", "ce champ est obligatoire et il est absent ou vide.")
            continue
        kind = fm.choice("kind", kinds, data=block, label=f"{label}.kind") if kinds else None
        if kind and (isinstance(value, bool) or not isinstance(value, int)):
            fm.error(
                f"{label}.value",
                f"un résultat de type « {kind} » est un nombre entier écrit sans espace ni "
                f"unité (par exemple 640), trouvé « {value} ».",
            )
            continue
        if kind in seen_kinds:
            fm.error(
                f"{label}.kind",
                f"le type « {kind} » est déjà celui de {seen_kinds[kind]} : un seul résultat "
                "par type, sinon le site ne sait pas lequel utiliser pour ses calculs.",
            )
            continue
        if kind:
            seen_kinds[kind] = label
        if text:
            out.append(Figure(text, value if isinstance(value, (int, float)) else str(value), kind))
    return out


def _url(fm: FrontMatter, block: dict, label: str) -> str | None:
    url = fm.text("url", required=False, data=block, label=label)
    if url and not (url.startswith(("https://", "http://", "/", "mailto:"))):
        fm.error(
            label, f"attendu : une adresse complète commençant par https://, trouvé « {url} »."
        )
        return None
    return url


def read_territory(fm: FrontMatter, base: dict) -> Territory:
    location = None
    block = fm.mapping("location", required=True)
    if block is not None:
        lat = fm.number("lat", required=True, data=block, label="location.lat")
        lon = fm.number("lon", required=True, data=block, label="location.lon")
        if lat is not None and not -90 <= lat <= 90:
            fm.error("location.lat", f"une latitude est entre -90 et 90, trouvé {lat}.")
        elif lon is not None and not -180 <= lon <= 180:
            fm.error("location.lon", f"une longitude est entre -180 et 180, trouvé {lon}.")
        elif lat is not None and lon is not None:
            location = Location(lat, lon)

    officer = None
    block = fm.mapping("welcome_officer")
    if block is not None:
        name = fm.text("name", data=block, label="welcome_officer.name")
        email = fm.text("email", required=False, data=block, label="welcome_officer.email")
        if email and not _EMAIL.match(email):
            fm.error("welcome_officer.email", f"« {email} » n’est pas une adresse e-mail.")
        phone = fm.text("phone", required=False, data=block, label="welcome_officer.phone")
        role = fm.text("role", required=False, data=block, label="welcome_officer.role")
        if name:
            officer = WelcomeOfficer(name, email, phone, role or OFFICER_ROLE)

    opportunities = []
    for label, block in fm.records("opportunities"):
        kind = fm.choice(
            "kind", OPPORTUNITY_KINDS, required=True, data=block, label=f"{label}.kind"
        )
        title = fm.text("title", data=block, label=f"{label}.title")
        url = _url(fm, block, f"{label}.url")
        if kind and title:
            opportunities.append(Opportunity(kind, title, url))

    where = fm.text("where", required=False)
    if where and where.split(" ", 1)[0].split("’", 1)[0].lower() not in WHERE_WORDS:
        fm.error(
            "where",
            f"« {where} » : attendu le nom tel qu’il suit « Envie de vivre », avec son mot "
            "de liaison : « dans le Haut-Doubs », « à Dijon », « en Côte-d’Or », « au Creusot ».",
        )
        where = None

    return Territory(
        **base,
        where_text=where,
        department=fm.text("department"),
        summary=fm.text("summary", max_length=300),
        hero=fm.content_file("hero", "image", IMAGE_SUFFIXES, required=True),
        hero_alt=fm.text("hero_alt"),
        location=location,
        kind=fm.choice("kind", TERRITORY_KINDS),
        tags=fm.words("tags"),
        figures=_figures(fm, "figures"),
        welcome_officer=officer,
        opportunities=opportunities,
    )


def read_testimonial(fm: FrontMatter, base: dict, territories: dict) -> Testimonial:
    household = None
    block = fm.mapping("household")
    if block is not None:
        household = Household(
            fm.integer("adults", minimum=0, data=block, label="household.adults"),
            fm.integer("children", minimum=0, data=block, label="household.children"),
        )
    portrait = fm.content_file("portrait", "image", IMAGE_SUFFIXES)
    portrait_alt = fm.text("portrait_alt", required=portrait is not None)
    return Testimonial(
        **base,
        person=fm.text("person"),
        origin=fm.text("origin"),
        territory=fm.reference("territory", territories, "le territoire", required=True),
        date=fm.date("date"),
        quote=fm.text("quote"),
        portrait=portrait,
        portrait_alt=portrait_alt,
        moved_in=fm.integer("moved_in", minimum=1900),
        household=household,
        profession=fm.text("profession", required=False),
    )


def read_campaign(fm: FrontMatter, base: dict) -> Campaign:
    start, end = fm.date("start"), fm.date("end")
    if start and end and end < start:
        fm.error("end", "la fin de la campagne est avant son début : attendu end ≥ start.")
    posters = []
    for number, (label, block) in enumerate(fm.records("posters", required=True), 1):
        image = fm.content_file("image", "image", IMAGE_SUFFIXES, True, block, f"{label}.image")
        alt = fm.text("alt", data=block, label=f"{label}.alt")
        caption = fm.text("caption", required=False, data=block, label=f"{label}.caption")
        landing = fm.text("landing", data=block, label=f"{label}.landing")
        if landing and not landing.startswith("/"):
            fm.error(
                f"{label}.landing",
                f"attendu : un chemin du site commençant par « / » "
                f"(par exemple /territoires/dijon-metropole/), trouvé « {landing} ».",
            )
            landing = None
        if image and alt and landing:
            posters.append(Poster(number, image, alt, caption, landing, base["slug"]))
    placements = []
    for label, block in fm.records("placements"):
        media = fm.text("media", data=block, label=f"{label}.media")
        date = fm.date("date", required=False, data=block, label=f"{label}.date")
        url = _url(fm, block, f"{label}.url")
        if media:
            placements.append(Placement(media, date, url))
    return Campaign(
        **base,
        summary=fm.text("summary", max_length=300),
        start=start,
        end=end,
        posters=posters,
        budget_eur=fm.integer("budget_eur", minimum=0),
        channels=fm.choice_list("channels", CAMPAIGN_CHANNELS),
        placements=placements,
        results=_figures(fm, "results", RESULT_KINDS),
    )


def parse_timestamp(value) -> int | None:
    """`MM:SS` or `HH:MM:SS` → seconds. YAML 1.1 reads an unquoted `12:30` as the
    sexagesimal integer 750, which is already the right number of seconds."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    match = _TIMESTAMP.match(str(value).strip())
    if not match:
        return None
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def read_episode(fm: FrontMatter, base: dict, territories: dict) -> Episode:
    chapters = []
    for label, block in fm.records("chapters"):
        title = fm.text("title", data=block, label=f"{label}.title")
        raw = block.get("start")
        start = parse_timestamp(raw) if raw is not None else None
        if start is None:
            fm.error(
                f"{label}.start",
                f"attendu : un temps « MM:SS » ou « HH:MM:SS » entre guillemets, trouvé « {raw} ».",
            )
        elif title:
            if chapters and start <= chapters[-1].start:
                fm.error(
                    f"{label}.start",
                    f"les chapitres doivent être dans l’ordre : {raw} n’est pas après "
                    f"{chapters[-1].timestamp}.",
                )
            chapters.append(Chapter(start, title))
    guests = []
    for label, block in fm.records("guests"):
        name = fm.text("name", data=block, label=f"{label}.name")
        role = fm.text("role", required=False, data=block, label=f"{label}.role")
        if name:
            guests.append(Guest(name, role))
    guid = fm.text("guid", required=False)
    return Episode(
        **base,
        date=fm.date("date"),
        summary=fm.text("summary", max_length=4000),
        audio=fm.content_file("audio", "audio", AUDIO_SUFFIXES, required=True),
        episode=fm.integer("episode", required=True, minimum=1) or 0,
        season=fm.integer("season", minimum=1),
        episode_type=fm.choice("episode_type", EPISODE_TYPES) or "full",
        explicit=fm.boolean("explicit"),
        transcript=fm.content_file("transcript", "de transcription", TRANSCRIPT_SUFFIXES),
        chapters=chapters,
        guests=guests,
        territory=fm.reference("territory", territories, "le territoire"),
        image=fm.content_file("image", "image", IMAGE_SUFFIXES),
        guid=guid,
    )
