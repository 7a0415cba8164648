"""Development settings of the demo programme: « Venez vivre en Bourgogne-Franche-Comté ».

The defaults every programme shares (content contract, theme, plugins) come from the
installed package; only the demo's own settings are here. A second programme's
repository holds the same two files and its content (see examples/ville/).
"""

from venez_vivre.settings import *  # noqa: F403

SITENAME = "Venez vivre en Bourgogne-Franche-Comté"

# The brand: everything a second programme changes to reuse the theme.
BRAND = {
    "name": SITENAME,
    "short_name": "Venez vivre en BFC",
    "region": "Bourgogne-Franche-Comté",
    "promise": (
        "Quittez le métro-boulot-dodo\u00a0: une région à 1 h 30 de Paris, des villes à taille "
        "humaine, des lacs et des forêts, et quelqu’un pour vous accueillir."
    ),
    "colors": {"primary": "#7a1f3d", "accent": "#f2b134", "ink": "#1d1b1a", "paper": "#fffaf3"},
    "logo": "images/logo.svg",
    "contact": {
        "email": "bonjour@venez-vivre.example.org",
        "phone": "03 81 00 00 00",
        "address": "Région Bourgogne-Franche-Comté, 4 square Castan, 25000 Besançon",
    },
    "publisher": "Région Bourgogne-Franche-Comté",
    "default_image": "images/eveningglow.jpg",
    "default_image_alt": "Barques sur la rive d’un lac au coucher du soleil",
}

# Navigation: (label, path) in the header.
MENU = [
    ("Territoires", "/territoires/"),
    ("Témoignages", "/temoignages/"),
    ("Podcast", "/podcast/"),
    ("Événements", "/evenements/"),
    ("Campagnes", "/campagnes/"),
    ("Chiffres clés", "/chiffres-cles/"),
    ("Actualités", "/actualites/"),
    ("Rechercher", "/recherche/"),
]
FOOTER_LINKS = [
    ("À propos", "/a-propos/"),
    ("Mentions légales", "/mentions-legales/"),
    ("Accessibilité : partiellement conforme", "/accessibilite/"),
    ("Données personnelles", "/donnees-personnelles/"),
    ("Crédits photos", "/credits-photos/"),
]

# The signup form's receiver (`make serve` starts the reference one there).
SIGNUP_ENDPOINT = "http://127.0.0.1:8001/inscriptions"
# What is sent to the endpoint (plugins/signup DEFAULTS; docs/receiver.md, "Pointing the
# form at a CRM": body encoding, field names, fixed extra fields, plain or background
# sending) and the delay named after a sign-up ("… vous appellera sous 3 jours ouvrés").
SIGNUP = {"callback_days": 3}

# Campaign posters (plugins/posters, see docs/campaigns.md). QR codes need an absolute
# address: SITEURL when it is one (publishconf.py), otherwise this public address.
POSTERS = {"public_url": "https://venez-vivre.example.org", "print_size_mm": (297, 420)}
# Territory map: the region's outline bundled in plugins/programme/data/ (Natural Earth,
# public domain), with Paris for reference. See docs/campaigns.md.
MAP = {"outline": "bourgogne-franche-comte", "reference": ("Paris", 48.8566, 2.3522)}

# The podcast show (plugins/podcast, see docs/podcast.md): the channel of
# /podcast/feed.xml and the /podcast/ page. Checked at build time against Apple's rules.
PODCAST = {
    "title": "Venez vivre, le podcast",
    "description": (
        "Ils ont quitté Paris, Lyon ou Bruxelles pour Dijon, Besançon ou le Morvan. Chaque "
        "mois, une personne installée en Bourgogne-Franche-Comté raconte son déménagement : "
        "le déclic, le travail, le logement, la vie de tous les jours, avec le chargé "
        "d’accueil qui l’a accompagnée."
    ),
    "author": "Région Bourgogne-Franche-Comté",
    "owner": {"name": "Région Bourgogne-Franche-Comté", "email": "podcast@venez-vivre.example.org"},
    "artwork": "images/podcast.jpg",  # square RGB JPEG or PNG, 1400 to 3000 px
    "category": "Society & Culture",  # Apple's list: plugins/podcast/show.py
    "subcategory": "Places & Travel",
    "language": "fr",
    "explicit": False,
    "type": "episodic",
    "copyright": "© 2025 Région Bourgogne-Franche-Comté",
    "host": "Léa Martin",
    "subscribe": [
        {"label": "Apple Podcasts", "url": "https://podcasts.apple.com/fr/podcast/id0000000000"},
        {"label": "Spotify", "url": "https://open.spotify.com/show/0000000000000000000000"},
        {"label": "Deezer", "url": "https://www.deezer.com/fr/show/0000000"},
        {"label": "Podcast Addict", "url": "https://podcastaddict.com/podcast/0000000"},
    ],
    "funding": None,  # {"url": "https://…", "text": "Soutenir le podcast"}
    "locked": True,
    "location": {
        "name": "Bourgogne-Franche-Comté",
        "lat": 47.28,
        "lon": 5.0,
        "osm": "R3792883",
        "country": "FR",
    },
    # Absolute addresses in the feed of a development build (SITEURL is empty).
    "dev_site_url": "http://127.0.0.1:8000",
}

# Images (plugins/images, see docs/images.md). Development builds encode AVIF at libaom
# speed 8, about 3× faster than the tuned default (6) for files ~8 % larger;
# publishconf.py uses the defaults.
IMAGES = {"quality": {"avif_speed": 8}}

# Web editing at /admin/ (plugins/cms, docs/cms.md): Decap CMS, its forms generated from
# the content types. On `make serve` it saves into content/ through the local backend;
# published, through the git host of publishconf.py's CMS["backend"].
# CMS = {"enabled": False} publishes no /admin/.
CMS = {"enabled": True}
