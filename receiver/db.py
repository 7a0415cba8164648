"""The receiver's two stores behind one small interface: SQLite (a file, the embedded
default) or PostgreSQL (a `postgresql://` URL, psycopg 3) shared by several receivers.

Both hold the same tables (created and migrated here, `SCHEMA_VERSION`):

- `signups`: one row per person's sign-up; `id` is internal, `public_id` (random) is
  the only id ever shown; `last_contact` is the RGPD retention clock;
- `signup_territories`: the territories each sign-up chose (what a territory token sees);
- `outbox`: e-mails to send, written in the sign-up's own transaction (receiver/outbox.py);
- `tokens`, `export_log`: export tokens (hashes only) and who exported what;
- `health`: one row the write test of start-up and `/sante` rewrites.

SQL is written once with `?` placeholders; `Connection.execute` adapts it to psycopg.
Timestamps are ISO 8601 UTC text (`2026-12-01T07:52:00+00:00`) and dates `YYYY-MM-DD`
in both stores; outbox scheduling uses epoch seconds.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from .contract import FIELD_ORDER

# The form's fields in their page order, then the campaign attribution.
COLUMNS = (*FIELD_ORDER, "utm_source", "utm_medium", "utm_campaign", "utm_content", "page")
INTEGER_COLUMNS = ("adultes", "enfants")
SCHEMA_VERSION = 3  # 3: the contract's `evenement` field


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def is_postgres(url: str) -> bool:
    return str(url).startswith(("postgresql://", "postgres://"))


class Connection:
    """A connection to either store, in autocommit mode; `transaction()` groups writes."""

    def __init__(self, raw, postgres: bool):
        self.raw, self.postgres = raw, postgres

    def execute(self, sql: str, params=()):
        if self.postgres:
            return self.raw.execute(sql.replace("?", "%s"), params)
        return self.raw.execute(sql, params)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        if self.postgres:
            with self.raw.transaction():
                yield self
            return
        self.raw.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.raw.execute("ROLLBACK")
            raise
        self.raw.execute("COMMIT")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.raw.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Database:
    """Where the sign-ups live: `Database("inscriptions.sqlite3")` or
    `Database("postgresql://user@host/db")`. `connect()` gives a new connection."""

    def __init__(self, url: str | Path):
        self.url = str(url)
        self.postgres = is_postgres(self.url)
        self.label = _redact(self.url) if self.postgres else self.url

    def connect(self, read_only: bool = False, durable: bool = True) -> Connection:
        """`durable=False`: a commit survives the process's crash but not a power
        loss (no sync of its own); only for bookkeeping that may be redone, such as
        the outbox's "sent" marks (a lost mark means a resend, never a lost mail)."""
        if self.postgres:
            import psycopg  # only needed with a PostgreSQL store

            raw = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
            if read_only:
                raw.execute("SET default_transaction_read_only = on")
            if not durable:
                raw.execute("SET synchronous_commit = off")
            return Connection(raw, postgres=True)
        if read_only:
            uri = Path(self.url).resolve().as_uri() + "?mode=ro"  # any file name
            raw = sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)
        else:
            raw = sqlite3.connect(
                self.url, timeout=30, isolation_level=None, check_same_thread=False
            )
            raw.execute("PRAGMA journal_mode=WAL")
            # Accepted means on disk (WAL: NORMAL syncs at checkpoints only).
            raw.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        raw.execute("PRAGMA busy_timeout=30000")
        raw.execute("PRAGMA foreign_keys=ON")
        return Connection(raw, postgres=False)

    def migrate(self) -> int:
        """Create the tables, or bring an older store up to `SCHEMA_VERSION`; returns
        the version found. Safe when several receivers start at once."""
        with self.connect() as connection, connection.transaction():
            if self.postgres:  # one migrating process at a time, the others wait
                connection.execute("SELECT pg_advisory_xact_lock(7208140014)")
            found = _version(connection)
            if found < SCHEMA_VERSION:
                _migrate(connection, found)
            return found

    def write_test(self) -> None:
        """Raise unless the store accepts a write (a read-only file or database, a full
        disk, a lost server): start-up refuses to run and `/sante` answers 503."""
        with self.connect() as connection, connection.transaction():
            connection.execute("UPDATE health SET written_at = ? WHERE id = 1", (now_iso(),))


def _redact(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(":" + parts.password + "@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _tables(connection: Connection) -> set[str]:
    if connection.postgres:
        rows = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchall()
    else:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {row[0] for row in rows}


def _signup_columns(connection: Connection) -> set[str]:
    if connection.postgres:
        rows = connection.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'signups'"
        ).fetchall()
        return {row[0] for row in rows}
    return {row[1] for row in connection.execute("PRAGMA table_info(signups)").fetchall()}


def _version(connection: Connection) -> int:
    tables = _tables(connection)
    if "schema_version" in tables:
        return connection.execute("SELECT version FROM schema_version").fetchone()[0]
    return 1 if "signups" in tables else 0  # 1: the first receiver's single table


def _ddl(connection: Connection) -> list[str]:
    pk = (
        "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
        if connection.postgres
        else ("INTEGER PRIMARY KEY")
    )
    ref = "BIGINT" if connection.postgres else "INTEGER"
    real = "DOUBLE PRECISION" if connection.postgres else "REAL"
    fields = ", ".join(f"{c} {'INTEGER' if c in INTEGER_COLUMNS else 'TEXT'}" for c in COLUMNS)
    return [
        f"""CREATE TABLE IF NOT EXISTS signups (
            id {pk},
            public_id TEXT NOT NULL UNIQUE,
            received_at TEXT NOT NULL,
            last_contact TEXT NOT NULL,
            submission_id TEXT UNIQUE,
            {fields})""",
        "CREATE INDEX IF NOT EXISTS signups_campaign ON signups (utm_campaign)",
        "CREATE INDEX IF NOT EXISTS signups_email ON signups (email)",
        "CREATE INDEX IF NOT EXISTS signups_last_contact ON signups (last_contact)",
        f"""CREATE TABLE IF NOT EXISTS signup_territories (
            signup_id {ref} NOT NULL REFERENCES signups (id) ON DELETE CASCADE,
            slug TEXT NOT NULL,
            PRIMARY KEY (signup_id, slug))""",
        "CREATE INDEX IF NOT EXISTS signup_territories_slug ON signup_territories (slug)",
        f"""CREATE TABLE IF NOT EXISTS outbox (
            id {pk},
            signup_id {ref} NOT NULL REFERENCES signups (id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            message_id TEXT NOT NULL UNIQUE,
            sender TEXT NOT NULL,
            recipient TEXT NOT NULL,
            context TEXT NOT NULL,
            created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at {real} NOT NULL,
            claimed_by TEXT,
            claimed_until {real},
            sent_at TEXT,
            failed_at TEXT,
            last_error TEXT)""",
        "CREATE INDEX IF NOT EXISTS outbox_due ON outbox (next_attempt_at) "
        "WHERE sent_at IS NULL AND failed_at IS NULL",
        "CREATE INDEX IF NOT EXISTS outbox_signup ON outbox (signup_id)",
        f"""CREATE TABLE IF NOT EXISTS tokens (
            id {pk},
            label TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            all_territories INTEGER NOT NULL DEFAULT 0,
            territories TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            revoked_at TEXT)""",
        f"""CREATE TABLE IF NOT EXISTS export_log (
            id {pk},
            token_id {ref},
            label TEXT NOT NULL,
            at TEXT NOT NULL,
            what TEXT NOT NULL,
            filter TEXT NOT NULL DEFAULT '',
            rows INTEGER NOT NULL)""",
        "CREATE TABLE IF NOT EXISTS health (id INTEGER PRIMARY KEY, written_at TEXT)",
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
    ]


def _migrate(connection: Connection, found: int) -> None:
    import secrets

    if found == 1:
        # The first receiver's table: no public id, no last contact, territories as a
        # space-separated column only. Existing rows get a random public id and their
        # reception date as last contact.
        connection.execute("ALTER TABLE signups ADD COLUMN public_id TEXT")
        connection.execute("ALTER TABLE signups ADD COLUMN last_contact TEXT")
        rows = connection.execute("SELECT id, received_at FROM signups").fetchall()
        for row_id, received_at in rows:
            connection.execute(
                "UPDATE signups SET public_id = ?, last_contact = ? WHERE id = ?",
                (secrets.token_urlsafe(12), str(received_at)[:10], row_id),
            )
        connection.execute("CREATE UNIQUE INDEX signups_public_id ON signups (public_id)")
    for statement in _ddl(connection):
        connection.execute(statement)
    # A field added to the contract (FIELD_ORDER) becomes a column of an older store.
    for column in [c for c in COLUMNS if c not in _signup_columns(connection)]:
        kind = "INTEGER" if column in INTEGER_COLUMNS else "TEXT"
        connection.execute(f"ALTER TABLE signups ADD COLUMN {column} {kind}")
    if found == 1:
        for row_id, territories in connection.execute(
            "SELECT id, territoires FROM signups"
        ).fetchall():
            for slug in dict.fromkeys((territories or "").split()):
                connection.execute(
                    "INSERT INTO signup_territories (signup_id, slug) VALUES (?, ?)",
                    (row_id, slug),
                )
    connection.execute("INSERT INTO health (id, written_at) VALUES (1, ?)", (now_iso(),))
    connection.execute("DELETE FROM schema_version")
    connection.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
