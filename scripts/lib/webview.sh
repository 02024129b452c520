# The desktop app's WebView, driven headless: Xvfb on display :$1 and tauri-driver (with
# WebKitWebDriver) on port 4444, their logs in $2. Sourced by scripts/test.sh (the E2E run)
# and scripts/bench-desktop-webview.sh, from the repository's root.

start_webview_driver() {
  local display=$1 logs=$2
  command -v tauri-driver >/dev/null || cargo install tauri-driver --locked --quiet
  npm ci --prefix desktop/e2e --no-audit --no-fund --silent
  Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >"$logs/xvfb.log" 2>&1 &
  WEBVIEW_PIDS="$!"
  # Exports (reports, charts) land beside the logs, not in the machine's Downloads.
  mkdir -p "$logs/downloads"
  DISPLAY=":$display" XDG_DOWNLOAD_DIR="$logs/downloads" tauri-driver --port 4444 --native-driver /usr/bin/WebKitWebDriver >"$logs/driver.log" 2>&1 &
  WEBVIEW_PIDS="$WEBVIEW_PIDS $!"
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/4444) 2>/dev/null && break; sleep 0.1; done
}

stop_webview_driver() {
  # shellcheck disable=SC2086 # two pids, split on purpose
  kill ${WEBVIEW_PIDS:-} 2>/dev/null || true
}
