"""Content errors for people: the file, the field, what was expected, what to do."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class ContentError:
    source: str  # path relative to the project root, e.g. content/temoignages/claire.md
    field: str | None
    message: str
    suggestion: str | None = None

    def __str__(self) -> str:
        where = f"{self.source} — champ « {self.field} »" if self.field else self.source
        text = f"{where} : {self.message}"
        if self.suggestion:
            text += f" Vouliez-vous dire « {self.suggestion} » ?"
        return text


class ContentErrors(Exception):
    """Raised once per build with every error found, so editors fix them all at once."""

    def __init__(self, errors: list[ContentError]):
        self.errors = list(errors)
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.errors)
        head = "1 erreur dans le contenu" if count == 1 else f"{count} erreurs dans le contenu"
        lines = [f"{head} ; le site n’a pas été reconstruit :"]
        lines += [f"  • {error}" for error in self.errors]
        return "\n".join(lines)


class ErrorLog:
    """The errors of one build (programme.build.Build.errors)."""

    def __init__(self) -> None:
        self.errors: list[ContentError] = []
        self._recordings: list[list[ContentError]] = []

    def add(self, source, field, message, suggestion=None) -> None:
        error = ContentError(str(source), field, message, suggestion)
        for recording in self._recordings:
            recording.append(error)
        if error not in self.errors:
            self.errors.append(error)

    @contextmanager
    def recording(self):
        """Every error added inside the block, duplicates included (the read cache
        stores a file's errors with what was read, to report them again on a hit)."""
        recording: list[ContentError] = []
        self._recordings.append(recording)
        try:
            yield recording
        finally:
            self._recordings.remove(recording)

    def concerns(self, source) -> bool:
        return any(error.source == str(source) for error in self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ContentErrors(self.errors)
