"""Being found: share tags, robots.txt, schema.org JSON-LD, and stable public URLs.

- `{{ share_meta(title, description, url) }}` (Jinja global, in base.html's <head>):
  Open Graph and Twitter card tags, with the share card venez_vivre.images makes.
- `{{ structured_data() }}` (Jinja global, in base.html's <head>) prints the page's
  JSON-LD: Organization and WebSite on the home page, Place for territories, Article for
  testimonials, PodcastSeries / PodcastEpisode, NewsArticle, BreadcrumbList.
- /robots.txt points to /sitemap.xml (written by the pelican-sitemap plugin, configured
  in pelicanconf.py's SITEMAP).
- Redirects from content/data/redirections.yml and the published-URL manifest
  content/urls-publiees.txt (stable_urls.py).

One dict setting, SEO, with its defaults applied in `settings()`.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from urllib.request import pathname2url

from jinja2 import pass_context
from markupsafe import Markup, escape
from pelican import signals
from venez_vivre.images import share_card
from venez_vivre.programme import current
from venez_vivre.programme.plugin_settings import plugin_settings
from venez_vivre.programme.text import close_match

from . import stable_urls, structured_data

DEFAULTS = {
    # Paths crawlers need not visit: search results and the signup thank-you page.
    "robots_disallow": ["/recherche/", "/inscription/merci/"],
    # Both relative to the content folder (PATH).
    "published_urls": "urls-publiees.txt",
    "redirects": "data/redirections.yml",
}


def settings(pelican_settings: dict) -> dict:
    """SEO with its defaults; an unknown key is a settings mistake worth stopping for."""
    return plugin_settings(pelican_settings, "SEO", DEFAULTS)


@pass_context
def share_meta(context, title: str, description: str = "", url: str | None = None) -> Markup:
    """Open Graph and Twitter card tags (Jinja global, in base.html's <head>), with the
    page's 1200 × 630 share image, which venez_vivre.images makes (`share_card`).

    `url`: the page's path from the site root ("territoires/dijon/"), None when the page
    has no address of its own (404)."""
    brand = current(context).brand
    brand_name = brand.name or context.get("SITENAME", "")
    title = " ".join(str(title or brand_name).split())
    description = " ".join(str(description or "").split())
    page_url = f"{context.get('SITEURL', '') or ''}/{url or ''}"
    tags = [
        ("property", "og:type", "article" if context.get("article") else "website"),
        ("property", "og:site_name", brand_name),
        ("property", "og:locale", "fr_FR"),
        ("property", "og:title", title),
        ("property", "og:description", description),
    ]
    if url is not None:
        tags.append(("property", "og:url", page_url))
    card = share_card(context, title, url)
    if card is not None:
        alt = f"{title} — {brand_name}" if title != brand_name else brand_name
        tags += [
            ("property", "og:image", card.url),
            ("property", "og:image:type", card.mime),
            ("property", "og:image:width", str(card.width)),
            ("property", "og:image:height", str(card.height)),
            ("property", "og:image:alt", alt),
            ("name", "twitter:card", "summary_large_image"),
            ("name", "twitter:image", card.url),
            ("name", "twitter:image:alt", alt),
        ]
    else:
        tags.append(("name", "twitter:card", "summary"))
    tags += [("name", "twitter:title", title), ("name", "twitter:description", description)]
    return Markup(
        "\n  ".join(
            f'<meta {kind}="{name}" content="{escape(value)}">'
            for kind, name, value in tags
            if value
        )
    )


@pass_context
def structured_data_tag(context):
    return structured_data.script_tag(structured_data.for_context(context))


def reset_sitemap_plugin() -> None:
    """pelican-sitemap (1.2) keeps the Pelican instance of a run in a module-level
    object and forgets it only when that run reaches `finalized`. After a failed build
    (a content error) every later build in the same process (development server,
    tests) silently writes no sitemap. Start each run clean."""
    try:
        from pelican.plugins.sitemap import sitemap
    except ImportError:
        return
    sitemap.generator._main_pelican = None
    sitemap.generator.page_queue = []


def initialise(pelican) -> None:
    settings(pelican.settings)  # fail early on a bad SEO setting
    reset_sitemap_plugin()
    pelican.settings.setdefault("JINJA_GLOBALS", {}).update(
        structured_data=structured_data_tag, share_meta=share_meta
    )


def robots_txt(siteurl: str, disallow: list[str]) -> str:
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in disallow] or ["Disallow:"]
    if siteurl.startswith("http"):  # the Sitemap line must be an absolute URL
        lines.append(f"Sitemap: {siteurl.rstrip('/')}/sitemap.xml")
    return "\n".join(lines) + "\n"


def finalise(pelican) -> None:
    """robots.txt, the redirects, and the published-URL check, asked of the build's
    written-URL index (the pages this build wrote), not of the output folder."""
    config = settings(pelican.settings)
    build = current(pelican)
    output = Path(pelican.output_path)
    content = Path(pelican.settings["PATH"])
    siteurl = pelican.settings.get("SITEURL", "")

    (output / "robots.txt").write_text(
        robots_txt(siteurl, config["robots_disallow"]), encoding="utf-8"
    )
    build.record_written(output / "robots.txt")

    redirects_file = content / config["redirects"]
    redirects_source = build.relative_source(redirects_file)
    redirects = stable_urls.read_redirects(redirects_file, redirects_source, build.errors)
    pages = published_urls(build)
    for old, new in list(redirects.items()):
        if build.serves(old):
            build.errors.add(
                redirects_source,
                old,
                "cette adresse est encore celle d’une page du site : retirez la redirection "
                "ou changez l’adresse de la page.",
            )
            del redirects[old]
        elif new.startswith("/") and not build.serves(new):
            build.errors.add(
                redirects_source,
                old,
                f"la nouvelle adresse « {new} » n’existe pas sur le site.",
                close_match(new, pages),
            )
            del redirects[old]
    stable_urls.write_redirects(output, redirects, siteurl)

    manifest_file = content / config["published_urls"]
    manifest = stable_urls.read_manifest(manifest_file)
    for url in manifest:
        if url in redirects or build.serves(url):
            continue
        build.errors.add(
            build.relative_source(manifest_file),
            None,
            f"l’adresse {url} a déjà été publiée (affiches, QR codes, liens partagés) et "
            "le site ne la produit plus. Si la page a été renommée, ajoutez dans "
            f"{redirects_source} la ligne « {url}: /nouvelle-adresse/ » ; ne retirez pas "
            "l’adresse de la liste.",
            close_match(url, pages),
        )


def published_urls(build) -> set[str]:
    """The public pages and feeds this build wrote, as stable_urls.published_urls
    finds them in a built site (pages as `…/`, feeds other than the sitemap)."""
    urls = set()
    for path in build.written:
        if path == "index.html" or path.endswith("/index.html"):
            urls.add("/" + path.removesuffix("index.html"))
        elif path.endswith(".xml") and path.rsplit("/", 1)[-1] != "sitemap.xml":
            urls.add("/" + path)
    return urls


# -- sitemap dates --------------------------------------------------------------------------
# pelican-sitemap dates a page by its Pelican article or page, and every other page
# (territories, testimonials, episodes, campaigns, indexes) by the build's clock: each
# build claimed that 400 pages had changed today, which search engines learn to ignore,
# and made sitemap.xml differ at every build. Instead: an entry's own date (modified,
# else published); a territory, the newest of its testimonials and episodes; any other
# page (indexes, legal pages without a date), the newest date of the programme's
# content. A build of unchanged content writes the same sitemap.


def entry_date(entry):
    for name in ("modified", "date"):
        value = getattr(entry, name, None)
        if value:
            return value
    related = [*(getattr(entry, "testimonials", None) or ())]
    related += getattr(entry, "episodes", None) or ()
    return max((d for d in map(entry_date, related) if d), default=None)


def date_sitemap_pages(pelican) -> None:
    """Give pelican-sitemap a date for the pages it would date with the clock."""
    from pelican.plugins.sitemap import sitemap

    queue = sitemap.generator.page_queue
    written = current(pelican).written
    output = os.path.abspath(pelican.output_path)

    def written_entry(path):
        return written.get(os.path.relpath(os.path.abspath(path), output).replace(os.sep, "/"))

    dated = [entry_date(entry) for entry in written.values() if entry is not None]
    dated += [getattr(obj, "date", None) for _path, obj in queue if obj is not None]
    newest = max((d for d in dated if d), default=None)
    for index, (path, obj) in enumerate(queue):
        if obj is not None and (getattr(obj, "date", None) or getattr(obj, "modified", None)):
            continue
        date = entry_date(written_entry(path)) or newest
        if date is None:
            continue
        if obj is None:
            url = pathname2url(os.path.relpath(path, pelican.output_path))  # as the plugin does
            queue[index] = (path, SimpleNamespace(date=date, url=url))
        else:  # a Pelican page without a date (legal pages): same URL, same frequency
            changefreq = pelican.settings.get("SITEMAP", {}).get("changefreqs", {}).get("pages")
            shim = SimpleNamespace(date=date, url=obj.url, status=getattr(obj, "status", ""))
            if changefreq:
                shim.changefreq = changefreq
            queue[index] = (path, shim)


def register():
    signals.initialized.connect(initialise)
    signals.finalized.connect(date_sitemap_pages)
    signals.finalized.connect(finalise)
