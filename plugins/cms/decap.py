"""The Decap CMS configuration (config.yml, served as /admin/config.json), from the schema.

Pure functions: content types in, a dict out. Each field of each content type becomes
a Decap widget (ARCHITECTURE in docs/cms.md):

    text → string (text when longer than a line), with the build's pattern and length
    integer / number → number, with the build's bounds
    date → datetime without time, stored as AAAA-MM-JJ
    choice / choices → select (multiple) of the allowed values, with their French labels
    words → list of words separated by commas
    file → image (or file) uploaded into the contract's folder under content/
    reference → relation to the existing entries of that type (territories)
    object / list → object / list of objects with their own fields
"""

from __future__ import annotations

import re

# Decap's own slug rules give what programme.text.slugify gives for file names:
# ASCII, lower case, hyphens.
SLUG = {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"}
LONG_TEXT = 160  # characters: above, a multi-line box rather than a one-line field


def config(types, *, content_folder: str, backend: dict, site_url: str, workflow: bool):
    """`types`: programme.schema.describe(); paths are relative to the repository root,
    where `content_folder` (content/) lies."""
    collections_by_kind = {t.kind: _collection_name(t) for t in types}
    collections = [_collection(t, content_folder, collections_by_kind) for t in types]
    result = {
        "locale": "fr",
        "backend": dict(backend),
        "media_folder": f"{content_folder}/images",
        "public_folder": "images",  # front matter holds paths relative to content/
        "slug": SLUG,
        "collections": collections,
    }
    if site_url:
        result["site_url"] = result["display_url"] = site_url
    if workflow:
        result["publish_mode"] = "editorial_workflow"
    return result


def _collection_name(content_type) -> str:
    return content_type.folder or re.sub(r"\W+", "-", content_type.url.strip("/"))


def _collection(content_type, content_folder: str, names: dict) -> dict:
    fields = [_widget(f, content_folder, names) for f in content_type.fields]
    if content_type.body:
        fields.append(
            {
                "name": "body",
                "label": "Texte de la page",
                "widget": "markdown",
                "required": False,
                "hint": "Le texte montré sous l’en-tête de la page. Titres, listes et liens "
                "avec les boutons de la barre.",
            }
        )
    collection = {
        "name": _collection_name(content_type),
        "label": content_type.french,
        "label_singular": content_type.french_one,
        "editor": {"preview": True},
    }
    if content_type.file:  # one data file: a "file" collection
        collection["files"] = [
            {
                "name": _collection_name(content_type),
                "label": content_type.french,
                "file": f"{content_folder}/{content_type.file}",
                "preview_path": content_type.url,
                "fields": fields,
            }
        ]
        return collection
    collection.update(
        folder=f"{content_folder}/{content_type.folder}",
        extension="md",
        format="yaml-frontmatter",
        create=True,
        slug="{{slug}}",
        identifier_field="title",
        summary="{{title}}",
        preview_path=content_type.url.replace("{slug}", "{{slug}}"),
        fields=fields,
    )
    return collection


def _widget(field, content_folder: str, names: dict) -> dict:
    # Pattern messages end without a full stop: Decap writes « … ne correspond pas au
    # schéma : <message>. »
    widget = {"name": field.name, "label": field.french or field.name}
    if field.hint:
        widget["hint"] = field.hint
    widget["required"] = field.required
    kind = field.kind
    if kind == "text":
        widget["widget"] = "text" if (field.max_length or 0) > LONG_TEXT else "string"
        if field.pattern:
            widget["pattern"] = [f"^(?:{field.pattern[0]})$", f"Attendu : {field.pattern[1]}"]
        elif field.max_length:
            widget["pattern"] = [
                f"^[\\s\\S]{{0,{field.max_length}}}$",
                f"{field.max_length} caractères au plus",
            ]
    elif kind in ("scalar", "timestamp"):
        widget["widget"] = "string"
        if field.pattern:
            widget["pattern"] = [f"^(?:{field.pattern[0]})$", f"Attendu : {field.pattern[1]}"]
    elif kind in ("integer", "number"):
        widget.update(widget="number", value_type="int" if kind == "integer" else "float")
        if kind == "number":
            widget["step"] = 0.0001
        for key, value in (("min", field.minimum), ("max", field.maximum)):
            if value is not None:
                widget[key] = value
    elif kind == "boolean":
        widget["widget"] = "boolean"
    elif kind == "date":
        widget.update(
            widget="datetime",
            format="YYYY-MM-DD",
            date_format="DD/MM/YYYY",
            time_format=False,
            picker_utc=True,  # a date, not an instant: no time-zone shift
        )
    elif kind == "datetime":
        widget.update(
            widget="datetime",
            format="YYYY-MM-DD HH:mm",  # what the build reads: Europe/Paris local time
            date_format="DD/MM/YYYY",
            time_format="HH:mm",
            picker_utc=False,
        )
    elif kind in ("choice", "choices"):
        widget.update(
            widget="select",
            options=[{"label": label, "value": value} for value, label in field.choices.items()],
        )
        if kind == "choices":
            widget["multiple"] = True
    elif kind == "words":
        widget["widget"] = "list"
    elif kind == "file":
        widget["widget"] = "image" if field.file_kind == "image" else "file"
        widget["choose_url"] = False
        if field.upload_folder and field.upload_folder != "images":
            # A folder of its own: "/" is the repository root for Decap.
            widget["media_folder"] = f"/{content_folder}/{field.upload_folder}"
            widget["public_folder"] = field.upload_folder
        suffixes = sorted({x for s in field.suffixes for x in (s[1:], s[1:].upper())})
        widget["pattern"] = [
            f"\\.({'|'.join(suffixes)})$",
            f"Attendu : un fichier {field.file_kind} ({', '.join(field.suffixes)})",
        ]
    elif kind in ("reference", "references"):
        widget.update(
            widget="relation",
            collection=names[field.references],
            search_fields=["title"],
            display_fields=["title"],
            value_field="{{slug}}",
        )
        if kind == "references":
            widget["multiple"] = True
    elif kind == "object":
        widget.update(
            widget="object",
            collapsed=False,
            fields=[_widget(f, content_folder, names) for f in field.fields],
        )
    elif kind == "list":
        inner = [_widget(f, content_folder, names) for f in field.fields]
        widget.update(widget="list", fields=inner, collapsed=False)
        first = next((f.name for f in field.fields if f.kind in ("text", "scalar")), None)
        if first:
            widget["summary"] = "{{fields." + first + "}}"
        if field.required:
            widget["min"] = 1
    else:  # a new kind of reader (programme/fields.py): say which widget it needs
        raise ValueError(f"plugins/cms: no Decap widget for field kind {kind!r} ({field.name})")
    return widget
