from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI but was not found")
    pytest.skip(f"{what} not installed")


@pytest.fixture(scope="session")
def mmdc_ready() -> None:
    """Skip (fail under CI) unless mmdc and Chromium are installed."""
    from sysdesign.render import mmdc

    if mmdc.find_mmdc() is None:
        _missing("mmdc (@mermaid-js/mermaid-cli)")
    if mmdc.find_chromium() is None:
        _missing("chromium")


@pytest.fixture(scope="session")
def postgres_bin() -> str:
    path = "/usr/lib/postgresql/15/bin"
    if not os.path.isfile(os.path.join(path, "initdb")):
        _missing("PostgreSQL 15 (initdb)")
    if shutil.which("runuser") is None and os.geteuid() == 0:
        _missing("runuser")
    return path


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """A throwaway PostgreSQL 15 cluster on 127.0.0.1, driven through psql."""

    def __init__(self, bindir: str, root: str, port: int) -> None:
        self.bindir, self.root, self.port = bindir, root, port

    def _as_owner(self, args: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args

    def psql(self, sql: str, db: str = "postgres") -> subprocess.CompletedProcess[str]:
        user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
        return subprocess.run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
             str(self.port), "-U", user, "-d", db, "-f", "-"],
            input=sql, capture_output=True, text=True, timeout=60, check=False,
        )

    def fresh_database(self, name: str) -> str:
        proc = self.psql(f'DROP DATABASE IF EXISTS "{name}"; CREATE DATABASE "{name}";')
        assert proc.returncode == 0, proc.stderr
        return name


@pytest.fixture(scope="session")
def postgres(postgres_bin):
    """Start a PostgreSQL 15 server in a temp dir on a free loopback port; stop it after."""
    import tempfile
    import time

    if shutil.which("psql") is None:
        _missing("psql")
    root = tempfile.mkdtemp(prefix="sysdesign-pg-")
    data = os.path.join(root, "data")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = _free_port()
    pg = Postgres(postgres_bin, root, port)
    init = subprocess.run(
        pg._as_owner([f"{postgres_bin}/initdb", "-D", data, "-A", "trust", "-U",
                      "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres"),
                      "--no-sync", "-E", "UTF8", "--locale", "C"]),
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert init.returncode == 0, init.stderr
    opts = f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off"
    start = subprocess.run(
        pg._as_owner([f"{postgres_bin}/pg_ctl", "-D", data, "-o", opts, "-l",
                      os.path.join(root, "log"), "-w", "-t", "60", "start"]),
        capture_output=True, text=True, timeout=90, check=False,
    )
    assert start.returncode == 0, start.stderr + start.stdout
    try:
        for _ in range(50):
            if pg.psql("SELECT 1").returncode == 0:
                break
            time.sleep(0.1)
        yield pg
    finally:
        subprocess.run(
            pg._as_owner([f"{postgres_bin}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]),
            capture_output=True, timeout=60, check=False,
        )
        shutil.rmtree(root, ignore_errors=True)
