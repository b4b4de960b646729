#!/usr/bin/env bash
# Installs what the real-editor test (tests/e2e/test_vscode.py) needs: Debian's Chromium,
# code-server 4.100.3 (the last release that runs on Node 20) and playwright-core, plus the
# extension's own npm packages. Idempotent: seconds when everything is already there.
#
# code-server and playwright-core go to $CODEWARD_E2E_DIR (default ~/.cache/codeward-e2e),
# outside the repository; the extension's packages go to vscode-client/node_modules.
# Needs root for apt-get (CI runs as root); without root it only reports what is missing.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_VERSION=1.65.1
RIPGREP_CACHE=/tmp/vscode-ripgrep-cache-1.15.11
E2E_DIR="${CODEWARD_E2E_DIR:-$HOME/.cache/codeward-e2e}"
CLIENT_DIR="$(cd "$(dirname "$0")/.." && pwd)"

log() { echo "setup-e2e: $*" >&2; }

apt_packages=()
command -v chromium >/dev/null || apt_packages+=(chromium)
command -v rg >/dev/null || apt_packages+=(ripgrep)
# code-server's native modules build against Kerberos headers with a C++ toolchain.
for pkg in libkrb5-dev build-essential pkg-config; do
    dpkg -s "$pkg" >/dev/null 2>&1 || apt_packages+=("$pkg")
done
if ((${#apt_packages[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        log "missing Debian packages: ${apt_packages[*]} (run: sudo apt-get install -y ${apt_packages[*]})"
        exit 1
    fi
    log "installing ${apt_packages[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}" >/dev/null
fi

installed_version() {
    node -p "require('$E2E_DIR/node_modules/$1/package.json').version" 2>/dev/null || true
}

if [[ $(installed_version code-server) != "$CODE_SERVER_VERSION" || $(installed_version playwright-core) != "$PLAYWRIGHT_VERSION" ]]; then
    # code-server's postinstall fetches ripgrep unless a cached archive is present: give it
    # Debian's binary under the exact name it looks for.
    archive="$RIPGREP_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
    if [[ ! -f $archive ]]; then
        tmp=$(mktemp -d)
        cp "$(command -v rg)" "$tmp/rg"
        mkdir -p "$RIPGREP_CACHE"
        tar czf "$archive" -C "$tmp" rg
        rm -rf "$tmp"
    fi
    mkdir -p "$E2E_DIR"
    [[ -f $E2E_DIR/package.json ]] || echo '{"name": "codeward-e2e", "private": true}' > "$E2E_DIR/package.json"
    log "installing code-server $CODE_SERVER_VERSION and playwright-core $PLAYWRIGHT_VERSION into $E2E_DIR (a few minutes)"
    (cd "$E2E_DIR" && npm_config_unsafe_perm=true npm_config_yes=true \
        npm install --no-audit --no-fund --loglevel=error \
        "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION" >&2)
fi

if [[ ! -d $CLIENT_DIR/node_modules || $CLIENT_DIR/package-lock.json -nt $CLIENT_DIR/node_modules/.package-lock.json ]]; then
    log "installing the extension's npm packages"
    (cd "$CLIENT_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
log "ready ($E2E_DIR)"
