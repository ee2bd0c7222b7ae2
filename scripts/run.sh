#!/usr/bin/env bash
# Runs Warta on this machine: SQLite in ./data, the PWA served at http://127.0.0.1:8080/.
# Installs what it needs first. Extra arguments go to `warta serve` (e.g. --listen 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f pwa/package.json ]; then
  if ! command -v npm >/dev/null 2>&1; then
    apt-get update && apt-get install -y nodejs npm
  fi
  npm --prefix pwa ci --no-audit --no-fund
  npm --prefix pwa run build
fi

cargo build --release --locked -p warta
exec ./target/release/warta serve "$@"
