"""Slugs, French dates and French numbers: one function each, used everywhere."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal
from slugify import slugify as _slugify

PARIS = ZoneInfo("Europe/Paris")

# Editors type typographic apostrophes (Côte-d’Or) as often as straight ones; the
# contract wants both to become a hyphen: `Côte-d'Or` → `cote-d-or`.
_APOSTROPHES = [["’", "-"], ["‘", "-"], ["ʼ", "-"], ["'", "-"]]


def slugify(text: str) -> str:
    """ASCII, lower case, hyphenated: `Chalon-sur-Saône` → `chalon-sur-saone`."""
    return _slugify(str(text), replacements=_APOSTROPHES)


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$")


def parse_date(value) -> dt.datetime:
    """An ISO date or date-time of the contract, as an aware datetime in Europe/Paris.

    Accepts what YAML gives (date, datetime) and strings `2025-11-27` or
    `2025-11-27 08:00`. Raises ValueError for anything else.
    """
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=PARIS)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=PARIS)
    match = _ISO_DATE.match(str(value).strip())
    if not match:
        raise ValueError(value)
    parts = [int(p) if p else 0 for p in match.groups()]
    return dt.datetime(*parts, tzinfo=PARIS)  # raises ValueError for 2025-02-30


def date_fr(value, with_day: bool = True) -> str:
    """`27 novembre 2025`, `1er mai 2026` (French ordinal for the first day), any locale."""
    if value is None or value == "":
        return ""
    if not isinstance(value, dt.date):
        value = parse_date(value)
    if not with_day:
        return format_date(value, "MMMM y", locale="fr")
    text = format_date(value, "d MMMM y", locale="fr")
    return "1er" + text[1:] if value.day == 1 else text


def time_fr(value: dt.datetime) -> str:
    """`10 h`, `18 h 30`: the hour as French typography writes it (no-break spaces)."""
    return f"{value.hour}\u00a0h" + (f"\u00a0{value.minute:02d}" if value.minute else "")


def weekday_date_fr(value: dt.datetime) -> str:
    """`samedi 14 mars 2026`, `dimanche 1er mars 2026`."""
    return format_date(value, "EEEE", locale="fr") + " " + date_fr(value)


def when_fr(start: dt.datetime, end: dt.datetime | None) -> str:
    """An event's dates as visitors read them: `samedi 14 mars 2026, de 10 h à 17 h`, or
    `du samedi 14 mars 2026 à 10 h au dimanche 15 mars 2026 à 17 h`."""
    if end is None:
        return f"{weekday_date_fr(start)}, à {time_fr(start)}"
    if start.date() == end.date():
        return f"{weekday_date_fr(start)}, de {time_fr(start)} à {time_fr(end)}"
    return (
        f"du {weekday_date_fr(start)} à {time_fr(start)} au {weekday_date_fr(end)} à {time_fr(end)}"
    )


def number_fr(value, decimals: int | None = None) -> str:
    """`12 000`, `5,7`: French grouping with a narrow no-break space, as Babel gives it."""
    if value is None:
        return ""
    if decimals is not None:
        value = round(value, decimals)
        fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=fmt, locale="fr")
    return format_decimal(value, locale="fr")


def euros_fr(value, compact: bool = False) -> str:
    """`50 000 €`; compact: `250 k€`, `5,7 M€` for charts and cards."""
    if value is None:
        return ""
    if compact and abs(value) >= 1_000_000:
        return f"{number_fr(value / 1_000_000, 1 if value % 1_000_000 else 0)} M€"
    if compact and abs(value) >= 10_000:
        return f"{number_fr(value / 1_000, 0)} k€"
    return f"{number_fr(value, 0)} €"


def tel_href(phone: str) -> str:
    """The `tel:` address of a phone number as editors write it (`03 81 00 00 00`,
    `+33 3 81 00 00 00`, `+33 (0)3 81 00 00 00`, `0033 3…`, with dots or dashes):
    international form, France's +33 when the number names no country."""
    number = str(phone).replace("(0)", "")  # the trunk 0 some write after +33
    digits = re.sub(r"\D", "", number)
    if number.strip().startswith("+"):
        return f"tel:+{digits}"
    if digits.startswith("00"):
        return f"tel:+{digits[2:]}"
    if digits.startswith("0"):
        return f"tel:+33{digits[1:]}"
    return f"tel:{digits}"  # a short number (3939…): as written


def close_match(value: str, candidates: Iterable[str]) -> str | None:
    """The nearest known name to a misspelt one, for « vouliez-vous dire … ? »."""
    candidates = list(candidates)
    value = str(value)
    found = difflib.get_close_matches(value, candidates, n=1, cutoff=0.6)
    if found:
        return found[0]
    # A slug typed from the name (`besancon`) for `grand-besancon`.
    slug = slugify(value)
    containing = [c for c in candidates if slug and (slug in c or c in slug)]
    return containing[0] if len(containing) == 1 else None


def wrap_to_width(draw, text: str, font, width: int) -> list[str]:
    """Words into lines no wider than `width` pixels in `font` (share cards, posters).

    Lines break at ordinary spaces only: a no-break space (French typography, before
    `:` or inside « ») keeps its two sides on one line, as in a browser."""
    lines: list[str] = []
    for word in re.split(r"[ \t\n\r]+", text.strip(" \t\n\r")):
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines
