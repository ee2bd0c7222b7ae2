#!/usr/bin/env bash
# Runs the whole test suite: formatting and lints, unit tests, and the end-to-end suite once
# on SQLite and once on PostgreSQL. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."

# PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth); start the local cluster if it is down.
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

if ! command -v cargo-nextest >/dev/null 2>&1; then
  cargo install cargo-nextest --locked
fi

cargo fmt --all --check
# One build serves clippy, the unit tests and both end-to-end passes.
cargo clippy --workspace --all-targets --locked -- -D warnings

# The printed-records tests read PDFs with pdftotext and render them with pdftoppm.
command -v pdftotext >/dev/null || (apt-get update && apt-get install -y poppler-utils)

echo "== unit tests and end-to-end tests on SQLite =="
WARTA_TEST_DB=sqlite cargo nextest run --workspace --locked --no-fail-fast

echo "== end-to-end tests on PostgreSQL =="
# Selected by a filter rather than `-p warta-tests`: `-p` unifies the dependencies' features
# without the other members' and rebuilds part of the tree (1.5 minutes in CI); a filter
# reuses the build above.
WARTA_TEST_DB=postgres cargo nextest run --workspace --locked --no-fail-fast -E 'package(warta-tests)'

echo "== PWA: typecheck, lint, unit tests, build, browser end-to-end =="
# The browser tests drive Debian's Chromium (browser downloads do not work here).
if [ ! -x /usr/bin/chromium ]; then
  apt-get update && apt-get install -y chromium
fi
npm --prefix pwa ci --no-audit --no-fund
npm --prefix pwa run typecheck
npm --prefix pwa run lint
npm --prefix pwa test
npm --prefix pwa run build
npm --prefix pwa run size
# The server binary of the test build above (the records CLI tests run it too); `--no-run`
# only makes sure it is the current one. A plain `cargo build` would unify features without
# the dev-dependencies and rebuild much of the tree (1m19s in CI).
cargo nextest run --workspace --locked --no-run
WARTA_BIN="$PWD/target/debug/warta" npm --prefix pwa run e2e
