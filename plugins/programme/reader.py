"""The Markdown + YAML front matter reader, made to report its errors to editors.

pelican-yaml-metadata logs an unreadable YAML block and carries on with no metadata,
and lets a malformed date crash the build with a traceback. Here both become French
errors naming the file and the line, collected with every other content error.
"""

from __future__ import annotations

import yaml
from pelican.plugins.yaml_metadata.yaml_metadata import YAMLMetadataReader

from .build import current
from .text import parse_date

# libyaml's loader when PyYAML was built with it: the same safe YAML, ~10x faster to
# parse (front matter was a fifth of a warm build of a large programme).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Metadata keys the reader adds so that validation does not report a mistake twice.
UNREADABLE = "_unreadable_front_matter"
INVALID_FIELDS = "_invalid_fields"


class ContentReader(YAMLMetadataReader):
    def read(self, source_path):
        return current(self.settings).read_cache.read(source_path, super().read)

    def _error(self, source_path, field, message) -> None:
        build = current(self.settings)
        build.errors.add(build.relative_source(source_path), field, message)

    def _load_yaml_metadata(self, text, source_path):
        try:
            metadata = yaml.load(text, Loader=SAFE_LOADER)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" (ligne {mark.line + 1} du fichier)" if mark else ""
            problem = getattr(error, "problem", None) or str(error)
            self._error(
                source_path,
                None,
                f"l’en-tête YAML entre les lignes « --- » est illisible{where} : {problem}. "
                "Vérifiez les deux-points, l’indentation et les guillemets.",
            )
            return {UNREADABLE: True}
        if not isinstance(metadata, dict):
            self._error(
                source_path,
                None,
                "l’en-tête entre les lignes « --- » doit être une liste de champs « nom: valeur ».",
            )
            return {}
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
