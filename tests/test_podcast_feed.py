"""The demo's /podcast/feed.xml, parsed, against Apple's documented requirements, the
Podcasting 2.0 namespace and the real files it points to."""

from __future__ import annotations

import email.utils
import json
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import mutagen
import pytest
import webvtt
import yaml
from lxml import etree
from PIL import Image
from venez_vivre.programme.typography import french

ROOT = Path(__file__).resolve().parent.parent
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
NS = {
    "itunes": ITUNES,
    "podcast": PODCAST,
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
}
DEV_BASE = "http://127.0.0.1:8000"  # PODCAST["dev_site_url"]: SITEURL is empty in the demo
# Apple Podcasts: the enclosure types it accepts.
APPLE_ENCLOSURE_TYPES = {
    "audio/x-m4a",
    "audio/mpeg",
    "video/quicktime",
    "video/mp4",
    "video/x-m4v",
    "application/pdf",
}
APPLE_CATEGORIES_SAMPLE = {"Society & Culture": {"Places & Travel", "Documentary"}}


def _episodes_front_matter() -> dict[str, dict]:
    out = {}
    for path in sorted((ROOT / "content" / "podcast").glob("*.md")):
        front = path.read_text(encoding="utf-8").split("---")[1]
        out[path.stem] = yaml.safe_load(front)
    return out


def _local(output: Path, url: str) -> Path:
    assert url.startswith(DEV_BASE + "/"), url
    return output / urlsplit(url).path.lstrip("/")


def apple_feed_problems(feed: etree._Element, output: Path) -> list[str]:
    """Apple's "Podcast RSS feed requirements" as a checklist: what a refused feed lacks."""
    problems = []
    channel = feed.find("channel")

    def need(parent, path, what):
        element = parent.find(path, NS)
        if element is None or not ((element.text or "").strip() or element.attrib):
            problems.append(f"missing {what}")
        return element

    for path in ("title", "description", "language", "link", "itunes:author", "copyright"):
        need(channel, path, path)
    description = channel.findtext("description") or ""
    if len(description.encode()) > 4000:
        problems.append("channel description over 4000 bytes")
    explicit = need(channel, "itunes:explicit", "itunes:explicit")
    if explicit is not None and explicit.text not in ("true", "false"):
        problems.append(f"itunes:explicit must be true/false, not {explicit.text}")
    if (channel.findtext("itunes:type", namespaces=NS) or "episodic") not in ("episodic", "serial"):
        problems.append("itunes:type")
    owner_email = channel.findtext("itunes:owner/itunes:email", namespaces=NS)
    if not owner_email or "@" not in owner_email:
        problems.append("itunes:owner email")
    category = channel.find("itunes:category", NS)
    if category is None or not category.get("text"):
        problems.append("itunes:category")
    image = channel.find("itunes:image", NS)
    if image is None:
        problems.append("missing itunes:image")
    else:
        problems += _artwork_problems(image.get("href"), output, "channel")
    items = channel.findall("item")
    if not items:
        problems.append("no item")
    for item in items:
        title = item.findtext("title") or "?"
        for path in ("title", "guid", "pubDate", "description", "link", "itunes:duration"):
            need(item, path, f"{path} in {title}")
        enclosure = item.find("enclosure")
        if enclosure is None:
            problems.append(f"no enclosure in {title}")
            continue
        if not (enclosure.get("length") or "").isdigit():
            problems.append(f"enclosure length of {title}: {enclosure.get('length')}")
        if enclosure.get("type") not in APPLE_ENCLOSURE_TYPES:
            problems.append(f"enclosure type of {title}: {enclosure.get('type')}")
        if item.findtext("itunes:explicit", namespaces=NS) not in ("true", "false"):
            problems.append(f"itunes:explicit of {title}")
        if item.findtext("itunes:episodeType", namespaces=NS) not in ("full", "trailer", "bonus"):
            problems.append(f"itunes:episodeType of {title}")
        if not (item.findtext("itunes:duration", namespaces=NS) or "").isdigit():
            problems.append(f"itunes:duration of {title} is not in seconds")
        if len((item.findtext("description") or "").encode()) > 4000:
            problems.append(f"description of {title} over 4000 bytes")
        item_image = item.find("itunes:image", NS)
        if item_image is not None:
            problems += _artwork_problems(item_image.get("href"), output, title)
    return problems


def _artwork_problems(url: str, output: Path, where: str) -> list[str]:
    if not url or not url.startswith(("http://", "https://")):
        return [f"artwork of {where} is not an absolute URL: {url}"]
    if not url.endswith((".jpg", ".png")):
        return [f"artwork URL of {where} does not end in .jpg or .png"]
    path = _local(output, url)
    if not path.is_file():
        return [f"artwork of {where} is not published: {url}"]
    with Image.open(path) as image:
        if image.format not in ("JPEG", "PNG") or image.mode != "RGB":
            return [f"artwork of {where} is {image.format} {image.mode}"]
        if image.width != image.height or not 1400 <= image.width <= 3000:
            return [f"artwork of {where} is {image.width}×{image.height}"]
    return []


@pytest.fixture(scope="module")
def feed(demo_site) -> etree._Element:
    return etree.fromstring((demo_site / "podcast" / "feed.xml").read_bytes())


def test_demo_feed_meets_apple_requirements(feed, demo_site):
    assert apple_feed_problems(feed, demo_site) == []


def test_apple_checklist_can_fail(feed, demo_site):
    broken = etree.fromstring(etree.tostring(feed))
    item = broken.find("channel/item")
    item.find("enclosure").set("length", "None")
    broken.find("channel/itunes:explicit", NS).text = "no"
    item.remove(item.find("guid"))
    problems = apple_feed_problems(broken, demo_site)
    assert any("enclosure length" in p for p in problems)
    assert any("true/false" in p for p in problems)
    assert any(p.startswith("missing guid") for p in problems)


def test_channel(feed):
    channel = feed.find("channel")
    feed_url = f"{DEV_BASE}/podcast/feed.xml"
    assert channel.findtext("link") == f"{DEV_BASE}/podcast/"
    assert channel.findtext("language") == "fr"
    self_link = channel.find("atom:link[@rel='self']", NS)
    assert self_link.get("href") == feed_url
    assert channel.findtext("itunes:explicit", namespaces=NS) == "false"
    assert channel.findtext("itunes:type", namespaces=NS) == "episodic"
    assert channel.findtext("itunes:author", namespaces=NS)
    assert channel.findtext("itunes:owner/itunes:name", namespaces=NS)
    assert channel.findtext("itunes:owner/itunes:email", namespaces=NS).endswith("example.org")
    category = channel.find("itunes:category", NS)
    sub = category.find("itunes:category", NS)
    assert sub.get("text") in APPLE_CATEGORIES_SAMPLE[category.get("text")]
    namespace = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
    expected = str(uuid.uuid5(namespace, "127.0.0.1:8000/podcast/feed.xml"))
    assert channel.findtext("podcast:guid", namespaces=NS) == expected
    locked = channel.find("podcast:locked", NS)
    assert locked.text == "yes" and "@" in locked.get("owner")
    location = channel.find("podcast:location", NS)
    assert location.text == "Bourgogne-Franche-Comté" and location.get("geo").startswith("geo:")
    assert location.get("country") == "FR"  # ISO 3166-1 alpha-2, as the namespace writes it
    assert channel.find("podcast:funding", NS) is None  # not set in the demo
    newest = max(email.utils.parsedate_to_datetime(d.text) for d in channel.iter("pubDate"))
    assert email.utils.parsedate_to_datetime(channel.findtext("lastBuildDate")) == newest


def test_items_newest_first_with_real_sizes_types_and_durations(feed, demo_site):
    items = feed.findall("channel/item")
    assert len(items) >= 3
    dates = [email.utils.parsedate_to_datetime(i.findtext("pubDate")) for i in items]
    assert dates == sorted(dates, reverse=True)
    for item in items:
        enclosure = item.find("enclosure")
        audio = _local(demo_site, enclosure.get("url"))
        assert int(enclosure.get("length")) == audio.stat().st_size
        assert enclosure.get("type") == "audio/mpeg"
        assert isinstance(mutagen.File(audio), mutagen.mp3.MP3)
        duration = int(item.findtext("itunes:duration", namespaces=NS))
        assert duration == round(mutagen.File(audio).info.length)
        # Independent of mutagen: the synthesis timed the transcript, which ends with
        # the last sentence, half a second before the end of the audio.
        transcript = _local(demo_site, item.find("podcast:transcript", NS).get("url"))
        last_cue = webvtt.read(str(transcript)).captions[-1].end_in_seconds
        assert last_cue <= duration <= last_cue + 2


def test_items_link_guid_episode_and_front_matter(feed):
    fronts = _episodes_front_matter()
    ledger = yaml.safe_load(
        (ROOT / "content" / "podcast" / "guids.yml").read_text(encoding="utf-8")
    )
    ledger_guids = {e["file"]: e["guid"] for e in ledger["episodes"]}
    guids = set()
    for item in feed.findall("channel/item"):
        slug = urlsplit(item.findtext("link")).path.strip("/").split("/")[-1]
        front = fronts[slug]
        guid = item.find("guid")
        assert guid.get("isPermaLink") == "false"
        assert guid.text == ledger_guids[f"podcast/{slug}.md"]
        guids.add(guid.text)
        # The text apps show, in French typography (programme.typography).
        assert item.findtext("title") == french(front["title"])
        assert item.findtext("description") == french(front["summary"])
        assert item.findtext("itunes:episode", namespaces=NS) == str(front["episode"])
        assert item.findtext("itunes:season", namespaces=NS) == str(front["season"])
        assert item.findtext("itunes:episodeType", namespaces=NS) == "full"
        content = item.findtext("content:encoded", namespaces=NS)
        assert content and 'href="/' not in content  # site links made absolute
        persons = [(p.get("role"), p.text) for p in item.findall("podcast:person", NS)]
        assert ("host", "Léa Martin") in persons
        assert [name for role, name in persons if role == "guest"] == [
            g["name"] for g in front["guests"]
        ]
        location = item.find("podcast:location", NS)
        territory = (ROOT / "content" / "territoires" / f"{front['territory']}.md").read_text(
            encoding="utf-8"
        )
        assert f"title: {location.text}" in territory
    assert len(guids) == len(fronts)


def test_transcripts_and_chapters_files(feed, demo_site):
    fronts = _episodes_front_matter()
    for item in feed.findall("channel/item"):
        slug = urlsplit(item.findtext("link")).path.strip("/").split("/")[-1]
        transcript, page = item.findall("podcast:transcript", NS)
        assert transcript.get("type") == "text/vtt" and transcript.get("language") == "fr"
        # The same transcript as a web page.
        assert page.get("type") == "text/html"
        html = (_local(demo_site, page.get("url")) / "index.html").read_text(encoding="utf-8")
        assert "<h1>Transcription" in html
        assert (
            _local(demo_site, transcript.get("url"))
            .read_text(encoding="utf-8")
            .startswith("WEBVTT")
        )
        chapters = item.find("podcast:chapters", NS)
        assert chapters.get("type") == "application/json+chapters"
        data = json.loads(_local(demo_site, chapters.get("url")).read_text(encoding="utf-8"))
        assert data["version"] == "1.2.0"
        expected = []
        for chapter in fronts[slug]["chapters"]:
            minutes, seconds = (int(x) for x in chapter["start"].split(":"))
            expected.append({"startTime": minutes * 60 + seconds, "title": chapter["title"]})
        assert data["chapters"] == expected
        image = item.find("itunes:image", NS).get("href")
        assert _local(demo_site, image).is_file()


def test_feed_is_advertised_on_every_page(demo_site):
    html = (demo_site / "index.html").read_text(encoding="utf-8")
    assert 'type="application/rss+xml"' in html and "/podcast/feed.xml" in html
