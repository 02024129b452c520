//! Running a sync for the UI: one at a time, with `sync-progress` events while it runs and a
//! `sync-done` event when it ends (whoever started it), and a background loop that syncs
//! every few minutes while the profile holds a session.

use berkas_core::sync::SyncOptions;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::commands::{options, ProgressSink};
use crate::dto::{SyncDoneEvent, SyncProgressEvent, SyncReportView};
use crate::error::CmdResult;
use crate::state::{locked, Desktop};

/// How often the loop looks at the clock; the interval itself is in the preferences.
const TICK: Duration = Duration::from_secs(1);

fn progress_options<R: Runtime>(app: &AppHandle<R>) -> SyncOptions {
    let app = app.clone();
    options(Box::new(move |phase, items, bytes| {
        let _ = app.emit("sync-progress", SyncProgressEvent { phase, items, bytes });
    }) as ProgressSink)
}

/// The sync itself, once the gate is held.
async fn run<R: Runtime>(app: &AppHandle<R>, state: &Desktop, background: bool) -> CmdResult<SyncReportView> {
    let opts = progress_options(app);
    *locked(&state.cancel)? = Some(opts.cancel.clone());
    let result = crate::views::sync(state, &opts).await;
    *locked(&state.cancel)? = None;
    state.sync_done_now(state.prefs()?.sync_secs)?;
    let done = match &result {
        Ok(r) => SyncDoneEvent { background, report: Some(r.clone()), error: None },
        Err(e) => SyncDoneEvent { background, report: None, error: Some(e.clone()) },
    };
    let _ = app.emit("sync-done", done);
    result
}

/// A sync the user asked for: waits for a running one to end, then runs.
pub async fn sync_now<R: Runtime>(app: &AppHandle<R>, state: &Desktop) -> CmdResult<SyncReportView> {
    let _running = state.gate.lock().await;
    run(app, state, false).await
}

/// Stops the running sync; what was already done stays done.
pub fn cancel(state: &Desktop) -> CmdResult<()> {
    if let Some(t) = locked(&state.cancel)?.as_ref() {
        t.cancel();
    }
    Ok(())
}

/// The background loop, started with the app. It skips a turn while another sync runs and
/// syncs only a profile that holds a session; its failures reach the UI as `sync-done`.
pub fn start_background<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(TICK).await;
            let state = app.state::<Desktop>();
            if !state.sync_due().unwrap_or(false) {
                continue;
            }
            let signed_in = state.berkas().and_then(|b| Ok(b.signed_in()?)).unwrap_or(false);
            let Ok(_running) = state.gate.try_lock() else { continue };
            if signed_in {
                let _ = run(&app, &state, true).await;
            } else {
                let _ = state.prefs().and_then(|p| state.sync_done_now(p.sync_secs));
            }
        }
    });
}
