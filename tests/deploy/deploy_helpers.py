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
from pathlib import Path


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
