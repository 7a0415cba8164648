"""The brand (setting `BRAND`): resolved once per Pelican instance into a frozen value,
its defaults here and only here.

Everything that shows the brand reads this value: brand.css and the favicon (the
theme's CSS defines no brand colour of its own, so it can never override a
programme's), the share cards, the posters, the structured data, the templates.

The colours are checked for legibility when Pelican starts: text drawn on `primary`
(white, buttons and banners) and on `accent` (ink, numbered steps and highlights), and
`primary` links on `paper`, must reach the WCAG AA contrast ratio of 4.5:1 (RGAA
criterion 3.2); otherwise the build stops with a French message.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields

from .errors import ContentError, ContentErrors

SETTINGS_SOURCE = "réglages du site (pelicanconf.py)"
WHITE = "#ffffff"
AA_NORMAL_TEXT = 4.5
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Colors:
    # The theme's look when a programme sets no colour (the demo's own colours).
    primary: str = "#7a1f3d"
    accent: str = "#f2b134"
    ink: str = "#1d1b1a"
    paper: str = "#fffaf3"

    def items(self) -> list[tuple[str, str]]:
        """(CSS custom property name, value), in a fixed order (brand.css)."""
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


@dataclass(frozen=True)
class Contact:
    email: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class Brand:
    name: str
    short_name: str = ""
    region: str = ""
    promise: str = ""
    colors: Colors = field(default_factory=Colors)
    logo: str | None = None  # SVG or PNG under content/
    contact: Contact = field(default_factory=Contact)
    publisher: str = ""
    default_image: str | None = None  # under content/: home hero and share cards
    default_image_alt: str = ""

    @property
    def label(self) -> str:
        """The short name where space is tight (share cards, the title bar)."""
        return self.short_name or self.name


def brand_data(value) -> dict:
    """The brand as plain data ({"name": …, "colors": {…}}), from the resolved Brand or
    from a BRAND dict (unit tests, tools that read settings files)."""
    if isinstance(value, Brand):
        return asdict(value)
    return dict(value or {})


def resolve_brand(settings: dict) -> Brand:
    """settings["BRAND"] (a dict) as a Brand; every mistake at once, in French."""
    raw = settings.get("BRAND") or {}
    if isinstance(raw, Brand):
        return raw
    errors: list[ContentError] = []

    def error(name: str, message: str) -> None:
        errors.append(ContentError(SETTINGS_SOURCE, f"BRAND.{name}", message))

    if not isinstance(raw, dict):
        raise ContentErrors(
            [ContentError(SETTINGS_SOURCE, "BRAND", "attendu : un bloc de réglages {name: …}.")]
        )
    known = {f.name for f in fields(Brand)}
    for name in sorted(set(raw) - known):
        error(name, f"réglage inconnu ; les réglages possibles sont : {', '.join(sorted(known))}.")
    values = {k: v for k, v in raw.items() if k in known and k not in ("colors", "contact")}
    values.setdefault("name", settings.get("SITENAME") or "")
    colors = _part(Colors, raw.get("colors"), "colors", error)
    contact = _part(Contact, raw.get("contact"), "contact", error)
    for name, value in colors.items():
        if not isinstance(value, str) or not _HEX.match(value):
            error(f"colors.{name}", f"attendu : une couleur #rrvvbb, trouvé « {value} ».")
    if not errors:
        errors += contrast_errors(colors)
    if errors:
        raise ContentErrors(errors)
    return Brand(**values, colors=colors, contact=contact)


def _part(kind, value, name: str, error):
    value = value or {}
    if not isinstance(value, dict):
        error(name, "attendu : un bloc de réglages.")
        return kind()
    known = {f.name for f in fields(kind)}
    for key in sorted(set(value) - known):
        error(f"{name}.{key}", f"réglage inconnu ; possibles : {', '.join(sorted(known))}.")
    return kind(**{k: v for k, v in value.items() if k in known})


# -- contrast (WCAG 2.1, 1.4.3; RGAA 3.2) ---------------------------------------------------
def _luminance(color: str) -> float:
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def contrast_errors(colors: Colors) -> list[ContentError]:
    """The theme's text / background pairs drawn from the brand that fail WCAG AA."""
    pairs = [
        ("primary", WHITE, colors.primary, "le texte blanc sur la couleur principale"),
        ("primary", colors.primary, colors.paper, "les liens (couleur principale) sur le fond"),
        ("accent", colors.ink, colors.accent, "le texte (couleur ink) sur la couleur d’accent"),
        ("ink", colors.ink, colors.paper, "le texte (couleur ink) sur le fond (paper)"),
    ]
    errors = []
    for name, foreground, background, what in pairs:
        ratio = contrast_ratio(foreground, background)
        if ratio < AA_NORMAL_TEXT:
            shown = f"{ratio:.2f}".replace(".", ",")
            errors.append(
                ContentError(
                    SETTINGS_SOURCE,
                    f"BRAND.colors.{name}",
                    f"{what} ({foreground} sur {background}) a un contraste de {shown}:1 ; "
                    "le RGAA (WCAG AA) demande au moins 4,5:1 pour être lisible. "
                    "Choisissez une couleur plus foncée ou plus claire.",
                )
            )
    return errors
