"""Sign-ups in SQLite: WAL journal, one writer thread, group commit.

Every write goes through one thread holding the only writing connection, so writes
never contend for SQLite's lock. The thread takes every sign-up waiting in its queue,
inserts them in one transaction and commits with a full sync before any of their
senders is told "stored": an accepted sign-up is on disk, and a burst costs one sync
instead of one per sign-up. Reads (CSV export) use their own short-lived connections,
which WAL lets run beside the writer.
"""

from __future__ import annotations

import asyncio
import csv
import io
import queue
import sqlite3
import threading
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from .contract import FIELD_ORDER, Signup

# The form's fields in their page order, then the campaign attribution.
COLUMNS = (*FIELD_ORDER, "utm_source", "utm_medium", "utm_campaign", "utm_content", "page")
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS signups (
    id INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    submission_id TEXT UNIQUE,
    {", ".join(f"{c} {'INTEGER' if c in ('adultes', 'enfants') else 'TEXT'}" for c in COLUMNS)}
);
CREATE INDEX IF NOT EXISTS signups_campaign ON signups (utm_campaign);
"""
_STOP = object()


def connect(path: Path | str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=30, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")  # accepted means on disk
    connection.execute("PRAGMA busy_timeout=30000")
    connection.executescript(SCHEMA)
    return connection


def _row(signup: Signup) -> dict:
    row = asdict(signup)
    row["territoires"] = " ".join(signup.territoires)
    row["projet"] = " ".join(signup.projet)
    return row


class SignupStore:
    """The single writer. `await store.add(signup)` returns the sign-up's id once it is
    committed; a resend with the same submission id returns the first one's id."""

    def __init__(self, path: Path | str, max_batch: int = 256):
        self.path = Path(path)
        self.max_batch = max_batch
        self._queue: queue.Queue = queue.Queue()
        connect(self.path).close()  # create the schema, fail early on a bad path
        self._thread = threading.Thread(target=self._run, name="signup-writer", daemon=True)
        self._thread.start()

    async def add(self, signup: Signup) -> int:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._queue.put((_row(signup), future, loop))
        return await future

    def close(self) -> None:
        self._queue.put(_STOP)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        connection = connect(self.path)
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
                self._write(connection, batch)
        finally:
            connection.close()

    def _write(self, connection: sqlite3.Connection, batch) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        placeholders = ", ".join(f":{c}" for c in COLUMNS)
        results = []
        try:
            with connection:  # one transaction, one sync for the whole batch
                for row, _future, _loop in batch:
                    cursor = connection.execute(
                        f"INSERT INTO signups (received_at, submission_id, {', '.join(COLUMNS)}) "
                        f"VALUES (:received_at, :submission_id, {placeholders}) "
                        "ON CONFLICT (submission_id) DO NOTHING",
                        {**row, "received_at": now},
                    )
                    if cursor.rowcount:
                        results.append(cursor.lastrowid)
                    else:  # a resend of a sign-up already stored
                        results.append(
                            connection.execute(
                                "SELECT id FROM signups WHERE submission_id = ?",
                                (row["submission_id"],),
                            ).fetchone()[0]
                        )
        except Exception as error:  # the whole batch failed: every sender hears it
            for _, future, loop in batch:
                loop.call_soon_threadsafe(_settle, future, None, error)
            return
        for (_, future, loop), signup_id in zip(batch, results, strict=True):
            loop.call_soon_threadsafe(_settle, future, signup_id, None)


def _settle(future: asyncio.Future, value, error) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


def _cell(value) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(path: Path | str, campaign: str | None = None) -> str:
    """Sign-ups as CSV for the welcome officers: `;`-separated with a byte-order mark,
    which is what a French spreadsheet opens correctly by double-click."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        query = f"SELECT id, received_at, {', '.join(COLUMNS)} FROM signups"
        params: tuple = ()
        if campaign is not None:
            query += " WHERE utm_campaign = ?"
            params = (campaign,)
        rows = connection.execute(query + " ORDER BY id", params).fetchall()
    finally:
        connection.close()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(("id", "recu_le", *COLUMNS))
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return "\ufeff" + out.getvalue()
