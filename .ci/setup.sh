#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian 12 machine (run as root, or with
# sudo available): the servers the tests start themselves (PostgreSQL 15, Redis 7, nginx),
# the validators (promtool, docker-compose), Chromium and mermaid-cli for diagram rendering,
# and sysdesign itself with its test and scaffold extras. Each step is skipped when done.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
[ -x /usr/bin/chromium ] || need+=(chromium fonts-dejavu-core)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ "${#need[@]}" -gt 0 ]; then
    echo "setup: apt-get install ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Debian starts these services on install; the tests run their own on free ports.
for svc in nginx redis-server prometheus; do
    $SUDO systemctl stop "$svc" >/dev/null 2>&1 || $SUDO service "$svc" stop >/dev/null 2>&1 || true
done

python3 -m pip install --quiet --disable-pip-version-check -e ".[scaffold,test]"
bash "$ROOT/.ci/install-mermaid.sh"
