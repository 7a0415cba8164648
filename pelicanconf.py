"""Development settings of the demo programme: « Venez vivre en Bourgogne-Franche-Comté ».

A second programme reuses the theme and plugins by changing these settings only
(see examples/ville/pelicanconf.py).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent

SITENAME = "Venez vivre en Bourgogne-Franche-Comté"
SITEURL = ""
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
LOCALE = ("C",)  # French dates come from Babel, never from the machine's locale

PATH = "content"
THEME = str(ROOT / "theme")
PLUGIN_PATHS = [str(ROOT / "plugins")]
PLUGINS = [
    "programme",
    "images",
    "posters",
    "charts",
    "seo",
    "search",
    "sitemap",
    "signup",
    "podcast",  # after "programme": it completes the episodes programme reads
]

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

# Content layout (../shared/CONTENT.md). Territories, testimonials, campaigns and
# episodes are read by plugins/programme; news are Pelican articles, pages are pages.
ARTICLE_PATHS = ["actualites"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["audio", "transcripts"]
# Audio and transcripts are hard-linked into the output, not copied (14 MB per build at
# ten times the demo); never as symbolic links (plugins/programme falls back to a copy).
STATIC_CREATE_LINKS = True
ARTICLE_URL = "actualites/{slug}/"
ARTICLE_SAVE_AS = "actualites/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
SLUGIFY_SOURCE = "basename"
FORMATTED_FIELDS = []  # summaries are plain text: cards, meta descriptions, social cards
DEFAULT_DATE_FORMAT = "%Y-%m-%d"  # never shown: templates use the date_fr filter

# Pelican's own indexes we do not publish (the programme writes its own).
DIRECT_TEMPLATES = ["index"]
INDEX_SAVE_AS = "index.html"
DEFAULT_PAGINATION = False
ARCHIVES_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
TAGS_SAVE_AS = ""
TAG_SAVE_AS = ""
# Drafts stay out of the published site (contract): Pelican writes them to drafts/ by
# default. With CATEGORY_SAVE_AS empty articles get no default category, and Pelican's
# draft writer reads `draft.category` unconditionally: give them one.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DEFAULT_METADATA = {"category": "actualites"}
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DELETE_OUTPUT_DIRECTORY = True
RELATIVE_URLS = False

# Key figures (content/data/chiffres.yml) and the signup form.
KEY_FIGURES_FILE = "data/chiffres.yml"
SIGNUP_ENDPOINT = "http://127.0.0.1:8001/inscriptions"

# Reach (plugins/seo, plugins/search, pelican-sitemap; see docs/publishing.md).
SITEMAP = {
    "format": "xml",
    # Not pages of their own: the 404 page, search results, redirect pages (never
    # written through Pelican's writer), the signup thank-you page.
    "exclude": [r"^404\.html$", r"^recherche/", r"^inscription/merci/"],
    "changefreqs": {"articles": "monthly", "pages": "monthly", "indexes": "weekly"},
}
SEO = {"published_urls": "urls-publiees.txt", "redirects": "data/redirections.yml"}
SEARCH = {"index": True}

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
# speed 8, about 5× faster than the tuned default (6) for files ~8 % larger;
# publishconf.py uses the defaults.
IMAGES = {"quality": {"avif_speed": 8}}
