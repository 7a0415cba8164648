"""The signup form: /inscription/ and its thank-you page /inscription/merci/.

- SignupGenerator writes both pages with the theme's `signup.html` and
  `signup_thanks.html`. The form posts to the setting SIGNUP_ENDPOINT; its choices
  (projects, timings) come from the payload contract in receiver/contract.py, the
  territories from the shared context (plugins/programme).
- The form works as a plain POST; theme/static/js/signup.js sends it in the background
  instead, and site.js keeps the visit's campaign (utm_*) for it.
- The endpoint is checked when Pelican starts: missing, or not HTTPS when
  SIGNUP_REQUIRE_HTTPS is set (publishconf.py), stops the build with a French message.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pelican import signals
from pelican.generators import Generator
from venez_vivre.programme.errors import ContentError, ContentErrors
from venez_vivre.receiver import contract

SIGNUP_URL = "inscription/"
THANKS_URL = "inscription/merci/"
SETTINGS_SOURCE = "réglages du site (pelicanconf.py / publishconf.py)"


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


def initialise(pelican) -> None:
    settings = pelican.settings
    errors = endpoint_errors(
        settings.get("SIGNUP_ENDPOINT"), bool(settings.get("SIGNUP_REQUIRE_HTTPS"))
    )
    if errors:
        raise ContentErrors(errors)


def form_settings(settings: dict) -> dict:
    """What the templates need to draw the form, in one place."""
    siteurl = settings.get("SITEURL", "").rstrip("/")
    return {
        "endpoint": str(settings["SIGNUP_ENDPOINT"]).strip(),
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


class SignupGenerator(Generator):
    def generate_context(self):
        self.context["signup"] = form_settings(self.settings)

    def generate_output(self, writer):
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


def register():
    signals.initialized.connect(initialise)
    signals.get_generators.connect(get_generators)
