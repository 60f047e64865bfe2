"""Throwaway PostgreSQL and Redis servers for tests and benchmarks, on free loopback ports in
temporary directories. No mocks: the Debian packages' real binaries.

    with postgres_server() as pg, redis_server() as rd:
        pg.url   # postgresql://postgres@127.0.0.1:PORT/app
        rd.url   # redis://127.0.0.1:PORT/0

As pytest fixtures (session scope), import them into a conftest.py:

    from services import pg_server, redis_srv  # noqa: F401

Missing binaries: ``require_binary`` skips locally and fails when the CI variable is set.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PG_DB = "app"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    if name in ("initdb", "pg_ctl", "postgres", "psql", "createdb"):
        candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
        if candidates:
            return candidates[0]
    return None


def missing(what: str) -> None:
    """A test needs something absent: pytest.skip locally, pytest.fail when CI is set."""
    import pytest

    msg = f"{what} is not installed"
    if os.environ.get("CI"):
        pytest.fail(f"{msg} (CI must install it: see .ci/setup.sh)")
    pytest.skip(msg)


def require_binary(name: str) -> str:
    """The binary's path; pytest.skip when missing, pytest.fail when the CI variable is set."""
    path = find_binary(name)
    if path is None:
        missing(name)
    return path


def _wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


@dataclass
class PostgresServer:
    port: int
    datadir: Path
    base: Path
    pg_ctl: str
    as_postgres: list[str]

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{PG_DB}"

    @property
    def async_url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{PG_DB}"

    def psql(self, sql: str, db: str = PG_DB) -> str:
        psql = find_binary("psql") or "psql"
        r = subprocess.run(
            [*self.as_postgres, psql, "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-d", db, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
            capture_output=True, text=True, timeout=60, check=True)
        return r.stdout

    def stop(self) -> None:
        subprocess.run([*self.as_postgres, self.pg_ctl, "-D", str(self.datadir), "-m", "immediate",
                        "-w", "stop"], capture_output=True, timeout=60)


@contextlib.contextmanager
def postgres_server(max_connections: int = 200) -> Iterator[PostgresServer]:
    """initdb a fresh cluster in a temp dir, start it on a free loopback port, drop it after."""
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    if not initdb or not pg_ctl:
        raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl) not found")
    base = Path(tempfile.mkdtemp(prefix="sysdesign-pg-"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
        as_postgres = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base, "postgres", "postgres")
        os.chmod(base, 0o700)
    datadir = base / "data"
    port = free_port()
    server = PostgresServer(port, datadir, base, pg_ctl, as_postgres)
    try:
        subprocess.run([*as_postgres, initdb, "-D", str(datadir), "-A", "trust", "-U", "postgres",
                        "--no-sync", "-E", "UTF8"], capture_output=True, text=True, timeout=120,
                       check=True)
        opts = (f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
                f"-c synchronous_commit=off -c full_page_writes=off "
                f"-c max_connections={max_connections}")
        subprocess.run([*as_postgres, pg_ctl, "-D", str(datadir), "-o", opts, "-l",
                        str(base / "server.log"), "-w", "-t", "60", "start"],
                       capture_output=True, text=True, timeout=90, check=True)
        server.psql(f"CREATE DATABASE {PG_DB}", db="postgres")
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@dataclass
class RedisServer:
    port: int
    base: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def cli(self, *args: str) -> str:
        r = subprocess.run([find_binary("redis-cli") or "redis-cli", "-p", str(self.port), *args],
                           capture_output=True, text=True, timeout=30)
        return r.stdout.strip()

    def stop(self) -> None:
        pidfile = self.base / "redis.pid"
        self.cli("shutdown", "nosave")
        deadline = time.monotonic() + 10
        while pidfile.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if pidfile.exists():
            with contextlib.suppress(ValueError, ProcessLookupError, FileNotFoundError):
                os.kill(int(pidfile.read_text().strip()), 9)

    def start(self) -> None:
        redis = find_binary("redis-server")
        if not redis:
            raise FileNotFoundError("redis-server not found")
        subprocess.run([redis, "--port", str(self.port), "--bind", "127.0.0.1",
                        "--daemonize", "yes", "--dir", str(self.base), "--save", "",
                        "--appendonly", "no", "--pidfile", str(self.base / "redis.pid"),
                        "--logfile", str(self.base / "redis.log")],
                       capture_output=True, text=True, timeout=30, check=True)
        _wait_port(self.port)


@contextlib.contextmanager
def redis_server() -> Iterator[RedisServer]:
    base = Path(tempfile.mkdtemp(prefix="sysdesign-redis-"))
    server = RedisServer(free_port(), base)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


# --- pytest fixtures (session scope); import them into a conftest.py to use them -------------

try:
    import pytest
except ImportError:  # pragma: no cover - the benchmark imports this module without pytest
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.fixture(scope="session")
    def pg_server() -> Iterator[PostgresServer]:
        require_binary("initdb")
        require_binary("pg_ctl")
        with postgres_server() as pg:
            yield pg

    @pytest.fixture(scope="session")
    def redis_srv() -> Iterator[RedisServer]:
        require_binary("redis-server")
        with redis_server() as rd:
            yield rd
