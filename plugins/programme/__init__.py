"""The programme's content: territories, testimonials, campaigns, episodes, key figures.

Reads and validates ../shared/CONTENT.md's types once (ProgrammeGenerator), gives
Pelican's own pages and news the contract's slugs, provides the French filters, and
stops the build with every content error at once, in French.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from pelican import signals

from . import text, typography
from .errors import BUILD_ERRORS
from .generator import ProgrammeGenerator
from .labels import Labels
from .maps import configure as configure_map
from .maps import territory_map
from .read_cache import READ_CACHE
from .reader import relative_source, set_content_path, use_content_reader

FILTERS = {
    "date_fr": text.date_fr,
    "number_fr": text.number_fr,
    "euros_fr": text.euros_fr,
    "slugify": text.slugify,
}


class PelicanErrors(logging.Handler):
    """Pelican logs (and skips) a page or news file it cannot publish; make that a
    content error in French so the build stops instead of silently dropping it."""

    def __init__(self):
        super().__init__(level=logging.ERROR)

    def emit(self, record):
        if record.msg.startswith("Skipping %s: could not find information about") and record.args:
            source, field = relative_source(record.args[0]), record.args[1]
            if not BUILD_ERRORS.concerns(source):  # e.g. unreadable YAML, already reported
                BUILD_ERRORS.add(source, field, "ce champ est obligatoire et il est absent.")
        elif record.msg.startswith("Could not process %s") and record.args:
            BUILD_ERRORS.add(relative_source(record.args[0]), None, "fichier illisible.")


_HANDLER = PelicanErrors()


def initialise(pelican) -> None:
    BUILD_ERRORS.reset()  # state from a previous autoreload run must not leak
    set_content_path(pelican.settings["PATH"])
    pelican.settings.setdefault("JINJA_FILTERS", {}).update(
        FILTERS, label=Labels(pelican.settings.get("LABELS"))
    )
    pelican.settings.setdefault("JINJA_GLOBALS", {}).update(territory_map=territory_map)
    configure_map(pelican.settings)
    _cache_compiled_templates(pelican.settings)
    if pelican.settings.get("CONTENT_READ_CACHE", True):
        READ_CACHE.configure(pelican.settings, cache_dir(pelican.settings, "content"))
    else:
        READ_CACHE.disable()
    pelican_logger = logging.getLogger("pelican")
    if _HANDLER not in pelican_logger.handlers:
        pelican_logger.addHandler(_HANDLER)
    # Connected here, once every plugin has registered its own receivers: Pelican's
    # signals call receivers in the order they were connected, so this runs after the
    # checks other plugins make once the site is written (poster landings, images).
    signals.finalized.connect(stop_on_content_errors)


def cache_dir(settings, name: str, create: bool = True) -> Path:
    """The project's cache folder for `name`: .cache/<name> beside content/, where every
    plugin keeps what it derives (README, "Build caches")."""
    folder = Path(settings["PATH"]).resolve().parent / ".cache" / name
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def _cache_compiled_templates(settings) -> None:
    """Every generator has its own Jinja environment and compiled each template again
    (a third of a warm build's rendering); compiled templates are kept on disk instead.
    Jinja checks each template's source checksum, so an edited template is recompiled."""
    environment = dict(settings.get("JINJA_ENVIRONMENT") or {})
    if "bytecode_cache" not in environment:
        environment["bytecode_cache"] = FileSystemBytecodeCache(str(cache_dir(settings, "jinja")))
        settings["JINJA_ENVIRONMENT"] = environment


def get_generators(pelican):
    return ProgrammeGenerator


def pages_and_news_slugs(content) -> None:
    if "slug" not in content.metadata and getattr(content, "source_path", None):
        content.slug = text.slugify(Path(content.source_path).stem)
    elif content.metadata.get("slug"):
        content.slug = text.slugify(content.metadata["slug"])


def check_pages_and_news(generators) -> None:
    """Pages and news use Pelican's generators; hold them to the same contract."""
    for generator in generators:
        for item in list(getattr(generator, "articles", [])) + list(
            getattr(generator, "pages", [])
        ):
            source = relative_source(item.source_path)
            if not getattr(item, "title", None):
                BUILD_ERRORS.add(source, "title", "ce champ est obligatoire et il est absent.")
    READ_CACHE.save()  # reading is over; a file with errors is cached with its errors
    # Not raised yet: the site is still written (into tools/build.py's staging folder,
    # thrown away on error) so that the checks made while writing — images, poster
    # landings — report too, and the editor gets every error of the build at once.


def stop_on_content_errors(pelican) -> None:
    """Every content error stops Pelican itself, whatever command runs it."""
    BUILD_ERRORS.raise_if_any()


def typeset_page(path, context=None) -> None:
    """French typography on every page Pelican writes, once it is written: Markdown
    bodies, titles, summaries, quotes and cards alike (typography.py; text nodes only)."""
    if not str(path).endswith(".html"):
        return
    page = Path(path)
    html = page.read_text(encoding="utf-8")
    typeset = typography.french_html(html)
    if typeset != html:
        page.write_text(typeset, encoding="utf-8")


def link_or_copy_static_files(generator) -> None:
    """With STATIC_CREATE_LINKS, Pelican falls back to symbolic links across file
    systems: an output holding links to the content folder would publish broken files.
    Hard links, else copies."""

    def link_or_copy(static):
        source = os.path.join(generator.path, static.source_path)
        target = os.path.join(generator.output_path, static.save_as)
        generator._mkdir(os.path.dirname(target))
        if os.path.lexists(target):
            os.unlink(target)
        try:
            os.link(source, target)
        except OSError:  # another file system, or links not allowed
            shutil.copy2(source, target)

    generator._link_staticfile = link_or_copy


def register():
    signals.initialized.connect(initialise)
    signals.static_generator_init.connect(link_or_copy_static_files)
    signals.readers_init.connect(use_content_reader)
    signals.get_generators.connect(get_generators)
    signals.content_object_init.connect(pages_and_news_slugs)
    signals.all_generators_finalized.connect(check_pages_and_news)
    signals.content_written.connect(typeset_page)
