"""French typography on what visitors and printers read, applied once, here.

The rules of the Imprimerie nationale's lexicon that a line-breaking program needs:
a narrow no-break space before `;`, `!` and `?`, a no-break space before `:` and
inside « », so that no line ever starts with one of them (a browser, a PDF or a share
card may break a line at any ordinary space). Editors type these spaces as ordinary
spaces, as no-break spaces pasted from a word processor, or not at all (`Vraiment?`):
all three come out the same.

`french(text)` is for plain text (posters, share cards, the podcast feed);
`french_html(html)` for pages: it changes only text nodes, never a tag, an attribute,
an entity or the inside of `code`, `pre`, `kbd`, `samp`, `script`, `style` or
`textarea`, and it leaves addresses (`https://…`, e-mails) alone.

The maintained French package of the ecosystem (french-typo) was considered: it works
on HTML strings with regular expressions that also rewrite code and text inside
`<pre>`, puts a full no-break space before `;`, `!` and `?`, and changes words (units,
ordinals into `<sup>`); none of which a content site may do behind its editors' back.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space

_SPACE = rf"[ \t\n{NBSP}{NNBSP}\u2009\u2007]"
# Addresses are left exactly as written: `https://x.fr/?a=b`, `accueil@example.org`.
# Character references (`&amp;`) end with a semicolon that is not punctuation.
_ADDRESS = re.compile(
    r"(?:https?://|mailto:|www\.)\S+?(?=[.,;:!?)»]*(?:\s|$))"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|&(?:#\d+|#x[\da-fA-F]+|\w+);"
)
# A space (or several, of any kind) before the mark becomes the right no-break space.
_BEFORE_NARROW = re.compile(rf"{_SPACE}+(?=[;!?])")
_BEFORE_COLON = re.compile(rf"{_SPACE}+(?=:)")
# No space at all: `Vraiment?`, `Note: ici`. Only after a letter, a digit or a closing
# quotation mark or bracket, and before a space or the end: `10:30`, `(?)`, `page?id=3`
# and the `!` of `?!` stay as they are.
_AFTER_WORD = r"(?<=[^\W_]|[»)\]])"
_MISSING_NARROW = re.compile(rf"{_AFTER_WORD}(?=[;!?](?:\s|$|[»)\]!?]))")
_MISSING_COLON = re.compile(rf"{_AFTER_WORD}(?=:(?:\s|$))")
_AFTER_OPENING = re.compile(rf"«{_SPACE}*")
_BEFORE_CLOSING = re.compile(rf"{_SPACE}*»")
# What a visitor never sees at the start of a line.
LEADING_MARKS = (":", ";", "!", "?", "»")


def _french_words(text: str) -> str:
    text = _BEFORE_NARROW.sub(NNBSP, text)
    text = _BEFORE_COLON.sub(NBSP, text)
    text = _MISSING_NARROW.sub(NNBSP, text)
    text = _MISSING_COLON.sub(NBSP, text)
    text = _AFTER_OPENING.sub("«" + NBSP, text)
    return _BEFORE_CLOSING.sub(lambda m: NBSP + "»" if m.start() else "»", text)


def french(text: str, before: str = "") -> str:
    """Plain text with French spacing. `before`: the text just before this one (the
    previous text node of a page), so that `<b>Note</b>: ici` is spaced too."""
    if not text:
        return text
    out = []
    position = 0
    for address in _ADDRESS.finditer(text):
        out.append(_after(before, _french_words(text[position : address.start()])))
        out.append(address.group())
        before = address.group()
        position = address.end()
    out.append(_after(before, _french_words(text[position:])))
    return "".join(out)


def _after(before: str, text: str) -> str:
    """`text` with the no-break space it needs after `before` when it starts with a mark."""
    last = before[-1:]
    attached = last and not last.isspace() and text and text[0] in ";!?:»"
    if attached and (text[0] == "»" or last.isalnum() or last in "»)]"):
        return (NBSP if text[0] in ":»" else NNBSP) + text
    return text


_TOKEN = re.compile(r"(<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[^>]*>)", re.DOTALL)
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")
_VERBATIM = {"code", "pre", "kbd", "samp", "script", "style", "textarea"}
# Inline elements: the text on both sides belongs to the same line of prose.
_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "data", "dfn", "em", "i", "mark", "q",
    "s", "small", "span", "strong", "sub", "sup", "time", "u",
}  # fmt: skip
_ENTITY_SPACE = re.compile(r"&(?:nbsp|#160|#xa0|#8239|#x202f);", re.IGNORECASE)
_TRAILING_SPACE = re.compile(r"[ \t\n]+$")
_MARKS = re.compile(r"[;:!?«»]")


def _space_character(entity: re.Match) -> str:
    return NNBSP if entity.group().lower() in ("&#8239;", "&#x202f;") else NBSP


def french_html(html: str) -> str:
    """An HTML document or fragment with French spacing in its text nodes only."""
    parts = _TOKEN.split(html)
    verbatim: list[str] = []
    previous: int | None = None  # index of the last text node of the current line
    for index, part in enumerate(parts):
        if index % 2:  # a tag, a comment
            name = _TAG_NAME.match(part)
            if not name:
                continue
            tag = name.group(1).lower()
            closing = part.startswith("</")
            if tag in _VERBATIM and not part.endswith("/>"):
                if closing and tag in verbatim:
                    while verbatim and verbatim.pop() != tag:
                        pass
                elif not closing:
                    verbatim.append(tag)
            if tag not in _INLINE:
                previous = None
            continue
        if verbatim or not part:
            continue
        if not _MARKS.search(part):  # most text nodes: nothing to space
            if not part.isspace():
                previous = index
            continue
        # Entities for spaces stand for the characters themselves while spacing.
        text = _ENTITY_SPACE.sub(_space_character, part)
        before = parts[previous] if previous is not None else ""
        if previous is not None and text[:1] in ";!?:»" and _TRAILING_SPACE.search(before):
            # `<em>Lacs </em>: ici`: the space that may break is in the previous node.
            space = NBSP if text[0] in ":»" else NNBSP
            parts[previous] = _TRAILING_SPACE.sub(space, before)
            before = parts[previous]
        parts[index] = french(text, before)
        if text.strip():
            previous = index
    return "".join(parts)
