"""The receiver on a real PostgreSQL server (a throwaway cluster, tests/receiver_services.py):
several receiver processes share one database, every sign-up is stored once under a
unique id, each outbox mail is claimed and sent by exactly one of them, and a database
that stops taking writes is seen by `/sante` and answered in French."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from receiver_process import ReceiverProcess
from test_receiver import SITE, VALID, _get, post
from test_receiver_mail import TERRITORIES
from venez_vivre.receiver import stats
from venez_vivre.receiver.testing import PostgresCluster, SmtpServer, wait_for


@pytest.fixture(scope="module")
def cluster():
    server = PostgresCluster().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def smtp():
    server = SmtpServer().start()
    yield server
    server.close()


def outbox(url) -> list[tuple]:
    with psycopg.connect(url) as connection:
        return connection.execute(
            "SELECT message_id, sent_at, claimed_by FROM outbox ORDER BY id"
        ).fetchall()


def receivers(url, tmp_path, smtp, count=2, extra=()) -> list[ReceiverProcess]:
    territories = tmp_path / "territoires.json"
    territories.write_text(json.dumps(TERRITORIES), encoding="utf-8")
    args = [
        "--territories", territories, "--smtp", smtp.url,
        "--mail-from", "Venez vivre <inscriptions@venez-vivre.test>",
        "--fallback-officer", "programme@venez-vivre.test",
        "--smtp-retry-base", "0.2", "--smtp-retry-max", "1", "--outbox-poll", "0.2",
    ]  # fmt: skip
    args += list(extra)
    processes = [
        ReceiverProcess(url, 0, [SITE], args=args, log=tmp_path / f"receiver-{n}.log")
        for n in range(count)
    ]
    # Started together: both create (migrate) the schema at the same moment.
    threads = [threading.Thread(target=p.start) for p in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(p.process and p.process.poll() is None for p in processes), [
        p.output() for p in processes
    ]
    return processes


def test_two_receivers_share_one_database_and_send_each_mail_once(cluster, tmp_path, smtp):
    url = cluster.new_database()
    smtp.clear()
    first, second = receivers(url, tmp_path, smtp)
    try:

        def send(n: int) -> str:
            target = (first, second)[n % 2]
            territories = [("morvan", "dole", "macon")[n % 3]]
            fields = {**VALID, "_format": "json", "email": f"pg{n}@exemple.fr"}
            status, _, body = post(target.endpoint, {**fields, "territoires": territories})
            assert status == 200, body
            return json.loads(body)["id"]

        with ThreadPoolExecutor(8) as pool:
            ids = list(pool.map(send, range(120)))
        assert len(set(ids)) == 120
        rows = first.rows()
        assert sorted(r["public_id"] for r in rows) == sorted(ids)
        assert len({r["id"] for r in rows}) == 120
        wait_for(lambda: all(r[1] for r in outbox(url)), timeout=90, what="the outbox to drain")
        wait_for(lambda: len(smtp.received()) >= 120, what="120 mails")
        message_ids = [m["Message-ID"] for m in smtp.received()]
        assert len(message_ids) == 120 and len(set(message_ids)) == 120  # exactly once each
        assert {r[0] for r in outbox(url)} == set(message_ids)
        recipients = sorted({r for r, _ in smtp.messages})
        assert recipients == ["anne@morvan.test", "ines@jura.test", "programme@venez-vivre.test"]

        # Tokens are shared too: one made through the first, used on the second.
        anne = first.token("--territory", "morvan", "--label", "Anne Bonnot")
        status, body = _get(second.base + "/inscriptions.csv", anne)
        lines = body.strip().splitlines()[1:]
        assert status == 200 and len(lines) == 40
        assert all(";morvan;" in line for line in lines)
        programme = second.token("--all", "--label", "Programme")
        status, body = _get(first.base + "/stats.json", programme)
        counts = json.loads(body)
        assert counts["total"] == 120
        assert counts["by_territory"] == {"dole": 40, "macon": 40, "morvan": 40}
        assert counts == {**stats.signup_counts(url), "generated_at": counts["generated_at"]}
    finally:
        first.stop()
        second.stop()


def test_a_database_that_stops_taking_writes_is_seen_and_answered_in_french(cluster, tmp_path):
    url = cluster.new_database()
    process = ReceiverProcess(url, 0, [SITE], log=tmp_path / "receiver.log").start()
    try:
        assert _get(process.base + "/sante")[0] == 200
        cluster.execute("ALTER SYSTEM SET default_transaction_read_only = on")
        cluster.execute("SELECT pg_reload_conf()")
        try:
            wait_for(lambda: _get(process.base + "/sante")[0] == 503, what="/sante to fail")
            status, headers, page = post(process.endpoint, {**VALID, "email": "ro@exemple.fr"})
            assert status == 503
            assert headers["Content-Type"].startswith("text/html") and '<html lang="fr">' in page
            assert "n’a pas pu être enregistrée" in page
            fields = {**VALID, "email": "ro@exemple.fr", "_format": "json"}
            status, _, body = post(process.endpoint, fields)
            assert status == 503 and json.loads(body)["ok"] is False
            # A receiver started now refuses to run on it.
            other = ReceiverProcess(url, 0, [SITE], log=tmp_path / "other.log")
            with pytest.raises(RuntimeError, match="inutilisable"):
                other.start()
        finally:
            cluster.execute("ALTER SYSTEM RESET default_transaction_read_only")
            cluster.execute("SELECT pg_reload_conf()")
        wait_for(lambda: _get(process.base + "/sante")[0] == 200, what="/sante to recover")
        status, _, _ = post(process.endpoint, {**VALID, "email": "ro@exemple.fr"})
        assert status == 303
        assert len(process.rows("email = ?", ("ro@exemple.fr",))) == 1
    finally:
        process.stop()


def test_a_receiver_killed_mid_burst_loses_nothing_the_other_sends_its_mails(
    cluster, tmp_path, smtp
):
    url = cluster.new_database()
    smtp.clear()
    # A short lease: the mails the killed receiver had claimed go out soon after.
    first, second = receivers(url, tmp_path, smtp, extra=["--outbox-lease", "3"])
    answered: list[str] = []
    stop = threading.Event()

    def client(worker: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            target = (first, second)[n % 2]
            fields = {**VALID, "_format": "json", "email": f"pk{worker}-{n}@exemple.fr"}
            try:
                status, _, text = post(target.endpoint, {**fields, "territoires": ["morvan"]})
            except OSError:
                continue  # the killed one: the next request goes to the other
            if status == 200:
                answered.append(json.loads(text)["id"])

    threads = [threading.Thread(target=client, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: len(answered) >= 40, what="40 answered sign-ups")
        first.kill()
        count = len(answered)
        wait_for(lambda: len(answered) >= count + 20, what="the other receiver to go on")
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    try:
        stored = {r["public_id"] for r in second.rows()}
        assert set(answered) <= stored
        wait_for(lambda: all(r[1] for r in outbox(url)), timeout=90, what="the outbox to drain")
        expected = {r[0] for r in outbox(url)}
        assert len(expected) == len(stored)  # one mail (the officer's) per sign-up
        wait_for(lambda: expected <= {m["Message-ID"] for m in smtp.received()}, what="mails")
        received = [m["Message-ID"] for m in smtp.received()]
        assert set(received) == expected
        assert len(received) - len(expected) <= 50  # at most the killed one's batch in flight
    finally:
        second.stop()
