"""The real signup receiver in a subprocess, for the signup and receiver tests."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LISTENING = re.compile(rb"R\xc3\xa9cepteur des inscriptions sur http://[^:]+:(\d+)/")


class ReceiverProcess:
    """`python -m receiver` on 127.0.0.1, exactly as `make serve` starts it. `port=0`
    lets the receiver bind any free port itself (read back from its first line).
    `args` are more command-line options (`--smtp`, `--territories`, …)."""

    def __init__(self, db, port: int = 0, origins=(), min_fill_seconds=0.0, args=(), ip_limit=0):
        self.db = db if str(db).startswith("postgresql://") else Path(db)
        self.requested_port = port
        self.port = port
        self.origins = list(origins)
        self.min_fill_seconds = min_fill_seconds
        self.args = [str(a) for a in args]
        self.ip_limit = ip_limit
        self.process: subprocess.Popen | None = None
        name = f"receiver-{os.getpid()}-{id(self)}.log"
        self.log = (
            Path(self.db).with_name(Path(self.db).name + ".log")
            if isinstance(self.db, Path)
            else Path(os.environ.get("TMPDIR", "/tmp")) / name
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        return self.base + "/inscriptions"

    def command(self) -> list[str]:
        command = [sys.executable, "-m", "receiver", "--host", "127.0.0.1"]
        command += ["--port", str(self.requested_port), "--db", str(self.db)]
        command += ["--min-fill-seconds", str(self.min_fill_seconds)]
        command += ["--ip-limit", str(self.ip_limit)]
        for origin in self.origins:
            command += ["--origin", origin]
        return command + self.args

    def start(self) -> ReceiverProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RECEIVER_")}
        env["PYTHONUNBUFFERED"] = "1"
        offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with self.log.open("rb") as log:
                log.seek(offset)
                found = LISTENING.search(log.read())
            if found:
                self.port = int(found[1])
                return self
            if self.process.poll() is not None:
                raise RuntimeError(self.output(offset))
            time.sleep(0.05)
        raise RuntimeError("the receiver did not start:\n" + self.output(offset))

    def output(self, offset: int = 0) -> str:
        with self.log.open("rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", "replace")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as a crash or the OOM killer would."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """`python -m receiver <args> --db <this store>`."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("RECEIVER_")}
        return subprocess.run(
            [sys.executable, "-m", "receiver", *args, "--db", str(self.db)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=check,
            timeout=60,
        )

    def token(self, *args: str) -> str:
        """A new export token: `token add <args>`; returns the secret it printed."""
        lines = self.cli("token", "add", *args).stdout.splitlines()
        return lines[1].strip()

    def rows(self, where: str = "1=1", params=()) -> list[dict]:
        if isinstance(self.db, Path):
            if not self.db.exists():
                return []
            with sqlite3.connect(self.db) as connection:
                connection.row_factory = sqlite3.Row
                query = f"SELECT * FROM signups WHERE {where} ORDER BY id"
                return [dict(r) for r in connection.execute(query, params)]
        import psycopg
        from psycopg.rows import dict_row

        with psycopg.connect(str(self.db), row_factory=dict_row) as connection:
            query = f"SELECT * FROM signups WHERE {where} ORDER BY id".replace("?", "%s")
            return list(connection.execute(query, params))
