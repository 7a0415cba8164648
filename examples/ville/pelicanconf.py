"""« Cap sur Chalon »: a second, smaller programme (a city), built from the installed
venez_vivre package. This folder is exactly what a programme's own repository holds:
content/, pelicanconf.py and publishconf.py (README, "Layout"). Copy it anywhere,
`pip install venez-vivre`, then:

    pelican content -s pelicanconf.py        # or: python -m venez_vivre.tools.build
"""

from venez_vivre.settings import *  # noqa: F403

SITENAME = "Cap sur Chalon"
BRAND = {
    "name": SITENAME,
    "short_name": SITENAME,
    "region": "Grand Chalon",
    "promise": (
        "Une ville au bord de l’eau, à deux heures de Paris et une heure de Lyon, "
        "où l’on trouve sa place."
    ),
    "colors": {"primary": "#0b5a6b", "accent": "#e9a15c", "ink": "#16252a", "paper": "#f7fbfb"},
    "contact": {
        "email": "bienvenue@cap-sur-chalon.example.org",
        "phone": "03 85 00 00 00",
        "address": "Le Grand Chalon, 23 avenue Georges-Pompidou, 71100 Chalon-sur-Saône",
    },
    "publisher": "Le Grand Chalon",
    "default_image": "images/summer-1am.jpg",
    "default_image_alt": "Lac immobile au crépuscule, reflets du ciel dans l’eau",
}
MENU = [
    ("Quartiers et communes", "/territoires/"),
    ("Témoignages", "/temoignages/"),
    ("Campagnes", "/campagnes/"),
    ("Chiffres clés", "/chiffres-cles/"),
    ("Actualités", "/actualites/"),
]
FOOTER_LINKS = [
    ("Mentions légales", "/mentions-legales/"),
    ("Données personnelles", "/donnees-personnelles/"),
    ("Crédits photos", "/credits-photos/"),
]

# The signup form's receiver in development (`make serve` starts one there).
SIGNUP_ENDPOINT = "http://127.0.0.1:8001/inscriptions"
# Campaign posters: the public address QR codes hold in development builds.
POSTERS = {"public_url": "https://cap-sur-chalon.example.org"}
# Chalon-sur-Saône is in Bourgogne-Franche-Comté: the package's bundled outline.
MAP = {"outline": "bourgogne-franche-comte", "reference": ("Paris", 48.8566, 2.3522)}
# Development builds encode AVIF faster (publishconf.py uses the tuned defaults).
IMAGES = {"quality": {"avif_speed": 8}}
# No web editor at /admin/ for this programme: its team edits the Markdown in its git
# host. (With it, run `npm install decap-cms decap-server` in this folder: docs/cms.md.)
CMS = {"enabled": False}
