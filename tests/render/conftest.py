from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def _missing(what: str) -> None:
    from tests.services import missing

    missing(what)


@pytest.fixture(scope="session")
def postgres_bin() -> str:
    path = "/usr/lib/postgresql/15/bin"
    if not os.path.isfile(os.path.join(path, "initdb")):
        _missing("PostgreSQL 15 (initdb)")
    if shutil.which("runuser") is None and os.geteuid() == 0:
        _missing("runuser")
    return path


class Postgres:
    """A throwaway PostgreSQL server (tests/services.py), driven through psql over TCP."""

    def __init__(self, port: int) -> None:
        self.port = port

    def psql(self, sql: str, db: str = "postgres") -> subprocess.CompletedProcess[str]:
        """Run SQL; returns the completed process (returncode, stdout, stderr) for asserts."""
        return subprocess.run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
             str(self.port), "-U", "postgres", "-d", db, "-f", "-"],
            input=sql, capture_output=True, text=True, timeout=60, check=False,
        )

    def fresh_database(self, name: str) -> str:
        proc = self.psql(f'DROP DATABASE IF EXISTS "{name}"; CREATE DATABASE "{name}";')
        assert proc.returncode == 0, proc.stderr
        return name


@pytest.fixture(scope="session")
def postgres(postgres_bin):
    """A PostgreSQL 15 server on a free loopback port in a temp dir, stopped afterwards."""
    from services import postgres_server

    if shutil.which("psql") is None:
        _missing("psql")
    with postgres_server() as server:
        yield Postgres(server.port)
