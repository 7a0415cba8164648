"""The pages a plain POST (no JavaScript) gets back: the correction page when the
form failed validation, and a French error page for every other failure.

The site is static, so it cannot show the receiver's errors itself; rather than a
redirect that would lose (or put in an address) what the person typed, the receiver
answers with the whole form again, every answer kept, GOV.UK-style error summary on
top, posting to the same endpoint. Territories and projects show by their labels.

Both pages look like the site: `Frame` takes the site's own signup page
(`inscription/index.html`, beside the territories file) and keeps its head stylesheets
(fingerprinted in production), header and footer, without its scripts; the receiver
puts its content in place of the page's `<main>`. Without that page, a plain frame
links the site's stylesheets by their development names.
"""

from __future__ import annotations

import re
import urllib.request
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from . import contract
from .territories import Territories

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.S | re.I)
_DROP = re.compile(
    r"<(?:link[^>]+rel=\"(?:canonical|alternate|preload|modulepreload)\"|meta[^>]+"
    r"(?:property=\"og:|name=\"(?:twitter:|description)))[^>]*>",
    re.I,
)
_ROOT_URL = re.compile(r"""(\s(?:href|src|action)=")(/(?!/)[^"]*)\"""")
_SRCSET = re.compile(r"""(\ssrcset=")([^"]*)\"""")
_TITLE = re.compile(r"<title>.*?</title>", re.S | re.I)
_MAIN = re.compile(r"<main\b[^>]*>", re.I)


@dataclass(frozen=True)
class Frame:
    """The site's page around the receiver's content: `before` ends where the site's
    `<main>` content starts (with a `{title}` slot), `after` starts at `</main>`."""

    before: str
    after: str

    @classmethod
    def plain(cls, site_root: str) -> Frame:
        root = escape(site_root)
        before = (
            '<!doctype html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            "<title>{title}</title>\n"
            f'<link rel="stylesheet" href="{root}/theme/css/brand.css">\n'
            f'<link rel="stylesheet" href="{root}/theme/css/site.css">\n'
            f'<link rel="stylesheet" href="{root}/theme/css/signup.css">\n'
            '</head>\n<body>\n<main id="contenu">\n'
        )
        return cls(before, "</main>\n</body>\n</html>\n")

    @classmethod
    def from_page(cls, html: str, site_root: str) -> Frame | None:
        """The frame of one of the site's pages, its root-relative addresses made
        absolute (the receiver serves it from another origin)."""
        start, end = _MAIN.search(html), html.lower().rfind("</main>")
        if not start or end < start.end():
            return None

        def absolute(part: str) -> str:
            part = _DROP.sub("", _SCRIPT.sub("", part))
            part = _ROOT_URL.sub(lambda m: m[1] + escape(site_root) + m[2] + '"', part)
            return _SRCSET.sub(
                lambda m: (
                    m[1]
                    + ", ".join(
                        (site_root + item.strip() if item.strip().startswith("/") else item.strip())
                        for item in m[2].split(",")
                    )
                    + '"'
                ),
                part,
            )

        before = absolute(html[: start.end()]).replace("{", "{{").replace("}", "}}")
        before = _TITLE.sub("<title>{title}</title>", before, count=1)
        before = before.replace(' aria-current="page"', "")
        return cls(before + "\n", absolute(html[end:]).replace(' aria-current="page"', ""))

    @classmethod
    def load(cls, territories_source: str | None, site_root: str) -> Frame:
        """The frame from the signup page published beside the territories file
        (`…/inscription/territoires.json` → `…/inscription/index.html`)."""
        if territories_source:
            try:
                if urlsplit(territories_source).scheme in ("http", "https"):
                    url = urljoin(territories_source, "./")
                    with urllib.request.urlopen(url, timeout=20) as answer:
                        html = answer.read().decode("utf-8")
                else:
                    page = Path(territories_source).with_name("index.html")
                    html = page.read_text(encoding="utf-8")
                frame = cls.from_page(html, site_root)
                if frame:
                    return frame
            except (OSError, UnicodeDecodeError):
                pass
        return cls.plain(site_root)

    def page(self, title: str, content: str) -> str:
        return self.before.format(title=escape(title)) + content + self.after


def _visible(value: str) -> str:
    """A typed value shown back: characters that cannot be stored are left out."""
    return escape(contract.UNSTORABLE.sub("", value))


TEXT_FIELDS = (
    ("prenom", "Prénom", "given-name", "text"),
    ("nom", "Nom", "family-name", "text"),
    ("email", "Adresse e-mail", "email", "email"),
    ("telephone", "Téléphone (facultatif)", "tel", "tel"),
    ("ville_actuelle", "Ville où vous habitez aujourd’hui", "address-level2", "text"),
)


def _error(name: str, errors: dict) -> str:
    if name not in errors:
        return ""
    return (
        f'<p class="field-error" id="{name}-error"><span class="visually-hidden">Erreur :'
        f"</span> {escape(errors[name])}</p>"
    )


def _attrs(name: str, errors: dict) -> str:
    return f' aria-invalid="true" aria-describedby="{name}-error"' if name in errors else ""


def _field_class(name: str, errors: dict) -> str:
    return "field field-has-error" if name in errors else "field"


def _choices(form, name: str, legend: str, options, kind: str, errors: dict) -> str:
    chosen = form.getall(name, [])
    items = "".join(
        f'<div class="choice"><input type="{kind}" id="{name}-{i}" name="{name}" '
        f'value="{_visible(value)}"{" checked" if value in chosen else ""}>'
        f'<label for="{name}-{i}">{escape(label)}</label></div>'
        for i, (value, label) in enumerate(options)
    )
    described = f' aria-describedby="{name}-error"' if name in errors else ""
    return (
        f'<div class="{_field_class(name, errors)}" id="field-{name}">'
        f"<fieldset{described}><legend>{escape(legend)}</legend>"
        f'{_error(name, errors)}<div class="choices">{items}</div></fieldset></div>'
    )


def _anchor(name: str) -> str:
    """The control an error summary link leads to (GOV.UK: the field itself, or a
    group's first choice)."""
    if name in ("territoires", "projet", "echeance"):
        return f"{name}-0"
    return "submit" if name in ("_form", "evenement") else name


def site_root_of(url: str) -> str:
    site = urlsplit(url)
    return f"{site.scheme}://{site.netloc}"


def render(
    form,
    errors: dict,
    thanks_url: str,
    action: str = "",
    territories: Territories | None = None,
    frame: Frame | None = None,
) -> str:
    site_root = site_root_of(thanks_url)
    frame = frame or Frame.plain(site_root)
    territories = territories or Territories()
    summary = "".join(
        f'<li><a href="#{_anchor(name)}">{escape(message)}</a></li>'
        for name, message in errors.items()
    )
    fields = []
    for name, label, autocomplete, kind in TEXT_FIELDS:
        value = _visible(form.get(name, ""))
        fields.append(
            f'<div class="{_field_class(name, errors)}" id="field-{name}">'
            f'<label for="{name}">{label}</label>{_error(name, errors)}'
            f'<input id="{name}" name="{name}" type="{kind}" autocomplete="{autocomplete}" '
            f'value="{value}"{_attrs(name, errors)}></div>'
        )
    # The territories the person chose, by their titles: the correction page offers
    # only those back (the whole list is the site's signup page).
    chosen = [(slug, territories.title(slug)) for slug in form.getall("territoires", [])]
    if chosen:
        fields.append(
            _choices(
                form,
                "territoires",
                "Territoires qui vous intéressent (facultatif)",
                chosen,
                "checkbox",
                errors,
            )
        )
    fields.append(
        _choices(form, "projet", "Quel est votre projet ?", contract.PROJECTS, "checkbox", errors)
    )
    for name, label in (("adultes", "Nombre d’adultes"), ("enfants", "Nombre d’enfants")):
        fields.append(
            f'<div class="{_field_class(name, errors)}" id="field-{name}">'
            f'<label for="{name}">{label} (facultatif)</label>{_error(name, errors)}'
            f'<input id="{name}" name="{name}" inputmode="numeric" class="input-short" '
            f'value="{_visible(form.get(name, ""))}"{_attrs(name, errors)}></div>'
        )
    fields.append(
        _choices(
            form,
            "echeance",
            "Quand pensez-vous déménager ? (facultatif)",
            contract.TIMINGS,
            "radio",
            errors,
        )
    )
    fields.append(
        f'<div class="{_field_class("message", errors)}" id="field-message">'
        f'<label for="message">Votre message (facultatif)</label>{_error("message", errors)}'
        f'<textarea id="message" name="message" rows="5"{_attrs("message", errors)}>'
        f"{_visible(form.get('message', ''))}</textarea></div>"
    )
    consent = form.get("consentement") == contract.CONSENT_VALUE
    fields.append(
        f'<div class="{_field_class("consentement", errors)}" id="field-consentement">'
        f"{_error('consentement', errors)}"
        f'<div class="choice"><input type="checkbox" id="consentement" name="consentement" '
        f'value="oui"{" checked" if consent else ""}{_attrs("consentement", errors)}>'
        f'<label for="consentement">J’accepte que mes réponses servent à me recontacter '
        f"au sujet de mon projet.</label></div>"
        f'<p class="hint">Voir <a href="{escape(site_root)}/donnees-personnelles/">'
        f"comment sont utilisées vos données personnelles</a>.</p></div>"
    )
    # The chosen event travels on unchanged (a malformed one is dropped: its message
    # says to choose again on the site's form).
    hidden_names = (*contract.UTM_FIELDS, "page", contract.SUBMISSION_ID_FIELD, "evenement")
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{_visible(form.get(name, ""))}">'
        for name in hidden_names
        if form.get(name) and name not in errors
    )
    hidden += f'<input type="hidden" name="{contract.REDIRECT_FIELD}" value="{escape(thanks_url)}">'
    content = f"""<div class="wrap narrow">
<h1>Corrigez votre inscription</h1>
<div class="error-summary" id="error-summary" aria-labelledby="error-summary-title" role="alert">
<h2 id="error-summary-title">Il y a un problème</h2>
<ul>{summary}</ul>
</div>
<p>Vos réponses sont conservées ci-dessous : corrigez ce qui est signalé puis envoyez à nouveau.</p>
<form class="signup-form" method="post" action="{escape(action)}" accept-charset="utf-8">
{"".join(fields)}
{hidden}
<button class="button button-large" id="submit" type="submit">Envoyer mon inscription</button>
</form>
<p><a href="{escape(site_root)}/">Retour au site</a></p>
</div>
"""
    return frame.page("Erreur : corrigez votre inscription", content)


def error_page(
    title: str, message: str, site_root: str, frame: Frame | None = None, retry: bool = True
) -> str:
    """A French page for a plain POST that failed for another reason than its answers
    (refused origin, too many sign-ups, store unavailable, unreadable form)."""
    frame = frame or Frame.plain(site_root)
    advice = (
        "<p>Revenez en arrière avec le bouton « Précédent » de votre navigateur : "
        "vos réponses y sont normalement encore, et vous pourrez envoyer le formulaire "
        "à nouveau dans quelques instants.</p>"
        if retry
        else ""
    )
    content = f"""<div class="wrap narrow">
<h1>{escape(title)}</h1>
<p>{escape(message)}</p>
{advice}
<p><a href="{escape(site_root)}/inscription/">Revenir au formulaire d’inscription</a> ·
<a href="{escape(site_root)}/">Retour au site</a></p>
</div>
"""
    return frame.page(title, content)
