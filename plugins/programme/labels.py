"""Words, not slugs: the French label of every value a visitor may see.

Front matter holds slugs (`teletravail`, `parc-naturel`, `reseaux-sociaux`) because
filters, addresses and the signup endpoint need stable ASCII values; visitors read
« Télétravail », « Parc naturel régional », « Réseaux sociaux ». This is the one table
of those labels. A programme adds or changes labels with the `LABELS` setting, one
dict per vocabulary:

    LABELS = {"tag": {"ski": "Ski de fond", "vignoble": "Vignes et caves"}}

Templates use the `label` filter wherever a slug would reach a visitor:
`{{ tag | label("tag") }}`, `{{ territory.kind | label("kind") }}`. A free word with no
label (a tag an editor invented) is shown as words: `circuit-court` → « Circuit court ».

The signup form's projects (`projet`) are labelled where the form's fields are defined,
with the endpoint that receives them (receiver/contract.py, `PROJECTS`).
"""

from __future__ import annotations

from .models import (
    CAMPAIGN_CHANNELS,
    EPISODE_TYPES,
    EVENT_KINDS,
    OPPORTUNITY_KINDS,
    TERRITORY_KINDS,
)

TAGS = {
    "montagne": "Montagne",
    "lac": "Lacs",
    "nature": "Nature",
    "foret": "Forêt",
    "vignoble": "Vignoble",
    "patrimoine": "Patrimoine",
    "famille": "Famille",
    "teletravail": "Télétravail",
    "universite": "Université",
    "sante": "Santé",
    "industrie": "Industrie",
    "tgv": "TGV",
    "culture": "Culture",
    "emploi": "Emploi",
    "logement": "Logement",
    "etudes": "Études",
    "agriculture": "Agriculture",
    "riviere": "Rivière",
    "velo": "Vélo",
    "randonnee": "Randonnée",
    "ski": "Ski",
    "campagne": "Campagne",
    "ville": "Ville",
    "ecoles": "Écoles",
    "creche": "Crèche",
    "commerces": "Commerces",
    "gastronomie": "Gastronomie",
    "entreprendre": "Entreprendre",
    "numerique": "Numérique",
    "fibre": "Fibre optique",
    "gare": "Gare",
    "aeroport": "Aéroport",
    "frontiere": "Frontière suisse",
    "retraite": "Retraite",
}
DEFAULTS = {
    "tag": TAGS,
    "kind": TERRITORY_KINDS,
    "opportunity": OPPORTUNITY_KINDS,
    "channel": CAMPAIGN_CHANNELS,
    "episode_type": EPISODE_TYPES,
    "event_kind": EVENT_KINDS,
}


def as_words(slug: str) -> str:
    """`circuit-court` → « Circuit court »: a slug with no label, shown as words."""
    words = str(slug).replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


class Labels:
    """The label table of one build: the defaults, then the programme's `LABELS`."""

    def __init__(self, extra: dict | None = None):
        self.table = {name: dict(values) for name, values in DEFAULTS.items()}
        for vocabulary, values in (extra or {}).items():
            if not isinstance(values, dict):
                raise ValueError(
                    f"LABELS[{vocabulary!r}] : attendu un dictionnaire "
                    "{valeur: « Libellé »}, par exemple {'ski': 'Ski de fond'}."
                )
            self.table.setdefault(vocabulary, {}).update(
                {str(k): str(v) for k, v in values.items()}
            )

    def __call__(self, value, vocabulary: str = "tag") -> str:
        if value is None or value == "":
            return ""
        found = self.table.get(vocabulary, {}).get(str(value))
        return found if found is not None else as_words(value)
