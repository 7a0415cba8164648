"""RGPD tooling of the receiver on both stores: last contact, purge after the retention
period, forget a person everywhere, export everything held on them; the migration of a
first-receiver SQLite file; the row-by-row retry of a failing batch."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import sqlite3
from datetime import date

import pytest
from receiver_process import ReceiverProcess
from test_receiver import SITE, VALID, post
from venez_vivre.receiver import contract, stats, store
from venez_vivre.receiver.db import SCHEMA_VERSION, Database
from venez_vivre.receiver.testing import PostgresCluster


@pytest.fixture(scope="module")
def cluster():
    server = PostgresCluster().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def receiver(request, tmp_path, cluster):
    db = tmp_path / "db.sqlite3" if request.param == "sqlite" else cluster.new_database()
    process = ReceiverProcess(
        db,
        0,
        [SITE],
        log=tmp_path / "receiver.log",
        args=[
            "--smtp",
            "smtp://127.0.0.1:9",
            "--mail-from",
            "x@venez-vivre.test",
            "--fallback-officer",
            "programme@venez-vivre.test",
        ],
    ).start()  # an SMTP server that never answers: the mails stay in the outbox
    yield process
    process.stop()


def run(connection_db, sql, params=()):
    database = Database(connection_db)
    with database.connect() as connection, connection.transaction():
        connection.execute(sql, params)


def test_forget_export_person_contact_and_purge(receiver):
    for email in ("oubli@exemple.fr", "OUBLI@exemple.fr", "reste@exemple.fr", "vieux@exemple.fr"):
        status, _, _ = post(receiver.endpoint, {**VALID, "email": email, "territoires": ["dole"]})
        assert status == 303
    # Right of access: everything held, the mails queued for them included.
    held = json.loads(receiver.cli("export-person", "oubli@exemple.fr").stdout)
    assert [s["email"] for s in held["inscriptions"]] == ["oubli@exemple.fr", "OUBLI@exemple.fr"]
    first = held["inscriptions"][0]
    assert first["territoires"] == ["dole"] and first["message"] == VALID["message"]
    assert first["last_contact"] == date.today().isoformat()
    assert [m["destinataire"] for m in first["e_mails"]] == ["programme@venez-vivre.test"]
    assert first["e_mails"][0]["objet"] == "Nouvelle inscription à orienter : Claire Martin"
    # Forget: every sign-up of the address, everywhere (outbox included).
    out = receiver.cli("forget", "Oubli@Exemple.fr").stdout
    assert out.startswith("2 inscription(s) supprimée(s)")
    assert receiver.rows("lower(email) = ?", ("oubli@exemple.fr",)) == []
    database = Database(str(receiver.db))
    with database.connect() as connection:
        left = connection.execute("SELECT count(*) FROM outbox").fetchone()[0]
        kept = connection.execute(
            "SELECT count(*) FROM signups WHERE email IN ('reste@exemple.fr', 'vieux@exemple.fr')"
        ).fetchone()[0]
        territories = connection.execute("SELECT count(*) FROM signup_territories").fetchone()[0]
    assert kept == 2 and territories == 2 and left == 2  # only the others' rows remain
    assert (
        json.loads(receiver.cli("export-person", "oubli@exemple.fr").stdout)["inscriptions"] == []
    )

    # Purge: the last contact is the clock; a contact recorded by the team restarts it.
    run(receiver.db, "UPDATE signups SET last_contact = '2020-01-01'")
    receiver.cli("contact", "reste@exemple.fr")
    out = receiver.cli("purge").stdout
    assert out.startswith("1 inscription(s) supprimée(s)")
    assert "conservation : trois ans" in out and "dernier contact 2020-01-01" in out
    assert [r["email"] for r in receiver.rows()] == ["reste@exemple.fr"]
    assert receiver.cli("purge").stdout.startswith("0 inscription(s)")


def test_retention_cutoff_and_its_words():
    assert store.retention_cutoff(3, date(2026, 12, 1)) == "2023-12-01"
    assert store.retention_cutoff(3, date(2028, 2, 29)) == "2025-02-28"
    assert contract.retention_words() == "trois ans" and contract.RETENTION_YEARS == 3
    assert contract.retention_words(1) == "un an"


def test_a_first_receiver_sqlite_file_is_migrated_in_place(tmp_path):
    db = tmp_path / "ancien.sqlite3"
    columns = ", ".join(f"{c} TEXT" for c in ("prenom", "nom", "email", "telephone"))
    with sqlite3.connect(db) as connection:  # the first receiver's only table
        connection.executescript(
            f"""CREATE TABLE signups (id INTEGER PRIMARY KEY, received_at TEXT NOT NULL,
            submission_id TEXT UNIQUE, {columns}, ville_actuelle TEXT, territoires TEXT,
            projet TEXT, adultes INTEGER, enfants INTEGER, echeance TEXT, message TEXT,
            consentement TEXT, utm_source TEXT, utm_medium TEXT, utm_campaign TEXT,
            utm_content TEXT, page TEXT);
            INSERT INTO signups (received_at, prenom, nom, email, territoires, projet,
              utm_campaign, utm_content, consentement)
            VALUES ('2025-03-04T10:00:00+00:00', 'A', 'B', 'a@b.fr', 'morvan dole', 'emploi',
              'affiches', '3', 'oui');"""
        )
    assert Database(db).migrate() == 1
    assert Database(db).migrate() == SCHEMA_VERSION
    with sqlite3.connect(db) as connection:
        public_id, last_contact = connection.execute(
            "SELECT public_id, last_contact FROM signups"
        ).fetchone()
    assert len(public_id) == 16 and last_contact == "2025-03-04"
    counts = stats.signup_counts(db)
    assert counts["by_territory"] == {"dole": 1, "morvan": 1}
    assert counts["by_campaign"] == {"affiches": {"3": 1}} and counts["by_day"] == {"2025-03-04": 1}
    process = ReceiverProcess(db, 0, [SITE]).start()  # and the receiver runs on it
    try:
        assert post(process.endpoint, {**VALID, "email": "new@b.fr"})[0] == 303
        assert len(process.rows()) == 2
    finally:
        process.stop()


def test_a_failing_batch_is_retried_row_by_row(tmp_path):
    """One sign-up that cannot be stored (here a lone surrogate that slipped past
    validation) fails alone; the others of its group commit are stored."""
    database = Database(tmp_path / "db.sqlite3")
    database.migrate()

    def signup(name: str) -> contract.Signup:
        verdict = contract.validate({**VALID, "prenom": name, "email": f"{len(name)}@x.fr"})
        assert verdict.ok
        return verdict.signup

    async def burst():
        writer = store.SignupStore(database)
        try:
            good = [signup("A" * n) for n in range(1, 6)]
            bad = signup("Zoé")
            bad.prenom = "Zo\ud800"
            jobs = [writer.add(s, store.new_public_id(), []) for s in (*good[:2], bad, *good[2:])]
            return await asyncio.gather(*jobs, return_exceptions=True)
        finally:
            writer.close()

    # In a thread of its own: the session's Playwright browser (sync API) keeps an event
    # loop running in the main thread, where asyncio.run() refuses to start another.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        results = pool.submit(asyncio.run, burst()).result()
    assert isinstance(results[2], Exception)
    assert all(isinstance(r, str) for i, r in enumerate(results) if i != 2)
    with database.connect() as connection:
        names = sorted(r[0] for r in connection.execute("SELECT prenom FROM signups").fetchall())
    assert names == ["A" * n for n in range(1, 6)]
