//! Helpers for cross-component tests: the workspace's built binaries, a real `berkas-server`
//! process on loopback, and devices (profiles) that sync with it.

pub mod garage;
pub mod pages;
pub mod proxy;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use berkas_core::secrets::SecretStoreKind;
use berkas_core::Berkas;

/// Path of a binary built from this workspace (`target/<profile>/<name>`), found next to the
/// running test executable. The workspace build (`scripts/test.sh`) builds every binary first.
pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // target/<profile>/deps/<test> -> target/<profile>/<name>
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let path = dir.join(name);
    assert!(path.exists(), "{} is not built; run `cargo build --workspace --bins` first", path.display());
    path
}

pub const DEMO_PASSWORD: &str = "demo-berkas-uji";

/// Runs the `berkas` CLI on `profile`, with `stdin` written to it if given.
pub fn berkas_cli(profile: &Path, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(bin("berkas"))
        .arg("--profile")
        .arg(profile)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run berkas");
    if let Some(input) = stdin {
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    }
    child.wait_with_output().expect("wait")
}

/// A `berkas-server demo` process on a free loopback port; killed when dropped.
pub struct HubProcess {
    child: Child,
    pub url: String,
    pub data: PathBuf,
}

impl HubProcess {
    /// Seeds the demo instansi (`per_unit` ASN in each of UNIT-A and UNIT-B) under `data`.
    pub fn demo(data: &Path, per_unit: u32) -> HubProcess {
        Self::start(data, per_unit, &[])
    }

    /// The demo hub with further `berkas-server demo` options (e.g. `--access-ttl 1`).
    pub fn demo_with(data: &Path, per_unit: u32, extra: &[&str]) -> HubProcess {
        Self::start(data, per_unit, extra)
    }

    /// The demo hub on PostgreSQL: a fresh database on the server `BERKAS_TEST_POSTGRES`
    /// names (scripts/test.sh starts one), documents under `data`.
    pub async fn demo_postgres(data: &Path, per_unit: u32) -> HubProcess {
        let url = fresh_postgres_database().await;
        Self::start(data, per_unit, &["--database", &url])
    }

    /// The same over HTTPS with the given PEM certificate and key files.
    pub fn demo_tls(data: &Path, per_unit: u32, cert: &Path, key: &Path) -> HubProcess {
        let (cert, key) = (cert.to_string_lossy(), key.to_string_lossy());
        Self::start(data, per_unit, &["--tls-cert", &cert, "--tls-key", &key])
    }

    /// The demo hub again on the address of an earlier run (a hub restarted where devices
    /// know it), with further options.
    pub fn demo_at(data: &Path, per_unit: u32, url: &str, extra: &[&str]) -> HubProcess {
        let addr = url.trim_start_matches("http://");
        Self::start_on(data, per_unit, addr, extra)
    }

    /// The demo hub with further options and environment (an object store's credentials).
    pub fn demo_env(data: &Path, per_unit: u32, extra: &[&str], env: &[(String, String)]) -> HubProcess {
        Self::launch(data, per_unit, "127.0.0.1:0", extra, env)
    }

    fn start(data: &Path, per_unit: u32, extra: &[&str]) -> HubProcess {
        Self::start_on(data, per_unit, "127.0.0.1:0", extra)
    }

    fn start_on(data: &Path, per_unit: u32, listen: &str, extra: &[&str]) -> HubProcess {
        Self::launch(data, per_unit, listen, extra, &[])
    }

    fn launch(data: &Path, per_unit: u32, listen: &str, extra: &[&str], env: &[(String, String)]) -> HubProcess {
        let mut child = Command::new(bin("berkas-server"))
            .args(["demo", "--listen", listen, "--password", DEMO_PASSWORD, "--per-unit"])
            .arg(per_unit.to_string())
            .arg("--data")
            .arg(data)
            .args(extra)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start berkas-server");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let line = lines.next().expect("berkas-server ended before listening").expect("read stdout");
            if let Some(addr) = line.strip_prefix("berkas-server listening on ") {
                break addr.trim().to_string();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        HubProcess { child, url, data: data.to_path_buf() }
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A new, empty database on the test PostgreSQL server; its URL.
pub async fn fresh_postgres_database() -> String {
    let admin = std::env::var("BERKAS_TEST_POSTGRES").expect(
        "BERKAS_TEST_POSTGRES is not set: run scripts/test.sh, which starts a PostgreSQL server for these tests",
    );
    let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await.expect("connect to PostgreSQL");
    let task = tokio::spawn(conn);
    let db = format!("berkas_test_{}", uuid::Uuid::now_v7().simple());
    client.batch_execute(&format!("CREATE DATABASE {db}")).await.expect("create database");
    drop(client);
    let _ = task.await;
    match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{db}"),
        None => panic!("BERKAS_TEST_POSTGRES must end in /DATABASE"),
    }
}

/// A device: a fresh profile with its key in the file store beside it (the OS keyring has its
/// own tests), so the app can be restarted on it with [`reopen`].
pub fn device(dir: &Path, name: &str) -> Berkas {
    Berkas::init(&dir.join(name), SecretStoreKind::File, name).expect("init device profile")
}

/// The device `name` started again on its profile: what a restart of the app (or a kill and a
/// launch) finds.
pub fn reopen(dir: &Path, name: &str) -> Berkas {
    Berkas::open(&dir.join(name)).expect("reopen device profile")
}

/// An access token of a demo account, by the raw protocol.
pub async fn access_token(url: &str, user: &str) -> String {
    access_token_with(url, user, DEMO_PASSWORD).await
}

/// An access token of any account, by the raw protocol.
pub async fn access_token_with(url: &str, user: &str, password: &str) -> String {
    let login: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}/v1/auth/login"))
        .json(&serde_json::json!({ "username": user, "password": password }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login answer");
    login["access_token"].as_str().expect("token").to_string()
}

/// Every change in the hub's log that `user` may see, from the start, as JSON (the raw
/// protocol, independent of the client under test).
pub async fn hub_log(url: &str, user: &str) -> Vec<serde_json::Value> {
    let http = reqwest::Client::new();
    let token = access_token(url, user).await;
    let mut out = Vec::new();
    let mut cursor = 0;
    loop {
        let page: serde_json::Value = http
            .get(format!("{url}/v1/sync/pull?cursor={cursor}&limit=5000"))
            .bearer_auth(&token)
            .header("x-berkas-protocol", "1")
            .send()
            .await
            .expect("pull")
            .json()
            .await
            .expect("page");
        out.extend(page["changes"].as_array().expect("changes").iter().cloned());
        cursor = page["next_cursor"].as_i64().expect("cursor");
        if page["has_more"] != serde_json::Value::Bool(true) {
            return out;
        }
    }
}

/// A deterministic pseudo-random sequence for tests (xorshift), seeded per test.
pub struct TestRng(u64);

impl TestRng {
    pub fn new(seed: u64) -> TestRng {
        TestRng(seed.max(1))
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// Stores one page as a document of `nip` linked to `link`; returns its id.
pub fn add_page(b: &Berkas, nip: &str, id_ref: &str, link: berkas_core::docs::DocLink, page: &[u8]) -> String {
    let new = berkas_core::docs::NewDocument {
        nip,
        id_ref_dokumen: id_ref,
        link,
        files: vec![berkas_core::docs::PageInput { bytes: page, crop: None }],
        file_name: None,
        keep_unreadable: false,
    };
    b.add_document(&new, &berkas_core::docs::CaptureOptions::default()).expect("document").0.id
}
