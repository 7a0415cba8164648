"""Load benchmark of the reference signup receiver (receiver/), SQLite and PostgreSQL
side by side in one run.

    .venv/bin/python bench/receiver.py [--clients 50] [--seconds 20] [--no-postgresql]

Each configuration gets a fresh store, a real SMTP server (aiosmtpd on loopback) and
the receiver in its own process(es), exactly as `python -m receiver` runs in
production: one receiver on a SQLite file, then two receivers sharing one PostgreSQL
database (a throwaway cluster, Debian's `postgresql`), the clients spread over both.
N concurrent clients (aiohttp, in this process) send valid sign-ups the way the site's
script does (URL-encoded, `_format=json`), each with its own submission id; one in ten
is sent a second time, as a visitor's retry after a lost answer would be. Every
sign-up chooses a territory with a welcome officer, so each queues one e-mail.

Printed per configuration: throughput, latency percentiles, then the exactly-once
checks once the outbox has drained: every accepted sign-up stored exactly once and
nothing else stored; every queued mail received by the SMTP server exactly once.
Exit status 1 if a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from venez_vivre.receiver.testing import ROOT, PostgresCluster, ReceiverProcess

ORIGIN = "http://127.0.0.1:8000"
TERRITORIES = {
    "grand-besancon": {
        "title": "Grand Besançon Métropole",
        "department": "Doubs",
        "welcome_officer": {"name": "Luc Girard", "email": "luc@besancon.test", "phone": ""},
    }
}


def signup_body(submission_id: str, n: int) -> str:
    return urlencode(
        {
            "prenom": "Camille",
            "nom": f"Bench {n}",
            "email": f"camille.{n}@exemple.fr",
            "telephone": "06 12 34 56 78",
            "ville_actuelle": "Paris",
            "territoires": "grand-besancon",
            "projet": "teletravail",
            "adultes": "2",
            "enfants": "1",
            "echeance": "6-12-mois",
            "message": "Nous cherchons une maison avec un jardin près d’une gare. " * 4,
            "consentement": "oui",
            "utm_source": "affiche",
            "utm_medium": "print",
            "utm_campaign": "automne-a-besancon",
            "utm_content": "2",
            "page": "/territoires/grand-besancon/",
            "website": "",
            "_format": "json",
            "_fill_ms": "42000",
            "_submission_id": submission_id,
        }
    )


async def client(session, urls, deadline, counter, results):
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": ORIGIN}
    while time.perf_counter() < deadline:
        counter[0] += 1
        n = counter[0]
        url = urls[n % len(urls)]
        submission_id = uuid.uuid4().hex
        body = signup_body(submission_id, n)
        for attempt in range(2 if n % 10 == 0 else 1):
            started = time.perf_counter()
            try:
                async with session.post(url, data=body, headers=headers) as answer:
                    payload = await answer.json()
                    ok = answer.status == 200 and payload.get("ok")
            except (TimeoutError, aiohttp.ClientError, ValueError) as error:
                results["failures"].append(repr(error))
                continue
            results["latencies"].append(time.perf_counter() - started)
            if ok:
                results["accepted"].setdefault(submission_id, set()).add(payload["id"])
                if attempt:
                    results["resends"] += 1
            else:
                results["failures"].append(f"HTTP {answer.status}")


async def drive(urls: list[str], clients: int, seconds: float) -> dict:
    results = {"latencies": [], "accepted": {}, "failures": [], "resends": 0}
    counter = [0]
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()
        await asyncio.gather(
            *(client(session, urls, deadline, counter, results) for _ in range(clients))
        )
        results["elapsed"] = time.perf_counter() - started
    return results


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def query(db, sql: str) -> list[tuple]:
    if str(db).startswith("postgresql://"):
        import psycopg

        with psycopg.connect(str(db)) as connection:
            return connection.execute(sql).fetchall()
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def smtp_process(record: Path) -> tuple[subprocess.Popen, int]:
    """The capturing SMTP server in its own process, off this busy one."""
    server = subprocess.Popen(
        [sys.executable, "-m", "receiver.testing", "smtp", str(record)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        encoding="utf-8",
    )
    return server, int(server.stdout.readline())


def run(label: str, db, processes: int, args, workdir: Path) -> dict:
    record = workdir / f"{label.split(',')[0].lower()}-mails.txt"
    smtp, smtp_port = smtp_process(record)
    territories = workdir / "territoires.json"
    territories.write_text(json.dumps(TERRITORIES), encoding="utf-8")
    options = [
        "--territories", territories, "--smtp", f"smtp://127.0.0.1:{smtp_port}",
        "--mail-from", "Venez vivre <inscriptions@venez-vivre.test>",
        "--smtp-retry-base", "0.5", "--smtp-retry-max", "2", "--outbox-poll", "0.5",
    ]  # fmt: skip
    receivers = [
        ReceiverProcess(
            db,
            0,
            [ORIGIN],
            min_fill_seconds=3,
            args=options,
            log=workdir / f"{record.stem}-receiver-{n}.log",
        )
        for n in range(processes)
    ]
    try:
        for receiver in receivers:
            receiver.start()
        urls = [r.endpoint for r in receivers]
        print(f"{label}: {args.clients} clients for {args.seconds:g} s …", flush=True)
        results = asyncio.run(drive(urls, args.clients, args.seconds))
        drain_started = time.perf_counter()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            (waiting,) = query(db, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")[0]
            if not waiting:
                break
            time.sleep(0.2)
        results["drain"] = time.perf_counter() - drain_started
    finally:
        for receiver in receivers:
            receiver.stop()
        smtp.terminate()
        smtp.wait(30)

    accepted = results["accepted"]
    stored: dict[str, list[str]] = {}
    for public_id, submission_id in query(db, "SELECT public_id, submission_id FROM signups"):
        stored.setdefault(submission_id, []).append(public_id)
    queued = {r[0] for r in query(db, "SELECT message_id FROM outbox")}
    received = record.read_text(encoding="utf-8").split()
    results.update(
        rows=sum(len(v) for v in stored.values()),
        duplicates=sum(1 for v in stored.values() if len(v) > 1),
        missing=sum(1 for s in accepted if s not in stored),
        unexpected=sum(1 for s in stored if s not in accepted),
        inconsistent=sum(
            1 for s, ids in accepted.items() if len(ids) != 1 or ids != set(stored.get(s, []))
        ),
        queued=len(queued),
        received=len(received),
        mail_duplicates=len(received) - len(set(received)),
        mail_missing=len(queued - set(received)),
    )
    results["ok"] = not (
        results["duplicates"]
        or results["missing"]
        or results["unexpected"]
        or results["inconsistent"]
        or results["failures"]
        or results["mail_duplicates"]
        or results["mail_missing"]
        or results["queued"] != len(accepted)
    )
    return results


def report(columns: dict[str, dict]) -> None:
    def row(name: str, render) -> None:
        cells = "".join(f"{render(r):>30}" for r in columns.values())
        print(f"{name:<28}{cells}")

    print()
    row("", lambda r: r["label"])
    row("requests answered", lambda r: f"{len(r['latencies'])} in {r['elapsed']:.1f} s")
    row("throughput", lambda r: f"{len(r['latencies']) / r['elapsed']:.0f} requests/s")
    for p in (50, 90, 99):
        row(f"latency p{p}", lambda r, p=p: f"{percentile(r['latencies'], p) * 1000:.1f} ms")
    row("latency max / mean", lambda r: (
        f"{max(r['latencies']) * 1000:.0f} / {statistics.fmean(r['latencies']) * 1000:.1f} ms"
    ))  # fmt: skip
    row("sign-ups accepted", lambda r: f"{len(r['accepted'])} (+{r['resends']} resends)")
    row("rows stored", lambda r: str(r["rows"]))
    row("failed requests", lambda r: str(len(r["failures"])))
    row("duplicates / missing", lambda r: f"{r['duplicates']} / {r['missing']}")
    row("stored but unanswered", lambda r: str(r["unexpected"]))
    row("mails queued / received", lambda r: f"{r['queued']} / {r['received']}")
    row("mails twice / lost", lambda r: f"{r['mail_duplicates']} / {r['mail_missing']}")
    row("outbox drained after load", lambda r: f"{r['drain']:.1f} s")
    row("exactly once", lambda r: "yes" if r["ok"] else "CHECK FAILED")
    for r in columns.values():
        if r["failures"]:
            print(f"{r['label']}: first failures:", r["failures"][:5])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--no-postgresql", action="store_true")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="bench-receiver-"))
    columns = {}
    sqlite_db = workdir / "inscriptions.sqlite3"
    columns["sqlite"] = {
        "label": "SQLite, 1 receiver",
        **run("SQLite, 1 receiver", sqlite_db, 1, args, workdir),
    }
    if not args.no_postgresql:
        cluster = PostgresCluster().start()
        try:
            url = cluster.new_database()
            label = "PostgreSQL, 2 receivers"
            columns["postgresql"] = {"label": label, **run(label, url, 2, args, workdir)}
        finally:
            cluster.stop()
    report(columns)
    return 0 if all(r["ok"] for r in columns.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
