"""Site search: /recherche/ and its static Pagefind index.

- Pages worth finding (territories, testimonials, podcast episodes with their
  transcripts, news) mark their <main> with `{{ search_attributes() }}` (base.html):
  Pagefind indexes only those, with a `type` filter.
- SearchGenerator writes /recherche/ (theme template `search.html`): without
  JavaScript it is a plain list of links to every indexed page; with it, Pagefind's
  own interface (French from <html lang="fr">) loads from /pagefind/, same origin.
- Once the site is written, Pagefind's bundled binary (Python package `pagefind[bin]`,
  no download at run time) indexes the output into /pagefind/.

Setting SEARCH = {"index": True}: False skips indexing (a faster development loop).
"""

from __future__ import annotations

import subprocess
import sys

from jinja2 import pass_context
from markupsafe import Markup, escape
from pelican import signals
from pelican.generators import Generator
from programme.plugin_settings import plugin_settings

DEFAULTS = {"index": True}
SEARCH_URL = "recherche/"
# Context variable of the page being rendered → its type, as the filter shows it.
INDEXED_KINDS = {
    "territory": "Territoire",
    "testimonial": "Témoignage",
    "episode": "Podcast",
    "article": "Actualité",
}


def settings(pelican_settings: dict) -> dict:
    return plugin_settings(pelican_settings, "SEARCH", DEFAULTS)


def kind_of(context) -> str | None:
    """The indexed kind of the page being rendered, or None (indexes, legal pages…)."""
    for name in ("territory", "testimonial", "episode"):
        # An entry page has its entry as `entry` too; a list only as a loop variable.
        if context.get(name) is not None and context.get("entry") is context.get(name):
            return name
    if context.get("article") is not None:
        return "article"
    return None


@pass_context
def search_attributes(context):
    kind = kind_of(context)
    if kind is None:
        return Markup("")
    return Markup(f' data-pagefind-body data-pagefind-filter="type:{escape(INDEXED_KINDS[kind])}"')


class SearchGenerator(Generator):
    def generate_context(self):
        pass

    def generate_output(self, writer):
        writer.write_file(
            SEARCH_URL + "index.html",
            self.get_template("search"),
            self.context,
            relative_urls=self.settings.get("RELATIVE_URLS"),
            page_name=SEARCH_URL.rstrip("/"),
            url=SEARCH_URL,
        )


def initialise(pelican) -> None:
    settings(pelican.settings)
    pelican.settings.setdefault("JINJA_GLOBALS", {}).update(search_attributes=search_attributes)


def get_generators(pelican):
    return SearchGenerator


def index_site(pelican) -> None:
    """Run Pagefind over the written site. A failure stops the build: a published site
    whose search is broken would hide that until a visitor tried it."""
    if not settings(pelican.settings)["index"]:
        return
    command = [sys.executable, "-m", "pagefind", "--site", str(pelican.output_path), "--silent"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(
            "Pagefind could not index the site:\n" + (result.stderr or result.stdout)[-2000:]
        )


def register():
    signals.initialized.connect(initialise)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(index_site)
