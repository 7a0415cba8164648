"""The signup form: /inscription/, its thank-you page /inscription/merci/ and the
public territory data /inscription/territoires.json.

- SignupGenerator writes both pages with the theme's `signup.html` and
  `signup_thanks.html`. The form posts to the setting SIGNUP_ENDPOINT; its choices
  (projects, timings) and the checks the browser makes before sending come from the
  payload contract in receiver/contract.py, the territories from the shared context
  (plugins/programme).
- The setting SIGNUP (one dict, DEFAULTS below) adapts what is sent to any endpoint:
  body encoding, field names, fixed extra fields, background or plain sending, and the
  hand-over delay shown after a sign-up (docs/receiver.md, "Pointing the form at a CRM").
- The form works as a plain POST; theme/static/js/signup.js checks it and sends it in
  the background instead. The visit's campaign (utm_*) travels in the site's own link
  addresses (theme/static/js/site.js), never on the device.
- The endpoint and SIGNUP are checked when Pelican starts: a missing endpoint, one not
  in HTTPS when SIGNUP_REQUIRE_HTTPS is set (publishconf.py), or a wrong SIGNUP stops
  the build with a French message.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from pelican import signals
from pelican.generators import Generator
from venez_vivre.programme import current
from venez_vivre.programme.errors import ContentError, ContentErrors
from venez_vivre.receiver import contract

SIGNUP_URL = "inscription/"
THANKS_URL = "inscription/merci/"
TERRITORIES_JSON = "inscription/territoires.json"
SETTINGS_SOURCE = "réglages du site (pelicanconf.py / publishconf.py)"

DEFAULTS = {
    # How the page's script sends the body: "form" (application/x-www-form-urlencoded,
    # what a plain HTML form sends; no CORS preflight) or "json" (application/json, one
    # object; the endpoint must answer the CORS preflight).
    "encoding": "form",
    # False: once the browser's checks pass, the form is posted as a plain page (for an
    # endpoint that answers with a redirect but no CORS headers).
    "background": True,
    # Contract field name -> the name the endpoint expects; None leaves the field out.
    "fields": {},
    # Fixed fields sent with every sign-up (a list id, a lead source…): name -> value.
    "extra_fields": {},
    # "… vous appellera sous N jours ouvrés", shown after a sign-up.
    "callback_days": 3,
    # Years sign-ups are kept after the last contact: the receiver's `purge` default
    # (contract.RETENTION_YEARS); pages say it where they write RETENTION_MARKER.
    "retention_years": contract.RETENTION_YEARS,
}
# Written in a page (the "données personnelles" page), replaced by the retention period
# in words ("trois ans"), so that what the site promises is what the receiver purges.
RETENTION_MARKER = "[[durée de conservation]]"
ENCODINGS = ("form", "json")
# Every field the form sends, by its contract name (receiver/contract.py).
FORM_FIELDS = (
    *contract.FIELD_ORDER,
    *contract.UTM_FIELDS,
    "page",
    contract.HONEYPOT,
    contract.REDIRECT_FIELD,
    contract.FORMAT_FIELD,
    contract.FILL_TIME_FIELD,
    contract.SUBMISSION_ID_FIELD,
)
MULTIPLE_FIELDS = ("territoires", "projet")  # sent once per ticked box (a list in JSON)


def endpoint_errors(endpoint, require_https: bool) -> list[ContentError]:
    """What is wrong with SIGNUP_ENDPOINT, as errors for people."""
    where = "variable d’environnement SIGNUP_ENDPOINT ou réglage SIGNUP_ENDPOINT"
    if not endpoint or not str(endpoint).strip():
        return [
            ContentError(
                SETTINGS_SOURCE,
                "SIGNUP_ENDPOINT",
                "l’adresse où le formulaire d’inscription envoie les inscriptions est absente : "
                f"indiquez l’adresse du récepteur ({where}), par exemple "
                "https://inscriptions.exemple.fr/inscriptions.",
            )
        ]
    parts = urlsplit(str(endpoint).strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return [
            ContentError(
                SETTINGS_SOURCE,
                "SIGNUP_ENDPOINT",
                f"« {endpoint} » n’est pas une adresse web complète : attendu par exemple "
                "https://inscriptions.exemple.fr/inscriptions.",
            )
        ]
    if require_https and parts.scheme != "https":
        return [
            ContentError(
                SETTINGS_SOURCE,
                "SIGNUP_ENDPOINT",
                f"« {endpoint} » n’est pas en HTTPS : le site publié ne peut pas envoyer des "
                "données personnelles en clair. Donnez l’adresse https:// du récepteur "
                f"({where}).",
            )
        ]
    return []


def signup_config(settings: dict) -> tuple[dict, list[ContentError]]:
    """SIGNUP with its defaults, and what is wrong with it, as errors for people."""
    configured = settings.get("SIGNUP") or {}

    def error(key: str, message: str) -> ContentError:
        return ContentError(SETTINGS_SOURCE, f"SIGNUP[{key!r}]" if key else "SIGNUP", message)

    if not isinstance(configured, dict):
        return dict(DEFAULTS), [error("", "attendu un dictionnaire, comme SIGNUP = {…}.")]
    errors = []
    unknown = sorted(set(configured) - set(DEFAULTS))
    if unknown:
        known = ", ".join(sorted(DEFAULTS))
        errors.append(
            error("", f"clé(s) inconnue(s) {', '.join(unknown)} ; clés possibles : {known}.")
        )
    config = {**DEFAULTS, **{k: v for k, v in configured.items() if k in DEFAULTS}}
    if config["encoding"] not in ENCODINGS:
        errors.append(
            error("encoding", f"« {config['encoding']} » : attendu « form » ou « json »."),
        )
    if not isinstance(config["background"], bool):
        errors.append(error("background", "attendu True ou False."))
    if config["encoding"] == "json" and config["background"] is False:
        errors.append(
            error("encoding", "un envoi en page (background False) ne peut pas être en JSON.")
        )
    fields = config["fields"]
    if not isinstance(fields, dict):
        errors.append(error("fields", "attendu un dictionnaire {nom du contrat: nom envoyé}."))
        fields = config["fields"] = {}
    for name, sent in fields.items():
        if name not in FORM_FIELDS:
            errors.append(
                error(
                    "fields",
                    f"« {name} » n’est pas un champ du formulaire ; champs : "
                    f"{', '.join(FORM_FIELDS)}.",
                ),
            )
        elif sent is not None and (not isinstance(sent, str) or not sent.strip()):
            errors.append(error("fields", f"« {name} » : attendu un nom de champ ou None."))
    extra = config["extra_fields"]
    if not isinstance(extra, dict) or not all(
        isinstance(k, str) and k and isinstance(v, str | int) for k, v in extra.items()
    ):
        errors.append(error("extra_fields", "attendu un dictionnaire {nom: valeur}."))
        extra = config["extra_fields"] = {}
    sent_names = [fields.get(name, name) for name in FORM_FIELDS]
    sent_names = [name for name in sent_names if name]
    for name in sorted({n for n in sent_names if sent_names.count(n) > 1}):
        errors.append(error("fields", f"deux champs seraient envoyés sous le nom « {name} »."))
    for name in sorted(set(extra) & set(sent_names)):
        errors.append(
            error("extra_fields", f"« {name} » est déjà le nom d’un champ du formulaire."),
        )
    years = config["retention_years"]
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= 10:
        errors.append(
            error("retention_years", f"« {years} » : attendu un nombre entier de 1 à 10.")
        )
    days = config["callback_days"]
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 30:
        errors.append(error("callback_days", f"« {days} » : attendu un nombre entier de 1 à 30."))
    return config, errors


def initialise(pelican) -> None:
    settings = pelican.settings
    errors = endpoint_errors(
        settings.get("SIGNUP_ENDPOINT"), bool(settings.get("SIGNUP_REQUIRE_HTTPS"))
    )
    errors += signup_config(settings)[1]
    if errors:
        raise ContentErrors(errors)


def script_config(config: dict, names: dict) -> str:
    """The JSON the page's script reads (the form's data-config attribute): the
    contract's rules and messages, the names fields are sent under, how to send."""
    data = {
        "rules": contract.browser_rules(),
        "names": names,
        "multiple": [names[name] for name in MULTIPLE_FIELDS if names[name]],
        "encoding": config["encoding"],
        "background": config["background"],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def form_settings(settings: dict) -> dict:
    """What the templates need to draw the form, in one place."""
    siteurl = settings.get("SITEURL", "").rstrip("/")
    config = signup_config(settings)[0]
    names = {name: config["fields"].get(name, name) for name in FORM_FIELDS}
    return {
        "endpoint": str(settings["SIGNUP_ENDPOINT"]).strip(),
        "names": names,
        "extra_fields": {k: str(v) for k, v in config["extra_fields"].items()},
        "callback_days": config["callback_days"],
        "script_config": script_config(config, names),
        # Absolute when SITEURL is set; in development a path that the receiver takes
        # on the origin the form was sent from.
        "thanks_url": f"{siteurl}/{THANKS_URL}",
        "projects": contract.PROJECTS,
        "timings": contract.TIMINGS,
        "utm_fields": contract.UTM_FIELDS,
        "honeypot": contract.HONEYPOT,
        "consent_value": contract.CONSENT_VALUE,
        "max_lengths": contract.MAX_LENGTHS,
        "redirect_field": contract.REDIRECT_FIELD,
        "fill_time_field": contract.FILL_TIME_FIELD,
        "submission_id_field": contract.SUBMISSION_ID_FIELD,
        "format_field": contract.FORMAT_FIELD,
    }


def territories_data(territories) -> dict:
    """/inscription/territoires.json: the public data an endpoint or a CRM integration
    needs to route a sign-up (the receiver's --territories reads it)."""
    data = {}
    for territory in territories:
        officer = territory.welcome_officer
        data[territory.slug] = {
            "title": territory.title,
            "department": territory.department,
            "welcome_officer": (
                {"name": officer.name, "email": officer.email, "phone": officer.phone}
                if officer
                else None
            ),
        }
    return data


class SignupGenerator(Generator):
    def generate_context(self):
        self.context["signup"] = form_settings(self.settings)

    def generate_output(self, writer):
        path = Path(self.output_path, TERRITORIES_JSON)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = territories_data(self.context.get("territories") or [])
        path.write_text(
            json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        for url, template in ((SIGNUP_URL, "signup"), (THANKS_URL, "signup_thanks")):
            writer.write_file(
                url + "index.html",
                self.get_template(template),
                self.context,
                relative_urls=self.settings.get("RELATIVE_URLS"),
                page_name=url.rstrip("/"),
                url=url,
            )


def get_generators(pelican):
    return SignupGenerator


def say_retention(path, context=None) -> None:
    """The retention period, in words, where a page wrote RETENTION_MARKER."""
    if not str(path).endswith(".html") or context is None:
        return
    if current(context).render.reused(path):
        return  # the previous build's page, already worded
    page = Path(path)
    html = page.read_text(encoding="utf-8")
    if RETENTION_MARKER not in html:
        return
    years = signup_config(context)[0]["retention_years"]
    page.write_text(
        html.replace(RETENTION_MARKER, contract.retention_words(years)), encoding="utf-8"
    )


def register():
    signals.initialized.connect(initialise)
    signals.content_written.connect(say_retention)
    signals.get_generators.connect(get_generators)
