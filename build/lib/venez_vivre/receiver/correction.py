"""The correction page for a plain POST (no JavaScript) that failed validation.

The site is static, so it cannot show the receiver's errors itself; rather than a
redirect that would lose (or put in an address) what the person typed, the receiver
answers with the whole form again, every answer kept, GOV.UK-style error summary on
top, posting to the same endpoint. It uses the site's own stylesheet.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from . import contract

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
        f'value="{escape(value)}"{" checked" if value in chosen else ""}>'
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
    return "submit" if name == "_form" else name


def render(form, errors: dict, thanks_url: str, action: str = "") -> str:
    site = urlsplit(thanks_url)
    site_root = f"{site.scheme}://{site.netloc}"
    summary = "".join(
        f'<li><a href="#{_anchor(name)}">{escape(message)}</a></li>'
        for name, message in errors.items()
    )
    fields = []
    for name, label, autocomplete, kind in TEXT_FIELDS:
        value = escape(form.get(name, ""))
        fields.append(
            f'<div class="{_field_class(name, errors)}" id="field-{name}">'
            f'<label for="{name}">{label}</label>{_error(name, errors)}'
            f'<input id="{name}" name="{name}" type="{kind}" autocomplete="{autocomplete}" '
            f'value="{value}"{_attrs(name, errors)}></div>'
        )
    territories = [(slug, slug) for slug in form.getall("territoires", [])]
    if territories:
        fields.append(
            _choices(
                form,
                "territoires",
                "Territoires qui vous intéressent (facultatif)",
                territories,
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
            f'value="{escape(form.get(name, ""))}"{_attrs(name, errors)}></div>'
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
        f"{escape(form.get('message', ''))}</textarea></div>"
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
    hidden_names = (*contract.UTM_FIELDS, "page", contract.SUBMISSION_ID_FIELD)
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{escape(form.get(name, ""))}">'
        for name in hidden_names
        if form.get(name)
    )
    hidden += f'<input type="hidden" name="{contract.REDIRECT_FIELD}" value="{escape(thanks_url)}">'
    return f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Erreur : corrigez votre inscription</title>
<link rel="stylesheet" href="{escape(site_root)}/theme/css/brand.css">
<link rel="stylesheet" href="{escape(site_root)}/theme/css/site.css">
<link rel="stylesheet" href="{escape(site_root)}/theme/css/signup.css">
</head>
<body>
<main id="contenu" class="wrap narrow">
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
</main>
</body>
</html>
"""
