"""The programme's content: territories, testimonials, campaigns, episodes, key figures.

Reads and validates ../shared/CONTENT.md's types once (ProgrammeGenerator), gives
Pelican's own pages and news the contract's slugs, provides the French filters, and
stops the build with every content error at once, in French.
"""

from __future__ import annotations

import gc
import logging
import os
import stat
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from pelican import signals
from pelican.contents import Content

from . import text, typography
from .brand import resolve_brand
from .build import Programme, cache_dir, current, programme
from .files import FILE_MODE, FOLDER_MODE, link_or_copy
from .generator import ProgrammeGenerator
from .incremental import IncrementalWriter, track_environment
from .labels import Labels
from .maps import MapDrawer, territory_map
from .reader import use_content_reader

__all__ = ["cache_dir", "current", "programme"]

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
    content error in French so the build stops instead of silently dropping it.
    One per Pelican instance, writing into the build that instance is running."""

    def __init__(self, holder: Programme):
        super().__init__(level=logging.ERROR)
        self.holder = holder

    def emit(self, record):
        build = self.holder.build
        if build is None or not isinstance(record.msg, str) or not record.args:
            return
        if record.msg.startswith("Skipping %s: could not find information about"):
            source, field = build.relative_source(record.args[0]), record.args[1]
            if not build.errors.concerns(source):  # e.g. unreadable YAML, already reported
                build.errors.add(source, field, "ce champ est obligatoire et il est absent.")
        elif record.msg.startswith("Could not process %s"):
            build.errors.add(build.relative_source(record.args[0]), None, "fichier illisible.")


def initialise(pelican) -> None:
    """Once per Pelican instance: settings and brand resolved, the build context's
    holder stored in the settings (so in every run's context), filters and globals."""
    settings = pelican.settings
    settings["BRAND"] = resolve_brand(settings)
    holder = Programme(settings, settings["BRAND"], pelican.output_path)
    settings["PROGRAMME"] = holder
    settings.setdefault("JINJA_FILTERS", {}).update(FILTERS, label=Labels(settings.get("LABELS")))
    settings.setdefault("JINJA_GLOBALS", {}).update(territory_map=territory_map)
    MapDrawer.check_settings(settings)
    _cache_compiled_templates(settings)
    pelican_logger = logging.getLogger("pelican")
    for handler in [h for h in pelican_logger.handlers if isinstance(h, PelicanErrors)]:
        pelican_logger.removeHandler(handler)  # a previous instance's, in this process
    pelican_logger.addHandler(PelicanErrors(holder))
    # Connected now, after every plugin's register(): the last `finalized` receivers,
    # once every plugin has written its files and reported its errors.
    signals.finalized.connect(wait_background)
    signals.finalized.connect(publish_modes)
    signals.finalized.connect(save_render_trace)
    signals.finalized.connect(stop_on_errors)


def start_build(pelican) -> None:
    """The first signal of every run (`pelican -r` runs one instance many times): a
    fresh build context, before anything is read."""
    build = programme(pelican).start_build()
    forget_previous_pages()
    collect_less()
    if pelican.settings.get("CONTENT_READ_CACHE", True):
        build.read_cache.configure(pelican.settings, cache_dir(pelican.settings, "content"))
    build.read_cache.errors = build.errors
    refuse_symbolic_links(build)
    build.render.move_output_aside()  # before Pelican deletes OUTPUT_PATH


# Young-generation threshold of Python's cyclic garbage collector during a build.
COLLECT_EVERY = 50_000


def collect_less() -> None:
    """A build allocates millions of small objects that live until it ends (entries,
    pages, digests, the render trace): at Python's default threshold (700) the cyclic
    collector ran about 540 times during a one-edit build at ten times the demo, each
    time over objects that were all still in use. Every 50,000 allocations instead: the
    same garbage is freed, later (the process's own setting: a build owns its process,
    `pelican -r` included). What an earlier run of the process left is freed first, at
    once: with full collections rarer, each run's garbage would otherwise stay until
    one came (peak memory grew by a build's worth per run)."""
    gc.collect()
    young, middle, old = gc.get_threshold()
    if 0 < young < COLLECT_EVERY:
        gc.set_threshold(COLLECT_EVERY, middle, old)


def forget_previous_pages() -> None:
    """Pelican memoizes each page's HTML and summary on its Content class, keyed by the
    page object, for the life of the process (`pelican.utils.memoized`): every page of
    every earlier run, and through them that run's settings and build, stayed alive —
    80 MiB more per run at ten times the demo under `pelican -r`. A new run reads new
    page objects, so the entries of earlier runs are never asked for again."""
    for name in ("get_content", "get_summary"):
        memo = Content.__dict__.get(name)
        cache = getattr(memo, "cache", None)
        if isinstance(cache, dict):
            cache.clear()


def incremental_writer(pelican):
    """Pelican's writer, reusing pages whose inputs did not change (incremental.py)."""
    return IncrementalWriter


def track_templates(generator) -> None:
    track_environment(generator.env, programme(generator.settings))


def save_render_trace(pelican) -> None:
    """What each page read, for the next build, once this one is known good."""
    holder = programme(pelican)
    build = holder.build
    if build is None or build.errors.errors:
        return
    build.render.save()
    build.render.remove_aside()
    build.figures["render"] = dict(build.render.figures)


def refuse_symbolic_links(build) -> None:
    """A symbolic link under content/ would publish whatever it points to on the build
    machine (a key, another site's files): refused, naming the link."""
    pending = [str(build.content)]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_symlink():
                    build.errors.add(
                        build.relative_source(entry.path),
                        None,
                        "ce fichier est un lien symbolique : le site ne publie que de vrais "
                        "fichiers. Remplacez le lien par une copie du fichier.",
                    )
                elif entry.is_dir():
                    pending.append(entry.path)


def wait_background(pelican) -> None:
    """What plugins left running while the others finished (Build.meanwhile)."""
    holder = programme(pelican)
    if holder.build is not None:
        holder.build.wait_background()


def publish_modes(pelican) -> None:
    """Published files are 0644 and folders 0755, whatever the umask and the modes of
    the caches they are linked from: a site copied with `cp -a` or served by a web
    server's own user must be readable (files written 0600 gave a 403 on every image).
    Files of content/ are copied rather than linked when their mode differs
    (link_or_copy_static_files), so an editor's file keeps its own mode."""
    for here, _folders, names in os.walk(pelican.output_path):
        if stat.S_IMODE(os.stat(here).st_mode) != FOLDER_MODE:
            os.chmod(here, FOLDER_MODE)
        for name in names:
            path = os.path.join(here, name)
            info = os.lstat(path)
            if stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) != FILE_MODE:
                os.chmod(path, FILE_MODE)


def stop_on_errors(pelican) -> None:
    """Every content error found once the site is written (images, poster landings,
    stable URLs…) makes Pelican fail with the French report."""
    if programme(pelican).build is not None:
        current(pelican).errors.raise_if_any()


def _cache_compiled_templates(settings) -> None:
    """Every generator has its own Jinja environment and compiled each template again
    (a third of a warm build's rendering); compiled templates are kept on disk instead.
    Jinja checks each template's source checksum, so an edited template is recompiled."""
    environment = dict(settings.get("JINJA_ENVIRONMENT") or {})
    if "bytecode_cache" not in environment:
        environment["bytecode_cache"] = FileSystemBytecodeCache(str(cache_dir(settings, "jinja")))
        settings["JINJA_ENVIRONMENT"] = environment


def get_generators(pelican):
    start_build(pelican)
    return ProgrammeGenerator


def pages_and_news_slugs(content) -> None:
    if "slug" not in content.metadata and getattr(content, "source_path", None):
        content.slug = text.slugify(Path(content.source_path).stem)
    elif content.metadata.get("slug"):
        content.slug = text.slugify(content.metadata["slug"])


def check_pages_and_news(generators) -> None:
    """Pages and news use Pelican's generators; hold them to the same contract."""
    build = current(generators[0])
    for generator in generators:
        for item in list(getattr(generator, "articles", [])) + list(
            getattr(generator, "pages", [])
        ):
            source = build.relative_source(item.source_path)
            if not getattr(item, "title", None):
                build.errors.add(source, "title", "ce champ est obligatoire et il est absent.")
    build.read_cache.save()  # reading is over; a file with errors is cached with its errors
    # Not raised yet: the site is still written (into tools/build.py's staging folder,
    # thrown away on error) so that the checks made while writing — images, poster
    # landings, transcripts — report too, and the editor gets every error at once; the
    # last `finalized` receiver (stop_on_errors) raises them all.


def record_written(path, context) -> None:
    """Every file Pelican's writer writes goes into the build's written-URL index."""
    current(context).record_written(path, context.get("entry"))


def record_static_files(generator) -> None:
    """And every file of content/ the static generator publishes (audio, transcripts)."""
    build = current(generator)
    for static in generator.staticfiles:
        build.record_written(os.path.join(generator.output_path, static.save_as))


def typeset_page(path, context=None) -> None:
    """French typography on every page Pelican writes, once it is written: Markdown
    bodies, titles, summaries, quotes and cards alike (typography.py; text nodes only)."""
    if not str(path).endswith(".html") or current(context).render.reused(path):
        return  # a reused page is the previous build's, already typeset
    page = Path(path)
    html = page.read_text(encoding="utf-8")
    typeset = typography.french_html(html)
    if typeset != html:
        page.write_text(typeset, encoding="utf-8")


def link_or_copy_static_files(generator) -> None:
    """With STATIC_CREATE_LINKS, Pelican falls back to symbolic links across file
    systems: an output holding links to the content folder would publish broken files.
    Hard links, else copies (also when the file's mode is not the published one: a
    link shares the editor's file, and its mode)."""

    def link_or_copy_static(static):
        source = os.path.join(generator.path, static.source_path)
        if os.path.realpath(source) != os.path.join(
            os.path.realpath(generator.path), static.source_path
        ):
            return  # reached through a symbolic link: refused (refuse_symbolic_links)
        link_or_copy(source, os.path.join(generator.output_path, static.save_as))

    generator._link_staticfile = link_or_copy_static


def register():
    signals.initialized.connect(initialise)
    signals.static_generator_init.connect(link_or_copy_static_files)
    signals.readers_init.connect(use_content_reader)
    signals.get_generators.connect(get_generators)
    signals.content_object_init.connect(pages_and_news_slugs)
    signals.all_generators_finalized.connect(check_pages_and_news)
    signals.content_written.connect(record_written)
    signals.static_generator_finalized.connect(record_static_files)
    signals.content_written.connect(typeset_page)
    signals.get_writer.connect(incremental_writer)
    signals.generator_init.connect(track_templates)
