"""Front matter → typed entries, one function per content type of ../shared/CONTENT.md.

These functions are the content types' only definition: the build validates with them,
and the web editor's form (plugins/cms, through programme.schema) is recorded from the
same calls. So each field's French name (`french`) and help (`hint`) for editors is
written here, on the call that reads it; a field added here appears in the editor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .fields import FrontMatter
from .files import AUDIO_SUFFIXES, IMAGE_SUFFIXES, TRANSCRIPT_SUFFIXES
from .models import (
    CAMPAIGN_CHANNELS,
    EPISODE_TYPES,
    EVENT_KINDS,
    OFFICER_ROLE,
    OPPORTUNITY_KINDS,
    RESULT_KINDS,
    TERRITORY_KINDS,
    WHERE_WORDS,
    Campaign,
    Chapter,
    Episode,
    Event,
    Figure,
    Guest,
    Household,
    KeyFigures,
    Location,
    Opportunity,
    Place,
    Placement,
    Poster,
    Territory,
    Testimonial,
    WelcomeOfficer,
)
from .reader import INVALID_FIELDS

# Patterns in the syntax Python and JavaScript share (the web editor checks them too).
# (expression, what is expected): the build says "attendu : <expected>, trouvé « … »",
# the web editor "Attendu : <expected>."
EMAIL = (r"[^@\s]+@[^@\s]+\.[^@\s]+", "une adresse e-mail (prenom.nom@exemple.fr)")
URL = (r"(https?://|/|mailto:).*", "une adresse complète commençant par https://")
SITE_PATH = (
    r"/.*",
    "un chemin du site commençant par « / » (par exemple /territoires/dijon-metropole/)",
)
HTTPS_URL = (r"https://\S+", "une adresse commençant par https://")
PUBLICATION = {"published": "Publié", "draft": "Brouillon (hors du site publié)"}


def _figures(
    fm: FrontMatter, name: str, kinds: dict | None = None, french: str = "", hint: str = ""
) -> list[Figure]:
    """`{label, value}` blocks; with `kinds`, an optional `kind` says what a result
    counts (campaign results), so that derived figures are computed, never typed."""
    out = []
    seen_kinds: dict[str, str] = {}
    for label, block in fm.records(name, french=french, hint=hint):
        text = fm.text("label", data=block, label=f"{label}.label", french="Intitulé")
        value = fm.scalar(
            "value",
            data=block,
            label=f"{label}.value",
            french="Valeur",
            hint="Un nombre sans espace (4000) ou un texte court (1 h 35).",
        )
        if value is None:
            continue
        kind = (
            fm.choice(
                "kind",
                kinds,
                data=block,
                label=f"{label}.kind",
                french="Ce que compte ce résultat",
                hint="Pour les calculs du site (coût par habitant…) : la valeur est alors "
                "un nombre entier.",
            )
            if kinds
            else None
        )
        if kind and isinstance(value, str) and value.strip().isdigit():
            value = int(value)  # "640", as a text field of the web editor saves it
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
    return fm.text(
        "url",
        required=False,
        data=block,
        label=label,
        pattern=URL,
        french="Adresse (lien)",
        hint="https://… pour un autre site, ou un chemin du site (/territoires/…).",
    )


@dataclass(frozen=True)
class ContentType:
    """One content type of the contract: its folder under content/, its French names
    (the web editor's collections) and the function that reads and validates it."""

    kind: str
    folder: str
    french: str  # plural, as a menu shows it
    french_one: str  # one entry ("Nouveau : Territoire")
    read: Callable


def read_common(fm: FrontMatter) -> dict:
    """What every entry has beside its own fields."""
    fm.choice(
        "status",
        PUBLICATION,
        french="Publication",
        hint="« Brouillon » garde le fichier hors du site publié, des flux et du plan du site.",
    )
    return {"title": fm.text("title", french="Titre")}


def _coordinates(fm: FrontMatter, block: dict, label: str) -> Location | None:
    """`lat` and `lon` of a block (a territory's location, an event's place), in degrees."""
    lat = fm.number("lat", True, -90, 90, data=block, label=f"{label}.lat", french="Latitude")
    lon = fm.number("lon", True, -180, 180, data=block, label=f"{label}.lon", french="Longitude")
    return Location(lat, lon) if lat is not None and lon is not None else None


def read_territory(fm: FrontMatter, base: dict, territories: dict | None = None) -> Territory:
    location = None
    block = fm.mapping(
        "location",
        required=True,
        french="Position sur la carte",
        hint="Latitude et longitude en degrés décimaux, par exemple 47.32 et 5.04.",
    )
    if block is not None:
        location = _coordinates(fm, block, "location")

    officer = None
    block = fm.mapping(
        "welcome_officer",
        french="Chargé d’accueil",
        hint="La personne qui reçoit les inscriptions pour ce territoire.",
    )
    if block is not None:
        name = fm.text("name", data=block, label="welcome_officer.name", french="Nom")
        email = fm.text(
            "email",
            required=False,
            data=block,
            label="welcome_officer.email",
            pattern=EMAIL,
            french="Adresse e-mail",
        )
        phone = fm.text(
            "phone",
            required=False,
            data=block,
            label="welcome_officer.phone",
            french="Téléphone",
            hint="Par exemple 03 80 00 00 00.",
        )
        role = fm.text(
            "role",
            required=False,
            data=block,
            label="welcome_officer.role",
            french="Fonction",
            hint="Montrée après « Votre » : « chargée d’accueil » (sinon « chargé d’accueil »).",
        )
        if name:
            officer = WelcomeOfficer(name, email, phone, role or OFFICER_ROLE)

    opportunities = []
    for label, block in fm.records(
        "opportunities",
        french="Opportunités",
        hint="Offres d’emploi, logements, aides… avec un lien vers le détail.",
    ):
        kind = fm.choice(
            "kind",
            OPPORTUNITY_KINDS,
            required=True,
            data=block,
            label=f"{label}.kind",
            french="Type",
        )
        title = fm.text("title", data=block, label=f"{label}.title", french="Intitulé")
        url = _url(fm, block, f"{label}.url")
        if kind and title:
            opportunities.append(Opportunity(kind, title, url))

    where = fm.text(
        "where",
        required=False,
        french="Le nom dans une phrase",
        hint="Tel qu’il suit « Envie de vivre » : « dans le Haut-Doubs », « à Dijon ».",
    )
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
        department=fm.text(
            "department", french="Département", hint="Par exemple « Côte-d’Or (21) »."
        ),
        summary=fm.text(
            "summary",
            max_length=300,
            french="Résumé",
            hint="Une ou deux phrases, 300 caractères au plus : cartes, moteurs de recherche, "
            "réseaux sociaux.",
        ),
        hero=fm.content_file(
            "hero",
            "image",
            IMAGE_SUFFIXES,
            required=True,
            french="Photo principale",
            hint="Paysage, au moins 2400 pixels de large. Recadrée en 16/10 sur les cartes.",
        ),
        hero_alt=fm.text(
            "hero_alt",
            french="Description de la photo",
            hint="Ce que montre la photo, pour les personnes qui ne la voient pas.",
        ),
        location=location,
        kind=fm.choice("kind", TERRITORY_KINDS, french="Type de territoire"),
        tags=fm.words(
            "tags",
            french="Mots-clés",
            hint="Mots libres du filtre des territoires (montagne, teletravail…), séparés "
            "par des virgules.",
        ),
        figures=_figures(
            fm,
            "figures",
            french="Chiffres clés",
            hint="Par exemple « Paris en TGV » et « 1 h 35 ».",
        ),
        welcome_officer=officer,
        opportunities=opportunities,
    )


def read_testimonial(fm: FrontMatter, base: dict, territories: dict) -> Testimonial:
    household = None
    block = fm.mapping("household", french="Foyer")
    if block is not None:
        household = Household(
            fm.integer("adults", minimum=0, data=block, label="household.adults", french="Adultes"),
            fm.integer(
                "children", minimum=0, data=block, label="household.children", french="Enfants"
            ),
        )
    portrait = fm.content_file(
        "portrait",
        "image",
        IMAGE_SUFFIXES,
        french="Portrait",
        hint="Photo de la personne, visage au centre : le site la montre dans un cercle.",
    )
    portrait_alt = fm.text(
        "portrait_alt",
        required=portrait is not None,
        french="Description du portrait",
        hint="Obligatoire avec un portrait, par exemple « Claire devant sa maison ».",
    )
    return Testimonial(
        **base,
        person=fm.text("person", french="Personne", hint="Prénom et initiale : « Claire M. »."),
        origin=fm.text(
            "origin", french="Vient de", hint="Où la personne vivait avant : Paris, Lyon…"
        ),
        territory=fm.reference(
            "territory", territories, "le territoire", required=True, french="Territoire"
        ),
        date=fm.date("date", french="Date de publication"),
        quote=fm.text("quote", french="Citation", hint="La phrase courte montrée sur les cartes."),
        portrait=portrait,
        portrait_alt=portrait_alt,
        moved_in=fm.integer("moved_in", minimum=1900, french="Année de l’installation"),
        household=household,
        profession=fm.text(
            "profession",
            required=False,
            french="Profession",
            hint="Par exemple « infirmière », « développeur en télétravail ».",
        ),
    )


def read_campaign(fm: FrontMatter, base: dict, territories: dict | None = None) -> Campaign:
    start = fm.date("start", french="Début")
    end = fm.date("end", french="Fin", hint="Le même jour que le début, ou après.")
    if start and end and end < start:
        fm.error("end", "la fin de la campagne est avant son début : attendu end ≥ start.")
    posters = []
    for number, (label, block) in enumerate(
        fm.records(
            "posters",
            required=True,
            french="Affiches",
            hint="Chaque affiche reçoit un code QR vers sa page d’arrivée.",
        ),
        1,
    ):
        image = fm.content_file(
            "image",
            "image",
            IMAGE_SUFFIXES,
            True,
            block,
            f"{label}.image",
            french="Visuel de l’affiche",
            hint="Format A3 portrait (297 × 420 mm) : le site le compose à ce format.",
        )
        alt = fm.text("alt", data=block, label=f"{label}.alt", french="Description du visuel")
        caption = fm.text(
            "caption", required=False, data=block, label=f"{label}.caption", french="Légende"
        )
        landing = fm.text(
            "landing",
            data=block,
            label=f"{label}.landing",
            pattern=SITE_PATH,
            french="Page d’arrivée du code QR",
            hint="Un chemin du site, par exemple /territoires/dijon-metropole/.",
        )
        budget = fm.integer(
            "budget_eur",
            minimum=0,
            data=block,
            label=f"{label}.budget_eur",
            french="Budget de l’affiche (euros)",
            hint="Facultatif : sans lui, les affiches se partagent le budget de la campagne.",
        )
        if image and alt and landing:
            posters.append(Poster(number, image, alt, caption, landing, base["slug"], budget))
    placements = []
    for label, block in fm.records(
        "placements", french="Parutions", hint="Titres de presse, lignes de métro…"
    ):
        media = fm.text("media", data=block, label=f"{label}.media", french="Support")
        date = fm.date("date", required=False, data=block, label=f"{label}.date", french="Date")
        url = _url(fm, block, f"{label}.url")
        if media:
            placements.append(Placement(media, date, url))
    budget_eur = fm.integer(
        "budget_eur", minimum=0, french="Budget (euros)", hint="Nombre entier, sans espace."
    )
    stated = sum(p.budget_eur for p in posters if p.budget_eur is not None)
    if stated and (budget_eur is None or stated > budget_eur):
        fm.error(
            "budget_eur",
            f"les budgets des affiches font {stated} € en tout : attendu un budget_eur de la "
            "campagne au moins égal (les affiches sans budget_eur se partagent le reste).",
        )
    return Campaign(
        **base,
        summary=fm.text("summary", max_length=300, french="Résumé", hint="300 caractères au plus."),
        start=start,
        end=end,
        posters=posters,
        budget_eur=budget_eur,
        channels=fm.choice_list("channels", CAMPAIGN_CHANNELS, french="Canaux"),
        placements=placements,
        results=_figures(
            fm,
            "results",
            RESULT_KINDS,
            french="Résultats",
            hint="Par exemple « Nouveaux habitants depuis janvier » et 4000.",
        ),
    )


def read_episode(fm: FrontMatter, base: dict, territories: dict) -> Episode:
    chapters = []
    for label, block in fm.records(
        "chapters", french="Chapitres", hint="Dans l’ordre, avec le temps où chacun commence."
    ):
        title = fm.text("title", data=block, label=f"{label}.title", french="Titre")
        start = fm.timestamp(
            "start",
            data=block,
            label=f"{label}.start",
            french="Début",
            hint="MM:SS ou HH:MM:SS, par exemple 12:30.",
        )
        if start is not None and title:
            if chapters and start <= chapters[-1].start:
                fm.error(
                    f"{label}.start",
                    f"les chapitres doivent être dans l’ordre : {block.get('start')} n’est pas "
                    f"après {chapters[-1].timestamp}.",
                )
            chapters.append(Chapter(start, title))
    guests = []
    for label, block in fm.records("guests", french="Invités"):
        name = fm.text("name", data=block, label=f"{label}.name", french="Nom")
        role = fm.text(
            "role", required=False, data=block, label=f"{label}.role", french="Présentation"
        )
        if name:
            guests.append(Guest(name, role))
    guid = fm.text(
        "guid",
        required=False,
        french="Identifiant d’un ancien flux",
        hint="Seulement pour un épisode repris d’un ancien flux ; sinon laissez vide.",
    )
    return Episode(
        **base,
        date=fm.date("date", french="Date de publication"),
        summary=fm.text("summary", max_length=4000, french="Résumé"),
        audio=fm.content_file(
            "audio",
            "audio",
            AUDIO_SUFFIXES,
            required=True,
            french="Fichier audio",
            hint="MP3 de préférence : durée, taille et type sont lus dans le fichier.",
        ),
        episode=fm.integer("episode", required=True, minimum=1, french="Numéro d’épisode") or 0,
        season=fm.integer("season", minimum=1, french="Saison"),
        episode_type=fm.choice("episode_type", EPISODE_TYPES, french="Type d’épisode") or "full",
        explicit=fm.boolean(
            "explicit", french="Contenu explicite", hint="Par défaut, le réglage de l’émission."
        ),
        transcript=fm.content_file(
            "transcript",
            "de transcription",
            TRANSCRIPT_SUFFIXES,
            french="Transcription",
            hint="Fichier .vtt ou .srt : montré sur la page et annoncé dans le flux.",
        ),
        chapters=chapters,
        guests=guests,
        territory=fm.reference("territory", territories, "le territoire", french="Territoire"),
        image=fm.content_file(
            "image", "image", IMAGE_SUFFIXES, french="Vignette", hint="Image carrée."
        ),
        guid=guid,
    )


def read_event(fm: FrontMatter, base: dict, territories: dict) -> Event:
    kind = fm.choice("kind", EVENT_KINDS, required=True, french="Type d’événement")
    start = fm.datetime(
        "start", french="Début", hint="Date et heure, heure de Paris : 2026-03-14 10:00."
    )
    end = fm.datetime("end", french="Fin", hint="Date et heure, après le début.")
    if start and end and end < start:
        fm.error("end", "l’événement finit avant de commencer : attendu end ≥ start.")
    online = kind == "webinaire"
    place = None
    # Required except for a webinar: checked here rather than with `required=`, so that
    # the web editor (which cannot make one field depend on another) lets a webinar
    # leave it empty.
    block = fm.mapping("place", french="Lieu", hint="Obligatoire, sauf pour un webinaire.")
    if block is None and kind and not online and "place" not in fm.meta.get(INVALID_FIELDS, ()):
        fm.error(
            "place",
            "ce champ est obligatoire (sauf pour un webinaire) et il est absent ou vide : "
            "indiquez name, address, lat et lon.",
        )
    if block is not None:
        name = fm.text("name", data=block, label="place.name", french="Nom du lieu")
        address = fm.text(
            "address",
            data=block,
            label="place.address",
            french="Adresse",
            hint="Rue, code postal et ville : 6 boulevard Basdevant, 58230 Saint-Brisson.",
        )
        location = _coordinates(fm, block, "place")
        if name and address and location is not None:
            place = Place(name, address, location)
    online_url = fm.text(
        "online_url",
        required=online,
        pattern=HTTPS_URL,
        french="Adresse du webinaire",
        hint="Obligatoire pour un webinaire : https://…",
    )
    registration = fm.text(
        "registration",
        required=False,
        pattern=HTTPS_URL,
        french="Inscription externe",
        hint="Une billetterie, https://… ; sans elle, on s’inscrit par le formulaire du site.",
    )
    hero = fm.content_file(
        "hero",
        "image",
        IMAGE_SUFFIXES,
        french="Photo",
        hint="Paysage : le site la recadre en 16/10.",
    )
    price = fm.number("price_eur", minimum=0, french="Prix (euros)", hint="Vide ou 0 : gratuit.")
    return Event(
        **base,
        summary=fm.text("summary", max_length=300, french="Résumé", hint="300 caractères au plus."),
        kind=kind or "",
        start=start,
        end=end,
        place=place,
        online_url=online_url,
        territories=fm.references(
            "territories",
            territories,
            "le territoire",
            french="Territoires concernés",
            hint="Sa page montrera l’événement parmi ses prochains.",
        ),
        hero=hero,
        hero_alt=fm.text("hero_alt", required=hero is not None, french="Description de la photo"),
        capacity=fm.integer("capacity", minimum=1, french="Nombre de places"),
        full=bool(fm.boolean("full", french="Complet", hint="Plus aucune place.")),
        registration=registration,
        price_eur=price,
    )


# Order matters: references point backwards (testimonials name territories).
CONTENT_TYPES = (
    ContentType("territory", "territoires", "Territoires", "Territoire", read_territory),
    ContentType("testimonial", "temoignages", "Témoignages", "Témoignage", read_testimonial),
    ContentType("campaign", "campagnes", "Campagnes", "Campagne", read_campaign),
    ContentType("episode", "podcast", "Podcast", "Épisode", read_episode),
    ContentType("event", "evenements", "Événements", "Événement", read_event),
)


# content/data/chiffres.yml: the programme's counts, each a whole number ≥ 0.
KEY_FIGURES = {
    "signups_target": ("Objectif d’inscriptions", ""),
    "signups": ("Inscriptions", "Personnes inscrites par le formulaire pendant la période."),
    "site_visits": ("Visites du site", ""),
    "social_views": ("Vues sur les réseaux sociaux", ""),
    "podcast_listens": ("Écoutes du podcast", ""),
    "accompanied": ("Personnes accompagnées", "Suivies par un chargé d’accueil."),
    "settled": ("Personnes installées", ""),
    "settled_children": ("Dont enfants", "Enfants parmi les personnes installées."),
    "budget_eur": ("Budget dépensé (euros)", ""),
}


def read_key_figures(fm: FrontMatter, source: str, data: dict) -> KeyFigures:
    figures = KeyFigures(
        source_path=source,
        period=fm.text(
            "period", required=False, french="Période", hint="Montrée aux visiteurs : « 2025 »."
        ),
        period_start=fm.date("period_start", required=False, french="Début de la période"),
        period_end=fm.date("period_end", required=False, french="Fin de la période"),
        source=fm.text(
            "source",
            required=False,
            french="Source",
            hint="Texte libre affiché sous les chiffres.",
        ),
        measured_start=fm.date(
            "measured_start",
            required=False,
            french="Début de la période mesurée",
            hint="Écrit par make stats UPDATE_FIGURES=1 (visites, écoutes).",
        ),
        measured_end=fm.date("measured_end", required=False, french="Fin de la période mesurée"),
        meta=data,
        **{
            name: fm.integer(
                name, minimum=0, french=french, hint=hint or "Nombre entier, sans espace."
            )
            for name, (french, hint) in KEY_FIGURES.items()
        },
    )
    _check_key_figures(fm, figures)
    return figures


def _check_key_figures(fm: FrontMatter, figures: KeyFigures) -> None:
    """Figures that contradict each other are a build error, never a silent chart."""
    pairs = [
        ("settled", "accompanied", "plus de personnes installées que de personnes accompagnées"),
        ("settled_children", "settled", "plus d’enfants installés que de personnes installées"),
        ("accompanied", "signups", "plus de personnes accompagnées que d’inscriptions"),
        ("signups", "site_visits", "plus d’inscriptions que de visites du site"),
    ]
    for small, large, message in pairs:
        a, b = getattr(figures, small), getattr(figures, large)
        if a is not None and b is not None and a > b:
            fm.error(small, f"{message} ({a} > {b}) : vérifiez les chiffres.")
    if figures.period_start and figures.period_end and figures.period_end < figures.period_start:
        fm.error("period_end", "la fin de la période est avant son début.")
    if bool(figures.measured_start) != bool(figures.measured_end):
        fm.error(
            "measured_start" if figures.measured_end else "measured_end",
            "attendu : measured_start et measured_end ensemble (la période mesurée).",
        )
    elif figures.measured_start and figures.measured_end < figures.measured_start:
        fm.error("measured_end", "la fin de la période mesurée est avant son début.")
