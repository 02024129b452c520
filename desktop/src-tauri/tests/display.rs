//! One record shown by the three shells, the `berkas` CLI, the desktop's command and the
//! phone's bindings, reads the same, field by field and row by row, in Bahasa Indonesia and
//! in English: all three call core's one display rule.

use berkas_core::secrets::SecretStoreKind;
use berkas_desktop::{app, Desktop};
use berkas_ffi::{BerkasProfile, CancelHandle, KeyStore};
use berkas_tests::{berkas_cli, HubProcess, DEMO_PASSWORD};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tauri::test::{mock_builder, mock_context, noop_assets, INVOKE_KEY};

/// The phone's key store, in memory (the Android Keystore has its own tests on a device).
#[derive(Default)]
struct Keys(Mutex<HashMap<String, Vec<u8>>>);

impl KeyStore for Keys {
    fn get(&self, name: String) -> Option<Vec<u8>> {
        self.0.lock().ok()?.get(&name).cloned()
    }
    fn put(&self, name: String, value: Vec<u8>) -> bool {
        self.0.lock().map(|mut m| m.insert(name, value)).is_ok()
    }
    fn delete(&self, name: String) {
        if let Ok(mut m) = self.0.lock() {
            m.remove(&name);
        }
    }
    fn describe(&self) -> String {
        "memory".into()
    }
}

fn invoke(w: &tauri::WebviewWindow<tauri::test::MockRuntime>, cmd: &str, args: Value) -> Value {
    let r = tauri::test::get_ipc_response(
        w,
        tauri::webview::InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    );
    r.unwrap_or_else(|e| panic!("{cmd}: {e}")).deserialize().expect("json")
}

fn cli_json(profile: &Path, args: &[&str], stdin: Option<&str>) -> Value {
    let out = berkas_cli(profile, args, stdin);
    assert!(out.status.success(), "berkas {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

/// (group, row, field) -> display, from each shell's shape.
type Shown = Vec<(String, usize, String, String)>;

fn from_desktop(d: &Value) -> Shown {
    let mut out: Shown = d["data_utama"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            ("data_utama".into(), 0, f["name"].as_str().expect("name").into(), f["value"].as_str().expect("v").into())
        })
        .collect();
    for g in d["riwayat"].as_array().expect("groups") {
        for (i, row) in g["rows"].as_array().expect("rows").iter().enumerate() {
            for f in row.as_array().expect("fields") {
                let (name, value) = (f["name"].as_str().expect("name"), f["value"].as_str().expect("value"));
                out.push((g["entity"].as_str().expect("entity").into(), i, name.into(), value.into()));
            }
        }
    }
    out
}

fn from_cli(r: &Value, order: &Shown) -> Shown {
    order
        .iter()
        .map(|(g, i, f, _)| {
            let row = if g == "data_utama" { &r["data_utama"] } else { &r["riwayat"][g][*i] };
            let shown = row["fields"][f]["display"].as_str().unwrap_or_else(|| panic!("cli lacks {g}[{i}].{f}"));
            (g.clone(), *i, f.clone(), shown.to_string())
        })
        .collect()
}

fn from_bindings(r: &berkas_ffi::RecordView) -> Shown {
    let mut out: Shown =
        r.data_utama.iter().map(|f| ("data_utama".into(), 0, f.name.clone(), f.display.clone())).collect();
    for g in &r.riwayat {
        for (i, row) in g.rows.iter().enumerate() {
            out.extend(row.fields.iter().map(|f| (g.entity.clone(), i, f.name.clone(), f.display.clone())));
        }
    }
    out
}

#[test]
fn the_cli_the_desktop_and_the_bindings_show_a_record_alike() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // A few of the SIASN tables: the coded fields of the others show their code, marked, in
    // every shell alike.
    let refs = tmp.path().join("referensi");
    std::fs::create_dir_all(&refs).expect("mkdir");
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/siasn-referensi");
    for t in ["agama", "kawin", "golonganPns", "jabatanFungsional", "jenisPegawai", "kedudukanHukum", "eselon"] {
        std::fs::copy(shared.join(format!("{t}.json.gz")), refs.join(format!("{t}.json.gz"))).expect("copy");
    }
    let hub = HubProcess::demo_with(&tmp.path().join("hub"), 3, &["--referensi", &refs.to_string_lossy()]);

    // The desktop.
    let desktop = Desktop::new(tmp.path().join("desktop"), SecretStoreKind::File);
    let mut app = app(mock_builder(), desktop).build(mock_context(noop_assets())).expect("app");
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let w = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("window");
    invoke(&w, "login", json!({"server": hub.url, "user": "fas-a", "password": DEMO_PASSWORD}));
    invoke(&w, "sync_now", json!({}));
    let list = invoke(&w, "pegawai_list", json!({"unit": "UNIT-A"}));
    let nip = list[0]["nip"].as_str().expect("nip").to_string();

    // The CLI.
    let cli = tmp.path().join("cli");
    cli_json(&cli, &["init", "--secret-store", "file"], None);
    cli_json(&cli, &["login", "--server", &hub.url, "--user", "fas-a", "--password-stdin"], Some(DEMO_PASSWORD));
    cli_json(&cli, &["sync", "--json"], None);

    // The phone's bindings.
    let dir = tmp.path().join("phone").to_string_lossy().into_owned();
    let phone = BerkasProfile::create(dir, "fas-a".into(), Arc::new(Keys::default())).expect("profile");
    tauri::async_runtime::block_on(async {
        phone.login(hub.url.clone(), "fas-a".into(), DEMO_PASSWORD.into(), None).await.expect("login");
        phone.sync(false, None, CancelHandle::new()).await.expect("sync");
    });

    for lang in ["id", "en"] {
        invoke(&w, "set_language", json!({"language": lang}));
        let desk = from_desktop(&invoke(&w, "pegawai_detail", json!({"nip": nip})));
        let cli = from_cli(&cli_json(&cli, &["--lang", lang, "pegawai", "show", &nip, "--json"], None), &desk);
        let bind = from_bindings(&phone.record(nip.clone(), lang.into()).expect("record"));
        assert!(desk.len() > 40, "data utama and riwayat rows ({})", desk.len());
        assert_eq!(desk, cli, "the desktop and the CLI ({lang})");
        assert_eq!(desk, bind, "the desktop and the bindings ({lang})");
        let shown = |f: &str| desk.iter().find(|(g, _, n, _)| g == "data_utama" && n == f).map(|x| x.3.clone());
        // Named in the reader's language, codes never bare.
        let sex = shown("jenis_kelamin").expect("jenis kelamin");
        assert!(["Laki-laki", "Perempuan", "Male", "Female"].contains(&sex.as_str()), "{sex}");
        assert!(shown("gol_ruang_akhir_id").is_some_and(|g| g.contains('/') && g.contains(' ')), "{desk:?}");
        let born = shown("tgl_lahir").expect("born");
        assert!(born.split(' ').count() == 3 && !born.contains('-'), "a date in words: {born}");
    }
}
