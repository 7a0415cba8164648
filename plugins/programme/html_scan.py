"""The one place that reads and rewrites the HTML the site publishes, with BeautifulSoup.

Used by the publish gate (what the Content-Security-Policy would block, resources from
other origins), the link checker (every reference and anchor of a page), the image
plugin (`<img>` in article bodies becomes a `<picture>`) and the tests.

BeautifulSoup runs on Python's own `html.parser`: no compiled parser to install, and it
records the line of every element, which the checkers print.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

# Attributes that reference another resource or page, per element (HTML and inline SVG).
URL_ATTRIBUTES = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src",),
    "source": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
    "script": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
    "form": ("action",),
    "button": ("formaction",),
    "use": ("href", "xlink:href"),
    "image": ("href", "xlink:href"),
    "blockquote": ("cite",),
    "q": ("cite",),
}
SRCSET_ELEMENTS = {"img", "source"}
# References a visitor follows (or a form submits to) rather than ones the page loads:
# these may point to another site; anything else the page loads must be its own.
NAVIGATION = {("a", "href"), ("area", "href"), ("form", "action"), ("button", "formaction")}
NAVIGATION |= {("blockquote", "cite"), ("q", "cite")}
# <link rel> values that only name an address; every other <link> is fetched
# (stylesheet, icon, manifest, preload, preconnect…).
ADDRESS_ONLY_LINKS = {"canonical", "alternate", "me", "author", "license", "prev", "next"}
ADDRESS_ONLY_LINKS |= {"help", "bookmark", "external", "tag", "shortlink"}
# <meta> whose content is an address (social cards): read by other sites, not loaded.
URL_METAS = {"og:image", "og:url", "og:audio", "og:video", "twitter:image", "twitter:url"}
JSON_LD_URL_KEYS = {"url", "image", "contentUrl", "logo", "thumbnailUrl", "embedUrl"}
# Scripts that are data, not code: the CSP does not run (nor block) them.
DATA_SCRIPTS = {"application/ld+json", "application/json"}
# Browsers drop ASCII whitespace and control characters anywhere in a URL's scheme.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]+")
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"\s]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Reference:
    """An address found in a page: where, what, and whether the page loads it."""

    line: int
    url: str
    context: str  # "<img srcset>", "<meta og:image>", "JSON-LD"…
    loads: bool  # fetched when the page is shown (unlike a link or a social card)


@dataclass
class Page:
    """What the checks need from one HTML page, read in one pass."""

    references: list[Reference] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)  # id= (and <a name=>) targets
    blocked: list[tuple[int, str]] = field(default_factory=list)  # CSP: (line, French reason)
    invalid_json_ld: list[int] = field(default_factory=list)  # lines of unreadable blocks


def parse(markup: str) -> BeautifulSoup:
    """The document as BeautifulSoup reads it; every attribute value is one string
    (`class` too), so attributes compare as they are written."""
    return BeautifulSoup(markup, "html.parser", multi_valued_attributes=None)


def parse_srcset(value: str) -> list[str]:
    """The URLs of a `srcset` (candidates are 'URL [descriptor]' separated by commas)."""
    urls = []
    for candidate in re.split(r",\s+|,(?=\S+\s)", value.strip()):
        candidate = candidate.strip().rstrip(",")
        if candidate:
            urls.append(candidate.split()[0])
    return urls


def is_javascript_url(url: str) -> bool:
    return _IGNORED_IN_SCHEME.sub("", url).lower().startswith("javascript:")


def scan(markup: str) -> Page:
    """References, anchors, and what `default-src 'self'` would block, of one page."""
    page = Page()
    for element in parse(markup).find_all(True):
        _scan_element(element, page)
    return page


def _scan_element(element: Tag, page: Page) -> None:
    tag, attributes, line = element.name, element.attrs, element.sourceline or 0
    for name in ("id", "name") if tag == "a" else ("id",):
        if attributes.get(name):
            page.anchors.add(attributes[name])
    _blocked_by_csp(element, page)
    for name in URL_ATTRIBUTES.get(tag, ()):
        value = attributes.get(name)
        if value is not None:
            page.references.append(
                Reference(line, value.strip(), f"<{tag} {name}>", _loads(element, name))
            )
    if tag in SRCSET_ELEMENTS and attributes.get("srcset"):
        for url in parse_srcset(attributes["srcset"]):
            page.references.append(Reference(line, url, f"<{tag} srcset>", True))
    if tag == "meta":
        key = attributes.get("property") or attributes.get("name") or ""
        if key in URL_METAS and attributes.get("content"):
            page.references.append(
                Reference(line, attributes["content"].strip(), f"<meta {key}>", False)
            )
        refresh = _REFRESH_URL.search(attributes.get("content") or "")
        if (attributes.get("http-equiv") or "").lower() == "refresh" and refresh:
            page.references.append(Reference(line, refresh.group(1), "<meta refresh>", False))
    if tag == "script" and (attributes.get("type") or "").lower() == "application/ld+json":
        try:
            data = json.loads(element.string or "")
        except ValueError:
            page.invalid_json_ld.append(line)
        else:
            page.references += [Reference(line, url, "JSON-LD", False) for url in _json_urls(data)]


def _loads(element: Tag, attribute: str) -> bool:
    if (element.name, attribute) in NAVIGATION:
        return False
    if element.name == "link":
        rels = set((element.get("rel") or "").lower().split())
        return not rels or not rels <= ADDRESS_ONLY_LINKS
    return True


def _blocked_by_csp(element: Tag, page: Page) -> None:
    tag, attributes, line = element.name, element.attrs, element.sourceline or 0
    if "style" in attributes:
        page.blocked.append((line, f"attribut style= sur <{tag}> (bloqué par la CSP)"))
    for name in attributes:
        if name.startswith("on"):
            page.blocked.append((line, f"gestionnaire d’événement en ligne {name}= sur <{tag}>"))
    if tag == "style":
        page.blocked.append((line, "élément <style> en ligne (bloqué par la CSP)"))
    data = (attributes.get("type") or "").lower() in DATA_SCRIPTS
    if tag == "script" and not attributes.get("src") and not data:
        page.blocked.append((line, "script en ligne (bloqué par la CSP)"))
    for name in dict.fromkeys((*URL_ATTRIBUTES.get(tag, ()), "formaction")):
        if is_javascript_url(attributes.get(name) or ""):
            page.blocked.append(
                (line, f"adresse javascript: dans <{tag} {name}> (bloquée par la CSP)")
            )


def _json_urls(data) -> list[str]:
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in JSON_LD_URL_KEYS and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_json_urls(value))
    elif isinstance(data, list):
        for item in data:
            found.extend(_json_urls(item))
    return found


def third_party_resources(page: Page, site_url: str) -> list[Reference]:
    """What the page would load from another origin (links to other sites are fine)."""
    own = urlsplit(site_url).netloc.lower()
    return [
        reference
        for reference in page.references
        if reference.loads and urlsplit(reference.url).netloc.lower() not in ("", own)
    ]


# -- rewriting ---------------------------------------------------------------------------
# The extent of a start tag from its "<": quoted attribute values may hold ">".
_START_TAG = re.compile(r"""<[a-zA-Z][^\s/>]*(?:[^>"']|"[^"]*"|'[^']*')*>""")


def replace_elements(
    markup: str, name: str, replace: Callable[[dict[str, str]], str | None]
) -> str:
    """`markup` with each `<name …>` start tag (an element, not text that looks like one
    in a comment, a script or an attribute) replaced by `replace(attributes)`; None
    keeps the tag. Meant for void elements such as `<img>`. Everything else keeps its
    exact bytes: BeautifulSoup finds the elements, the text around them is not
    re-serialised (that would change entities and quoting in every article)."""
    if f"<{name}" not in markup.lower():
        return markup
    line_starts = [0]
    line_starts += [match.end() for match in re.finditer("\n", markup)]
    pieces, done = [], 0
    for element in parse(markup).find_all(name):
        if element.sourceline is None:
            continue
        start = line_starts[element.sourceline - 1] + element.sourcepos
        tag = _START_TAG.match(markup, start)
        if tag is None or start < done:
            continue
        new = replace(dict(element.attrs))
        if new is None:
            continue
        pieces += [markup[done:start], new]
        done = tag.end()
    return "".join(pieces) + markup[done:] if pieces else markup
