"""The programme's content: territories, testimonials, campaigns, episodes, key figures.

Reads and validates ../shared/CONTENT.md's types once (ProgrammeGenerator), gives
Pelican's own pages and news the contract's slugs, provides the French filters, and
stops the build with every content error at once, in French.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from pelican import signals

from . import text
from .errors import BUILD_ERRORS
from .files import link_or_copy
from .generator import ProgrammeGenerator
from .maps import configure as configure_map
from .maps import territory_map
from .read_cache import READ_CACHE
from .reader import relative_source, set_content_path, use_content_reader

FILTERS = {
    "date_fr": text.date_fr,
    "number_fr": text.number_fr,
    "euros_fr": text.euros_fr,
    "slugify": text.slugify,
    "when_fr": text.when_fr,
    "tel": text.tel_href,
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
    pelican.settings.setdefault("JINJA_FILTERS", {}).update(FILTERS)
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
    BUILD_ERRORS.raise_if_any()


def link_or_copy_static_files(generator) -> None:
    """With STATIC_CREATE_LINKS, Pelican falls back to symbolic links across file
    systems: an output holding links to the content folder would publish broken files.
    Hard links, else copies."""

    def link_or_copy_static(static):
        source = os.path.join(generator.path, static.source_path)
        link_or_copy(source, os.path.join(generator.output_path, static.save_as))

    generator._link_staticfile = link_or_copy_static


def register():
    signals.initialized.connect(initialise)
    signals.static_generator_init.connect(link_or_copy_static_files)
    signals.readers_init.connect(use_content_reader)
    signals.get_generators.connect(get_generators)
    signals.content_object_init.connect(pages_and_news_slugs)
    signals.all_generators_finalized.connect(check_pages_and_news)
