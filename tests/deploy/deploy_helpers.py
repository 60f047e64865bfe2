"""Test-only wrappers that let the real validators run the generated files on this machine.

nginx: the generated deploy/nginx.conf is the http-level server file that the official nginx image
includes from /etc/nginx/conf.d/. Its upstream lists the compose service names (api-1, api-2, ...)
on port 8000 and it listens on port 80; neither resolves nor binds here. ``nginx_site_for_test``
rewrites exactly two things: the ``server api-N:8000`` lines become ``server 127.0.0.1:PORT`` and
``listen 80`` becomes ``listen 127.0.0.1:PORT``. ``nginx_main_conf`` is the main configuration the
image would provide (events, http, mime types), with pid, logs and temp paths in a temp prefix.
Everything else in the generated file is checked and run as generated.

Prometheus: the generated prometheus.yml points at /etc/prometheus/rules.yml, where the compose
file mounts rules.yml; ``prometheus_config_for_test`` points it at the rendered rules.yml instead.
"""

from __future__ import annotations

import os
import re
import socket
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates" / "scaffold"

sys.path.insert(0, str(REPO / "tests"))

# A Twitter-like spec, used when the repository's example is not there (and to pin numbers).
TWITTER_YAML = """
name: Twitter
description: A Twitter-like service.
users:
  dau: 200M
  peak_factor: 3
  followers: {average: 200, celebrity_threshold: 10K, celebrities: 10K}
actions:
  post_tweet:
    kind: write
    per_user_per_day: 2
    request_size: 300 B
    endpoint: POST /api/v1/tweets
    fanout: true
  read_timeline:
    kind: read
    per_user_per_day: 100
    response_size: 10 KB
    endpoint: GET /api/v1/timeline
requirements:
  availability: 99.99%
  latency:
    read_timeline: {p99: 200 ms}
    post_tweet: {p95: 500 ms}
"""

SMALL_YAML = """
name: Small shop
users:
  dau: 10K
actions:
  browse:
    kind: read
    per_user_per_day: 20
    endpoint: GET /api/v1/items
  buy:
    kind: write
    per_user_per_day: 1
    endpoint: POST /api/v1/orders
requirements:
  availability: 99.9%
  latency:
    browse: {p95: 300 ms}
"""


def render_deploy(sizing: dict[str, Any], out: Path) -> Path:
    """Render templates/scaffold/deploy and .github the way the scaffold generator does.

    Jinja2 with StrictUndefined, every file rendered, the .j2 suffix dropped. Only the deploy
    context is given, which proves these templates need nothing else.
    """
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    for sub in ("deploy", ".github"):
        for src in sorted((TEMPLATES / sub).rglob("*")):
            if not src.is_file() or "__pycache__" in src.parts:
                continue
            rel = src.relative_to(TEMPLATES)
            text = env.get_template(rel.as_posix()).render(deploy=sizing)
            dest = out / rel
            if dest.suffix == ".j2":
                dest = dest.with_suffix("")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
    return out


def sizing_for(yaml_text: str, with_design: bool = False) -> dict[str, Any]:
    from sysdesign import estimate, load_spec_text
    from sysdesign.scaffold.sizing import deployment_sizing

    spec = load_spec_text(yaml_text)
    est = estimate(spec)
    design = None
    if with_design:
        from sysdesign import derive_design

        design = derive_design(spec, est)
    return deployment_sizing(spec, est, design)


from services import require_binary  # noqa: E402,F401  (skip locally, fail under CI)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def nginx_site_for_test(site_text: str, listen_port: int, upstream_ports: list[int]) -> str:
    servers = re.findall(r"^\s*server api-(\d+):8000\b", site_text, flags=re.M)
    if len(servers) != len(upstream_ports):
        raise AssertionError(
            f"nginx.conf lists {len(servers)} api servers, test gave {len(upstream_ports)} ports"
        )

    def upstream(m: re.Match[str]) -> str:
        port = upstream_ports[int(m.group(1)) - 1]
        return f"{m.group(0).split('server')[0]}server 127.0.0.1:{port}"

    text = re.sub(r"^\s*server api-(\d+):8000", upstream, site_text, flags=re.M)
    text, n = re.subn(r"^(\s*)listen 80;", rf"\g<1>listen 127.0.0.1:{listen_port};", text,
                      flags=re.M)
    if n != 1:
        raise AssertionError("nginx.conf has no single 'listen 80;' line")
    return text


def nginx_main_conf(prefix: Path, site_path: Path) -> str:
    user = "user root;\n" if os.geteuid() == 0 else ""
    temps = "\n".join(
        f"    {kind}_temp_path {prefix}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
daemon off;
events {{
    worker_connections 1024;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
{temps}
    include {site_path};
}}
"""


def write_nginx_test_config(site_text: str, prefix: Path, listen_port: int,
                            upstream_ports: list[int]) -> Path:
    prefix.mkdir(parents=True, exist_ok=True)
    site = prefix / "site.conf"
    site.write_text(nginx_site_for_test(site_text, listen_port, upstream_ports))
    main = prefix / "nginx.conf"
    main.write_text(nginx_main_conf(prefix, site))
    return main


def prometheus_config_for_test(config_text: str, rules_path: Path) -> str:
    text, n = re.subn(r"/etc/prometheus/rules\.yml", str(rules_path), config_text)
    if n != 1:
        raise AssertionError("prometheus config does not load /etc/prometheus/rules.yml once")
    return text


# --- running the generated service on loopback (smoke test and load benchmark) ----------------

def wait_http(url: str, timeout: float = 30.0, procs: list | None = None) -> None:
    import time

    import httpx

    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        for p in procs or []:
            if p.poll() is not None:
                raise RuntimeError(f"process {p.args} exited with {p.returncode} while waiting "
                                   f"for {url}")
        try:
            r = httpx.get(url, timeout=2)
            if r.status_code == 200:
                return
            last = f"{r.status_code} {r.text[:200]}"
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.1)
    raise RuntimeError(f"{url} not ready after {timeout}s: {last}")


class Stack:
    """The generated service's processes on loopback: api replicas, workers, optionally nginx.

    Each process logs to a file in ``logs``; ``stop()`` terminates exactly the processes it
    started (by their handles), then waits for them.
    """

    def __init__(self, project: Path, logs: Path, env: dict[str, str]) -> None:
        self.project = project
        self.logs = logs
        self.env = env
        self.procs: list = []
        self.api_ports: list[int] = []
        self.nginx_port: int | None = None
        logs.mkdir(parents=True, exist_ok=True)

    def _spawn(self, name: str, cmd: list[str]):
        import subprocess

        out = open(self.logs / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        p = subprocess.Popen(cmd, cwd=self.project, env=self.env, stdout=out,
                             stderr=subprocess.STDOUT)
        self.procs.append(p)
        return p

    def migrate(self) -> None:
        import subprocess
        import sys

        r = subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=self.project,
                           env=self.env, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"alembic upgrade head failed:\n{r.stdout}\n{r.stderr}")

    def start_api(self, count: int, extra_args: list[str] | None = None) -> list[int]:
        import sys

        for _ in range(count):
            port = free_port()
            self._spawn(f"api-{port}", [sys.executable, "-m", "uvicorn", "app.main:app",
                                        "--host", "127.0.0.1", "--port", str(port),
                                        "--no-access-log", *(extra_args or [])])
            self.api_ports.append(port)
        for port in self.api_ports:
            wait_http(f"http://127.0.0.1:{port}/ready", procs=self.procs)
        return self.api_ports

    def start_workers(self, count: int) -> None:
        import sys

        for i in range(count):
            self._spawn(f"worker-{i + 1}", [sys.executable, "-m", "app.worker"])

    def start_nginx(self, nginx: str, site_text: str) -> int:
        n = len(re.findall(r"^\s*server api-\d+:8000", site_text, flags=re.M))
        # The generated upstream lists n replicas; map them round-robin onto the ports running.
        ports = [self.api_ports[i % len(self.api_ports)] for i in range(n)]
        self.nginx_port = free_port()
        prefix = self.logs / "nginx"
        conf = write_nginx_test_config(site_text, prefix, self.nginx_port, ports)
        self._spawn("nginx", [nginx, "-p", str(prefix), "-c", str(conf), "-e",
                              str(prefix / "error.log")])
        wait_http(f"http://127.0.0.1:{self.nginx_port}/nginx-health", procs=self.procs)
        return self.nginx_port

    def stop(self) -> None:
        import subprocess

        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
        for p in reversed(self.procs):
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)
        self.procs.clear()

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def service_env(project: Path, database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "JWT_SECRET": "smoke-test-secret-" + "x" * 40,
        "APP_ENV": "production",
        "QUEUE_BACKEND": "redis",
        "PYTHONPATH": str(project),
        "LOG_LEVEL": "WARNING",
    })
    env.update(extra)
    return env
