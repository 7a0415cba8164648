"""/podcast/feed.xml: the show and its episodes as an Apple Podcasts and Podcasting 2.0 feed.

Built with feedgen, its `podcast` extension for the iTunes tags and our `podcastindex`
extension (feed_ext.py) for the Podcasting 2.0 namespace and feedgen's defects. The
output depends only on the content: `lastBuildDate` is the newest episode's date, not
the clock, so two builds of the same content are byte-identical.
"""

from __future__ import annotations

import re

from feedgen.feed import FeedGenerator
from venez_vivre.programme.typography import french, french_html

from .feed_ext import PodcastIndexEntryExtension, PodcastIndexExtension

GENERATOR = "venez-vivre (feedgen)"
_SITE_PATH = re.compile(r'(\s(?:href|src)=")/(?!/)')


def absolute_links(html: str, base_url: str) -> str:
    """Show notes are read in podcast apps, outside the site: site paths become URLs."""
    return _SITE_PATH.sub(lambda m: f"{m.group(1)}{base_url}/", html)


def build_feed(show, episodes, image_url) -> bytes:
    """`episodes`: newest first, each with `.media` (EpisodeMedia). `image_url(src)`:
    absolute URL of the JPEG derivative Apple gets for an image of content/."""
    fg = FeedGenerator()
    fg.load_extension("podcast")  # iTunes tags
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)

    fg.title(french(show.title))
    # feedgen takes the channel <link> from the last link given: the page, not the feed.
    fg.link(href=show.feed_url, rel="self", type="application/rss+xml")
    fg.link(href=show.page_url, rel="alternate")
    fg.description(french(show.description))
    fg.language(show.language)
    if show.copyright:
        fg.copyright(show.copyright)
    fg.generator(GENERATOR)
    artwork = image_url(show.artwork)
    fg.image(url=artwork, title=show.title, link=show.page_url)
    if episodes:
        fg.lastBuildDate(episodes[0].date)
        fg.pubDate(episodes[0].date)

    fg.podcast.itunes_author(show.author)
    fg.podcast.itunes_owner(name=show.owner_name, email=show.owner_email)
    category = {"cat": show.category}
    if show.subcategory:
        category["sub"] = show.subcategory
    fg.podcast.itunes_category(category)
    fg.podcast.itunes_type(show.type)

    fg.podcastindex.explicit(show.explicit)
    fg.podcastindex.image(artwork)
    fg.podcastindex.guid(show.guid)
    fg.podcastindex.locked(show.locked, owner=show.owner_email)
    if show.funding:
        fg.podcastindex.funding(show.funding["url"], show.funding["text"])
    if show.location:
        loc = show.location
        fg.podcastindex.location(
            loc["name"], loc.get("lat"), loc.get("lon"), loc.get("osm"), loc.get("country")
        )

    country = (show.location or {}).get("country")
    for episode in episodes:
        media = episode.media
        fe = fg.add_entry(order="append")
        fe.title(french(episode.title))
        fe.link(href=show.absolute(episode.url))
        fe.guid(media.guid, permalink=False)
        fe.pubDate(episode.date)
        fe.description(french(episode.summary))
        if episode.content:
            fe.content(french_html(absolute_links(episode.content, show.base_url)), type="CDATA")
        fe.podcast.itunes_author(show.author)
        fe.podcast.itunes_duration(str(media.audio.seconds))
        fe.podcast.itunes_episode(episode.episode)
        if episode.season:
            fe.podcast.itunes_season(episode.season)
        fe.podcast.itunes_episode_type(episode.episode_type)

        fe.podcastindex.enclosure(show.absolute(episode.audio), media.audio.size, media.audio.mime)
        explicit = show.explicit if episode.explicit is None else episode.explicit
        fe.podcastindex.explicit(explicit)
        fe.podcastindex.image(image_url(episode.image or show.artwork))
        if media.transcript:
            fe.podcastindex.transcript(
                show.absolute(media.transcript.path),
                media.transcript.mime,
                language=show.language,
                rel="captions",
            )
            # The same words as a web page, for apps that show a transcript as HTML.
            fe.podcastindex.transcript(
                show.absolute(media.transcript_url), "text/html", language=show.language
            )
        if media.chapters_path:
            fe.podcastindex.chapters(show.absolute(media.chapters_path))
        if show.host:
            fe.podcastindex.person(show.host, role="host")
        for guest in episode.guests:
            fe.podcastindex.person(guest.name, role="guest")
        territory = episode.territory
        if territory is not None:
            lat = territory.location.lat if territory.location else None
            lon = territory.location.lon if territory.location else None
            fe.podcastindex.location(territory.title, lat, lon, country=country)
    return fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
