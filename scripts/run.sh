#!/usr/bin/env bash
# The main job, as far as it exists today: builds the `berkas` CLI and opens a demo profile
# (encrypted SQLite, SIASN reference tables, 40 synthetic ASN in UNIT-A and UNIT-B), then
# shows what is in it. The hub (`berkas-server demo`) and the desktop app join this script
# when they land (see the open issues).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
dpkg-query -W -f='${Status}' libdbus-1-dev 2>/dev/null | grep -q "install ok installed" \
  || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq pkg-config libssl-dev libdbus-1-dev >/dev/null; }
cargo build --release -p berkas-cli
berkas="target/release/berkas"
demo="${BERKAS_DEMO_DIR:-demo-data}"
profile="$demo/profile"
if [ ! -f "$profile/profile.json" ]; then
  mkdir -p "$demo"
  # A demo profile keeps its key in a file beside it; a real one uses the OS keyring.
  "$berkas" --profile "$profile" init --secret-store file --user demo
  if [ -d ../shared/data/siasn-referensi ]; then
    "$berkas" --profile "$profile" import referensi ../shared/data/siasn-referensi >/dev/null
  fi
  "$berkas" synth --count 40 > "$demo/pegawai.json"
  "$berkas" --profile "$profile" import siasn "$demo/pegawai.json"
fi
"$berkas" --profile "$profile" info
echo
echo "UNIT-A:"
"$berkas" --profile "$profile" pegawai list --unit UNIT-A --limit 10
echo
echo "Try: $berkas --profile $profile pegawai search <nama|NIP|NIK>"
