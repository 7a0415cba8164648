"""Sign-up counts from the receiver: never a person, only counts.

`SIGNUPS` is either the receiver's aggregate endpoint (`https://…/stats.json`, asked
with the programme token from the environment variable `SIGNUPS_TOKEN`) or the
receiver's database (a SQLite path or a `postgresql://` URL). Both give the same shape:

    {"generated_at": ISO 8601, "total": n,
     "by_campaign": {"<utm_campaign>": {"<utm_content, or ''>": n}},
     "by_territory": {"<slug>": n}, "by_day": {"YYYY-MM-DD": n}}
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

from venez_vivre.receiver.stats import signup_counts

TOKEN_VARIABLE = "SIGNUPS_TOKEN"


class SignupsError(Exception):
    """A French message: why the sign-ups could not be read and what to do."""


def read_signups(source: str) -> dict:
    if source.startswith(("http://", "https://")):
        return _from_endpoint(source)
    return _from_database(source)


def _from_endpoint(url: str) -> dict:
    token = os.environ.get(TOKEN_VARIABLE)
    if not token:
        raise SignupsError(
            f"SIGNUPS est une adresse : donnez le jeton du programme dans la variable "
            f"d’environnement {TOKEN_VARIABLE} (par exemple {TOKEN_VARIABLE}=… make stats …)."
        )
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            data = json.load(response)
    except urllib.error.HTTPError as error:
        hint = " : vérifiez le jeton" if error.code in (401, 403) else ""
        raise SignupsError(f"{url} a répondu {error.code}{hint}.") from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise SignupsError(f"impossible de lire les inscriptions à {url} ({error}).") from error
    return _checked(data, url)


def _from_database(source: str) -> dict:
    """The receiver's own query on its database (SQLite path or PostgreSQL URL)."""
    if not source.startswith("postgresql") and not Path(source).is_file():
        raise SignupsError(f"la base d’inscriptions {source} n’existe pas.")
    try:
        return _checked(signup_counts(source), source)
    except Exception as error:  # sqlite3, psycopg, a file that is not a database…
        message = f"impossible de lire la base d’inscriptions {source} ({error})."
        raise SignupsError(message) from error


def _checked(data, source: str) -> dict:
    if not isinstance(data, dict) or not isinstance(data.get("by_campaign"), dict):
        raise SignupsError(f"{source} ne donne pas les comptes attendus (by_campaign manquant).")
    return data
