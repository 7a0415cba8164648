"""The signup payload contract (../shared/CONTENT.md, "Signup form"): field names,
choices, limits and the French messages that go with them.

One place for the whole contract: the receiver validates with it and the site's signup
plugin builds the form's choices from it, so the form and the receiver never disagree.
Pure Python, no dependency: a programme plugging in its own CRM can read it as the
specification of what it receives (see docs/receiver.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Choices: (value sent, label shown). Values are fixed by the content contract.
PROJECTS = (
    ("emploi", "Trouver un emploi sur place"),
    ("teletravail", "Continuer mon travail en télétravail"),
    ("creation-entreprise", "Créer ou reprendre une entreprise"),
    ("etudes", "Faire mes études"),
    ("retraite", "Profiter de ma retraite"),
    ("autre", "Un autre projet"),
)
TIMINGS = (
    ("moins-6-mois", "Dans moins de 6 mois"),
    ("6-12-mois", "Dans 6 à 12 mois"),
    ("plus-12-mois", "Dans plus de 12 mois"),
)
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")
HONEYPOT = "website"
CONSENT_VALUE = "oui"

# Technical fields, prefixed with "_": not part of the sign-up itself.
REDIRECT_FIELD = "_redirect"  # the thank-you page URL, for plain (no JavaScript) posts
FORMAT_FIELD = "_format"  # "json" when the page's script sends in the background
FILL_TIME_FIELD = "_fill_ms"  # milliseconds between the form's display and its sending
SUBMISSION_ID_FIELD = "_submission_id"  # one per filled form: a resend is stored once

# Longest accepted values, in characters (the body itself is capped in bytes).
MAX_LENGTHS = {
    "prenom": 100,
    "nom": 100,
    "email": 254,
    "telephone": 30,
    "ville_actuelle": 150,
    "message": 5000,
    "page": 500,
    SUBMISSION_ID_FIELD: 64,
    **dict.fromkeys(UTM_FIELDS, 200),
}
MAX_TERRITORIES = 30
HOUSEHOLD_LIMITS = {"adultes": (1, 20), "enfants": (0, 20)}

# Order of the fields on the page: the error summary lists errors in this order.
FIELD_ORDER = (
    "prenom",
    "nom",
    "email",
    "telephone",
    "ville_actuelle",
    "territoires",
    "projet",
    "adultes",
    "enfants",
    "echeance",
    "message",
    "consentement",
)

# GOV.UK style: each message reuses the words of its field's label.
MESSAGES = {
    "prenom": "Saisissez votre prénom",
    "nom": "Saisissez votre nom",
    "email": "Saisissez votre adresse e-mail",
    "email_format": "Saisissez une adresse e-mail valide, comme nom@exemple.fr",
    "telephone_format": (
        "Saisissez un numéro de téléphone valide, comme 06 12 34 56 78 ou +33 6 12 34 56 78"
    ),
    "ville_actuelle": "Saisissez la ville où vous habitez aujourd’hui",
    "territoires": "Choisissez les territoires qui vous intéressent dans la liste",
    "projet": "Choisissez au moins un projet",
    "adultes": "Le nombre d’adultes doit être un nombre entier entre 1 et 20",
    "enfants": "Le nombre d’enfants doit être un nombre entier entre 0 et 20",
    "echeance": "Choisissez quand vous pensez déménager dans la liste",
    "consentement": "Cochez la case pour accepter que vos données servent à vous recontacter",
    "too_long": "{label} doit faire {limit} caractères ou moins",
    "too_fast": (
        "Le formulaire a été envoyé très vite : vérifiez vos réponses puis envoyez-le à nouveau"
    ),
}
LABELS = {
    "prenom": "Le prénom",
    "nom": "Le nom",
    "email": "L’adresse e-mail",
    "telephone": "Le numéro de téléphone",
    "ville_actuelle": "La ville où vous habitez aujourd’hui",
    "message": "Le message",
}

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
PHONE = re.compile(r"^\+?[0-9 ().\-]{8,25}$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SUBMISSION_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


@dataclass
class Signup:
    """One valid sign-up, as stored and exported."""

    prenom: str
    nom: str
    email: str
    ville_actuelle: str
    projet: list[str]
    consentement: str = CONSENT_VALUE
    telephone: str = ""
    territoires: list[str] = field(default_factory=list)
    adultes: int | None = None
    enfants: int | None = None
    echeance: str = ""
    message: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    utm_content: str = ""
    page: str = ""
    submission_id: str | None = None


@dataclass
class Verdict:
    """What the receiver makes of one posted form."""

    signup: Signup | None = None
    errors: dict[str, str] = field(default_factory=dict)  # field → message, page order
    honeypot: bool = False
    too_fast: bool = False

    @property
    def ok(self) -> bool:
        return self.signup is not None


def _one(form, name: str) -> str:
    values = form.getall(name, []) if hasattr(form, "getall") else form.get(name, [])
    if isinstance(values, str):
        values = [values]
    return values[0].strip() if values else ""


def _many(form, name: str) -> list[str]:
    values = form.getall(name, []) if hasattr(form, "getall") else form.get(name, [])
    if isinstance(values, str):
        values = [values]
    seen: list[str] = []
    for value in values:
        value = value.strip()
        if value and value not in seen:
            seen.append(value)
    return seen


def validate(form, min_fill_ms: int = 0) -> Verdict:
    """Check a posted form (a multidict of strings: aiohttp's, or {name: [values]}).

    Every field is checked, so the person sees every problem at once.
    """
    if _one(form, HONEYPOT):
        return Verdict(honeypot=True)
    errors: dict[str, str] = {}
    text = {name: _one(form, name) for name in MAX_LENGTHS}
    for name in ("prenom", "nom", "email", "ville_actuelle"):
        if not text[name]:
            errors[name] = MESSAGES[name]
    if text["email"] and "email" not in errors and not EMAIL.match(text["email"]):
        errors["email"] = MESSAGES["email_format"]
    phone = text["telephone"]
    if phone and (not PHONE.match(phone) or not 9 <= sum(c.isdigit() for c in phone) <= 15):
        errors["telephone"] = MESSAGES["telephone_format"]
    for name, limit in MAX_LENGTHS.items():
        if len(text[name]) > limit and name not in errors:
            label = LABELS.get(name, name)
            limit_fr = format(limit, ",").replace(",", "\u202f")  # 5 000, French style
            errors[name] = MESSAGES["too_long"].format(label=label, limit=limit_fr)

    territories = _many(form, "territoires")
    if len(territories) > MAX_TERRITORIES or not all(SLUG.match(t) for t in territories):
        errors["territoires"] = MESSAGES["territoires"]
    projects = _many(form, "projet")
    known_projects = {value for value, _ in PROJECTS}
    if not projects or not set(projects) <= known_projects:
        errors["projet"] = MESSAGES["projet"]
    household: dict[str, int | None] = {}
    for name, (low, high) in HOUSEHOLD_LIMITS.items():
        raw = _one(form, name)
        household[name] = None
        if raw:
            if raw.isdigit() and low <= int(raw) <= high:
                household[name] = int(raw)
            else:
                errors[name] = MESSAGES[name]
    timing = _one(form, "echeance")
    if timing and timing not in {value for value, _ in TIMINGS}:
        errors["echeance"] = MESSAGES["echeance"]
    if _one(form, "consentement") != CONSENT_VALUE:
        errors["consentement"] = MESSAGES["consentement"]
    submission_id = text[SUBMISSION_ID_FIELD] or None
    if submission_id and not SUBMISSION_ID.match(submission_id):
        submission_id = None  # a garbled id only loses the resend protection

    if errors:
        ordered = {name: errors[name] for name in FIELD_ORDER if name in errors}
        ordered.update((k, v) for k, v in errors.items() if k not in ordered)
        return Verdict(errors=ordered)

    fill = _one(form, FILL_TIME_FIELD)
    if min_fill_ms and fill.isdigit() and int(fill) < min_fill_ms:
        # Only the page's script measures the fill time; a form without it (no
        # JavaScript) relies on the honeypot. Never dropped silently: a person who
        # really was that fast just sends again.
        return Verdict(errors={"_form": MESSAGES["too_fast"]}, too_fast=True)

    page = text["page"]
    if page and not page.startswith("/"):
        page = ""  # a path on the site, never a full address from elsewhere
    return Verdict(
        signup=Signup(
            prenom=text["prenom"],
            nom=text["nom"],
            email=text["email"],
            telephone=phone,
            ville_actuelle=text["ville_actuelle"],
            territoires=territories,
            projet=projects,
            adultes=household["adultes"],
            enfants=household["enfants"],
            echeance=timing,
            message=text["message"],
            consentement=CONSENT_VALUE,
            page=page,
            submission_id=submission_id,
            **{name: text[name] for name in UTM_FIELDS},
        )
    )
