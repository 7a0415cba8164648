"""« Cap sur Chalon »: a second, smaller programme (a city) built from the same theme
and plugins. Only its own settings and content live here: the content layout and
plugin list come from the project's settings, the brand and the content are its own.

    make html SETTINGS=examples/ville/pelicanconf.py OUTPUT=examples/ville/output
"""

import runpy
from pathlib import Path

HERE = Path(__file__).resolve().parent

# The project's settings give the content contract, the theme and the plugins. (Read by
# path: Pelican loads this file as the module `pelicanconf` too, so a plain import
# would find this very file.)
globals().update(
    (name, value)
    for name, value in runpy.run_path(str(HERE.parents[1] / "pelicanconf.py")).items()
    if name.isupper()
)

SITENAME = "Cap sur Chalon"
PATH = str(HERE / "content")
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
