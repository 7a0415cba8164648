"""Aggregate sign-up counts, without any personal data: what `GET /stats.json` answers
and what `make stats SIGNUPS=<database>` reads (`signup_counts`).

    {"generated_at": "2026-12-01T08:00:00+00:00",
     "total": 12,
     "by_campaign": {"automne-a-besancon": {"2": 5, "": 1}, "": {"": 6}},
     "by_territory": {"grand-besancon": 7},
     "by_day": {"2026-11-30": 12}}

`by_campaign` is keyed by `utm_campaign` then `utm_content` (the poster number), `""`
for none (a visit without campaign). `by_territory` counts each sign-up once per
territory it chose (a sign-up choosing two counts in both, one choosing none in
neither). `by_day` is the UTC day of reception.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from .db import Database


def counts(database: Database) -> dict:
    with database.connect(read_only=True) as connection:
        total = connection.execute("SELECT count(*) FROM signups").fetchone()[0]
        campaigns = connection.execute(
            "SELECT coalesce(utm_campaign, ''), coalesce(utm_content, ''), count(*) "
            "FROM signups GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
        territories = connection.execute(
            "SELECT slug, count(*) FROM signup_territories GROUP BY slug ORDER BY slug"
        ).fetchall()
        days = connection.execute(
            "SELECT substr(received_at, 1, 10), count(*) FROM signups GROUP BY 1 ORDER BY 1"
        ).fetchall()
    by_campaign: dict[str, dict[str, int]] = {}
    for campaign, content, n in campaigns:
        by_campaign.setdefault(campaign, {})[content] = n
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "total": total,
        "by_campaign": by_campaign,
        "by_territory": {slug: n for slug, n in territories},
        "by_day": {day: n for day, n in days},
    }


def signup_counts(db: str | Path) -> dict:
    """The `/stats.json` counts of a receiver's store: a SQLite path or a
    `postgresql://` URL. The store is only read (it must exist)."""
    database = Database(db)
    if not database.postgres and not Path(db).is_file():
        raise FileNotFoundError(f"base des inscriptions introuvable : {db}")
    return counts(database)
