"""Load benchmark of the reference signup receiver (receiver/).

    .venv/bin/python bench/receiver.py [--clients 50] [--seconds 60]

Starts `python -m receiver` in its own process on a free loopback port with a fresh
SQLite file, then drives it from this process with N concurrent clients (aiohttp) for
the given time: every request is a valid sign-up sent the way the site's script sends
it (URL-encoded, `_format=json`), each with its own submission id; one in ten is sent
a second time, as a visitor's retry after a lost answer would be. It prints throughput
and latency percentiles, then stops the receiver and checks the database: every
accepted sign-up stored exactly once, nothing else stored. Exit status 1 if not.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "http://127.0.0.1:8000"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


async def client(session, url, deadline, counter, results):
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": ORIGIN}
    while time.perf_counter() < deadline:
        counter[0] += 1
        n = counter[0]
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


async def drive(url: str, clients: int, seconds: float) -> dict:
    results = {"latencies": [], "accepted": {}, "failures": [], "resends": 0}
    counter = [0]
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()
        await asyncio.gather(
            *(client(session, url, deadline, counter, results) for _ in range(clients))
        )
        results["elapsed"] = time.perf_counter() - started
    return results


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="bench-receiver-"))
    db = workdir / "inscriptions.sqlite3"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "receiver", "--port", str(port), "--db", str(db)]
    command += ["--origin", ORIGIN]
    log = (workdir / "receiver.log").open("wb")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/sante", timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            print("the receiver did not start; see", workdir / "receiver.log")
            return 1
        print(f"{args.clients} clients for {args.seconds:g} s against {base}/inscriptions …")
        results = asyncio.run(drive(base + "/inscriptions", args.clients, args.seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()

    latencies = results["latencies"]
    accepted = results["accepted"]
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT id, submission_id FROM signups").fetchall()
    stored: dict[str, list[int]] = {}
    for row_id, submission_id in rows:
        stored.setdefault(submission_id, []).append(row_id)
    duplicates = [s for s, ids in stored.items() if len(ids) > 1]
    missing = [s for s in accepted if s not in stored]
    unexpected = [s for s in stored if s not in accepted]
    inconsistent = [s for s, ids in accepted.items() if len(ids) != 1 or ids != set(stored[s])]

    print(f"requests answered     {len(latencies)} in {results['elapsed']:.1f} s")
    print(f"throughput            {len(latencies) / results['elapsed']:.0f} requests/s")
    print(
        "latency ms            "
        + "  ".join(f"p{p} {percentile(latencies, p) * 1000:.1f}" for p in (50, 90, 95, 99))
        + f"  max {max(latencies) * 1000:.1f}  mean {statistics.fmean(latencies) * 1000:.1f}"
    )
    print(f"sign-ups accepted     {len(accepted)} (+ {results['resends']} resends answered)")
    print(f"rows in SQLite        {len(rows)}")
    print(f"failed requests       {len(results['failures'])}")
    print(f"duplicates            {len(duplicates)}")
    print(f"accepted but missing  {len(missing)}")
    print(f"stored but unanswered {len(unexpected)}")
    ok = not (duplicates or missing or inconsistent or results["failures"])
    ok = ok and len(rows) == len(accepted)
    print("every accepted sign-up stored exactly once" if ok else "CHECK FAILED")
    if results["failures"]:
        print("first failures:", results["failures"][:5])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
