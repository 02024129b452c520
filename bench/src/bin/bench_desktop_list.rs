//! Loading a unit's list into the desktop app: the `pegawai_list` command through Tauri's IPC
//! (mock runtime: the same command, conversion and JSON a WebView receives), beside core's
//! `list_pegawai` alone in the same run. N records in one unit (default 10,000). Prints medians,
//! the JSON size and the ratio; asserts nothing. The filter per keystroke in the UI is measured
//! by `npx vitest bench --run` in desktop/ui.
//!
//! ```sh
//! cargo run --release -p berkas-bench --bin bench-desktop-list [N]
//! ```

use berkas_core::secrets::SecretStoreKind;
use berkas_core::synth::{pegawai_document, Rng};
use berkas_core::{Berkas, ListFilter};
use berkas_desktop::{app, Desktop};
use std::io::{BufWriter, Write};
use std::time::Instant;
use tauri::test::{mock_builder, mock_context, noop_assets, INVOKE_KEY};

const ROUNDS: usize = 9;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("pegawai.jsonl");
    let today = berkas_core::model::today();
    let mut rng = Rng::new(11);
    {
        let mut w = BufWriter::new(std::fs::File::create(&input).expect("create"));
        for i in 0..n {
            serde_json::to_writer(&mut w, &pegawai_document(&mut rng, i, "UNIT-A", today)).expect("write");
            w.write_all(b"\n").expect("write");
        }
    }
    let profile = dir.path().join("profile");
    {
        let b = Berkas::init(&profile, SecretStoreKind::File, "bench").expect("init");
        b.import_siasn(std::fs::File::open(&input).expect("input"), &mut |_| {}).expect("import");
    }
    println!("bench-desktop-list: one unit of {n} pegawai; {ROUNDS} rounds each");

    let core = Berkas::open(&profile).expect("open");
    let mut direct = Vec::new();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let rows = core.list_pegawai(&ListFilter::default()).expect("list");
        direct.push(t.elapsed().as_secs_f64());
        assert_eq!(rows.len() as u64, n);
    }
    drop(core);

    let desktop = Desktop::new(profile.clone(), SecretStoreKind::File);
    let tauri_app = app(mock_builder(), desktop).build(mock_context(noop_assets())).expect("app");
    let w = tauri::WebviewWindowBuilder::new(&tauri_app, "main", Default::default()).build().expect("window");
    let mut ipc = Vec::new();
    let mut bytes = 0;
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let r = tauri::test::get_ipc_response(
            &w,
            tauri::webview::InvokeRequest {
                cmd: "pegawai_list".into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().expect("url"),
                body: tauri::ipc::InvokeBody::Json(serde_json::json!({ "unit": null })),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .expect("the command answers");
        ipc.push(t.elapsed().as_secs_f64());
        bytes = match &r {
            tauri::ipc::InvokeResponseBody::Json(s) => s.len(),
            tauri::ipc::InvokeResponseBody::Raw(b) => b.len(),
        };
        let rows: Vec<serde_json::Value> = r.deserialize().expect("rows");
        assert_eq!(rows.len() as u64, n);
    }
    let (direct, ipc) = (median(direct), median(ipc));
    println!("core list_pegawai              {:>8.1} ms", direct * 1e3);
    println!("command pegawai_list (IPC)     {:>8.1} ms, {:.2} MB of JSON", ipc * 1e3, bytes as f64 / 1e6);
    println!("ratio command/core: {:.2}x", ipc / direct);
}
