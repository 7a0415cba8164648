"""Real servers for the receiver tests: a throwaway PostgreSQL cluster and an SMTP
server (aiosmtpd) on loopback that keeps every message it receives.

PostgreSQL is Debian's (`.ci/run` installs `postgresql`): `initdb` and `pg_ctl` from
/usr/lib/postgresql/*/bin, run as `nobody` when the tests run as root (PostgreSQL
refuses root), in a temporary directory, listening only on a Unix socket in that
directory (no TCP port to race for), stopped and deleted at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import glob
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # where `python -m receiver` runs
LISTENING = re.compile(rb"R\xc3\xa9cepteur des inscriptions sur http://[^:]+:(\d+)/")


def wait_for(predicate, timeout: float = 60, what: str = "condition"):
    """Poll `predicate` until it is true (its value is returned) or fail after
    `timeout` seconds: for outcomes of another process (no fixed sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run .ci/run or apt-get install postgresql")
    return Path(found[-1]).parent


class PostgresCluster:
    def __init__(self):
        self.bin = _pg_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="receiver-pg-"))
        self.data = self.dir / "data"
        self.as_user = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.dir, "nobody")

    def _run(self, *command: str) -> None:
        subprocess.run([*self.as_user, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> PostgresCluster:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "venez", "--auth=trust",
            "-E", "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        options = f"-c listen_addresses= -k {self.dir} -c max_connections=200"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.dir / "server.log"), "-w", "-t", "60", "start",
        )  # fmt: skip
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://venez@/{database}?host={self.dir}"

    def new_database(self) -> str:
        """A fresh, empty database of the cluster; returns its URL."""
        import psycopg

        name = "t" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def execute(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as connection:
            connection.execute(sql)

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            # immediate: the cluster is thrown away, nothing to flush
            self._run(
                str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"
            )
        shutil.rmtree(self.dir, ignore_errors=True)


class _Keep:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_DATA(self, smtp, session, envelope):  # aiosmtpd calls it by this name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server.lock:
            for recipient in envelope.rcpt_tos:
                self.server.messages.append((recipient, message))
                if self.server.on_message:
                    self.server.on_message(recipient, message)
        return "250 OK"


class SmtpServer:
    """aiosmtpd on 127.0.0.1 in its own thread and event loop. `stop()` closes the
    listening socket (connections refused), `start()` listens again on the same port."""

    def __init__(self, on_message=None):
        self.messages: list[tuple[str, email.message.EmailMessage]] = []
        self.on_message = on_message
        self.lock = threading.Lock()
        self.port = 0
        self.loop = asyncio.new_event_loop()
        self.server = None
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpServer:
        from aiosmtpd.smtp import SMTP

        handler = _Keep(self)

        async def listen():
            return await self.loop.create_server(
                lambda: SMTP(handler, hostname="test.invalid"),
                "127.0.0.1",
                self.port,
                reuse_address=True,
            )

        self.server = asyncio.run_coroutine_threadsafe(listen(), self.loop).result(10)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        async def close():
            self.server.close()
            await self.server.wait_closed()

        if self.server is not None:
            asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
            self.server = None

    def close(self) -> None:
        self.stop()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def received(self, to: str | None = None) -> list[email.message.EmailMessage]:
        with self.lock:
            return [m for r, m in self.messages if to is None or r == to]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


class ReceiverProcess:
    """`python -m receiver` on 127.0.0.1, exactly as `make serve` starts it. `port=0`
    lets the receiver bind any free port itself (read back from its first line).
    `args` are more command-line options (`--smtp`, `--territories`, …)."""

    def __init__(
        self, db, port: int = 0, origins=(), min_fill_seconds=0.0, args=(), ip_limit=0, log=None
    ):
        self.db = db if str(db).startswith("postgresql://") else Path(db)
        self.requested_port = port
        self.port = port
        self.origins = list(origins)
        self.min_fill_seconds = min_fill_seconds
        self.args = [str(a) for a in args]
        self.ip_limit = ip_limit
        self.process: subprocess.Popen | None = None
        # The receiver's output: beside a SQLite file, else where asked (a test's
        # tmp_path), else in a temporary folder of its own.
        if log is None and isinstance(self.db, Path):
            log = self.db.with_name(self.db.name + ".log")
        self.log = Path(log or Path(tempfile.mkdtemp(prefix="receiver-log-")) / "receiver.log")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        return self.base + "/inscriptions"

    def command(self) -> list[str]:
        command = [sys.executable, "-m", "venez_vivre.receiver", "--host", "127.0.0.1"]
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
            [sys.executable, "-m", "venez_vivre.receiver", *args, "--db", str(self.db)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            encoding="utf-8",
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


def _serve_smtp(record: Path) -> None:
    """`python -m receiver.testing smtp FILE`: an SMTP server in its own process (the
    benchmark keeps it out of its own, busy one) that appends each received message's
    Message-ID to FILE and prints its port."""
    with record.open("a", encoding="utf-8") as out:

        def keep(_recipient, message):
            out.write(f"{message['Message-ID']}\n")
            out.flush()

        server = SmtpServer(on_message=keep).start()
        print(server.port, flush=True)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        stop.wait()
        server.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["smtp"] and len(sys.argv) == 3:
        _serve_smtp(Path(sys.argv[2]))
    else:
        sys.exit("usage: python -m receiver.testing smtp FILE")
