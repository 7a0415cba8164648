"""The defaults every programme shares: the content contract (../shared/CONTENT.md),
the theme, the plugins and their settings. A programme's pelicanconf.py starts with

    from venez_vivre.settings import *

and sets only what is its own: SITENAME, BRAND, MENU, FOOTER_LINKS, SIGNUP_ENDPOINT,
POSTERS, MAP, PODCAST… (README, "Layout"). Its publishconf.py extends it with
`globals().update(settings_beside(__file__, "pelicanconf.py"))`: Pelican loads
settings files by path, so a plain `from pelicanconf import *` would only work with the
settings folder added to the import path.
"""

from __future__ import annotations

import importlib.resources
import runpy
from pathlib import Path

__all__ = [
    "ARCHIVES_SAVE_AS",
    "ARTICLE_PATHS",
    "ARTICLE_SAVE_AS",
    "ARTICLE_URL",
    "AUTHORS_SAVE_AS",
    "AUTHOR_FEED_ATOM",
    "AUTHOR_FEED_RSS",
    "AUTHOR_SAVE_AS",
    "CATEGORIES_SAVE_AS",
    "CATEGORY_FEED_ATOM",
    "CATEGORY_SAVE_AS",
    "DEFAULT_DATE_FORMAT",
    "DEFAULT_LANG",
    "DEFAULT_METADATA",
    "DEFAULT_PAGINATION",
    "DELETE_OUTPUT_DIRECTORY",
    "DIRECT_TEMPLATES",
    "DRAFT_PAGE_SAVE_AS",
    "DRAFT_SAVE_AS",
    "FEED_ALL_ATOM",
    "FORMATTED_FIELDS",
    "INDEX_SAVE_AS",
    "KEY_FIGURES_FILE",
    "LOCALE",
    "PAGE_PATHS",
    "PAGE_SAVE_AS",
    "PAGE_URL",
    "PATH",
    "PLUGINS",
    "RELATIVE_URLS",
    "SEARCH",
    "SEO",
    "SITEMAP",
    "SITEURL",
    "SLUGIFY_SOURCE",
    "STATIC_CREATE_LINKS",
    "STATIC_PATHS",
    "TAGS_SAVE_AS",
    "TAG_SAVE_AS",
    "THEME",
    "TIMEZONE",
    "TRANSLATION_FEED_ATOM",
]

SITEURL = ""
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
LOCALE = ("C",)  # French dates come from Babel, never from the machine's locale

PATH = "content"  # relative to the settings file, as Pelican resolves it
THEME = str(importlib.resources.files("venez_vivre.theme"))
# Loaded by name from the installed package (no PLUGIN_PATHS); "sitemap" is the
# pelican-sitemap namespace plugin.
PLUGINS = [
    "venez_vivre.programme",
    "venez_vivre.images",
    "venez_vivre.posters",
    "venez_vivre.charts",
    "venez_vivre.seo",
    "venez_vivre.search",
    "sitemap",
    "venez_vivre.signup",
    "venez_vivre.podcast",  # after "programme": it completes the episodes programme reads
    "venez_vivre.cms",  # /admin/: the web editor, its forms generated from the content types
]

# Content layout (../shared/CONTENT.md). Territories, testimonials, campaigns and
# episodes are read by venez_vivre.programme; news are Pelican articles, pages are pages.
ARTICLE_PATHS = ["actualites"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["audio", "transcripts"]
# Audio and transcripts are hard-linked into the output, not copied (14 MB per build at
# ten times the demo); never as symbolic links (venez_vivre.programme falls back to a copy).
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

# Key figures (content/data/chiffres.yml).
KEY_FIGURES_FILE = "data/chiffres.yml"

# Reach (venez_vivre.seo, venez_vivre.search, pelican-sitemap; see docs/publishing.md).
SITEMAP = {
    "format": "xml",
    # Not pages of their own: the 404 page, search results, redirect pages (never
    # written through Pelican's writer), the signup thank-you page.
    "exclude": [r"^404\.html$", r"^recherche/", r"^inscription/merci/", r"^admin/"],
    "changefreqs": {"articles": "monthly", "pages": "monthly", "indexes": "weekly"},
}
SEO = {
    "published_urls": "urls-publiees.txt",
    "redirects": "data/redirections.yml",
    "robots_disallow": ["/recherche/", "/inscription/merci/", "/admin/"],
}
SEARCH = {"index": True}


def settings_beside(settings_file, name: str) -> dict:
    """The upper-case settings of the settings file `name` in the folder of
    `settings_file` (publishconf.py extends the pelicanconf.py beside it)."""
    path = Path(settings_file).resolve().with_name(name)
    values = runpy.run_path(str(path))
    return {key: value for key, value in values.items() if key.isupper()}
