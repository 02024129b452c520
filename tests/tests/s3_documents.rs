//! A hub with its documents in a real Garage bucket: a document larger than one part goes up
//! as a multipart upload and is read by range across part and segment edges; bytes that do
//! not hash to their name never become visible and leave nothing behind; a document held
//! already is proven by its bytes and kept once; a hub given another document key refuses the
//! bucket; a bucket that stops answering is said so, and nothing stored is lost.

use berkas_tests::garage::Garage;
use berkas_tests::{access_token, bin, HubProcess, DEMO_PASSWORD};
use std::path::Path;
use std::process::Command;

fn hub(dir: &Path, garage: &Garage) -> HubProcess {
    let s3 = garage.hub_args();
    HubProcess::demo_env(dir, 1, &s3.iter().map(String::as_str).collect::<Vec<_>>(), &garage.hub_env())
}

fn noise(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (x >> 24) as u8
        })
        .collect()
}

fn sha_hex(bytes: &[u8]) -> String {
    berkas_tests::sha256(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

struct Raw {
    http: reqwest::Client,
    url: String,
    token: String,
}

impl Raw {
    async fn new(url: &str, user: &str) -> Raw {
        Raw { http: reqwest::Client::new(), url: url.to_string(), token: access_token(url, user).await }
    }

    fn req(&self, method: reqwest::Method, sha: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}/v1/blobs/{sha}", self.url))
            .bearer_auth(&self.token)
            .header("x-berkas-protocol", "1")
    }

    /// Sends `bytes` under the name `sha` in chunks; the last answer's status and body.
    async fn upload(&self, sha: &str, bytes: &[u8], chunk: usize) -> (u16, serde_json::Value) {
        let mut offset = 0;
        loop {
            let end = (offset + chunk).min(bytes.len());
            let r = self
                .req(reqwest::Method::PUT, sha)
                .query(&[("offset", offset), ("total", bytes.len())])
                .body(bytes[offset..end].to_vec())
                .send()
                .await
                .expect("put");
            let status = r.status().as_u16();
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            if status != 200 || body["complete"] == true {
                return (status, body);
            }
            offset = body["offset"].as_u64().expect("offset") as usize;
        }
    }

    async fn range(&self, sha: &str, from: usize, to: usize) -> (u16, Vec<u8>) {
        let r = self
            .req(reqwest::Method::GET, sha)
            .header("range", format!("bytes={from}-{}", to - 1))
            .send()
            .await
            .expect("get");
        (r.status().as_u16(), r.bytes().await.expect("body").to_vec())
    }

    async fn head(&self, sha: &str) -> (u16, Option<u64>) {
        let r = self.req(reqwest::Method::HEAD, sha).send().await.expect("head");
        let offset = r.headers().get("x-berkas-upload-offset").and_then(|v| v.to_str().ok()?.parse().ok());
        (r.status().as_u16(), offset)
    }
}

#[tokio::test]
async fn documents_in_a_bucket_are_checked_read_by_range_and_kept_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let garage = Garage::start(&tmp.path().join("garage"));
    let hub = hub(&tmp.path().join("hub"), &garage);
    let admin = Raw::new(&hub.url, "admin").await;

    // 20 MB: sealed, more than two 8 MiB parts of a multipart upload.
    let big = noise(20_000_000 + 77, 1);
    let sha = sha_hex(&big);
    let (status, body) = admin.upload(&sha, &big, 8 << 20).await;
    assert_eq!((status, body["complete"].as_bool()), (200, Some(true)), "{body}");
    assert_eq!(admin.head(&sha).await, (200, Some(big.len() as u64)));
    // 64 KiB segments, 8 MiB parts (8,386,560 plain bytes a part), the first and last bytes.
    for (from, to) in
        [(0, 1), (65_530, 65_550), (8_386_000, 8_387_000), (16_000_000, 19_000_000), (20_000_070, 20_000_077)]
    {
        let (status, got) = admin.range(&sha, from, to).await;
        assert_eq!(status, 206);
        assert!(got == big[from..to], "bytes {from}..{to}");
    }
    let whole = admin.req(reqwest::Method::GET, &sha).send().await.expect("get");
    assert!(whole.bytes().await.expect("body") == big, "the whole document");

    // Bytes under another document's name are refused and never readable, even partly.
    let real = noise(300_000, 2);
    let claimed = sha_hex(&noise(300_000, 3));
    let (status, body) = admin.upload(&claimed, &real, 100_000).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("blob.hash_mismatch")), "{body}");
    assert_eq!(admin.head(&claimed).await, (404, Some(0)), "the refused upload starts again from 0");
    assert_eq!(admin.range(&claimed, 0, 10).await.0, 404);

    // Another account holding the same document proves it by its bytes; one copy is kept.
    let other = Raw::new(&hub.url, "fas-a").await;
    assert_eq!(other.head(&sha).await.0, 404, "not theirs until they send it");
    let (status, body) = other.upload(&sha, &big, 8 << 20).await;
    assert_eq!((status, body["complete"].as_bool()), (200, Some(true)), "{body}");
    assert_eq!(other.head(&sha).await.0, 200);
    assert_eq!(garage.objects("blobs").await, [format!("blobs/{sha}")], "one copy");
    assert_eq!(garage.objects("uploads").await, Vec::<String>::new(), "no chunk of an upload is left");

    // A hub given another document key refuses the bucket instead of writing documents the
    // others cannot open.
    let out = Command::new(bin("berkas-server"))
        .args(["demo", "--listen", "127.0.0.1:0", "--password", DEMO_PASSWORD, "--per-unit", "1", "--data"])
        .arg(tmp.path().join("stranger"))
        .args(garage.hub_args())
        .envs(garage.hub_env())
        .output()
        .expect("run a second hub");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("sealed under another document key"), "{stderr}");

    // The bucket stops answering: the hub says so (503, tried again later) and keeps running.
    drop(garage);
    let (status, _) = admin.head(&sha).await;
    assert_eq!(status, 503);
    let r = admin.req(reqwest::Method::GET, &sha).send().await.expect("get");
    let body: serde_json::Value = r.json().await.expect("json error");
    assert_eq!(body["error"]["code"], "blob.store_unavailable", "{body}");
    // The hub itself still answers what does not need the bucket.
    let health = reqwest::get(format!("{}/v1/health", hub.url)).await.expect("health");
    assert!(health.status().is_success());
}

/// Runs `berkas-server` with the passphrase on standard input and the bucket's credentials.
fn server_cli(args: &[&str], garage: &Garage, passphrase: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(bin("berkas-server"))
        .args(args)
        .envs(garage.hub_env())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run berkas-server");
    child.stdin.take().expect("stdin").write_all(format!("{passphrase}\n").as_bytes()).expect("passphrase");
    child.wait_with_output().expect("wait")
}

/// Tables in a PostgreSQL database.
async fn tables(url: &str) -> i64 {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect");
    tokio::spawn(conn);
    let row = client
        .query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", &[])
        .await
        .expect("count tables");
    row.get(0)
}

#[tokio::test]
async fn a_hub_on_postgresql_and_a_bucket_is_backed_up_and_restored_by_the_same_commands() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let garage = Garage::start(&tmp.path().join("garage"));
    garage.admin(&["bucket", "create", "berkas-pulih"]);
    garage.admin(&["bucket", "allow", "--read", "--write", "--owner", "berkas-pulih", "--key", "berkas-hub"]);
    let (db, db2, db3) = (
        berkas_tests::fresh_postgres_database().await,
        berkas_tests::fresh_postgres_database().await,
        berkas_tests::fresh_postgres_database().await,
    );
    let s3 = |bucket: &str| {
        vec![
            "--s3-endpoint".to_string(),
            garage.endpoint.clone(),
            "--s3-bucket".into(),
            bucket.into(),
            "--s3-region".into(),
            garage.region.clone(),
        ]
    };
    let with = |base: &[&str], extra: &[String]| -> Vec<String> {
        base.iter().map(|s| s.to_string()).chain(extra.iter().cloned()).collect()
    };
    let old = tmp.path().join("lama");
    let keys = tmp.path().join("lama-keys.json").to_string_lossy().into_owned();
    let args = with(&["--database", &db, "--key-file", &keys], &s3("berkas"));
    let hub = HubProcess::demo_env(&old, 1, &args.iter().map(String::as_str).collect::<Vec<_>>(), &garage.hub_env());
    let admin = Raw::new(&hub.url, "admin").await;
    let doc = noise(9_000_000, 9);
    let sha = sha_hex(&doc);
    assert_eq!(admin.upload(&sha, &doc, 4 << 20).await.0, 200);

    // Taken while the hub serves: pg_dump and every document of the bucket in one file.
    let file = tmp.path().join("hub.bkp").to_string_lossy().into_owned();
    let passphrase = "kata sandi cadangan yang panjang";
    let old_s = old.to_string_lossy().into_owned();
    let create = with(&["backup", "create", "--data", &old_s, "--database", &db, "--key-file", &keys], &s3("berkas"));
    let mut create = create;
    create.push(file.clone());
    let out = server_cli(&create.iter().map(String::as_str).collect::<Vec<_>>(), &garage, passphrase);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("1 documents"), "{said}");
    drop(hub);
    // The document key of a bucket is not rotated from a data dir alone: that would leave the
    // bucket's documents unopenable. Refused, the keys as they were.
    let held = std::fs::read(&keys).expect("key file");
    let out = server_cli(&["rekey", "--data", &old_s, "--key-file", &keys], &garage, "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("in the S3 bucket berkas"), "{stderr}");
    assert!(std::fs::read(&keys).expect("key file") == held, "the keys are unchanged");

    // Restored into an empty PostgreSQL and an empty bucket, under new keys.
    let new = tmp.path().join("baru");
    let new_s = new.to_string_lossy().into_owned();
    let new_keys = tmp.path().join("baru-keys.json").to_string_lossy().into_owned();
    let restore = |db: &str| {
        let mut a = with(
            &["backup", "restore", "--data", &new_s, "--database", db, "--key-file", &new_keys],
            &s3("berkas-pulih"),
        );
        a.push(file.clone());
        server_cli(&a.iter().map(String::as_str).collect::<Vec<_>>(), &garage, passphrase)
    };
    let out = restore(&db2);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let args = with(&["--database", &db2, "--key-file", &new_keys], &s3("berkas-pulih"));
    let restored =
        HubProcess::demo_env(&new, 1, &args.iter().map(String::as_str).collect::<Vec<_>>(), &garage.hub_env());
    let admin = Raw::new(&restored.url, "admin").await;
    assert_eq!(admin.head(&sha).await, (200, Some(doc.len() as u64)), "the owner's document, as before");
    let (status, got) = admin.range(&sha, 4_000_000, 4_500_000).await;
    assert_eq!(status, 206);
    assert!(got == doc[4_000_000..4_500_000], "the restored document's bytes");
    drop(restored);

    // Into a bucket that holds documents already: refused, and the database is left empty.
    let out = restore(&db3);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("already holds documents"), "{stderr}");
    assert_eq!(tables(&db3).await, 0, "nothing written to the database");
    assert_eq!(garage.objects_in("berkas-pulih", "blobs").await, [format!("blobs/{sha}")]);
}
