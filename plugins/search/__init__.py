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

Pagefind rebuilds its whole index each time (0.7 s for a programme ten times the
demo's size), so the index is kept in `.cache/search/` under a digest of every HTML
page of the site and Pagefind's version: a build whose pages did not change reuses it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from importlib import metadata as package_metadata
from pathlib import Path

from jinja2 import pass_context
from markupsafe import Markup, escape
from pelican import signals
from pelican.generators import Generator
from venez_vivre.programme import cache_dir, current
from venez_vivre.programme.plugin_settings import plugin_settings

DEFAULTS = {"index": True}
KEPT_INDEXES = 3  # the latest few, so that undoing an edit finds its index again
SEARCH_URL = "recherche/"
# Context variable of the page being rendered → its type, as the filter shows it.
INDEXED_KINDS = {
    "territory": "Territoire",
    "testimonial": "Témoignage",
    "episode": "Épisode",
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
    output = Path(pelican.output_path)
    arguments = ["--site", str(output), "--silent"]
    cache = cache_dir(pelican.settings, "search")
    pages = sorted(p for p in current(pelican).written if p.endswith(".html"))
    stored = cache / _index_key(output, pages, arguments[2:])
    if (stored / "pagefind-entry.json").is_file():
        try:
            shutil.copytree(stored, output / "pagefind")
            os.utime(stored)  # recently used: kept by the pruning below
            return
        except OSError:  # pruned by a concurrent build meanwhile: index again
            shutil.rmtree(output / "pagefind", ignore_errors=True)
    command = [sys.executable, "-m", "pagefind", *arguments]
    result = subprocess.run(command, capture_output=True, encoding="utf-8", check=False)
    if result.returncode != 0:
        raise RuntimeError(
            "Pagefind could not index the site:\n" + (result.stderr or result.stdout)[-2000:]
        )
    partial = stored.with_name(stored.name + f".{os.getpid()}.tmp")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(output / "pagefind", partial)
    try:
        partial.rename(stored)
    except OSError:  # a concurrent build stored the same pages' index first
        shutil.rmtree(partial, ignore_errors=True)
    _prune(cache)


def _prune(cache: Path) -> None:
    """Keep the latest indexes; another build's half-copied one (`.tmp`) is left alone."""
    dated = []
    for folder in cache.iterdir():
        if folder.name.endswith(".tmp"):
            continue
        try:
            dated.append((folder.stat().st_mtime, folder))
        except OSError:  # removed by a concurrent build
            continue
    for _mtime, folder in sorted(dated, reverse=True)[KEPT_INDEXES:]:
        shutil.rmtree(folder, ignore_errors=True)


def _index_key(output: Path, pages: list[str], arguments: list[str]) -> str:
    """A digest of what Pagefind reads: every HTML page this build wrote (path and
    bytes, from the written-URL index), its version and its arguments (the output
    folder itself is left out: it changes per build)."""
    digest = hashlib.sha256()
    try:
        version = package_metadata.version("pagefind")
    except package_metadata.PackageNotFoundError:
        version = "unknown"
    digest.update(f"pagefind {version} {arguments}\n".encode())
    for relative in pages:
        digest.update(f"{relative}\0".encode())
        digest.update(hashlib.sha256((output / relative).read_bytes()).digest())
    return digest.hexdigest()


def register():
    signals.initialized.connect(initialise)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(index_site)
