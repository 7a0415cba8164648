"""Read one content file's front matter into typed values, recording errors in French.

Every content type validates through these few readers, so a mistake is reported the
same way everywhere: the file, the field, what was expected, and a close match.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

from .errors import ErrorLog
from .reader import INVALID_FIELDS
from .text import close_match, parse_date

MISSING = object()
# `MM:SS` or `HH:MM:SS` (a chapter's start); the web editor checks the same expression.
TIMESTAMP_PATTERN = r"(?:\d+:)?[0-5]?\d:[0-5]\d"


def parse_timestamp(value) -> int | None:
    """`MM:SS` or `HH:MM:SS` → seconds. YAML 1.1 reads an unquoted `12:30` as the
    sexagesimal integer 750, which is already the right number of seconds."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    match = re.fullmatch(r"(?:(\d+):)?([0-5]?\d):([0-5]\d)", str(value).strip())
    if not match:
        return None
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class FrontMatter:
    """The front matter of one file, read field by field.

    Each method returns the typed value, or None when the field is absent or wrong
    (in which case an error was recorded and the entry will not be published).
    """

    def __init__(self, meta: dict, source: str, content_path: Path, log: ErrorLog):
        self.meta = meta
        self.source = source
        self.content_path = Path(content_path)
        self.log = log
        self.failed = False

    # -- plumbing -----------------------------------------------------------------------
    def error(self, field: str, message: str, suggestion: str | None = None) -> None:
        self.failed = True
        self.log.add(self.source, field, message, suggestion)

    def _get(self, name: str, required: bool, data: dict | None = None, label: str = ""):
        data = self.meta if data is None else data
        if name in data.get(INVALID_FIELDS, ()):
            self.failed = True  # the reader has already reported this field
            return MISSING
        value = data.get(name, MISSING)
        if value is MISSING or _is_blank(value) or value == []:
            if required:
                self.error(label or name, "ce champ est obligatoire et il est absent ou vide.")
            return MISSING
        return value

    # -- scalars ------------------------------------------------------------------------
    def text(
        self,
        name,
        required=True,
        max_length=None,
        data=None,
        label="",
        french="",
        hint="",
        pattern: tuple[str, str] | None = None,
    ):
        """`pattern`: (regular expression the whole text must match, what is expected in
        French); the expression is also the web editor's (plugins/cms), so it is
        written in the syntax Python and JavaScript share."""
        value = self._get(name, required, data, label)
        if value is MISSING:
            return None
        if isinstance(value, (dict, list)):
            self.error(label or name, "attendu : un texte, pas une liste ni un bloc de champs.")
            return None
        value = str(value).strip()
        if max_length and len(value) > max_length:
            self.error(
                label or name,
                f"{len(value)} caractères, au plus {max_length} attendus : raccourcissez-le.",
            )
            return None
        if pattern and not re.fullmatch(pattern[0], value):
            self.error(label or name, f"attendu : {pattern[1]}, trouvé « {value} ».")
            return None
        return value

    def integer(self, name, required=False, minimum=None, data=None, label="", french="", hint=""):
        value = self._get(name, required, data, label)
        if value is MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            # "4 000" or "4000 €" are typed by people; say exactly what to write.
            self.error(
                label or name,
                f"attendu : un nombre entier écrit sans espace ni unité (par exemple 4000), "
                f"trouvé « {value} ».",
            )
            return None
        if minimum is not None and value < minimum:
            self.error(label or name, f"attendu : un nombre entier ≥ {minimum}, trouvé {value}.")
            return None
        return value

    def number(
        self,
        name,
        required=False,
        minimum=None,
        maximum=None,
        data=None,
        label="",
        french="",
        hint="",
    ):
        value = self._get(name, required, data, label)
        if value is MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(
                label or name, f"attendu : un nombre (par exemple 47.32), trouvé « {value} »."
            )
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            expected = (
                f"un nombre entre {minimum} et {maximum}"
                if minimum is not None and maximum is not None
                else f"un nombre ≥ {minimum}"
                if minimum is not None
                else f"un nombre ≤ {maximum}"
            )
            self.error(label or name, f"attendu : {expected}, trouvé {value}.")
            return None
        return float(value)

    def scalar(self, name, required=True, data=None, label="", french="", hint=""):
        """A figure's value: a number (4000) or a short text ("1 h 35"), as written."""
        value = self._get(name, required, data, label)
        if value is MISSING:
            return None
        if isinstance(value, (dict, list)):
            self.error(label or name, "attendu : un nombre ou un texte court, pas une liste.")
            return None
        return value

    def timestamp(self, name, required=True, data=None, label="", french="", hint=""):
        """A time in an audio file, `MM:SS` or `HH:MM:SS`, as seconds."""
        raw = self._get(name, required, data, label)
        if raw is MISSING:
            return None
        seconds = parse_timestamp(raw)
        if seconds is None:
            self.error(
                label or name,
                f"attendu : un temps « MM:SS » ou « HH:MM:SS » entre guillemets, trouvé « {raw} ».",
            )
        return seconds

    def boolean(self, name, required=False, data=None, label="", french="", hint=""):
        value = self._get(name, required, data, label)
        if value is MISSING:
            return None
        if not isinstance(value, bool):
            self.error(label or name, f"attendu : true ou false, trouvé « {value} ».")
            return None
        return value

    def date(
        self, name, required=True, data=None, label="", french="", hint=""
    ) -> dt.datetime | None:
        value = self._get(name, required, data, label)
        if value is MISSING:
            return None
        try:
            return parse_date(value)
        except (ValueError, TypeError):
            self.error(
                label or name,
                f"attendu : une date AAAA-MM-JJ (par exemple 2025-11-27, ou 2025-11-27 08:00), "
                f"trouvé « {value} ».",
            )
            return None

    def datetime(
        self, name, required=True, data=None, label="", french="", hint=""
    ) -> dt.datetime | None:
        """A date with its time of day (events): `2026-03-14 10:00`, Europe/Paris."""
        value = self._get(name, required, data, label)
        if value is MISSING:
            return None
        has_time = isinstance(value, dt.datetime) or (
            isinstance(value, str) and ":" in value and not isinstance(value, dt.date)
        )
        try:
            parsed = parse_date(value)
        except (ValueError, TypeError):
            parsed = None
        if parsed is None or not has_time:
            self.error(
                label or name,
                "attendu : une date et une heure AAAA-MM-JJ HH:MM, heure de Paris (par exemple "
                f"2026-03-14 10:00), trouvé « {value} ».",
            )
            return None
        return parsed

    def choice(
        self, name, choices: Iterable[str], required=False, data=None, label="", french="", hint=""
    ):
        value = self._get(name, required, data, label)
        if value is MISSING:
            return None
        choices = list(choices)
        if str(value) not in choices:
            self.error(
                label or name,
                f"« {value} » n’est pas une valeur possible ; attendu : {', '.join(choices)}.",
                close_match(str(value), choices),
            )
            return None
        return str(value)

    def choice_list(
        self, name, choices: Iterable[str], required=False, data=None, label="", french="", hint=""
    ):
        value = self._get(name, required, data, label)
        if value is MISSING:
            return []
        items = value if isinstance(value, list) else [value]
        out = []
        for index, item in enumerate(items, 1):
            found = self.choice(
                "_", choices, data={"_": str(item)}, label=f"{label or name}[{index}]"
            )
            if found and found not in out:
                out.append(found)
        return out

    def words(self, name, required=False, data=None, label="", french="", hint=""):
        """Free words (tags): a list of texts, or one text with commas."""
        value = self._get(name, required, data, label)
        if value is MISSING:
            return []
        items = value if isinstance(value, list) else str(value).split(",")
        # Pelican's YAML reader turns `tags` into Tag objects; str() gives the word back.
        return [str(item).strip() for item in items if str(item).strip()]

    # -- files --------------------------------------------------------------------------
    def content_file(
        self,
        name,
        kinds: str,
        suffixes=None,
        required=False,
        data=None,
        label="",
        french="",
        hint="",
    ):
        """A file path relative to content/ that must exist (image, audio, transcript)."""
        value = self.text(name, required=required, data=data, label=label)
        if value is None:
            return None
        relative = value.lstrip("/")
        if relative.startswith("content/"):
            relative = relative[len("content/") :]
        path = self.content_path / relative
        if suffixes and path.suffix.lower() not in suffixes:
            self.error(
                label or name,
                f"« {value} » : attendu un fichier {kinds} ({', '.join(sorted(suffixes))}).",
            )
            return None
        if not path.is_file():
            folder = path.parent
            known = (
                [str(p.relative_to(self.content_path)) for p in folder.iterdir() if p.is_file()]
                if folder.is_dir()
                else []
            )
            self.error(
                label or name,
                f"le fichier {kinds} « {value} » est introuvable dans content/.",
                close_match(relative, known),
            )
            return None
        return relative

    # -- structures ---------------------------------------------------------------------
    def records(
        self, name, required=False, data=None, label="", french="", hint=""
    ) -> list[tuple[str, dict]]:
        """A list of `{key: value}` blocks; returns (label, block) pairs to read further."""
        value = self._get(name, required, data, label)
        if value is MISSING:
            return []
        if not isinstance(value, list):
            self.error(label or name, "attendu : une liste d’éléments commençant chacun par « - ».")
            return []
        out = []
        for index, item in enumerate(value, 1):
            if not isinstance(item, dict):
                self.error(
                    f"{label or name}[{index}]",
                    f"attendu : un bloc de champs (par exemple « label: … » et « value: … »), "
                    f"trouvé « {item} ».",
                )
                continue
            out.append((f"{label or name}[{index}]", item))
        return out

    def mapping(self, name, required=False, data=None, label="", french="", hint="") -> dict | None:
        value = self._get(name, required, data, label)
        if value is MISSING:
            return None
        if not isinstance(value, dict):
            self.error(label or name, f"attendu : un bloc de champs, trouvé « {value} ».")
            return None
        return value

    def references(
        self, name, known: dict, kind: str, required=False, data=None, label="", french="", hint=""
    ) -> list:
        """Slugs of existing entries (an event's territories): a list, one slug, or slugs
        separated by commas; each resolved to its entry, positions counted from 1."""
        found = []
        for index, slug in enumerate(self.words(name, required, data, label), 1):
            entry = self.reference(
                "_", known, kind, data={"_": slug}, label=f"{label or name}[{index}]"
            )
            if entry is not None and entry not in found:
                found.append(entry)
        return found

    def reference(
        self, name, known: dict, kind: str, required=False, data=None, label="", french="", hint=""
    ):
        """A slug of an existing entry (a territory…), resolved to the entry itself."""
        value = self.text(name, required=required, data=data, label=label)
        if value is None:
            return None
        if value in known and known[value] is None:
            self.failed = True  # it exists but has its own errors, reported for its file
            return None
        if value not in known:
            self.error(
                label or name,
                f"{kind} « {value} » n’existe pas.",
                close_match(value, known.keys()),
            )
            return None
        return known[value]
