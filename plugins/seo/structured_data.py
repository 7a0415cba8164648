"""schema.org JSON-LD for each kind of page, as plain dicts built from the shared context.

Pure functions of the template context: `for_context(context)` returns the list of
JSON-LD objects a page carries; `script_tag(objects)` serialises them. A
`<script type="application/ld+json">` is data, not script: browsers never execute it,
so it is allowed by `Content-Security-Policy: default-src 'self'` (checked in
tests/test_seo_browser.py).
"""

from __future__ import annotations

import json
import re

from markupsafe import Markup
from venez_vivre.programme.brand import brand_data

SCHEMA = "https://schema.org"
# The programme's indexes, for breadcrumbs: URL → label (the header's words).
INDEX_LABELS = {
    "territoires/": "Territoires",
    "temoignages/": "Témoignages",
    "podcast/": "Podcast",
    "campagnes/": "Campagnes",
    "actualites/": "Actualités",
    "chiffres-cles/": "Chiffres clés",
    "evenements/": "Événements",
}
# "6 boulevard Basdevant, 58230 Saint-Brisson": street, French postcode, town.
_FRENCH_ADDRESS = re.compile(r"^(?P<street>.+?),\s*(?P<postcode>\d{5})\s+(?P<town>.+)$")


def absolute(siteurl: str, path: str) -> str:
    """A site path ('territoires/x/', '/a/', 'index.html') as an absolute URL when
    SITEURL is set; relative to the root otherwise (development builds)."""
    path = path or ""
    if path == "index.html":
        path = ""
    return f"{siteurl.rstrip('/')}/{path.lstrip('/')}"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else None


def organization(settings: dict) -> dict:
    brand = brand_data(settings.get("BRAND"))
    siteurl = settings.get("SITEURL", "")
    contact = brand.get("contact", {})
    data = {
        "@type": "Organization",
        "@id": absolute(siteurl, "#organisation"),
        "name": brand.get("name") or settings.get("SITENAME"),
        "url": absolute(siteurl, ""),
        "parentOrganization": {"@type": "GovernmentOrganization", "name": brand.get("publisher")}
        if brand.get("publisher")
        else None,
        "email": contact.get("email"),
        "telephone": contact.get("phone"),
        "address": contact.get("address"),
        "areaServed": brand.get("region"),
        # The programme plugin publishes BRAND["logo"] as /theme/logo.<svg|png>.
        "logo": absolute(siteurl, "theme/logo." + brand["logo"].rsplit(".", 1)[-1].lower())
        if brand.get("logo")
        else None,
    }
    return _clean(data)


def website(settings: dict) -> dict:
    siteurl = settings.get("SITEURL", "")
    brand = brand_data(settings.get("BRAND"))
    return {
        "@type": "WebSite",
        "name": brand.get("name") or settings.get("SITENAME"),
        "url": absolute(siteurl, ""),
        "inLanguage": "fr",
        "publisher": {"@id": absolute(siteurl, "#organisation")},
        "potentialAction": {
            "@type": "SearchAction",
            "target": absolute(siteurl, "recherche/") + "?q={search_term_string}",
            "query-input": "required name=search_term_string",
        },
    }


def breadcrumbs(siteurl: str, trail: list[tuple[str, str]]) -> dict:
    items = [("Accueil", ""), *trail]
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": absolute(siteurl, path),
            }
            for position, (name, path) in enumerate(items, start=1)
        ],
    }


def place(siteurl: str, territory) -> dict:
    data = {
        "@type": "Place",
        "name": territory.title,
        "url": absolute(siteurl, territory.url),
        "description": territory.summary,
        "containedInPlace": {"@type": "AdministrativeArea", "name": territory.department},
    }
    if territory.location:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": territory.location.lat,
            "longitude": territory.location.lon,
        }
    if territory.figures:
        data["additionalProperty"] = [
            {"@type": "PropertyValue", "name": f.label, "value": str(f.value)}
            for f in territory.figures
        ]
    return data


def testimonial_article(siteurl: str, testimonial) -> dict:
    """A testimonial is an Article about a Place: a first-person account, not a rated
    review (schema.org Review expects a rating we have no business inventing)."""
    data = {
        "@type": "Article",
        "headline": testimonial.title,
        "url": absolute(siteurl, testimonial.url),
        "datePublished": _iso(testimonial.date),
        "inLanguage": "fr",
        "abstract": testimonial.quote,
        "author": {"@type": "Person", "name": testimonial.person},
        "publisher": {"@id": absolute(siteurl, "#organisation")},
    }
    if testimonial.territory:
        data["about"] = {
            "@type": "Place",
            "name": testimonial.territory.title,
            "url": absolute(siteurl, testimonial.territory.url),
        }
    return _clean(data)


def podcast_series(settings: dict) -> dict:
    siteurl = settings.get("SITEURL", "")
    brand = brand_data(settings.get("BRAND"))
    show = settings.get("PODCAST", {}) or {}
    return _clean(
        {
            "@type": "PodcastSeries",
            "name": show.get("title") or f"Podcast — {brand.get('name', '')}",
            "description": show.get("description") or show.get("summary"),
            "url": absolute(siteurl, "podcast/"),
            "webFeed": absolute(siteurl, "podcast/feed.xml"),
            "inLanguage": "fr",
            "publisher": {"@id": absolute(siteurl, "#organisation")},
        }
    )


def podcast_episode(settings: dict, episode) -> dict:
    siteurl = settings.get("SITEURL", "")
    audio = {"@type": "AudioObject", "contentUrl": absolute(siteurl, episode.audio)}
    duration = getattr(episode, "duration", None)
    if isinstance(duration, int | float) and duration > 0:
        audio["duration"] = f"PT{int(duration)}S"
    return _clean(
        {
            "@type": "PodcastEpisode",
            "name": episode.title,
            "url": absolute(siteurl, episode.url),
            "datePublished": _iso(episode.date),
            "description": episode.summary,
            "episodeNumber": episode.episode,
            "partOfSeason": {"@type": "PodcastSeason", "seasonNumber": episode.season}
            if episode.season
            else None,
            "associatedMedia": audio,
            "partOfSeries": {
                "@type": "PodcastSeries",
                "name": podcast_series(settings)["name"],
                "url": absolute(siteurl, "podcast/"),
            },
            "inLanguage": "fr",
        }
    )


def postal_address(address: str) -> dict:
    match = _FRENCH_ADDRESS.match(address.strip())
    if not match:
        return {"@type": "PostalAddress", "streetAddress": address, "addressCountry": "FR"}
    return {
        "@type": "PostalAddress",
        "streetAddress": match["street"],
        "postalCode": match["postcode"],
        "addressLocality": match["town"],
        "addressCountry": "FR",
    }


def event(settings: dict, event) -> dict:
    """schema.org Event with what search engines' event rich results ask for."""
    siteurl = settings.get("SITEURL", "")
    brand = brand_data(settings.get("BRAND"))
    if event.place:
        location = {
            "@type": "Place",
            "name": event.place.name,
            "address": postal_address(event.place.address),
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": event.place.location.lat,
                "longitude": event.place.location.lon,
            },
        }
    else:
        location = {"@type": "VirtualLocation", "url": event.online_url}
    data = {
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "url": absolute(siteurl, event.url),
        "startDate": _iso(event.start),
        "endDate": _iso(event.end),
        "eventStatus": f"{SCHEMA}/EventScheduled",
        "eventAttendanceMode": f"{SCHEMA}/"
        + ("OnlineEventAttendanceMode" if event.is_online else "OfflineEventAttendanceMode"),
        "location": location,
        "organizer": {
            "@type": "Organization",
            "name": brand.get("name") or settings.get("SITENAME"),
            "url": absolute(siteurl, ""),
        },
        "maximumAttendeeCapacity": event.capacity,
    }
    if event.price_eur is not None or event.capacity or event.registration:
        registration = event.registration or (
            absolute(siteurl, event.registration_url) if event.registration_url else None
        )
        data["offers"] = {
            "@type": "Offer",
            "price": event.price_eur or 0,
            "priceCurrency": "EUR",
            "availability": f"{SCHEMA}/" + ("SoldOut" if event.full else "InStock"),
            "url": registration or absolute(siteurl, event.url),
            "validFrom": _iso(event.dtstamp),
        }
    return _clean(data)


def news_article(siteurl: str, article) -> dict:
    return _clean(
        {
            "@type": "NewsArticle",
            "headline": article.title,
            "url": absolute(siteurl, article.url),
            "datePublished": _iso(getattr(article, "date", None)),
            "dateModified": _iso(getattr(article, "modified", None)),
            "description": article.metadata.get("summary"),
            "inLanguage": "fr",
            "publisher": {"@id": absolute(siteurl, "#organisation")},
        }
    )


def for_context(context) -> list[dict]:
    """The JSON-LD objects of the page being rendered (a Jinja context or a dict)."""
    settings = {
        "SITEURL": context.get("SITEURL", ""),
        "SITENAME": context.get("SITENAME"),
        "BRAND": context.get("BRAND", {}),
        "PODCAST": context.get("PODCAST", {}),
    }
    siteurl = settings["SITEURL"]
    # Pelican's writer gives templates `output_file` (the path written), not `url`.
    output_file = context.get("output_file") or ""
    url = output_file[: -len("index.html")] if output_file.endswith("index.html") else output_file
    objects: list[dict] = []
    if output_file == "index.html":
        return [organization(settings), website(settings)]
    if context.get("territory") is not None and context.get("entry") is not None:
        territory = context["territory"]
        objects.append(place(siteurl, territory))
        trail = [("Territoires", "territoires/"), (territory.title, territory.url)]
    elif context.get("testimonial") is not None:
        testimonial = context["testimonial"]
        objects.append(testimonial_article(siteurl, testimonial))
        trail = [("Témoignages", "temoignages/"), (testimonial.title, testimonial.url)]
    elif context.get("episode") is not None:
        episode = context["episode"]
        objects.append(podcast_episode(settings, episode))
        trail = [("Podcast", "podcast/"), (episode.title, episode.url)]
    elif context.get("campaign") is not None:
        campaign = context["campaign"]
        trail = [("Campagnes", "campagnes/"), (campaign.title, campaign.url)]
    elif context.get("event") is not None:
        item = context["event"]
        objects.append(event(settings, item))
        trail = [("Événements", "evenements/"), (item.title, item.url)]
    elif context.get("article") is not None:
        article = context["article"]
        objects.append(news_article(siteurl, article))
        trail = [("Actualités", "actualites/"), (article.title, article.url)]
    elif context.get("page") is not None and getattr(context["page"], "url", None):
        page = context["page"]
        trail = [(page.title, page.url)]
    elif url in INDEX_LABELS:
        if url == "podcast/":
            objects.append(podcast_series(settings))
        trail = [(INDEX_LABELS[url], url)]
    else:
        return objects
    objects.append(breadcrumbs(siteurl, trail))
    return objects


def script_tag(objects: list[dict]) -> Markup:
    if not objects:
        return Markup("")
    data = {"@context": SCHEMA, "@graph": objects} if len(objects) > 1 else objects[0]
    if len(objects) == 1:
        data = {"@context": SCHEMA, **data}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Nothing in the data may close the script element or open an HTML comment.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')


def _clean(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}
