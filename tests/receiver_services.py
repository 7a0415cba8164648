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
import shutil
import subprocess
import tempfile
import threading
import uuid
from pathlib import Path

from aiosmtpd.smtp import SMTP


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
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


class _Keep:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_DATA(self, smtp, session, envelope):  # aiosmtpd calls it by this name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server.lock:
            for recipient in envelope.rcpt_tos:
                self.server.messages.append((recipient, message))
        return "250 OK"


class SmtpServer:
    """aiosmtpd on 127.0.0.1 in its own thread and event loop. `stop()` closes the
    listening socket (connections refused), `start()` listens again on the same port."""

    def __init__(self):
        self.messages: list[tuple[str, email.message.EmailMessage]] = []
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
