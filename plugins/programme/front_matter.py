"""Front matter as French editors type it: forgive what is safe, explain the rest.

Editors paste from word processors and write French typography: a space before `:` in a
value, typographic quotes around a title, non-breaking spaces before the colon of a key,
a tab from the keyboard. PyYAML answers the first with "mapping values are not allowed
here", silently drops a key that ends with a non-breaking space, and keeps “…” as part of
the text. Before YAML sees the block, each line is normalised where its characters are
*structure* (indentation, list dashes, keys and the colon after them), never inside a
value's text; then three forgivenesses apply to a simple `key: value` line, each only
where YAML itself would fail or misread the line, so that a correct file means exactly
what it meant:

- a plain value containing `: ` (French typography) is read as text — a plain YAML
  scalar can never contain `: `, so such a line is always an error otherwise;
- a value wholly inside typographic quotes (“…”, ‘…’, „…“) is read as a quoted text;
- a value beginning with a character YAML reserves (`@`, a backtick, `%`) or with
  Markdown emphasis (`*Nouveau* …`) is read as text.

Everything else that YAML cannot read gets a French message naming the line of the file,
the field and the fix. Anchors and aliases (`&a`, `*a`) are refused: nobody needs them in
front matter, and a few hundred bytes of nested aliases expand to gigabytes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml

# libyaml's loader when PyYAML was built with it: the same safe YAML, ~10x faster to
# parse (front matter was a fifth of a warm build of a large programme).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Spaces a word processor puts where a space was meant: no-break, narrow no-break,
# figure, thin, hair, en/em… They are structure when they sit in the indentation, after
# a list dash or around a key's colon.
WIDE_SPACES = "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000"
# Invisible characters that carry no meaning in French text (zero-width space, word
# joiner, byte order mark, direction marks): removed everywhere.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u200e\u200f"))
_S = f"[ {WIDE_SPACES}]"
_INDENT = re.compile(rf"^[ \t{WIDE_SPACES}]*")
# Word's autocorrect turns a typed "- " at the start of a line into an en dash or a bullet.
_DASH = re.compile(rf"^(?:[-–—•]{_S}+|-\t+|-$)")
_KEY = re.compile(rf"^(?P<key>[^\W\d][\w.-]*){_S}*:(?:[ \t{WIDE_SPACES}]+|$)")
# The quote pairs typed in French and English word processors.
_CURLY = {"“": "”", "‘": "’", "„": "“", "‚": "‘"}
_CURLY_CHARS = "“”‘’„‚"
# Markdown emphasis at the start of a value: `*Nouveau* : la navette`.
_EMPHASIS = re.compile(r"^\*\*?[^*\s][^*]*\*")
_RESERVED_START = ("@", "`", "%")
_QUOTE_TEXT = 'mettez le texte entre guillemets droits "…"'


@dataclass
class FrontMatterError(Exception):
    """A front matter that cannot be read, with the line of the file (from 1)."""

    line: int | None
    field: str | None
    fix: str

    def __str__(self) -> str:
        where = []
        if self.line:
            where.append(f"ligne {self.line}")
        if self.field:
            where.append(f"champ « {self.field} »")
        return f"{', '.join(where)} : {self.fix}" if where else self.fix


@dataclass(frozen=True)
class Parts:
    metadata: str  # the lines between the two `---`
    body: str
    first_line: int  # line of the file (from 1) of the metadata's first line


def _bare(line: str) -> str:
    return line.translate(INVISIBLE).strip(f" \t\r{WIDE_SPACES}")


# Word's autocorrect turns a typed `---` into an em dash (or `–-`): still the delimiter.
_DELIMITER = re.compile(r"^(?:---|[-–—]*[–—][-–—]*)$")


def _is_delimiter(line: str) -> bool:
    return _DELIMITER.match(_bare(line)) is not None


def split(text: str) -> Parts | None:
    """The front matter and the body of a Markdown file; None when the file does not
    begin with `---` (Pelican then reads it as plain Markdown). A front matter without
    its closing line is an error: read as Markdown, a news item would be published with
    its fields as text."""
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not _bare(lines[start]):
        start += 1
    if start == len(lines) or not _is_delimiter(lines[start]):
        return None
    for end in range(start + 1, len(lines)):
        if _is_delimiter(lines[end]) or _bare(lines[end]) == "...":
            return Parts("\n".join(lines[start + 1 : end]), "\n".join(lines[end + 1 :]), start + 2)
    raise FrontMatterError(
        start + 1,
        None,
        "l’en-tête commence par « --- » mais la ligne « --- » qui doit le fermer est "
        "absente : ajoutez une ligne « --- » seule après le dernier champ, avant le texte.",
    )


@dataclass
class _Line:
    text: str
    indent: int
    key: str | None  # the key this line opens, if any


def normalise(metadata: str, first_line: int = 1) -> str:
    """The front matter with its structure in plain ASCII and the safe forgivenesses
    applied; FrontMatterError for a tab in the indentation."""
    out: list[str] = []
    field = None  # the top-level field the current line belongs to
    block_indent: int | None = None  # inside a `|` or `>` block scalar of that indent
    open_quote: str | None = None  # inside a quoted text that goes on to the next line
    list_from: int | None = None  # a list may start at this indent or deeper (`tags:`)
    item_indents: set[int] = set()  # indents of the list items seen in the current block
    for number, raw in enumerate(metadata.split("\n"), first_line):
        line = raw.translate(INVISIBLE).rstrip("\r")
        if open_quote:
            out.append(line)  # the editor's text, spaces included
            open_quote = None if _closes(line, open_quote) else open_quote
            continue
        indent_text = _INDENT.match(line).group()
        rest = line[len(indent_text) :]
        if not rest.strip(f" \t{WIDE_SPACES}"):
            out.append("")
            continue
        if block_indent is not None:
            if len(indent_text) > block_indent:
                out.append(line)  # literal text: nothing in it is structure
                continue
            block_indent = None
        if "\t" in indent_text:
            raise FrontMatterError(number, field, "une tabulation ; remplacez-la par deux espaces.")
        indent = len(indent_text)
        item_indents = {i for i in item_indents if i <= indent}
        prefix = " " * indent
        # List dashes, as many as the line opens (`- - a`). An en dash or a bullet is a
        # dash only where a list may be (Word's autocorrect), never inside a text.
        while True:
            dash = _DASH.match(rest)
            may_list = (list_from is not None and indent >= list_from) or indent in item_indents
            if not dash or (dash.group()[0] != "-" and not may_list):
                break
            item_indents.add(indent)
            prefix += "- "
            rest = rest[dash.end() :]
            indent = len(prefix)
        list_from = None
        if not rest.strip(f" \t{WIDE_SPACES}"):  # a lone dash: the item's fields follow
            list_from = indent
            out.append(prefix.rstrip())
            continue
        key = _KEY.match(rest)
        if key:
            name = key.group("key")
            if len(prefix) == 0:
                field = name
            value = rest[key.end() :].rstrip(f" \t{WIDE_SPACES}")
            if not value:
                list_from = len(prefix) - (2 if prefix.endswith("- ") else 0)
                out.append(f"{prefix}{name}:")
                continue
            if value[0] in "|>":
                block_indent = indent
            value = _value(value, mapping_value=True)
            out.append(f"{prefix}{name}: {value}")
        else:
            value = _value(rest.rstrip(f" \t{WIDE_SPACES}"), mapping_value=False)
            out.append(prefix + value)
        open_quote = _opens(value)
    return "\n".join(out)


def _opens(value: str) -> str | None:
    """The quote a value opens without closing it on its line (a text on several lines)."""
    if value[:1] in ('"', "'") and not _closes(value[1:], value[0]):
        return value[0]
    return None


def _closes(text: str, quote: str) -> bool:
    if quote == '"':
        return re.search(r'(?<!\\)(?:\\\\)*"', text) is not None
    return re.search(r"(?<!')'(?!')", text.replace("''", "")) is not None


def _value(value: str, mapping_value: bool) -> str:
    """One value as YAML should read it (see the module's docstring)."""
    first = value[0]
    if first in "\"'|>!?#-" or (first in "[{" and not mapping_value):
        return value
    if first in "[{":
        return _flow(value)
    closing = _CURLY.get(first)
    if closing and len(value) > 1 and value.endswith(closing):
        inner = value[1:-1]
        # Inside ‘…’, a ’ is an apostrophe (‘C’est ici’); inside “…”, no quote at all.
        nested = first + ("" if first in "‘‚" else closing)
        if not any(c in inner for c in nested):
            return json.dumps(inner, ensure_ascii=False)
    text, comment = _without_comment(value)
    if first in _RESERVED_START or _EMPHASIS.match(text):
        return json.dumps(text, ensure_ascii=False) + comment
    if first in "*&":
        return value  # an alias or an anchor: refused by load() with its own message
    if mapping_value and re.search(r":(?:[ \t]|$)", text):
        # `summary: Montagne et lacs : le Haut-Doubs` — never valid YAML as it stands.
        return json.dumps(text, ensure_ascii=False) + comment
    return value


def _without_comment(value: str) -> tuple[str, str]:
    match = re.search(r"[ \t]#", value)
    if not match:
        return value, ""
    return value[: match.start()].rstrip(), value[match.start() :]


def _flow(value: str) -> str:
    """`[nature,\u00a0lacs]`, `{lat\u00a0: 47.3}`: spaces from a word processor next to
    the punctuation of a flow collection are structure. Left alone when it holds a quoted
    text, whose spaces are the editor's."""
    if '"' in value or re.search(r"[\[{,:]\s*'", value):
        return value
    value = re.sub(rf"{_S}*([,\[\]{{}}]){_S}*", lambda m: m.group(1) + " ", value)
    return re.sub(rf"{_S}*:{_S}+", ": ", value).rstrip()


def _field_at(normalised: str, line_index: int) -> str | None:
    lines = normalised.split("\n")
    for line in reversed(lines[: line_index + 1]):
        key = _KEY.match(line)
        if key:
            return key.group("key")
    return None


def _text_after_quote(line: str) -> bool:
    """`title: "Le lac" du Haut-Doubs`: a quoted text followed by more text."""
    key = _KEY.match(line.lstrip(" -"))
    value = line.lstrip(" -")[key.end() :] if key else ""
    if value[:1] not in ('"', "'"):
        return False
    quote = value[0]
    body = value[1:].replace("''", "") if quote == "'" else re.sub(r"\\.", "", value[1:])
    after = body.split(quote, 1)[1].strip() if quote in body else ""
    return bool(after) and not after.startswith("#")


def _fix_for(problem: str, context: str, line: str = "") -> str:
    """The editor's fix for a PyYAML problem (never its English)."""
    problem = f"{context} {problem}"
    if _text_after_quote(line):
        return (
            "du texte suit le guillemet fermant ; mettez tout le texte entre les guillemets "
            "droits, et les guillemets intérieurs en « … »."
        )
    if "mapping values are not allowed" in problem:
        return f"le texte contient « : » là où l’en-tête ne l’attend pas ; {_QUOTE_TEXT}."
    if "'\\t'" in problem or "\\t" in problem:
        return "une tabulation ; remplacez-la par deux espaces."
    if "could not find expected ':'" in problem:
        return (
            "cette ligne n’est pas un champ « nom: valeur » ; si c’est le début du texte de "
            "la page, ajoutez avant elle la ligne « --- » qui ferme l’en-tête."
        )
    if "quoted scalar" in problem:
        return "un guillemet droit \" ou ' ouvert n’est pas refermé ; refermez-le en fin de texte."
    if "flow sequence" in problem or "flow mapping" in problem:
        return (
            "une liste entre [ ] ou un bloc entre { } n’est pas refermé, ou l’un de ses "
            f"éléments contient une virgule ou « : » ; {_QUOTE_TEXT} autour de cet élément."
        )
    if "cannot start any token" in problem:
        return f"ce texte commence par un caractère réservé ; {_QUOTE_TEXT}."
    if "block" in problem or "indentation" in problem or "expected key" in problem:
        return (
            "l’indentation de cette ligne ne correspond pas à celle des lignes du même bloc : "
            "alignez-la, avec des espaces, sur les champs voisins."
        )
    return "cette ligne est illisible ; vérifiez les deux-points, l’indentation et les guillemets."


def _refuse_aliases(text: str, first_line: int, normalised: str) -> None:
    if "&" not in text and "*" not in text:
        return
    for event in yaml.parse(text, Loader=SAFE_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line = event.start_mark.line
            raise FrontMatterError(
                first_line + line,
                _field_at(normalised, line),
                "« & » et « * » au début d’une valeur sont des renvois YAML, refusés ici ; "
                f"si c’est du texte, {_QUOTE_TEXT}.",
            )


def load(metadata: str, first_line: int = 1):
    """The front matter's fields (what yaml.safe_load gives), or FrontMatterError."""
    text = normalise(metadata, first_line)
    try:
        _refuse_aliases(text, first_line, text)
        return yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as error:
        problem = str(getattr(error, "problem", None) or error)
        context = str(getattr(error, "context", None) or "")
        mark = getattr(error, "problem_mark", None)
        where = ("quoted scalar", "flow", "simple key")
        if any(w in context for w in where) and error.context_mark:
            mark = error.context_mark  # where the unclosed quote, bracket or line began
        line = mark.line if mark else None
        lines = text.split("\n")
        at = lines[line] if line is not None and line < len(lines) else ""
        raise FrontMatterError(
            first_line + line if line is not None else None,
            _field_at(text, line) if line is not None else None,
            _fix_for(problem, context, at),
        ) from None
