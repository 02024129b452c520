#!/usr/bin/env bash
# The desktop list in the real WebView with a 10,000-ASN unit (desktop/e2e/bench.mjs), under
# Xvfb through tauri-driver. Uses the binaries in $BERKAS_TARGET (default target/debug; build
# them first: cargo build -p berkas-desktop -p berkas-server, with the UI built by
# `npm --prefix desktop/ui run build` before the desktop build).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked --quiet
npm ci --prefix desktop/e2e --no-audit --no-fund --silent
work=$(mktemp -d)
Xvfb :98 -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
DISPLAY=:98 tauri-driver --port 4444 --native-driver /usr/bin/WebKitWebDriver >"$work/driver.log" 2>&1 &
driver_pid=$!
trap 'kill "$driver_pid" "$xvfb_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/4444) 2>/dev/null && break; sleep 0.1; done
DISPLAY=:98 BERKAS_TARGET="${BERKAS_TARGET:-target/debug}" node desktop/e2e/bench.mjs
