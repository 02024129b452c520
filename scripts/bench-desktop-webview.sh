#!/usr/bin/env bash
# The desktop list in the real WebView with a 10,000-ASN unit (desktop/e2e/bench.mjs), and the
# verification queue with 1,000 waiting requests (desktop/e2e/bench-queue.mjs), under Xvfb
# through tauri-driver. Uses the binaries in $BERKAS_TARGET (default target/debug; build
# them first: cargo build -p berkas-desktop -p berkas-server, with the UI built by
# `npm --prefix desktop/ui run build` before the desktop build).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/webview.sh
work=$(mktemp -d)
trap 'stop_webview_driver; rm -rf "$work"' EXIT
start_webview_driver 98 "$work"
DISPLAY=:98 BERKAS_TARGET="${BERKAS_TARGET:-target/debug}" node desktop/e2e/bench.mjs
DISPLAY=:98 BERKAS_TARGET="${BERKAS_TARGET:-target/debug}" node desktop/e2e/bench-queue.mjs
