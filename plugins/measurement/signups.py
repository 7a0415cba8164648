"""Sign-up counts from the receiver: never a person, only counts.

`SIGNUPS` is either the receiver's aggregate endpoint (`https://…/stats.json`, asked
with the programme token from the environment variable `SIGNUPS_TOKEN`) or the
receiver's database (a SQLite path or a `postgresql://` URL). Both give the same shape:

    {"generated_at": ISO 8601, "total": n,
     "by_campaign": {"<utm_campaign>": {"<utm_content, or ''>": n}},
     "by_territory": {"<slug>": n}, "by_day": {"YYYY-MM-DD": n}}
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

try:  # the receiver's own query (helper of issue 19's endpoint), once it has one
    from receiver.stats import signup_counts as receiver_counts
except ImportError:
    receiver_counts = None

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
    signup_counts = receiver_counts or _sqlite_counts
    if not source.startswith("postgresql") and not Path(source).is_file():
        raise SignupsError(f"la base d’inscriptions {source} n’existe pas.")
    try:
        return _checked(signup_counts(source), source)
    except Exception as error:  # sqlite3, psycopg, a file that is not a database…
        message = f"impossible de lire la base d’inscriptions {source} ({error})."
        raise SignupsError(message) from error


def _sqlite_counts(path: str) -> dict:
    """The receiver's SQLite table today (receiver/store.py), read only. Stands in for
    `receiver.stats.signup_counts` until the receiver has it; the two give one shape."""
    if path.startswith("postgresql"):
        raise SignupsError("lire PostgreSQL demande la version du récepteur qui a receiver.stats.")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT received_at, territoires, utm_campaign, utm_content FROM signups"
        ).fetchall()
    finally:
        connection.close()
    by_campaign: dict[str, Counter] = {}
    by_territory: Counter = Counter()
    by_day: Counter = Counter()
    for received_at, territories, campaign, poster in rows:
        by_campaign.setdefault(campaign or "", Counter())[poster or ""] += 1
        by_territory.update((territories or "").split())
        by_day[(received_at or "")[:10]] += 1
    return {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "total": len(rows),
        "by_campaign": {c: dict(p) for c, p in by_campaign.items()},
        "by_territory": dict(by_territory),
        "by_day": dict(by_day),
    }


def _checked(data, source: str) -> dict:
    if not isinstance(data, dict) or not isinstance(data.get("by_campaign"), dict):
        raise SignupsError(f"{source} ne donne pas les comptes attendus (by_campaign manquant).")
    return data
