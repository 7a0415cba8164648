"""UPDATE_FIGURES=1: measured visits and podcast downloads into the key-figures file.

The file is the team's (content/data/chiffres.yml, comments and all): only the values
of the fields written here change, each line keeping its comment, and a field the file
lacks is added at its end. The measured period goes with the numbers
(`measured_start`, `measured_end`), so the public page says what they cover.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import yaml
from venez_vivre.programme.files import write_atomic
from venez_vivre.programme.front_matter import SAFE_LOADER

MEASURED_FIELDS = ("site_visits", "podcast_listens", "measured_start", "measured_end")


class FiguresError(Exception):
    """A French message: why the key figures were left as they were."""


def measured_figures(report: dict) -> dict:
    period = report["period"]
    if not period["start"]:
        raise FiguresError("aucune ligne de journal lisible : les chiffres clés sont inchangés.")
    return {
        "site_visits": report["visits"],
        "podcast_listens": report["podcast_downloads_total"],
        "measured_start": dt.date.fromisoformat(period["start"]),
        "measured_end": dt.date.fromisoformat(period["end"]),
    }


def _field_line(name: str) -> re.Pattern:
    # `name: value   # comment`: the value is replaced, the spacing and comment kept.
    return re.compile(
        rf"^(?P<head>{re.escape(name)}[ \t]*:[ \t]*)(?P<value>(?:\"[^\"]*\"|'[^']*'|[^#\n])*?)"
        r"(?P<tail>[ \t]+#[^\n]*)?[ \t]*$",
        re.MULTILINE,
    )


def updated_text(text: str, values: dict) -> str:
    added = []
    for name, value in values.items():
        written = value.isoformat() if isinstance(value, dt.date) else str(value)
        pattern = _field_line(name)
        if pattern.search(text):
            text = pattern.sub(
                lambda m, w=written: m["head"] + w + (m["tail"] or ""), text, count=1
            )
        else:
            added.append(f"{name}: {written}")
    if added:
        if text and not text.endswith("\n"):
            text += "\n"
        text += "# Mesurés dans les journaux du serveur (make stats UPDATE_FIGURES=1)\n"
        text += "\n".join(added) + "\n"
    return text


def update_key_figures(path: Path, report: dict) -> dict:
    """Write the measured figures into `path`; returns them. FiguresError (and the file
    untouched) when the result would not be read back as written, or would contradict
    the other figures (the build refuses more sign-ups than visits)."""
    values = measured_figures(report)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    before = yaml.load(text, Loader=SAFE_LOADER) or {}
    if not isinstance(before, dict):
        raise FiguresError(f"{path} n’est pas une liste de champs « nom: valeur ».")
    signups = before.get("signups")
    if isinstance(signups, int) and signups > values["site_visits"]:
        raise FiguresError(
            f"{path} annonce {signups} inscriptions pour seulement {values['site_visits']} "
            "visites mesurées : les journaux ne couvrent sans doute pas la période des "
            "chiffres clés. Donnez à LOGS les journaux de toute la période."
        )
    new_text = updated_text(text, values)
    after = yaml.load(new_text, Loader=SAFE_LOADER) or {}
    unchanged = {k: v for k, v in before.items() if k not in MEASURED_FIELDS}
    if any(after.get(k) != v for k, v in values.items()) or any(
        after.get(k) != v for k, v in unchanged.items()
    ):
        raise FiguresError(
            f"{path} n’a pas pu être mis à jour sans changer d’autres champs : "
            "recopiez les chiffres du rapport à la main."
        )
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    write_atomic(path, new_text.encode("utf-8"))
    os.chmod(path, mode)
    return values
