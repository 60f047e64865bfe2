#!/usr/bin/env bash
# Install what sysdesign needs to render Mermaid diagrams: Node.js/npm, Chromium (Debian
# packages) and @mermaid-js/mermaid-cli@11 under <checkout>/.cache/mermaid.
# Idempotent: each step is skipped when its result is already present, so it is cheap to run
# on every CI build. Keep .cache/ between builds to skip the npm download (~20 s).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX="$ROOT/.cache/mermaid"
MMDC="$PREFIX/node_modules/.bin/mmdc"
MERMAID_CLI_VERSION="${MERMAID_CLI_VERSION:-11}"

apt_install() {
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "${_APT_UPDATED:-}" ]; then
        $sudo apt-get update -qq
        _APT_UPDATED=1
    fi
    $sudo apt-get install -y -qq --no-install-recommends "$@"
}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "install-mermaid: installing nodejs and npm"
    apt_install nodejs npm
fi

if [ ! -x /usr/bin/chromium ] && ! command -v chromium >/dev/null 2>&1; then
    echo "install-mermaid: installing chromium"
    apt_install chromium fonts-dejavu-core
fi

have_version() {
    [ -x "$MMDC" ] || return 1
    local v
    v="$("$MMDC" --version 2>/dev/null || true)"
    [ "${v%%.*}" = "$MERMAID_CLI_VERSION" ]
}

if have_version; then
    echo "install-mermaid: mmdc $("$MMDC" --version) already in $PREFIX"
else
    echo "install-mermaid: installing @mermaid-js/mermaid-cli@$MERMAID_CLI_VERSION into $PREFIX"
    mkdir -p "$PREFIX"
    # Use the system Chromium, never puppeteer's own download.
    PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --prefix "$PREFIX" \
        "@mermaid-js/mermaid-cli@$MERMAID_CLI_VERSION"
    have_version || { echo "install-mermaid: mmdc did not install" >&2; exit 1; }
fi
