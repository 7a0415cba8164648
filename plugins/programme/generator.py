"""ProgrammeGenerator: the sibling of Pelican's PagesGenerator for the programme's types.

Reads territories, testimonials, campaigns and podcast episodes once into typed
entries (models.py), resolves references between them, puts them in the shared
context for templates and other plugins, and writes their pages and indexes.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from pelican.contents import Page
from pelican.generators import Generator

from . import content_types, front_matter
from . import events as events_module
from .build import current
from .fields import FrontMatter
from .models import INDEX_URLS, Entry, KeyFigures, entry_url, save_as
from .reader import UNREADABLE
from .text import slugify

logger = logging.getLogger(__name__)

# Content folder → (kind, template); content_types.CONTENT_TYPES defines them, in the
# order they are read (references point backwards).
COLLECTIONS = {t.folder: (t.kind, t.kind) for t in content_types.CONTENT_TYPES}
READERS = {t.kind: t.read for t in content_types.CONTENT_TYPES}


class ProgrammeGenerator(Generator):
    def generate_context(self):
        self.build = current(self.settings)
        self.errors = self.build.errors
        self.collections: dict[str, list[Entry]] = {}
        territories: dict[str, object] = {}
        for folder, (kind, _template) in COLLECTIONS.items():
            entries = []
            invalid = []
            for page in self._read_folder(folder):
                entry = self._validate(kind, page, territories)
                if entry is None:
                    invalid.append(page.slug)
                else:
                    entries.append(entry)
            self._reject_duplicate_slugs(entries)
            if kind == "territory":
                # Entries with errors stay known (as None): a reference to them is not
                # reported a second time as "does not exist".
                territories.update(dict.fromkeys(invalid))
                territories.update((t.slug, t) for t in entries)
            self.collections[kind] = entries

        territory_list = sorted(self.collections["territory"], key=lambda t: slugify(t.title))
        testimonials = _newest_first(self.collections["testimonial"])
        campaigns = _newest_first(self.collections["campaign"], "start")
        episodes = _newest_first(self.collections["episode"])
        _reject_duplicate_episode_numbers(episodes, self.errors)
        # Each territory's testimonials and episodes, newest first: one pass over each
        # list (a pass per territory read 200,000 attributes at ten times the demo).
        own: dict[int, tuple[list, list]] = {id(t): ([], []) for t in territory_list}
        for index, items in ((0, testimonials), (1, episodes)):
            for item in items:
                lists = own.get(id(item.territory))
                if lists is not None:
                    lists[index].append(item)
        for territory in territory_list:
            territory.testimonials, territory.episodes = own[id(territory)]
        for older, newer in zip(episodes[1:], episodes[:-1], strict=False):
            older.next, newer.previous = newer, older
        events = events_module.arrange(
            self.collections["event"], territory_list, self.settings, Path(self.path)
        )

        self.context.update(
            territories=territory_list,
            territories_by_slug={t.slug: t for t in territory_list},
            territory_tags=sorted({tag for t in territory_list for tag in t.tags}),
            territory_kinds=sorted({t.kind for t in territory_list if t.kind}),
            testimonials=testimonials,
            campaigns=campaigns,
            episodes=episodes,
            events=events,
            upcoming_events=[e for e in events if e.upcoming],
            event_kinds=sorted({e.kind for e in events}),
            event_territories=[
                t for t in territory_list if any(t in e.territories for e in events)
            ],
            # Every entry, for plugins that handle what entries name (Entry.media_files()).
            entries=[*territory_list, *testimonials, *campaigns, *episodes, *events],
            key_figures=self._read_key_figures(),
            INDEX_URLS=INDEX_URLS,
        )
        # From here on, what a page reads of an entry is recorded (incremental.py).
        self.build.render.register_entries(self.context["entries"])

    # -- reading --------------------------------------------------------------------------
    def _read_folder(self, folder: str):
        base = Path(self.path) / folder
        if not base.is_dir():
            return
        for path in sorted(base.rglob("*.md")):
            relative = str(path.relative_to(self.path))
            try:
                page = self.readers.read_file(
                    base_path=self.path,
                    path=relative,
                    content_class=Page,
                    context=self.context,
                )
            except Exception as error:  # an unreadable file must not hide the others
                self.errors.add(
                    self.build.relative_source(path), None, f"fichier illisible : {error}"
                )
                continue
            if page.metadata.get("status", "published") == "draft":
                continue
            yield page

    def _validate(self, kind: str, page: Page, territories: dict):
        source = self.build.relative_source(page.source_path)
        meta = dict(page.metadata)
        slug = slugify(meta.get("slug") or Path(page.source_path).stem)
        page.slug = slug
        if meta.get(UNREADABLE):
            return None  # reported by the reader; its fields cannot be checked
        fm = FrontMatter(page.metadata, source, Path(self.path), self.errors)
        url = entry_url(kind, slug)
        page.override_url = url
        page.override_save_as = save_as(url)
        base = {
            "slug": slug,
            **content_types.read_common(fm),
            "url": url,
            "source_path": source,
            "page": page,
            "meta": meta,
        }
        entry = READERS[kind](fm, base, territories)
        if fm.failed:
            return None
        # Register for {filename} links from other content, as PagesGenerator does.
        self.add_source_path(page)
        return entry

    def _reject_duplicate_slugs(self, entries: list[Entry]) -> None:
        seen: dict[str, Entry] = {}
        for entry in entries:
            if entry.slug in seen:
                self.errors.add(
                    entry.source_path,
                    "slug",
                    f"l’adresse /{entry.url} est déjà celle de {seen[entry.slug].source_path} : "
                    "donnez un autre nom de fichier ou un champ slug différent.",
                )
            seen[entry.slug] = entry

    def _read_key_figures(self) -> KeyFigures | None:
        relative = self.settings.get("KEY_FIGURES_FILE", "data/chiffres.yml")
        path = Path(self.path) / relative
        source = self.build.relative_source(path)
        if not path.is_file():
            return None
        try:
            data = front_matter.load(path.read_text(encoding="utf-8-sig")) or {}
        except front_matter.FrontMatterError as error:
            self.errors.add(source, None, f"{error}")
            return None
        if not isinstance(data, dict):
            self.errors.add(source, None, "attendu : une liste de champs « nom: valeur ».")
            return None
        fm = FrontMatter(data, source, Path(self.path), self.errors)
        figures = content_types.read_key_figures(fm, source, data)
        return None if fm.failed else figures

    # -- writing --------------------------------------------------------------------------
    def generate_output(self, writer):
        self._write_brand_css()
        relative_urls = self.settings.get("RELATIVE_URLS")
        for kind, template_name in COLLECTIONS.values():
            template = self.get_template(template_name)
            for entry in self.collections[kind]:
                # Each template gets its entry under its own name (territory, episode…)
                # and as `entry`, which the base layout reads for title and metadata.
                writer.write_file(
                    entry.save_as,
                    template,
                    self.context,
                    relative_urls=relative_urls,
                    page_name=entry.url.rstrip("/"),
                    url=entry.url,
                    entry=entry,
                    **{kind: entry},
                )
        for key, template_name in (
            ("territories", "territories"),
            ("testimonials", "testimonials"),
            ("campaigns", "campaigns"),
            ("podcast", "podcast"),
            ("news", "news"),
            ("key_figures", "key_figures"),
            ("events", "events"),
        ):
            url = INDEX_URLS[key]
            writer.write_file(
                save_as(url),
                self.get_template(template_name),
                self.context,
                relative_urls=relative_urls,
                page_name=url.rstrip("/"),
                url=url,
            )
        events_module.write_calendars(self.context["events"], self.settings, Path(self.output_path))
        writer.write_file(
            "404.html",
            self.get_template("404"),
            self.context,
            relative_urls=False,  # served for any missing path: links must be absolute
            page_name="404",
            url="404.html",
        )

    def _write_brand_css(self) -> None:
        """The brand's colours as CSS custom properties, in a file rather than an inline
        style so that the site runs under a strict Content-Security-Policy. The theme's
        CSS defines none of them: what is here always wins."""
        brand = self.build.brand
        colors = brand.colors
        css = ":root {\n" + "".join(f"  --{k}: {v};\n" for k, v in colors.items()) + "}\n"
        target = Path(self.output_path) / "theme" / "css" / "brand.css"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(css, encoding="utf-8")
        self.build.record_written(target)
        # The favicon uses the same mark as the header, so browsers never ask for a
        # missing /favicon.ico.
        icon = (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
            f'<path d="M16 0A16 16 0 0 1 32 16A16 16 0 0 1 16 32H3a3 3 0 0 1-3-3V16A16 16 0 0 1 '
            f'16 0Z" fill="{colors.accent}"/><path d="M0 29V16A16 16 0 0 1 16 0A16 16 0 0 1 32 '
            f'16Z" fill="{colors.primary}"/></svg>'
        )
        favicon = target.parent.parent / "favicon.svg"
        favicon.write_text(icon, encoding="utf-8")
        self.build.record_written(favicon)
        if brand.logo:
            source = Path(self.path) / brand.logo
            if not source.is_file() or source.suffix.lower() not in {".svg", ".png"}:
                raise ValueError(
                    f"BRAND['logo'] : « {brand.logo} » doit être un fichier SVG ou PNG de content/."
                )
            logo = target.parent.parent / f"logo{source.suffix.lower()}"
            shutil.copyfile(source, logo)
            self.build.record_written(logo)


def _newest_first(entries, attribute="date"):
    return sorted(entries, key=lambda e: (getattr(e, attribute), e.slug), reverse=True)


def _reject_duplicate_episode_numbers(episodes, errors) -> None:
    seen = {}
    for episode in sorted(episodes, key=lambda e: e.source_path):
        key = (episode.season, episode.episode)
        if key in seen:
            errors.add(
                episode.source_path,
                "episode",
                f"le numéro d’épisode {episode.episode} est déjà celui de {seen[key].source_path}.",
            )
        seen[key] = episode
