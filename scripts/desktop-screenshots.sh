#!/usr/bin/env bash
# The desktop app's screenshots in docs/desktop.md, regenerated (never edited by hand): the
# WebDriver runs (desktop/e2e/run.mjs, admin.mjs) against a real demo hub write full-size
# screenshots to target/e2e-screenshots, and desktop/e2e/thumbs.mjs writes 640-pixel copies
# to docs/img/desktop. Builds what it needs first (debug).
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --prefix desktop/ui --no-audit --no-fund --silent
npm --prefix desktop/ui run build --silent
cargo build -p berkas-desktop -p berkas-server -p berkas-cli --quiet
target_dir=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
shots="$target_dir/e2e-screenshots"
rm -rf "$shots"
. scripts/lib/webview.sh
work=$(mktemp -d)
trap 'stop_webview_driver; rm -rf "$work"' EXIT
start_webview_driver 96 "$work"
for run in run admin; do
  DISPLAY=:96 BERKAS_TARGET="$target_dir/debug" BERKAS_E2E_SHOTS="$shots" node "desktop/e2e/$run.mjs"
done
rm -rf docs/img/desktop
node desktop/e2e/thumbs.mjs "$shots" docs/img/desktop 640
