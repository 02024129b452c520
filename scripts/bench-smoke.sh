#!/usr/bin/env bash
# Every benchmark binary at a small size (debug build, the shared target dir), so none rots
# unseen: each must complete, and each but bench-open (whose baseline needs the Python
# bindings) must print its ratio against the baseline measured in the same run ("2.00x").
# The figures at these sizes mean nothing; docs/benchmarks.md has the real runs (release).
set -euo pipefail
cd "$(dirname "$0")/.."
# The same selection as scripts/test.sh's other cargo steps, so this shares their build.
cargo build --workspace --features berkas-core/os-keyring,berkas-ffi/bindgen,berkas-bench/desktop --locked --bins --quiet
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
failed=0
smoke() {
  local name=$1 ratio=$2
  shift 2
  local out
  if ! out=$(timeout 600 "$target_dir/debug/$name" "$@" 2>&1); then
    echo "$out" | tail -20
    echo "FAILED: $name $* did not complete"
    failed=1
    return
  fi
  if [ "$ratio" = ratio ] && ! grep -Eq '[0-9]\.?[0-9]*x\b' <<<"$out"; then
    echo "$out" | tail -20
    echo "FAILED: $name $* printed no ratio"
    failed=1
    return
  fi
  echo "ok: $name $* ($(grep -Eo '[0-9]+\.?[0-9]*x\b' <<<"$out" | head -1 || echo 'completed'))"
}
smoke bench-store ratio 200
smoke bench-backup ratio 200 5 1
smoke bench-doc ratio 1
smoke bench-hub ratio 200 1
smoke bench-open completes 300
smoke bench-referensi ratio 100 --referensi ../shared/data/siasn-referensi
smoke bench-sync ratio 100 --no-docs
smoke bench-desktop-list ratio 300
smoke bench-rekon ratio 300
smoke bench-presensi ratio 200 2
if [ -n "${BERKAS_BENCH_POSTGRES:-}" ]; then
  smoke bench-load ratio 300 10 2
else
  echo "skipped: bench-load (it needs BERKAS_BENCH_POSTGRES; scripts/test.sh sets it)"
fi
exit "$failed"
