#!/usr/bin/env bash
# Runs every test of Berkas on a fresh Debian machine: installs what it needs (idempotently),
# checks formatting and lints, runs the whole workspace's tests, then the OS-keyring tests
# inside a real Secret Service session. `.ci/run` runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0

section() { printf '\n==> %s\n' "$*"; }

section "system packages"
packages=(pkg-config libssl-dev libdbus-1-dev dbus keyutils gnome-keyring sqlite3 postgresql libjna-java libjna-jni junit4 fonts-dejavu-core
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libxdo-dev
  webkit2gtk-driver xvfb libvips-tools)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "ok: ${packages[*]}"

# A run from a clean clone writes about 4 GB (3.5 GB of it the target dir). Said up front, so
# that a full disk reads as that and not as a compiler's I/O error halfway through.
free_gb=$(( $(df -Pk . | awk 'NR == 2 {print $4}') / 1024 / 1024 ))
echo "disk: ${free_gb} GB free"
if [ "$free_gb" -lt 6 ]; then
  echo "warning: less than 6 GB free; a clean run needs about 4 GB and may fail with 'No space left on device'" >&2
fi

if [ ! -d ../shared/data/siasn-referensi ]; then
  echo "error: ../shared/data/siasn-referensi is missing (the tests read SIASN reference tables from it)" >&2
  exit 1
fi

section "desktop UI: types, unit tests, build (Tauri embeds the build)"
npm ci --prefix desktop/ui --no-audit --no-fund --silent
npm --prefix desktop/ui run --silent check
npm --prefix desktop/ui test --silent
npm --prefix desktop/ui run --silent build

section "format"
cargo fmt --all -- --check

section "lint"
cargo clippy --workspace --all-targets --locked -- -D warnings
# The hub shares core's model, merge and wire types, not the device's sync client (its HTTP
# client for S3 comes with object_store).
if cargo tree -p berkas-server -e features,normal --locked -i berkas-core | grep -q 'berkas-core feature "client"'; then
  echo "berkas-server links the device's sync client: build core without feature client" >&2
  exit 1
fi

section "PostgreSQL for the server tests"
read -r BERKAS_TEST_POSTGRES pg_dir < <(bash scripts/postgres.sh)
export BERKAS_TEST_POSTGRES
stop_postgres() {
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$pgbin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true
  else "$pgbin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true; fi
  rm -rf "$pg_dir"
}
trap stop_postgres EXIT
echo "ok: $BERKAS_TEST_POSTGRES"

section "Garage (S3-compatible object store) for the document-store tests"
# Built from crates.io once (about 8-11 minutes on 2 cores) into ~/.cargo/bin, where the next
# run finds it; the tests start their own node on loopback.
garage_version=2.5.0
garage_bin="${CARGO_HOME:-$HOME/.cargo}/bin/garage"
if ! "$garage_bin" --version 2>/dev/null | grep -q "cargo:$garage_version"; then
  cargo install --locked --quiet garage --version "$garage_version"
fi
export BERKAS_TEST_GARAGE="$garage_bin"
echo "ok: $("$garage_bin" --version | cut -d' ' -f1-2)"

section "tests"
# Every cargo step below selects the whole workspace with these features, so that they all
# share this build: selecting one package resolves its dependencies' features anew and builds
# a second copy of berkas-core and much of the tree (time, and GBs of disk).
features=(--workspace --features berkas-core/os-keyring,berkas-ffi/bindgen --locked)
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run "${features[@]}" --no-fail-fast
else
  cargo test "${features[@]}" --no-fail-fast
fi

section "benchmarks: every binary at a small size (completes, prints its ratio)"
BERKAS_BENCH_POSTGRES="$BERKAS_TEST_POSTGRES" bash scripts/bench-smoke.sh

section "bindings: Python, generated from the library by the pinned uniffi-bindgen"
# --tests keeps the dev-dependencies in the feature resolution (tokio's test-util ...), as in
# the tests' build: without it tokio and everything above it would be built again.
cargo build "${features[@]}" --tests --lib --bin uniffi-bindgen
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
py_out="$target_dir/bindings/python"
rm -rf "$py_out"
"$target_dir/debug/uniffi-bindgen" generate --library "$target_dir/debug/libberkas_ffi.so" --language python --out-dir "$py_out" >/dev/null
cp "$target_dir/debug/libberkas_ffi.so" "$py_out/"
PYTHONPATH="$py_out" python3 bindings/tests/smoke.py

section "bindings: Kotlin on the host JVM against a real hub"
# kotlinc and kotlinx-coroutines from npm (Debian's coroutines are too old); JNA and JUnit 4
# from Debian. Installed once into the target dir.
kotlin_home="$target_dir/tools/node_modules/kotlin-compiler"
if [ ! -x "$kotlin_home/bin/kotlinc" ]; then
  npm install --prefix "$target_dir/tools" --no-audit --no-fund --silent kotlin-compiler@2.4.20
fi
kt_out="$target_dir/bindings/kotlin"
rm -rf "$kt_out"
# bindings/uniffi.toml (package name, omit_checksums) is read from the crate by library mode.
"$target_dir/debug/uniffi-bindgen" generate --library "$target_dir/debug/libberkas_ffi.so" --language kotlin \
  --no-format --out-dir "$kt_out" >/dev/null
kt_cp="/usr/share/java/jna.jar:$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar:/usr/share/java/junit4.jar"
kt_cp="$kt_cp:$kotlin_home/lib/kotlin-test.jar:$kotlin_home/lib/kotlin-test-junit.jar"
"$kotlin_home/bin/kotlinc" -nowarn "$kt_out"/id/berkas/core/*.kt bindings/tests/kotlin/*.kt -cp "$kt_cp" -d "$kt_out/tests.jar"
# The Android app's logic module (mobile/logic) with its tests, over the same bindings.
"$kotlin_home/bin/kotlinc" -nowarn "$kt_out"/id/berkas/core/*.kt mobile/logic/src/main/kotlin/id/berkas/app/logic/*.kt \
  mobile/logic/src/test/kotlin/id/berkas/app/logic/*.kt -cp "$kt_cp" -d "$kt_out/app-logic.jar"
# The workspace tests above built the hub (its integration tests need the binary).
hub_dir=$(mktemp -d)
"$target_dir/debug/berkas-server" demo --data "$hub_dir/data" --listen 127.0.0.1:0 --password kotlin-ci \
  --per-unit 3 --referensi ../shared/data/siasn-referensi >"$hub_dir/log" 2>&1 &
hub_pid=$!
for _ in $(seq 1 600); do grep -q "listening on" "$hub_dir/log" && break; sleep 0.1; done
hub_url=$(sed -n 's/^berkas-server listening on \(.*\)$/\1/p' "$hub_dir/log")
hub_nip=$(sed -n 's/^for example: ASN \([0-9]*\).*/\1/p' "$hub_dir/log")
# A daftar nominatif the facilitator's CLI has this hub sign, for the phone to check offline.
fas_cli=("$target_dir/debug/berkas" --profile "$hub_dir/fas")
"${fas_cli[@]}" init --secret-store file >/dev/null
echo kotlin-ci | "${fas_cli[@]}" login --server "$hub_url" --user fas-a --password-stdin >/dev/null
"${fas_cli[@]}" sync >/dev/null
"${fas_cli[@]}" report nominatif --unit UNIT-A --format pdf --out "$hub_dir/signed.pdf" --sign >/dev/null
status=0
BERKAS_HUB_URL="$hub_url" BERKAS_HUB_PASSWORD=kotlin-ci BERKAS_HUB_NIP="$hub_nip" BERKAS_SIGNED_PDF="$hub_dir/signed.pdf" \
  java -Djava.awt.headless=true -Djna.library.path="$target_dir/debug" -Djava.io.tmpdir="$hub_dir" \
  -cp "$kt_out/tests.jar:$kt_cp:/usr/share/java/hamcrest-core.jar:$kotlin_home/lib/kotlin-stdlib.jar" \
  org.junit.runner.JUnitCore BindingsTest || status=$?
mark="$hub_dir/phone-number"
# JourneyTest starts and stops its own hub (the week offline) and drives the facilitator's CLI.
BERKAS_HUB_URL="$hub_url" BERKAS_HUB_PASSWORD=kotlin-ci BERKAS_HUB_NIP="$hub_nip" BERKAS_KT_MARK="$mark" \
  BERKAS_SERVER_BIN="$target_dir/debug/berkas-server" BERKAS_CLI_BIN="$target_dir/debug/berkas" \
  java -Djava.awt.headless=true -Djna.library.path="$target_dir/debug" -Djava.io.tmpdir="$hub_dir" \
  -cp "$kt_out/app-logic.jar:$kt_cp:/usr/share/java/hamcrest-core.jar:$kotlin_home/lib/kotlin-stdlib.jar" \
  org.junit.runner.JUnitCore id.berkas.app.logic.AppLogicTest id.berkas.app.logic.JourneyTest || status=$?
# The phone number the app's logic saved reaches the berkas CLI on another profile.
if [ "$status" -eq 0 ]; then
  cli=("$target_dir/debug/berkas" --profile "$hub_dir/cli")
  "${cli[@]}" init --secret-store file >/dev/null
  echo kotlin-ci | "${cli[@]}" login --server "$hub_url" --user admin --password-stdin >/dev/null
  "${cli[@]}" sync >/dev/null
  "${cli[@]}" pegawai show "$hub_nip" --json > "$hub_dir/record.json"
  python3 - "$hub_dir/record.json" "$(cat "$mark")" <<'PY' || status=$?
import json, sys
record = json.load(open(sys.argv[1]))
got = record["data_utama"]["values"].get("no_hp")
assert got == sys.argv[2], f"the CLI sees no_hp {got!r}, the app saved {sys.argv[2]!r}"
print(f"the berkas CLI on another profile sees the phone number saved through Kotlin: {got}")
PY
fi
kill "$hub_pid" 2>/dev/null || true
rm -rf "$hub_dir"
[ "$status" -eq 0 ]

section "desktop: end to end under Xvfb (tauri-driver, WebKitWebDriver, webdriverio)"
. scripts/lib/webview.sh
e2e_dir=$(mktemp -d)
start_webview_driver 97 "$e2e_dir"
status=0
DISPLAY=:97 BERKAS_TARGET="$target_dir/debug" BERKAS_E2E_SHOTS="$target_dir/e2e-screenshots" \
  node desktop/e2e/run.mjs || status=$?
DISPLAY=:97 BERKAS_TARGET="$target_dir/debug" BERKAS_E2E_SHOTS="$target_dir/e2e-screenshots" \
  node desktop/e2e/admin.mjs || status=$?
DISPLAY=:97 BERKAS_TARGET="$target_dir/debug" BERKAS_E2E_SHOTS="$target_dir/e2e-screenshots" \
  node desktop/e2e/rekon.mjs || status=$?
DISPLAY=:97 BERKAS_TARGET="$target_dir/debug" BERKAS_E2E_SHOTS="$target_dir/e2e-screenshots" \
  node desktop/e2e/helpdesk.mjs || status=$?
DISPLAY=:97 BERKAS_TARGET="$target_dir/debug" BERKAS_E2E_SHOTS="$target_dir/e2e-screenshots" \
  node desktop/e2e/presensi.mjs || status=$?
DISPLAY=:97 BERKAS_TARGET="$target_dir/debug" BERKAS_E2E_SHOTS="$target_dir/e2e-screenshots" \
  node desktop/e2e/due.mjs || status=$?
stop_webview_driver
if [ "$status" -ne 0 ]; then tail -50 "$e2e_dir/driver.log"; fi
rm -rf "$e2e_dir"
[ "$status" -eq 0 ]
echo "screenshots: $target_dir/e2e-screenshots"

section "OS keyring tests (kernel keyring + Secret Service, no mock)"
# A fresh session keyring and D-Bus session with an unlocked gnome-keyring: the keyring
# crate's real backends, as on a desktop. The keyring files go to a fresh directory so that a
# login keyring left on the machine (with another password) cannot lock the run. The tests'
# build above is reused as it is (the same selection and features).
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"; stop_postgres' EXIT
XDG_DATA_HOME="$keyring_home" CARGO_SELECTION="${features[*]}" keyctl session - bash -c '
  dbus-run-session -- bash -c "
    eval \$(printf berkas-ci | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)
    export GNOME_KEYRING_CONTROL
    if cargo nextest --version >/dev/null 2>&1; then
      cargo nextest run $CARGO_SELECTION --run-ignored only -E \"binary(os_keyring)\"
    else
      cargo test $CARGO_SELECTION --test os_keyring -- --ignored
    fi
  "
'

section "done"
echo "target dir: $(du -sh "$target_dir" | cut -f1)"
