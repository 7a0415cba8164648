"""The real signup receiver in a subprocess, for the signup and receiver tests."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ReceiverProcess:
    """`python -m receiver` on 127.0.0.1:<port>, exactly as `make serve` starts it."""

    def __init__(self, db: Path, port: int, origins, min_fill_seconds=0.0, export_token=None):
        self.db, self.port, self.origins = Path(db), port, list(origins)
        self.min_fill_seconds = min_fill_seconds
        self.export_token = export_token
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        return self.base + "/inscriptions"

    def start(self) -> ReceiverProcess:
        command = [sys.executable, "-m", "receiver", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--db", str(self.db)]
        command += ["--min-fill-seconds", str(self.min_fill_seconds)]
        for origin in self.origins:
            command += ["--origin", origin]
        env = {k: v for k, v in os.environ.items() if k != "RECEIVER_EXPORT_TOKEN"}
        if self.export_token:
            env["RECEIVER_EXPORT_TOKEN"] = self.export_token
        self.log = self.db.with_name(self.db.name + f".{self.port}.log")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log.read_text(errors="replace"))
            try:
                with urllib.request.urlopen(self.base + "/sante", timeout=1) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the receiver did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.process = None

    def rows(self, where: str = "1", params=()) -> list[dict]:
        if not self.db.exists():
            return []
        with sqlite3.connect(self.db) as connection:
            connection.row_factory = sqlite3.Row
            query = f"SELECT * FROM signups WHERE {where} ORDER BY id"
            return [dict(r) for r in connection.execute(query, params)]
