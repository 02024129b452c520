//! `berkas-server user add|grant|revoke|list` write where the hub reads: on a hub running on
//! PostgreSQL (`--database`) or on its SQLite, an account added from the command line signs
//! in, a grant shows, a revoke ends it; on PostgreSQL no SQLite file appears under the data dir.

mod common;

use common::{fresh_place, Backend, Place};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};

fn server(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_berkas-server"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run berkas-server");
    if let Some(input) = stdin {
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    }
    child.wait_with_output().expect("wait")
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn login(base: &str, user: &str, password: &str) -> reqwest::StatusCode {
    reqwest::Client::new()
        .post(format!("{base}/v1/auth/login"))
        .json(&serde_json::json!({"username": user, "password": password}))
        .send()
        .await
        .expect("login")
        .status()
}

#[tokio::test]
async fn an_account_added_from_the_command_line_signs_in_to_a_hub_on_postgresql() {
    accounts_from_the_command_line(Backend::Postgres).await;
}

#[tokio::test]
async fn an_account_added_from_the_command_line_signs_in_to_a_hub_on_sqlite() {
    accounts_from_the_command_line(Backend::Sqlite).await;
}

async fn accounts_from_the_command_line(backend: Backend) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("hub");
    let d = data.to_str().expect("path");
    let db: Vec<String> = match fresh_place(backend, tmp.path()).await {
        Place::Postgres(url) => vec!["--database".into(), url],
        Place::Sqlite(_) => vec![],
    };
    let with = |args: &[&str]| -> Vec<String> {
        let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        all.extend(["--data".to_string(), d.to_string()]);
        all.extend(db.iter().cloned());
        all
    };
    let run = |args: &[&str], stdin: Option<&str>| {
        let all = with(args);
        server(&all.iter().map(String::as_str).collect::<Vec<_>>(), stdin)
    };
    let pw = "sandi-fasilitator-baru";
    let added =
        ok(&run(&["user", "add", "fas-c", "--role", "fasilitator", "--units", "UNIT-C"], Some(&format!("{pw}\n"))));
    assert!(added.contains("fas-c"), "{added}");
    assert!(ok(&run(&["user", "grant", "fas-c", "--units", "UNIT-C,UNIT-D"], None)).contains("UNIT-D"));
    assert!(ok(&run(&["user", "list"], None)).contains("UNIT-C,UNIT-D"));
    if !db.is_empty() {
        assert!(
            !data.join(berkas_server::DATABASE_FILE).exists(),
            "the account went to a SQLite file the hub never reads"
        );
    }

    // The hub on that database: the account signs in; revoked, it does not.
    let mut hub = Command::new(env!("CARGO_BIN_EXE_berkas-server"))
        .args(with(&["serve", "--listen", "127.0.0.1:0"]))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the hub");
    let mut lines = BufReader::new(hub.stdout.take().expect("stdout")).lines();
    let base = loop {
        let line = lines.next().expect("the hub ended before listening").expect("read");
        if let Some(url) = line.strip_prefix("berkas-server listening on ") {
            break url.trim().to_string();
        }
    };
    let first = login(&base, "fas-c", pw).await;
    // A one-time code from the command line: the running hub takes it for a new password.
    let code = ok(&run(&["user", "reset", "fas-c"], None)).trim().to_string();
    let with_code = login(&base, "fas-c", &code).await;
    let reset = reqwest::Client::new()
        .post(format!("{base}/v1/auth/reset"))
        .json(&serde_json::json!({"username": "fas-c", "code": code, "new_password": "sandi-pilihan-sendiri"}))
        .send()
        .await
        .expect("reset")
        .status();
    let chosen = login(&base, "fas-c", "sandi-pilihan-sendiri").await;
    // A layanan switched off from the command line is off in the catalogue the hub serves.
    let switched = ok(&run(&["layanan", "switch", "kartu_pegawai"], None));
    let status = ok(&run(&["layanan", "status"], None));
    ok(&run(&["user", "revoke", "fas-c"], None));
    let after = login(&base, "fas-c", "sandi-pilihan-sendiri").await;
    let _ = hub.kill();
    let _ = hub.wait();
    assert_eq!(first, reqwest::StatusCode::OK);
    assert_eq!(with_code, reqwest::StatusCode::FORBIDDEN, "a code alone signs nobody in");
    assert_eq!((reset, chosen), (reqwest::StatusCode::OK, reqwest::StatusCode::OK));
    assert!(switched.contains("tidak aktif") && switched.contains("new"), "{switched}");
    let line = status.lines().find(|l| l.contains("kartu_pegawai")).expect("listed");
    assert!(line.contains("tidak aktif"), "{status}");
    assert_ne!(after, reqwest::StatusCode::OK, "a revoked account signed in");
}
