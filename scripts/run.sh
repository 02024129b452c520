#!/usr/bin/env bash
# The main job: the hub (`berkas-server demo`) on its embedded SQLite with the demo instansi
# (UNIT-A and UNIT-B, 24 synthetic ASN each; accounts admin, fas-a, fas-b and every ASN by NIP),
# serving on http://127.0.0.1:8080 until Ctrl-C. It also prepares a local `berkas` CLI profile
# with the SIASN reference tables. Where a display exists (DISPLAY or WAYLAND_DISPLAY), it also
# builds and opens the desktop app (sign in as fas-a to the hub's address); BERKAS_NO_DESKTOP=1
# keeps it to the hub.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
dpkg-query -W -f='${Status}' libdbus-1-dev 2>/dev/null | grep -q "install ok installed" \
  || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq pkg-config libssl-dev libdbus-1-dev >/dev/null; }
cargo build --release -p berkas-cli -p berkas-server
demo="${BERKAS_DEMO_DIR:-demo-data}"
listen="${BERKAS_LISTEN:-127.0.0.1:8080}"
password="${BERKAS_DEMO_PASSWORD:-demo-berkas}"
berkas="target/release/berkas"
profile="$demo/profile"
if [ ! -f "$profile/profile.json" ]; then
  mkdir -p "$demo"
  # A demo profile keeps its key in a file beside it; a real one uses the OS keyring.
  "$berkas" --profile "$profile" init --secret-store file --user demo >/dev/null
  if [ -d ../shared/data/siasn-referensi ]; then
    "$berkas" --profile "$profile" import referensi ../shared/data/siasn-referensi >/dev/null
  fi
fi
echo "Local CLI profile: $berkas --profile $profile info"
echo "Hub accounts: admin, fas-a, fas-b and each ASN by NIP; password: $password"
refs=()
[ -d ../shared/data/siasn-referensi ] && refs=(--referensi ../shared/data/siasn-referensi)
hub=(target/release/berkas-server demo --data "$demo/hub" --listen "$listen" --password "$password" "${refs[@]}")
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || [ -n "${BERKAS_NO_DESKTOP:-}" ]; then
  exec "${hub[@]}"
fi
gui=(libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libxdo-dev)
for p in "${gui[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${gui[@]}" >/dev/null; break; }
done
command -v npm >/dev/null || { echo "the desktop app needs Node.js and npm" >&2; exit 1; }
npm ci --prefix desktop/ui --no-audit --no-fund --silent
npm --prefix desktop/ui run --silent build
cargo build --release -p berkas-desktop --features os-keyring
"${hub[@]}" &
hub_pid=$!
trap 'kill "$hub_pid" 2>/dev/null || true' EXIT
echo "Desktop: sign in to http://$listen as fas-a (password $password)"
target/release/berkas-desktop --profile "$demo/desktop"
