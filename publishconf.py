"""Production settings: the development settings plus the public address."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "https://venez-vivre.example.org")
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
SIGNUP_ENDPOINT = os.environ.get(
    "SIGNUP_ENDPOINT", "https://inscriptions.venez-vivre.example.org/inscriptions"
)
SIGNUP_REQUIRE_HTTPS = True  # plugins/signup refuses to build with a missing or http endpoint
# plugins/podcast refuses to publish a feed whose addresses are not absolute https://
# (SITEURL): podcast apps keep the enclosure and artwork URLs they are given.
PODCAST_REQUIRE_HTTPS = True
