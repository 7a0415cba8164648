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
    "evenement",
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
    "evenement": "Choisissez l’événement dans la liste, ou « Aucun événement »",
    "projet": "Choisissez au moins un projet",
    "adultes": "Le nombre d’adultes doit être un nombre entier entre 1 et 20",
    "enfants": "Le nombre d’enfants doit être un nombre entier entre 0 et 20",
    "echeance": "Choisissez quand vous pensez déménager dans la liste",
    "consentement": "Cochez la case pour accepter que vos données servent à vous recontacter",
    "too_long": "{label} doit faire {limit} caractères ou moins",
    "too_fast": (
        "Le formulaire a été envoyé très vite : vérifiez vos réponses puis envoyez-le à nouveau"
    ),
    "unstorable": (
        "{label} contient un caractère qui ne peut pas être enregistré : "
        "retirez-le puis envoyez à nouveau"
    ),
}
LABELS = {
    "prenom": "Le prénom",
    "nom": "Le nom",
    "email": "L’adresse e-mail",
    "telephone": "Le numéro de téléphone",
    "ville_actuelle": "La ville où vous habitez aujourd’hui",
    "message": "Le message",
    "territoires": "Le choix des territoires",
    "projet": "Le choix du projet",
    "adultes": "Le nombre d’adultes",
    "enfants": "Le nombre d’enfants",
    "echeance": "Le choix de l’échéance",
    "consentement": "La case de consentement",
    "page": "Le champ technique « page »",
    **{name: f"Le champ technique « {name} »" for name in UTM_FIELDS},
}

# How long the programme keeps a person's answers after the last contact with them:
# the CNIL's reference duration for prospects. The receiver's `purge` applies it
# (`--retention-years`) and the site's privacy page states it (`retention_words`).
RETENTION_YEARS = 3
_NUMBER_WORDS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf")


def retention_words(years: int = RETENTION_YEARS) -> str:
    """The retention period in French words, as the privacy page says it ("trois ans")."""
    number = _NUMBER_WORDS[years] if 0 <= years < len(_NUMBER_WORDS) else str(years)
    return f"{number} an" if years == 1 else f"{number} ans"


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
PHONE = re.compile(r"^\+?[0-9 ().\-]{8,25}$")
PHONE_DIGITS = (9, 15)  # how many digits a phone number has, fewest and most
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SUBMISSION_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")
ASCII_NUMBER = re.compile(r"^[0-9]{1,3}$")  # str.isdigit() also accepts "²" and "٣"
# Not storable as text: NUL (PostgreSQL refuses it), lone surrogates (not encodable as
# UTF-8: they made SQLite fail a whole group commit), other C0 controls but tab and
# line breaks, and the non-characters U+FFFE/U+FFFF.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def too_long_message(name: str) -> str:
    """The message for a value longer than MAX_LENGTHS[name] ("5 000", French style)."""
    limit_fr = format(MAX_LENGTHS[name], ",").replace(",", "\u202f")
    return MESSAGES["too_long"].format(label=LABELS.get(name, name), limit=limit_fr)


def browser_rules() -> dict:
    """The checks a browser can make before anything is sent, with their messages.

    The site renders this into the signup page (plugins/signup) and its script applies
    it, so the browser says exactly what `validate` would say. Each field maps to a
    list of rules, checked in order, the first one failing giving the field's message:
    - `required`: a value, once surrounding spaces are removed;
    - `pattern`: the value matches the regular expression (written for both Python and
      JavaScript);
    - `digits`: [fewest, most] ASCII digits in the value;
    - `integer`: [lowest, highest], ASCII digits only;
    - `max_length`: at most this many characters (code points);
    - `min_count` / `max_count`: how many boxes of a group are ticked;
    - `each_pattern` / `one_of`: every ticked value matches / is one of these;
    - `equals`: the value of the ticked box.
    Optional fields are only checked when filled. Only what the browser can know is
    here: the fill-time check stays on the receiver.
    """

    def rule(kind: str, value, message: str) -> dict:
        return {"rule": kind, "value": value, "message": message}

    def text(name: str, required: bool, *rules: dict) -> list[dict]:
        first = [rule("required", True, MESSAGES[name])] if required else []
        return [*first, *rules, rule("max_length", MAX_LENGTHS[name], too_long_message(name))]

    fields = {
        "prenom": text("prenom", True),
        "nom": text("nom", True),
        "email": text("email", True, rule("pattern", EMAIL.pattern, MESSAGES["email_format"])),
        "telephone": text(
            "telephone",
            False,
            rule("pattern", PHONE.pattern, MESSAGES["telephone_format"]),
            rule("digits", list(PHONE_DIGITS), MESSAGES["telephone_format"]),
        ),
        "ville_actuelle": text("ville_actuelle", True),
        "territoires": [
            rule("max_count", MAX_TERRITORIES, MESSAGES["territoires"]),
            rule("each_pattern", SLUG.pattern, MESSAGES["territoires"]),
        ],
        "evenement": [rule("each_pattern", SLUG.pattern, MESSAGES["evenement"])],
        "projet": [
            rule("min_count", 1, MESSAGES["projet"]),
            rule("one_of", [value for value, _ in PROJECTS], MESSAGES["projet"]),
        ],
        **{
            name: [rule("integer", list(limits), MESSAGES[name])]
            for name, limits in HOUSEHOLD_LIMITS.items()
        },
        "echeance": [rule("one_of", [value for value, _ in TIMINGS], MESSAGES["echeance"])],
        "message": text("message", False),
        "consentement": [rule("equals", CONSENT_VALUE, MESSAGES["consentement"])],
    }
    return {"order": list(FIELD_ORDER), "fields": fields}


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
    evenement: str = ""  # slug of the event the person registers for
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


def unstorable_fields(form) -> dict[str, str]:
    """Fields holding text that cannot be stored (see UNSTORABLE), with the French
    message naming each: the receiver answers 400 without trying to store anything."""
    items = form.items() if hasattr(form, "items") else []
    errors: dict[str, str] = {}
    for name, value in items:
        values = value if isinstance(value, list) else [value]
        if name not in errors and any(isinstance(v, str) and UNSTORABLE.search(v) for v in values):
            label = LABELS.get(name, f"Le champ « {name} »")
            errors[name] = MESSAGES["unstorable"].format(label=label)
    return {name: errors[name] for name in (*FIELD_ORDER, *errors) if name in errors}


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
    fewest, most = PHONE_DIGITS
    digits = sum(c in "0123456789" for c in phone)
    if phone and (not PHONE.match(phone) or not fewest <= digits <= most):
        errors["telephone"] = MESSAGES["telephone_format"]
    for name, limit in MAX_LENGTHS.items():
        if len(text[name]) > limit and name not in errors:
            errors[name] = too_long_message(name)

    territories = _many(form, "territoires")
    if len(territories) > MAX_TERRITORIES or not all(SLUG.match(t) for t in territories):
        errors["territoires"] = MESSAGES["territoires"]
    event = _one(form, "evenement")
    if event and (len(event) > 100 or not SLUG.match(event)):
        errors["evenement"] = MESSAGES["evenement"]
    projects = _many(form, "projet")
    known_projects = {value for value, _ in PROJECTS}
    if not projects or not set(projects) <= known_projects:
        errors["projet"] = MESSAGES["projet"]
    household: dict[str, int | None] = {}
    for name, (low, high) in HOUSEHOLD_LIMITS.items():
        raw = _one(form, name)
        household[name] = None
        if raw:
            if ASCII_NUMBER.match(raw) and low <= int(raw) <= high:
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
    if min_fill_ms and fill.isascii() and fill.isdigit() and int(fill) < min_fill_ms:
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
            evenement=event,
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
