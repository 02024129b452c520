//! The desktop commands on Tauri's mock runtime (no display) against a real `berkas-server
//! demo` on loopback: a facilitator signs in, syncs with progress events, lists and finds the
//! unit's ASN, opens a record, and decides a correction an ASN's phone proposed; errors come
//! back as one shape with a stable code. Also: the TypeScript types are not stale.

use berkas_core::docs::{CaptureOptions, DocLink, NewDocument, PageInput};
use berkas_core::model::{FieldMap, Value};
use berkas_core::secrets::SecretStoreKind;
use berkas_desktop::{app, Desktop};
use berkas_tests::{device, pages, HubProcess, DEMO_PASSWORD};
use serde::de::DeserializeOwned;
use serde_json::json;
use std::sync::{Arc, Mutex};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::{Listener, WebviewWindow};

/// One IPC call as the WebView makes it, from the local origin (app commands need no
/// capability from it); `headers` describe a raw body.
fn ipc(
    w: &WebviewWindow<MockRuntime>,
    cmd: &str,
    body: tauri::ipc::InvokeBody,
    headers: &[(&'static str, &str)],
) -> Result<tauri::ipc::InvokeResponseBody, serde_json::Value> {
    let mut map = tauri::http::HeaderMap::new();
    for (k, v) in headers {
        map.insert(*k, tauri::http::HeaderValue::from_str(v).expect("ascii header"));
    }
    tauri::test::get_ipc_response(
        w,
        tauri::webview::InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body,
            headers: map,
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
}

fn invoke<T: DeserializeOwned>(
    w: &WebviewWindow<MockRuntime>,
    cmd: &str,
    args: serde_json::Value,
) -> Result<T, serde_json::Value> {
    let r = ipc(w, cmd, tauri::ipc::InvokeBody::Json(args), &[])?;
    Ok(r.deserialize::<T>().expect("the answer has the documented shape"))
}

/// A command whose body is raw bytes, described by headers (how the UI sends a file).
fn invoke_raw(
    w: &WebviewWindow<MockRuntime>,
    cmd: &str,
    body: Vec<u8>,
    headers: &[(&'static str, &str)],
) -> Result<serde_json::Value, serde_json::Value> {
    Ok(ipc(w, cmd, tauri::ipc::InvokeBody::Raw(body), headers)?.deserialize().expect("json"))
}

/// The first month from 2020 in which someone of the facilitator's unit is due to retire.
fn first_pensiun(w: &WebviewWindow<MockRuntime>) -> (String, Vec<serde_json::Value>) {
    (2020..2060)
        .flat_map(|y| (1..=12).map(move |m| format!("{y}-{m:02}")))
        .map(|p| {
            let d: Vec<serde_json::Value> =
                invoke(w, "due_list", json!({"kind": "pensiun", "period": p})).expect("due");
            (p, d)
        })
        .find(|(_, d)| !d.is_empty())
        .expect("someone in UNIT-A retires")
}

fn window(dir: &std::path::Path) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let desktop = Desktop::new(dir.join("desktop"), SecretStoreKind::File);
    let mut app = app(mock_builder(), desktop).build(mock_context(noop_assets())).expect("app");
    // One turn of the (mock) event loop runs the setup hook, which starts the background sync.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let w = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("window");
    (app, w)
}

#[test]
fn a_facilitator_signs_in_syncs_finds_an_asn_and_decides_a_correction() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 5);
    let (app, w) = window(tmp.path());

    let bad: serde_json::Value =
        invoke::<serde_json::Value>(&w, "login", json!({"server": hub.url, "user": "fas-a", "password": "salah"}))
            .expect_err("a wrong password");
    assert_eq!(bad["code"], "auth.invalid_credentials", "{bad}");
    assert!(bad["message"].is_string() && bad["fields"].is_array());
    let who: serde_json::Value =
        invoke(&w, "login", json!({"server": hub.url, "user": "fas-a", "password": DEMO_PASSWORD})).expect("login");
    assert_eq!((who["user"].as_str(), who["role"].as_str()), (Some("fas-a"), Some("fasilitator")));

    let phases = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = phases.clone();
    app.listen("sync-progress", move |e| {
        let p: serde_json::Value = serde_json::from_str(e.payload()).expect("payload");
        seen.lock().expect("lock").push(p["phase"].as_str().unwrap_or_default().to_string());
    });
    let report: serde_json::Value = invoke(&w, "sync_now", json!({})).expect("sync");
    assert!(report["pulled"].as_u64().is_some_and(|n| n > 0), "{report}");
    assert!(phases.lock().expect("lock").iter().any(|p| p == "pull"), "progress events reach the UI");

    let list: Vec<serde_json::Value> = invoke(&w, "pegawai_list", json!({"unit": "UNIT-A"})).expect("list");
    assert_eq!(list.len(), 5, "the facilitator's unit");
    let nip = list[1]["nip"].as_str().expect("nip").to_string();
    let nama = list[1]["nama"].as_str().expect("nama").to_string();
    let found: Vec<serde_json::Value> =
        invoke(&w, "pegawai_search", json!({"query": nama.split(' ').next().expect("a name")})).expect("search");
    assert!(found.iter().any(|p| p["nip"] == nip.as_str()), "found by name");
    let detail: serde_json::Value = invoke(&w, "pegawai_detail", json!({"nip": nip})).expect("detail");
    assert_eq!(detail["nama"], nama.as_str());
    assert!(detail["data_utama"].as_array().is_some_and(|f| f.iter().any(|f| f["name"] == "tempat_lahir")));
    let missing: serde_json::Value =
        invoke::<serde_json::Value>(&w, "pegawai_detail", json!({"nip": "199001012020011001"}))
            .expect_err("an unknown NIP");
    assert_eq!(missing["code"], "not_found", "{missing}");

    // The ASN's phone proposes a correction with a document.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let phone = device(tmp.path(), "phone");
    let id = rt.block_on(async {
        phone.login(&hub.url, &nip, DEMO_PASSWORD, None).await.expect("asn login");
        phone.sync(&Default::default()).await.expect("sync");
        let answers: FieldMap =
            [("tempat_lahir".to_string(), Value::Text("Kota Mataram".into()))].into_iter().collect();
        let id = phone.create_usulan(&nip, "koreksi_data_utama", &answers).expect("draft");
        let page = pages::jpeg(&pages::scanned_page(1700, 2200), 90, None);
        let new = NewDocument {
            nip: &nip,
            id_ref_dokumen: "dokumen_pendukung",
            link: DocLink::Usulan { id: id.clone() },
            files: vec![PageInput { bytes: &page, crop: None }],
            file_name: None,
            keep_unreadable: false,
        };
        phone.add_document(&new, &CaptureOptions::default()).expect("document");
        phone.submit_usulan(&id).expect("submit");
        phone.sync(&Default::default()).await.expect("sync");
        id
    });

    let _: serde_json::Value = invoke(&w, "sync_now", json!({})).expect("sync");
    let queue: serde_json::Value = invoke(&w, "verification_queue", json!({})).expect("queue");
    assert_eq!(queue["requests"][0]["id"], id.as_str(), "{queue}");
    let doc = queue["documents"][0]["id"].as_str().expect("a document waits").to_string();
    let lines: Vec<serde_json::Value> = invoke(&w, "verification_lines", json!({"id": id})).expect("lines");
    assert_eq!(lines[0]["proposed"], "Kota Mataram");
    assert_eq!(
        lines[0]["official"],
        detail["data_utama"].as_array().expect("fields").iter().find(|f| f["name"] == "tempat_lahir").expect("field")
            ["value"]
    );
    let no_reason: serde_json::Value = invoke::<serde_json::Value>(
        &w,
        "verify_field",
        json!({"id": id, "field": "tempat_lahir", "decision": "kembalikan"}),
    )
    .expect_err("a return needs a reason");
    assert_eq!(no_reason["fields"][0]["code"], "usulan.reason_required", "{no_reason}");
    let approved: serde_json::Value =
        invoke(&w, "verify_field", json!({"id": id, "field": "tempat_lahir", "decision": "setuju"})).expect("approve");
    assert_eq!(approved["status"], "APPROVED");
    // The viewer's bytes: fetched from the hub on demand, sent raw, a JPEG.
    let raw =
        ipc(&w, "document_content", tauri::ipc::InvokeBody::Json(json!({"id": doc})), &[]).expect("document bytes");
    match raw {
        tauri::ipc::InvokeResponseBody::Raw(b) => assert_eq!(&b[..3], &[0xFF, 0xD8, 0xFF], "a JPEG"),
        other => panic!("expected raw bytes, got {other:?}"),
    }
    let accepted: serde_json::Value =
        invoke(&w, "verify_document", json!({"id": doc, "decision": "diterima"})).expect("accept the document");
    assert_eq!(accepted["decision"], "DITERIMA");
    let _: serde_json::Value = invoke(&w, "sync_now", json!({})).expect("sync");
    let after: serde_json::Value = invoke(&w, "pegawai_detail", json!({"nip": nip})).expect("detail");
    let tempat =
        after["data_utama"].as_array().expect("fields").iter().find(|f| f["name"] == "tempat_lahir").expect("field")
            ["value"]
            .clone();
    assert_eq!(tempat, "Kota Mataram", "the hub applied the approval and the laptop pulled it");

    // Reports: the chart counts and the daftar nominatif as a file.
    let progress: serde_json::Value = invoke(&w, "report_progress", json!({"unit": "UNIT-A"})).expect("progress");
    let bands: u64 = progress["completeness_bands"].as_array().expect("bands").iter().filter_map(|b| b.as_u64()).sum();
    assert_eq!(bands, 5, "{progress}");
    assert_eq!(progress["requests_decided"], 1, "{progress}");
    let out = tmp.path().join("exports");
    let path: String =
        invoke(&w, "export_nominatif", json!({"unit": "UNIT-A", "format": "xlsx", "dir": out})).expect("export");
    assert!(std::fs::read(&path).expect("the file").starts_with(b"PK"), "{path}");
    let bad: serde_json::Value =
        invoke::<serde_json::Value>(&w, "export_nominatif", json!({"unit": null, "format": "doc", "dir": out}))
            .expect_err("doc");
    assert_eq!(bad["code"], "report.format");

    // Signed by the hub: a PDF and an XLSX with its .sig check out here; a changed byte is named.
    let signed: String =
        invoke(&w, "export_nominatif", json!({"unit": "UNIT-A", "format": "pdf", "dir": out, "sign": true}))
            .expect("signed export");
    let pdf = std::fs::read(&signed).expect("the signed PDF");
    let ok = invoke_raw(&w, "verify_signed", pdf.clone(), &[]).expect("checks out");
    assert_eq!(ok["title"], "Daftar nominatif UNIT-A", "{ok}");
    let mut changed = pdf;
    let at = changed.len() / 3;
    changed[at] ^= 1;
    let refused = invoke_raw(&w, "verify_signed", changed, &[]).expect_err("changed");
    assert_eq!(refused["code"], "signature.content_changed", "{refused}");
    let xlsx: String =
        invoke(&w, "export_nominatif", json!({"unit": "UNIT-A", "format": "xlsx", "dir": out, "sign": true}))
            .expect("signed export");
    let sig = std::fs::read_to_string(format!("{xlsx}.sig")).expect("the .sig beside it");
    let encoded: String = sig
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    let bytes = std::fs::read(&xlsx).expect("xlsx");
    let ok = invoke_raw(&w, "verify_signed", bytes.clone(), &[("sig", &encoded)]).expect("checks out with its .sig");
    assert_eq!(ok["kind"], "nominatif");
    let unsigned = invoke_raw(&w, "verify_signed", bytes, &[]).expect_err("no .sig");
    assert_eq!(unsigned["code"], "signature.none");

    // Proposals: drafted for those due, refused while papers are missing, answered only once sent.
    let (period, due) = first_pensiun(&w);
    let drafted: Vec<serde_json::Value> =
        invoke(&w, "proposals_draft", json!({"kind": "pensiun", "period": period})).expect("draft");
    assert_eq!(drafted.len(), due.len());
    assert_eq!(drafted[0]["status"], "DRAFT");
    assert!(drafted[0]["missing"].as_array().is_some_and(|m| !m.is_empty()), "{}", drafted[0]);
    let pid = drafted[0]["id"].as_str().expect("id").to_string();
    let refused: serde_json::Value =
        invoke::<serde_json::Value>(&w, "proposal_send", json!({"id": pid})).expect_err("papers missing");
    assert!(refused["fields"].as_array().is_some_and(|f| f.iter().all(|f| f["code"] == "usulan.missing_document")));
    let early: serde_json::Value =
        invoke::<serde_json::Value>(&w, "proposal_answer", json!({"id": pid, "answer": "ACC"})).expect_err("not sent");
    assert_eq!(early["fields"][0]["code"], "proposal.bad_step", "{early}");
    let listed: Vec<serde_json::Value> = invoke(&w, "proposals_list", json!({})).expect("list");
    assert_eq!(listed.len(), drafted.len());

    let status: serde_json::Value = invoke(&w, "sync_status", json!({})).expect("status");
    assert_eq!(
        (status["waiting"].as_u64(), status["problems"].as_array().map(Vec::len)),
        (Some(drafted.len() as u64), Some(0)),
        "the drafts wait for the next sync: {status}"
    );
    let lang: serde_json::Value =
        invoke::<serde_json::Value>(&w, "set_language", json!({"language": "fr"})).expect_err("fr");
    assert_eq!(lang["code"], "settings.language");
    let en: serde_json::Value = invoke(&w, "set_language", json!({"language": "en"})).expect("en");
    assert_eq!(en["language"], "en");
}

#[test]
fn settings_survive_a_restart_the_background_sync_runs_and_papers_attach_to_a_proposal() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 5);
    let (app, w) = window(tmp.path());
    let fresh: serde_json::Value = invoke(&w, "get_settings", json!({})).expect("settings");
    assert_eq!((fresh["language"].as_str(), fresh["signed_in"].as_bool()), (Some("id"), Some(false)), "{fresh}");
    let _: serde_json::Value =
        invoke(&w, "login", json!({"server": hub.url, "user": "fas-a", "password": DEMO_PASSWORD})).expect("login");
    let _: serde_json::Value = invoke(&w, "set_language", json!({"language": "en"})).expect("en");

    // The background sync: every second for this test, reported as `sync-done`.
    let (tx, rx) = std::sync::mpsc::channel::<serde_json::Value>();
    let tx = Mutex::new(tx);
    app.listen("sync-done", move |e| {
        let _ = tx.lock().expect("lock").send(serde_json::from_str(e.payload()).expect("payload"));
    });
    let long: serde_json::Value =
        invoke::<serde_json::Value>(&w, "set_sync_interval", json!({"seconds": 100_000})).expect_err("over a day");
    assert_eq!(long["code"], "settings.sync_interval");
    let _: serde_json::Value = invoke(&w, "set_sync_interval", json!({"seconds": 1})).expect("every second");
    let done = rx.recv_timeout(std::time::Duration::from_secs(60)).expect("a background sync within a minute");
    assert_eq!(done["background"], true, "{done}");
    assert!(
        done["report"]["pulled"].as_u64().is_some_and(|n| n > 0),
        "the first background sync pulls the unit: {done}"
    );
    let settings: serde_json::Value = invoke(&w, "set_sync_interval", json!({"seconds": 0})).expect("off");
    // A sync running when it was switched off may still report, once; then nothing. If the
    // switch broke, syncs keep coming every second and this fails instead of waiting forever.
    let mut after_off = 0;
    while rx.recv_timeout(std::time::Duration::from_secs(3)).is_ok() {
        after_off += 1;
        assert!(after_off <= 1, "switched off, yet the background sync went on");
    }
    assert_eq!(
        (settings["user"].as_str(), settings["role"].as_str(), settings["server"].as_str()),
        (Some("fas-a"), Some("fasilitator"), Some(hub.url.trim_end_matches('/'))),
        "{settings}"
    );

    // An instansi paper for a proposal, sent raw as the UI sends a file.
    let (period, _) = first_pensiun(&w);
    let drafted: Vec<serde_json::Value> =
        invoke(&w, "proposals_draft", json!({"kind": "pensiun", "period": period})).expect("draft");
    let pid = drafted[0]["id"].as_str().expect("id").to_string();
    let papers: Vec<String> = drafted[0]["papers"]
        .as_array()
        .expect("papers")
        .iter()
        .filter_map(|p| p["id"].as_str().map(str::to_string))
        .collect();
    assert!(papers.iter().any(|p| p == "surat_pengantar"), "{}", drafted[0]);
    let page = pages::jpeg(&pages::scanned_page(1700, 2200), 90, None);
    let json_body: serde_json::Value =
        invoke::<serde_json::Value>(&w, "proposal_attach", json!({"proposal": pid})).expect_err("JSON, not bytes");
    assert_eq!(json_body["code"], "attach.body");
    let not_an_image =
        invoke_raw(&w, "proposal_attach", b"hello".to_vec(), &[("proposal", &pid), ("dokumen", "surat_pengantar")])
            .expect_err("text");
    assert_eq!(not_an_image["code"], "doc.unsupported", "{not_an_image}");
    // The surat pengantar is written here and signed by the hub; the DPCP comes as a scan.
    let lettered: serde_json::Value = invoke(&w, "proposal_letter", json!({"id": pid})).expect("the signed letter");
    let left: Vec<&str> =
        lettered["papers"].as_array().expect("papers").iter().filter_map(|p| p["id"].as_str()).collect();
    assert_eq!(left.len(), papers.len() - 1, "{lettered}");
    assert!(!left.contains(&"surat_pengantar"), "{lettered}");
    let attached = invoke_raw(
        &w,
        "proposal_attach",
        page,
        &[("proposal", &pid), ("dokumen", "dpcp"), ("file-name", "DPCP%201.jpg")],
    )
    .expect("attached");
    let left: Vec<&str> =
        attached["papers"].as_array().expect("papers").iter().filter_map(|p| p["id"].as_str()).collect();
    assert_eq!(left.len(), papers.len() - 2, "{attached}");
    assert!(!left.contains(&"dpcp"), "{attached}");

    // A restart: the same profile opens signed in, in English, with the sync switched off.
    drop(w);
    drop(app);
    let (_app2, w2) = window(tmp.path());
    let back: serde_json::Value = invoke(&w2, "get_settings", json!({})).expect("settings");
    assert_eq!(
        (back["language"].as_str(), back["sync_secs"].as_u64(), back["signed_in"].as_bool(), back["user"].as_str()),
        (Some("en"), Some(0), Some(true), Some("fas-a")),
        "{back}"
    );
    let out: serde_json::Value = invoke(&w2, "logout", json!({})).expect("logout");
    assert_eq!(out["signed_in"], false, "{out}");
    let refused: serde_json::Value = invoke::<serde_json::Value>(&w2, "sync_now", json!({})).expect_err("signed out");
    assert_eq!(refused["code"], "sync.not_logged_in", "{refused}");
    let list: Vec<serde_json::Value> = invoke(&w2, "pegawai_list", json!({"unit": "UNIT-A"})).expect("list");
    assert_eq!(list.len(), 5, "signing out keeps the records on this laptop");
}

#[test]
fn an_ordinary_request_is_decided_in_words_and_a_refused_change_is_retried_then_discarded() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 2);
    let (_app, w) = window(tmp.path());
    let _: serde_json::Value =
        invoke(&w, "login", json!({"server": hub.url, "user": "fas-a", "password": DEMO_PASSWORD})).expect("login");
    let _: serde_json::Value = invoke(&w, "sync_now", json!({})).expect("sync");
    let list: Vec<serde_json::Value> = invoke(&w, "pegawai_list", json!({"unit": "UNIT-A"})).expect("list");
    let nip = list[0]["nip"].as_str().expect("nip").to_string();

    // A kartu pegawai from the ASN's phone: no fields, its papers on the record.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let phone = device(tmp.path(), "phone");
    let id = rt.block_on(async {
        phone.login(&hub.url, &nip, DEMO_PASSWORD, None).await.expect("asn login");
        phone.sync(&Default::default()).await.expect("sync");
        let id = phone.create_usulan(&nip, "kartu_pegawai", &FieldMap::new()).expect("draft");
        let page = pages::jpeg(&pages::scanned_page(1700, 2200), 90, None);
        for kind in ["887", "pas_foto"] {
            berkas_tests::add_page(&phone, &nip, kind, DocLink::DataUtama, &page);
        }
        phone.submit_usulan(&id).expect("submit");
        phone.sync(&Default::default()).await.expect("sync");
        id
    });
    let _: serde_json::Value = invoke(&w, "sync_now", json!({})).expect("sync");
    let queue: serde_json::Value = invoke(&w, "verification_queue", json!({})).expect("queue");
    let r = queue["requests"].as_array().expect("requests").iter().find(|r| r["id"] == id.as_str()).expect("queued");
    assert_eq!(
        (r["layanan_name"].as_str(), r["status_text"].as_str()),
        (Some("Kartu pegawai"), Some("Diajukan")),
        "{r}"
    );
    assert_eq!(r["nama"], list[0]["nama"], "the ASN by name");
    let papers: Vec<serde_json::Value> = invoke(&w, "request_papers", json!({"id": id})).expect("papers");
    let photo = papers.iter().find(|p| p["id"] == "pas_foto").expect("the photo's line");
    assert_eq!((photo["status"].as_str(), photo["have"].as_u64()), (Some("lengkap"), Some(1)), "{photo}");
    let bare: serde_json::Value =
        invoke::<serde_json::Value>(&w, "decide_request", json!({"id": id, "status": "RETURNED"}))
            .expect_err("a return needs a reason");
    assert!(bare["code"].is_string(), "{bare}");
    let returned: serde_json::Value = invoke(
        &w,
        "decide_request",
        json!({"id": id, "status": "RETURNED", "reason": "Pas foto harus berlatar merah"}),
    )
    .expect("return");
    assert_eq!(returned["status_text"], "Dikembalikan untuk perbaikan");
    let _: serde_json::Value = invoke(&w, "sync_now", json!({})).expect("sync");
    let seen = rt.block_on(async {
        phone.sync(&Default::default()).await.expect("sync");
        phone.usulan(&id).expect("request")
    });
    assert_eq!(
        (seen.status.as_str(), seen.status_reason.as_deref()),
        ("RETURNED", Some("Pas foto harus berlatar merah"))
    );

    // A change the hub refuses (an ASN's own phone number, edited on the laptop): retried, it
    // is refused again; discarded, it is gone and nothing waits.
    let laptop = berkas_core::Berkas::open(&tmp.path().join("desktop")).expect("the laptop's profile");
    let phone_no: FieldMap = [("no_hp".to_string(), Value::Text("081311112222".into()))].into_iter().collect();
    laptop.edit_pegawai(&nip, &phone_no).expect("edit here");
    let report: serde_json::Value = invoke(&w, "sync_now", json!({})).expect("sync");
    assert_eq!(report["refused"], 1, "{report}");
    let status: serde_json::Value = invoke(&w, "sync_status", json!({})).expect("status");
    let item = status["problems"][0]["id"].as_str().expect("a refused item").to_string();
    assert_eq!(status["problems"][0]["code"], "forbidden.field", "{status}");
    // In words: whose record, which group and field by their labels.
    let problem = &status["problems"][0];
    assert!(problem["who"].as_str().is_some_and(|w| w.ends_with(&nip)), "{problem}");
    assert_eq!(
        (problem["entity_label"].as_str(), problem["fields"][0].as_str()),
        (Some("Data utama"), Some("no_hp")),
        "{problem}"
    );
    assert!(problem["field_labels"][0].as_str().is_some_and(|l| l != "no_hp" && !l.is_empty()), "{problem}");
    let retried: serde_json::Value = invoke(&w, "outbox_retry", json!({"id": item})).expect("retry");
    assert_eq!((retried["problems"].as_array().map(Vec::len), retried["waiting"].as_u64()), (Some(0), Some(1)));
    let report: serde_json::Value = invoke(&w, "sync_now", json!({})).expect("sync");
    assert_eq!(report["refused"], 1, "still refused: {report}");
    let discarded: serde_json::Value = invoke(&w, "outbox_discard", json!({"id": item})).expect("discard");
    assert_eq!((discarded["problems"].as_array().map(Vec::len), discarded["waiting"].as_u64()), (Some(0), Some(0)));
    assert_eq!(discarded["conflicts"], json!([]));

    // The record view: synced and without warnings; then a NIK whose birth date is not the
    // NIP's, changed here: a NIP/NIK warning by its code, and the record waits to be sent.
    let clean: serde_json::Value = invoke(&w, "pegawai_detail", json!({"nip": nip})).expect("detail");
    assert_eq!((clean["sync_state"].as_str(), clean["warnings"].as_array().map(Vec::len)), (Some("synced"), Some(0)));
    let nik = clean["data_utama"].as_array().expect("fields").iter().find(|f| f["name"] == "nik").expect("nik")["raw"]
        .as_str()
        .expect("a NIK")
        .to_string();
    let dd: u32 = nik[6..8].parse().expect("day");
    let other = if dd % 40 == 1 { dd + 1 } else { dd - 1 };
    let moved = format!("{}{other:02}{}", &nik[..6], &nik[8..]);
    let change: FieldMap = [("nik".to_string(), Value::Text(moved))].into_iter().collect();
    laptop.edit_pegawai(&nip, &change).expect("edit here");
    let warned: serde_json::Value = invoke(&w, "pegawai_detail", json!({"nip": nip})).expect("detail");
    assert_eq!(warned["sync_state"], "pending", "{}", warned["sync_state"]);
    assert!(
        warned["warnings"].as_array().is_some_and(|ws| ws.iter().any(|x| x["code"] == "nip_nik.birth_date")),
        "{}",
        warned["warnings"]
    );
    assert!(
        warned["missing"].as_array().is_some_and(|m| {
            let labels: Vec<&str> = m.iter().filter_map(|x| x.as_str()).collect();
            labels.iter().collect::<std::collections::BTreeSet<_>>().len() == labels.len()
        }),
        "each missing item once: {}",
        warned["missing"]
    );
}

#[test]
fn the_typescript_bindings_are_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
    let want = berkas_desktop::dto::typescript();
    if std::env::var_os("BERKAS_UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &want).expect("write bindings");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "desktop/ui/src/bindings.ts is stale: BERKAS_UPDATE_BINDINGS=1 cargo test -p berkas-desktop bindings"
    );
}
