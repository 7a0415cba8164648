"""The site's territories as the receiver needs them: labels and welcome officers.

The site publishes `/inscription/territoires.json`
(`{slug: {title, department, welcome_officer: {name, email, phone} | null}}`);
`python -m receiver --territories FILE_OR_URL` reads it at start. Mail routing uses the
officers, and every page and e-mail the receiver writes shows a territory's title,
never its slug.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Officer:
    name: str
    email: str
    phone: str = ""


@dataclass(frozen=True)
class Territory:
    slug: str
    title: str
    department: str = ""
    officer: Officer | None = None


class Territories(dict):
    """slug → Territory, read from the site's territories file (empty without one)."""

    def title(self, slug: str) -> str:
        territory = self.get(slug)
        return territory.title if territory else slug

    @classmethod
    def parse(cls, data) -> Territories:
        if not isinstance(data, dict):
            raise ValueError("le fichier des territoires doit être un objet {slug: {...}}")
        territories = cls()
        for slug, entry in data.items():
            if not isinstance(entry, dict) or not isinstance(entry.get("title"), str):
                raise ValueError(f"territoire « {slug} » : « title » manquant")
            officer = entry.get("welcome_officer")
            if officer is not None:
                if not isinstance(officer, dict) or not officer.get("name"):
                    raise ValueError(f"territoire « {slug} » : « welcome_officer » invalide")
                officer = Officer(
                    name=str(officer["name"]),
                    email=str(officer.get("email") or ""),
                    phone=str(officer.get("phone") or ""),
                )
            territories[slug] = Territory(
                slug=slug,
                title=entry["title"],
                department=str(entry.get("department") or ""),
                officer=officer,
            )
        return territories


def load(source: str | Path | None, timeout: float = 20) -> Territories:
    """Read the territories file from a path or an http(s) URL."""
    if not source:
        return Territories()
    source = str(source)
    try:
        if urlsplit(source).scheme in ("http", "https"):
            with urllib.request.urlopen(source, timeout=timeout) as answer:
                raw = answer.read()
        else:
            raw = Path(source).read_bytes()
        data = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"fichier des territoires illisible ({source}) : {error}") from error
    return Territories.parse(data)
