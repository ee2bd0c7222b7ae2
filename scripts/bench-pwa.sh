#!/usr/bin/env bash
# PWA benchmark: the gzipped size of the initial JavaScript (budget < 60 KB) and a Lighthouse
# mobile run against a real `warta serve` (budget: performance and accessibility >= 95).
# Lighthouse 12 runs on Node 20 with Debian's Chromium; it is fetched on demand, so the test
# command's `npm ci` stays small. Prints the figures; exits non-zero when over budget.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  apt-get update && apt-get install -y chromium
fi
npm --prefix pwa ci --no-audit --no-fund
npm --prefix pwa run build
npm --prefix pwa run size
cargo build --release --locked -p warta

data_dir="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
WARTA_DATA_DIR="$data_dir" WARTA_LISTEN="127.0.0.1:$port" WARTA_PWA_DIR="$PWD/pwa/dist" \
  ./target/release/warta serve --sandbox >"$data_dir/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$data_dir"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

report="$data_dir/lighthouse.json"
npx --yes lighthouse@12 "http://127.0.0.1:$port/" \
  --chrome-path=/usr/bin/chromium \
  --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync" \
  --only-categories=performance,accessibility,best-practices \
  --form-factor=mobile --output=json --output-path="$report" --quiet

python3 - "$report" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
scores = {k: round(v["score"] * 100) for k, v in report["categories"].items()}
for name, score in scores.items():
    print(f"lighthouse {name}: {score}")
for audit in ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift"]:
    print(f"  {audit}: {report['audits'][audit]['displayValue']}")
over = [n for n in ("performance", "accessibility") if scores[n] < 95]
if over:
    print("over budget:", ", ".join(over))
    sys.exit(1)
print("within budget (performance and accessibility >= 95)")
PY
