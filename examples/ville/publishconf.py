"""Production settings of « Cap sur Chalon »: its development settings plus the public
address and the checks of a published site."""

import os

from venez_vivre.settings import settings_beside

globals().update(settings_beside(__file__, "pelicanconf.py"))

SITEURL = os.environ.get("SITEURL", "https://cap-sur-chalon.example.org")
SIGNUP_ENDPOINT = os.environ.get(
    "SIGNUP_ENDPOINT", "https://inscriptions.cap-sur-chalon.example.org/inscriptions"
)
SIGNUP_REQUIRE_HTTPS = True
PODCAST_REQUIRE_HTTPS = True
IMAGES = {}  # the tuned defaults: slower AVIF, smaller files
