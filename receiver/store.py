"""Sign-ups in the store (receiver/db.py): one writer thread, group commit, and the
operations team's reads and deletions (export, tokens, RGPD).

Every sign-up goes through one thread per receiver process holding its writing
connection. The thread takes every sign-up waiting in its queue and writes them, with
their territories and their e-mails (the outbox), in one transaction, committed with a
full sync before any sender is told "stored": an accepted sign-up and its mail are on
disk together, and a burst costs one sync instead of one per sign-up. If that
transaction fails, each sign-up of the batch is retried alone, so one bad request never
fails another. Reads (CSV export, statistics) use their own connections in other
threads, which WAL (SQLite) or MVCC (PostgreSQL) let run beside the writer: an export
never holds up a sign-up.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import logging
import queue
import secrets
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

from .contract import RETENTION_YEARS, Signup
from .db import COLUMNS, Connection, Database, now_iso

logger = logging.getLogger("receiver.store")
_STOP = object()
TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters, 256 bits
MIN_TOKEN_LENGTH = 32  # anything shorter is refused without a look-up


def new_public_id() -> str:
    """A random id, the only one a person or an officer ever sees: sequential ids
    would tell anyone the programme's totals."""
    return secrets.token_urlsafe(12)


@dataclass(frozen=True)
class Mail:
    """One e-mail of the outbox, rendered when the sign-up is accepted."""

    kind: str  # "officer" or "confirmation"
    message_id: str
    sender: str
    recipient: str
    context: str  # JSON: recipient, subject, wording; receiver/outbox.py renders it


def _row(signup: Signup) -> dict:
    row = asdict(signup)
    row["territoires"] = " ".join(signup.territoires)
    row["projet"] = " ".join(signup.projet)
    return row


class SignupStore:
    """The single writer of a receiver process. `await store.add(signup, public_id,
    mails)` returns the sign-up's public id once it is committed with its mails; a
    resend with the same submission id returns the first one's id and queues nothing."""

    def __init__(
        self,
        database: Database,
        max_batch: int = 256,
        on_commit: Callable[[], None] | None = None,
    ):
        self.database = database
        self.max_batch = max_batch
        self.on_commit = on_commit
        self._queue: queue.Queue = queue.Queue()
        self._connection: Connection | None = None
        self._thread = threading.Thread(target=self._run, name="signup-writer", daemon=True)
        self._thread.start()

    async def add(self, signup: Signup, public_id: str, mails: list[Mail]) -> str:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._queue.put(((_row(signup), public_id, mails), future, loop))
        return await future

    def close(self) -> None:
        self._queue.put(_STOP)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        try:
            while True:
                item = self._queue.get()
                if item is _STOP:
                    return
                batch = [item]
                while len(batch) < self.max_batch:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is _STOP:
                        self._queue.put(_STOP)
                        break
                    batch.append(more)
                self._write(batch)
        finally:
            if self._connection:
                self._connection.close()

    def _connect(self) -> Connection:
        if self._connection is None:
            self._connection = self.database.connect()
        return self._connection

    def _write(self, batch) -> None:
        try:
            connection = self._connect()
            with connection.transaction():  # one transaction, one sync for the batch
                results = [_insert(connection, *entry) for entry, _f, _l in batch]
        except Exception as error:
            if len(batch) == 1:
                self._drop_connection()
                _, future, loop = batch[0]
                loop.call_soon_threadsafe(_settle, future, None, error)
                return
            logger.warning("batch of %d failed (%s): retrying one by one", len(batch), error)
            self._drop_connection()
            for item in batch:
                self._write([item])
            return
        for (_, future, loop), public_id in zip(batch, results, strict=True):
            loop.call_soon_threadsafe(_settle, future, public_id, None)
        if self.on_commit:
            self.on_commit()

    def _drop_connection(self) -> None:
        # After an error the connection may be unusable (a lost PostgreSQL server):
        # the next write opens a fresh one.
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _insert(connection: Connection, row: dict, public_id: str, mails: list[Mail]) -> str:
    now = now_iso()
    names = ", ".join(COLUMNS)
    marks = ", ".join("?" for _ in COLUMNS)
    inserted = connection.execute(
        f"INSERT INTO signups (public_id, received_at, last_contact, submission_id, {names}) "
        f"VALUES (?, ?, ?, ?, {marks}) ON CONFLICT (submission_id) DO NOTHING RETURNING id",
        (public_id, now, now[:10], row["submission_id"], *(row[c] for c in COLUMNS)),
    ).fetchone()
    if inserted is None:  # a resend of a sign-up already stored: nothing more to queue
        return connection.execute(
            "SELECT public_id FROM signups WHERE submission_id = ?", (row["submission_id"],)
        ).fetchone()[0]
    signup_id = inserted[0]
    for slug in dict.fromkeys(row["territoires"].split()):
        connection.execute(
            "INSERT INTO signup_territories (signup_id, slug) VALUES (?, ?)", (signup_id, slug)
        )
    for mail in mails:
        connection.execute(
            "INSERT INTO outbox (signup_id, kind, message_id, sender, recipient, context, "
            "created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
            (signup_id, mail.kind, mail.message_id, mail.sender, mail.recipient, mail.context, now),
        )
    return public_id


def _settle(future: asyncio.Future, value, error) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


# --- Export tokens --------------------------------------------------------------------


def hash_token(token: str) -> str:
    # Tokens are 256 random bits: a plain SHA-256 is enough (no dictionary to resist).
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Token:
    id: int
    label: str
    all_territories: bool
    territories: tuple[str, ...]
    created_at: str = ""
    revoked_at: str | None = None

    def describe(self) -> str:
        return "tous les territoires" if self.all_territories else ", ".join(self.territories)


def _token(row) -> Token:
    return Token(
        id=row[0],
        label=row[1],
        all_territories=bool(row[2]),
        territories=tuple(row[3].split()),
        created_at=row[4],
        revoked_at=row[5],
    )


_TOKEN_FIELDS = "id, label, all_territories, territories, created_at, revoked_at"


def token_add(
    database: Database, label: str, territories: list[str], all_territories: bool
) -> tuple[Token, str]:
    """Store a new token's hash; returns it with the token itself, shown only once."""
    if not label.strip():
        raise ValueError("--label est obligatoire (le nom de la personne ou de l’équipe)")
    if all_territories == bool(territories):
        raise ValueError("indiquez soit --all, soit au moins un --territory SLUG")
    secret = secrets.token_urlsafe(TOKEN_BYTES)
    with database.connect() as connection, connection.transaction():
        row = connection.execute(
            "INSERT INTO tokens (label, token_hash, all_territories, territories, created_at) "
            f"VALUES (?, ?, ?, ?, ?) RETURNING {_TOKEN_FIELDS}",
            (
                label.strip(),
                hash_token(secret),
                int(all_territories),
                " ".join(territories),
                now_iso(),
            ),
        ).fetchone()
    return _token(row), secret


def token_list(database: Database) -> list[Token]:
    with database.connect() as connection:
        rows = connection.execute(f"SELECT {_TOKEN_FIELDS} FROM tokens ORDER BY id").fetchall()
    return [_token(r) for r in rows]


def token_revoke(database: Database, token_id: int) -> bool:
    with database.connect() as connection, connection.transaction():
        row = connection.execute(
            "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING id",
            (now_iso(), token_id),
        ).fetchone()
    return row is not None


def token_lookup(database: Database, secret: str) -> Token | None:
    if len(secret) < MIN_TOKEN_LENGTH:
        return None
    with database.connect(read_only=True) as connection:
        row = connection.execute(
            f"SELECT {_TOKEN_FIELDS} FROM tokens WHERE token_hash = ? AND revoked_at IS NULL",
            (hash_token(secret),),
        ).fetchone()
    return _token(row) if row else None


# --- CSV export -----------------------------------------------------------------------


def _cell(value) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _scope(token: Token, campaign: str | None) -> tuple[str, list]:
    clauses, params = [], []
    if not token.all_territories:
        marks = ", ".join("?" for _ in token.territories)
        clauses.append(f"id IN (SELECT signup_id FROM signup_territories WHERE slug IN ({marks}))")
        params += token.territories
    if campaign is not None:
        clauses.append("utm_campaign = ?")
        params.append(campaign)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


CSV_HEADER = ("reference", "recu_le", "dernier_contact", *COLUMNS)


def export_csv(database: Database, token: Token, campaign: str | None = None) -> tuple[bytes, int]:
    """The sign-ups a token may see, as CSV for a spreadsheet (`;`-separated, UTF-8 with
    a byte-order mark: what a French spreadsheet opens correctly by double-click), and
    the number of rows. The export is logged (who, when, what, how many rows)."""
    where, params = _scope(token, campaign)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    count = 0
    with database.connect(read_only=True) as connection:
        cursor = connection.execute(
            f"SELECT public_id, received_at, last_contact, {', '.join(COLUMNS)} FROM signups"
            f"{where} ORDER BY id",
            params,
        )
        while rows := cursor.fetchmany(2000):
            for row in rows:
                writer.writerow([_cell(v) for v in row])
            count += len(rows)
    log_export(database, token, "inscriptions.csv", campaign or "", count)
    return ("\ufeff" + out.getvalue()).encode("utf-8"), count


def log_export(database: Database, token: Token, what: str, filter_: str, rows: int) -> None:
    with database.connect() as connection, connection.transaction():
        connection.execute(
            "INSERT INTO export_log (token_id, label, at, what, filter, rows) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (token.id, token.label, now_iso(), what, filter_, rows),
        )


def export_log(database: Database, limit: int = 50) -> list[dict]:
    with database.connect(read_only=True) as connection:
        rows = connection.execute(
            "SELECT at, token_id, label, what, filter, rows FROM export_log "
            "ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
    keys = ("at", "token_id", "label", "what", "filter", "rows")
    return [dict(zip(keys, r, strict=True)) for r in rows]


# --- RGPD -----------------------------------------------------------------------------


def retention_cutoff(years: int = RETENTION_YEARS, today: date | None = None) -> str:
    """The oldest last-contact date still kept: `years` before today (29 February
    becomes 28 February)."""
    today = today or datetime.now(UTC).date()
    try:
        return today.replace(year=today.year - years).isoformat()
    except ValueError:
        return (today.replace(day=28, year=today.year - years)).isoformat()


def purge(database: Database, years: int = RETENTION_YEARS, today: date | None = None) -> list:
    """Delete everyone whose last contact is older than the retention period (with
    their territories and e-mails); returns (public id, last contact, received at)."""
    cutoff = retention_cutoff(years, today)
    with database.connect() as connection, connection.transaction():
        rows = connection.execute(
            "DELETE FROM signups WHERE last_contact < ? "
            "RETURNING public_id, last_contact, received_at",
            (cutoff,),
        ).fetchall()
    return sorted(rows, key=lambda r: (r[1], r[0]))


def _normal_email(email: str) -> str:
    return email.strip().lower()


def forget(database: Database, email: str) -> list[str]:
    """Delete every sign-up of this address, everywhere (territories, outbox included);
    returns the public ids removed."""
    with database.connect() as connection, connection.transaction():
        rows = connection.execute(
            "DELETE FROM signups WHERE lower(email) = ? RETURNING public_id",
            (_normal_email(email),),
        ).fetchall()
    return [r[0] for r in rows]


def touch(database: Database, email: str, when: date | None = None) -> int:
    """Record a contact with this person today (or on `when`): the retention period
    starts again from it. Returns the number of sign-ups updated."""
    day = (when or datetime.now(UTC).date()).isoformat()
    with database.connect() as connection, connection.transaction():
        rows = connection.execute(
            "UPDATE signups SET last_contact = ? WHERE lower(email) = ? RETURNING id",
            (day, _normal_email(email)),
        ).fetchall()
    return len(rows)


def export_person(database: Database, email: str) -> dict:
    """Everything held on one person (right of access), as a JSON-ready dict."""
    names = ("public_id", "received_at", "last_contact", "submission_id", *COLUMNS)
    with database.connect(read_only=True) as connection:
        rows = connection.execute(
            f"SELECT id, {', '.join(names)} FROM signups WHERE lower(email) = ? ORDER BY id",
            (_normal_email(email),),
        ).fetchall()
        signups = []
        for row in rows:
            entry = dict(zip(names, row[1:], strict=True))
            entry["territoires"] = entry["territoires"].split() if entry["territoires"] else []
            entry["projet"] = entry["projet"].split() if entry["projet"] else []
            entry["e_mails"] = [
                {
                    "type": m[0],
                    "destinataire": m[1],
                    "cree_le": m[2],
                    "envoye_le": m[3],
                    "objet": json.loads(m[4])["subject"],
                }
                for m in connection.execute(
                    "SELECT kind, recipient, created_at, sent_at, context FROM outbox "
                    "WHERE signup_id = ? ORDER BY id",
                    (row[0],),
                ).fetchall()
            ]
            signups.append(entry)
    return {"email": email, "exporte_le": now_iso(), "inscriptions": signups}


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
