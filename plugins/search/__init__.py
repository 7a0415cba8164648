"""Site search: /recherche/ and its static Pagefind index.

- Pages worth finding (territories, testimonials, podcast episodes with their
  transcripts, news) mark their <main> with `{{ search_attributes() }}` (base.html):
  Pagefind indexes only those, with a `type` filter.
- SearchGenerator writes /recherche/ (theme template `search.html`): without
  JavaScript it is a plain list of links to every indexed page; with it, Pagefind's
  own interface (French from <html lang="fr">) loads from /pagefind/, same origin.
- Once the site is written, Pagefind's bundled binary (Python package `pagefind[bin]`,
  no download at run time) indexes the output into /pagefind/.

Setting SEARCH = {"index": True}: False skips indexing. The development server's
builds leave indexing until the new output is served (`make serve`, SEARCH_INDEX_LATER).

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
import threading
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
    whose search is broken would hide that until a visitor tried it.

    With SEARCH_INDEX_LATER (set by `tools/build.py --index-later`, the development
    server's builds) the build does not wait for Pagefind: the previous output's index
    is carried over (hard links) so that search keeps working, and the server indexes
    the new output once it is served (`python -m venez_vivre.search`)."""
    if not settings(pelican.settings)["index"]:
        return
    output = Path(pelican.output_path)
    if pelican.settings.get("SEARCH_INDEX_LATER"):
        previous = pelican.settings.get("INCREMENTAL_PREVIOUS")
        if previous and (Path(previous) / "pagefind").is_dir():
            _link_tree(Path(previous) / "pagefind", output / "pagefind")
        return
    build = current(pelican)
    pages = sorted(p for p in build.written if p.endswith(".html"))
    # Pagefind (a process of its own) works while the plugins after this one finish
    # (sitemap, podcast ledger, web editor): the build waits for it before it ends.
    build.meanwhile("search", lambda: index_output(pelican.settings, output, pages))


def index_output(pelican_settings, output: Path, pages: list[str]) -> None:
    """Pagefind's index of `output`'s `pages` (paths relative to it) into
    output/pagefind/, replaced whole (never half-written): from the cache when the same
    pages were indexed before."""
    output = Path(output)
    arguments = ["--site", str(output), "--silent"]
    cache = cache_dir(pelican_settings, "search")
    stored = cache / _index_key(output, pages, arguments[2:])
    # Old indexes (thousands of files each) are deleted while Pagefind works.
    pruning = threading.Thread(target=_prune, args=(cache, stored), name="search-prune")
    pruning.start()
    if not (stored / "pagefind-entry.json").is_file():
        partial = stored.with_name(stored.name + f".{os.getpid()}.tmp")
        shutil.rmtree(partial, ignore_errors=True)
        command = [sys.executable, "-m", "pagefind", *arguments, "--output-path", str(partial)]
        result = subprocess.run(command, capture_output=True, encoding="utf-8", check=False)
        if result.returncode != 0:
            shutil.rmtree(partial, ignore_errors=True)
            raise RuntimeError(
                "Pagefind could not index the site:\n" + (result.stderr or result.stdout)[-2000:]
            )
        try:
            partial.rename(stored)
        except OSError:  # a concurrent build stored the same pages' index first
            shutil.rmtree(partial, ignore_errors=True)
    else:
        os.utime(stored)  # recently used: kept by the pruning below
    fresh = output / f".pagefind.{os.getpid()}.tmp"
    shutil.rmtree(fresh, ignore_errors=True)
    _link_tree(stored, fresh)
    old = output / f".pagefind.{os.getpid()}.old"
    if (output / "pagefind").exists():
        os.rename(output / "pagefind", old)
    os.rename(fresh, output / "pagefind")
    shutil.rmtree(old, ignore_errors=True)
    pruning.join()


def _link_tree(source: Path, target: Path) -> None:
    """`source` as `target`, in hard links (an index is never written again once
    made), copied where links fail (another file system)."""
    try:
        shutil.copytree(source, target, copy_function=os.link)
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)


def _prune(cache: Path, keep: Path | None = None) -> None:
    """Keep the latest indexes (and `keep`, the one in use); another build's
    half-written one (`.tmp`) is left alone."""
    dated = []
    for folder in cache.iterdir():
        if folder.name.endswith(".tmp") or folder == keep:
            continue
        try:
            dated.append((folder.stat().st_mtime, folder))
        except OSError:  # removed by a concurrent build
            continue
    for _mtime, folder in sorted(dated, reverse=True)[KEPT_INDEXES - (keep is not None) :]:
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
