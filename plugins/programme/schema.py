"""The content types described as data, recorded from the readers themselves.

content_types.py reads each type with calls such as `fm.text("summary", max_length=300,
french="Résumé")`. Running those same functions over a recording FrontMatter gives
the list of fields, with their type, whether they are required, their allowed values,
patterns, French names and help, and the fields inside lists and blocks. Nothing is
written twice: a field added to a reader is described here with no other change. The
web editor (plugins/cms) builds its forms from this description.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from . import content_types
from .fields import TIMESTAMP_PATTERN, FrontMatter
from .models import INDEX_URLS, PUBLIC_URLS

# Where editors' uploads go, by the kind of file a field holds (the contract's folders
# under content/; paths in front matter are relative to content/).
UPLOAD_FOLDERS = {"image": "images", "audio": "audio", "de transcription": "transcripts"}


@dataclass
class Field:
    name: str  # the front-matter key
    kind: str  # text, integer, number, scalar, boolean, date, datetime, choice, choices,
    #            words, file, reference, references, timestamp, object, list
    required: bool = False
    french: str = ""
    hint: str = ""
    choices: dict[str, str] | None = None  # value → French label
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: tuple[str, str] | None = None  # (expression, what is expected, in French)
    file_kind: str | None = None  # "image", "audio", "de transcription"
    suffixes: tuple[str, ...] = ()
    upload_folder: str | None = None  # relative to content/
    references: str | None = None  # the content type a reference names ("territory")
    fields: list[Field] = field(default_factory=list)  # inside an object or a list


@dataclass
class ContentTypeSchema:
    kind: str
    french: str
    french_one: str
    folder: str | None  # under content/, for a type with one file per entry
    file: str | None  # under content/, for a single data file (key figures)
    url: str  # public URL, with {slug} for entries
    fields: list[Field]
    body: bool  # the Markdown body below the front matter is shown to visitors


class _NoErrors:
    def add(self, *args, **kwargs):
        pass


_SAMPLE_DATE = dt.datetime(2025, 1, 1)


class _Recorder(FrontMatter):
    """A FrontMatter that reads nothing: each call records a Field and returns a
    plausible value, so that the reader goes on to the fields that follow (the
    inside of every list and block included)."""

    def __init__(self):
        super().__init__({}, "", Path("."), _NoErrors())
        self.fields: list[Field] = []
        self._containers: dict[str, Field] = {}

    def _record(self, name, kind, required, label, french, hint, **extra) -> Field:
        path = label or name
        parent = self._containers.get(path.rpartition(".")[0]) if "." in path else None
        siblings = parent.fields if parent else self.fields
        recorded = Field(name, kind, bool(required), french, hint, **extra)
        siblings[:] = [f for f in siblings if f.name != name] + [recorded]
        return recorded

    def text(self, name, required=True, max_length=None, data=None, label="", french="",
             hint="", pattern=None):  # fmt: skip
        self._record(name, "text", required, label, french, hint, max_length=max_length,
                     pattern=pattern)  # fmt: skip
        return "x" if required else None

    def integer(self, name, required=False, minimum=None, data=None, label="", french="",
                hint=""):  # fmt: skip
        self._record(name, "integer", required, label, french, hint, minimum=minimum)
        return max(minimum or 1, 1) if required else None

    def number(self, name, required=False, minimum=None, maximum=None, data=None, label="",
               french="", hint=""):  # fmt: skip
        self._record(name, "number", required, label, french, hint, minimum=minimum,
                     maximum=maximum)  # fmt: skip
        return 0.0 if required else None

    def scalar(self, name, required=True, data=None, label="", french="", hint=""):
        self._record(name, "scalar", required, label, french, hint)
        return "x" if required else None

    def timestamp(self, name, required=True, data=None, label="", french="", hint=""):
        self._record(name, "timestamp", required, label, french, hint,
                     pattern=(TIMESTAMP_PATTERN, "un temps MM:SS ou HH:MM:SS"))  # fmt: skip
        return 0 if required else None

    def boolean(self, name, required=False, data=None, label="", french="", hint=""):
        self._record(name, "boolean", required, label, french, hint)
        return None

    def date(self, name, required=True, data=None, label="", french="", hint=""):
        self._record(name, "date", required, label, french, hint)
        return _SAMPLE_DATE if required else None

    def datetime(self, name, required=True, data=None, label="", french="", hint=""):
        self._record(name, "datetime", required, label, french, hint)
        return _SAMPLE_DATE if required else None

    def choice(self, name, choices, required=False, data=None, label="", french="", hint=""):
        values = _labelled(choices)
        self._record(name, "choice", required, label, french, hint, choices=values)
        return next(iter(values)) if required else None

    def choice_list(self, name, choices, required=False, data=None, label="", french="",
                    hint=""):  # fmt: skip
        self._record(name, "choices", required, label, french, hint, choices=_labelled(choices))
        return []

    def words(self, name, required=False, data=None, label="", french="", hint=""):
        self._record(name, "words", required, label, french, hint)
        return []

    def content_file(self, name, kinds, suffixes=None, required=False, data=None, label="",
                     french="", hint=""):  # fmt: skip
        self._record(name, "file", required, label, french, hint, file_kind=kinds,
                     suffixes=tuple(sorted(suffixes or ())),
                     upload_folder=UPLOAD_FOLDERS.get(kinds))  # fmt: skip
        return "x" if required else None

    def reference(self, name, known, kind, required=False, data=None, label="", french="",
                  hint=""):  # fmt: skip
        # The only references of the contract name territories ("le territoire").
        self._record(name, "reference", required, label, french, hint, references="territory")
        return None

    def references(self, name, known, kind, required=False, data=None, label="", french="",
                   hint=""):  # fmt: skip
        self._record(name, "references", required, label, french, hint, references="territory")
        return []

    def mapping(self, name, required=False, data=None, label="", french="", hint=""):
        recorded = self._record(name, "object", required, label, french, hint)
        self._containers[label or name] = recorded
        return {}

    def records(self, name, required=False, data=None, label="", french="", hint=""):
        recorded = self._record(name, "list", required, label, french, hint)
        item = f"{label or name}[1]"
        self._containers[item] = recorded
        return [(item, {})]


def _in_model_order(fields: list[Field], entry) -> list[Field]:
    """Readers read blocks before the fields that use them; a form follows the order of
    the typed entry (models.py), which is the contract's. Others (status) go last."""
    order = {f.name: i for i, f in enumerate(dataclasses.fields(entry))}
    return sorted(fields, key=lambda f: order.get(f.name, len(order)))


def _labelled(choices) -> dict[str, str]:
    return dict(choices) if isinstance(choices, dict) else {c: c for c in choices}


def describe(key_figures_file: str = "data/chiffres.yml") -> list[ContentTypeSchema]:
    """Every content type of the contract, then the key figures file."""
    described = []
    for content_type in content_types.CONTENT_TYPES:
        recorder = _Recorder()
        base = {"slug": "x", **content_types.read_common(recorder)}
        base.update(url="", source_path="", page=None, meta={})
        entry = content_type.read(recorder, base, {})
        described.append(
            ContentTypeSchema(
                kind=content_type.kind,
                french=content_type.french,
                french_one=content_type.french_one,
                folder=content_type.folder,
                file=None,
                url=PUBLIC_URLS[content_type.kind],
                fields=_in_model_order(recorder.fields, entry),
                body=True,
            )
        )
    recorder = _Recorder()
    figures = content_types.read_key_figures(recorder, "", {})
    described.append(
        ContentTypeSchema(
            kind="key_figures",
            french="Chiffres clés",
            french_one="Chiffres clés",
            folder=None,
            file=key_figures_file,
            url=INDEX_URLS["key_figures"],
            fields=_in_model_order(recorder.fields, figures),
            body=False,
        )
    )
    return described
