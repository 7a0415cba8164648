"""The Markdown + YAML front matter reader, made to report its errors to editors.

pelican-yaml-metadata logs an unreadable YAML block and carries on with no metadata,
reads a file whose closing `---` is missing as plain Markdown (publishing its fields as
text), and lets a malformed date crash the build with a traceback. Here the front
matter is split and read by front_matter.py (which forgives what French editors type
and explains the rest) and every problem becomes a French error naming the file, the
line and the field, collected with every other content error.
"""

from __future__ import annotations

from pelican.plugins.yaml_metadata.yaml_metadata import YAMLMetadataReader, _convert_py_to_meta
from pelican.utils import pelican_open

from . import front_matter
from .build import current
from .text import parse_date

# Metadata keys the reader adds so that validation does not report a mistake twice.
UNREADABLE = "_unreadable_front_matter"
INVALID_FIELDS = "_invalid_fields"


class ContentReader(YAMLMetadataReader):
    def read(self, source_path):
        return current(self.settings).read_cache.read(source_path, self._read)

    def _error(self, source_path, field, message) -> None:
        build = current(self.settings)
        build.errors.add(build.relative_source(source_path), field, message)

    def _read(self, source_path):
        with pelican_open(source_path) as text:
            try:
                parts = front_matter.split(text)
            except front_matter.FrontMatterError as error:
                self._error(source_path, None, f"{error}")
                return "", {UNREADABLE: True}
        if parts is None:  # no front matter at all: Pelican's Markdown reader
            return super().read(source_path)
        metadata = self._load_yaml_metadata(parts.metadata, source_path, parts.first_line)
        # What pelican-yaml-metadata does: markdown.extensions.meta's Meta attribute.
        self._md.Meta = {k: _convert_py_to_meta(v) for k, v in metadata.items()}
        return self._md.reset().convert(parts.body), metadata

    def _load_yaml_metadata(self, text, source_path, first_line=1):
        try:
            metadata = front_matter.load(text, first_line)
        except front_matter.FrontMatterError as error:
            self._error(source_path, None, f"{error}")
            return {UNREADABLE: True}
        if not isinstance(metadata, dict):
            self._error(
                source_path,
                None,
                "l’en-tête entre les lignes « --- » doit être une liste de champs « nom: valeur ».",
            )
            return {UNREADABLE: True}
        return self._parse_yaml_metadata(metadata, source_path)

    def _parse_yaml_metadata(self, meta, source_path):
        invalid = []
        for name in ("date", "modified"):
            if name in meta and meta[name] is not None:
                try:
                    meta[name] = parse_date(meta[name])
                except (ValueError, TypeError):
                    self._error(
                        source_path,
                        name,
                        f"attendu : une date AAAA-MM-JJ (par exemple 2025-11-27, ou "
                        f"2025-11-27 08:00), trouvé « {meta[name]} ».",
                    )
                    del meta[name]
                    invalid.append(name)
        output = super()._parse_yaml_metadata(meta, source_path)
        if invalid:
            output[INVALID_FIELDS] = invalid  # already reported: no "missing field" error
        return output


def use_content_reader(readers) -> None:
    for extension in ContentReader.file_extensions:
        readers.reader_classes[extension] = ContentReader
