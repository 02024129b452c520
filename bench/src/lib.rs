//! What the benchmarks share: the ~1 KB pegawai records (the same shape as the PouchDB
//! baseline's), an in-process hub on loopback, a byte-counting TCP relay for honest wire
//! figures, and peak RSS.

use berkas_core::authz::Role;
use berkas_core::sync::{Hlc, HlcClock};
use berkas_core::synth::{pegawai_document, Rng};
use berkas_server::blobs::FsBlobStore;
use berkas_server::store::{Storage, User};
use berkas_server::{router, AppState};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const BENCH_PASSWORD: &str = "bench-password";

/// ~1 KB data-utama changes for `n` new pegawai, the same for both servers.
pub fn records(n: usize) -> Vec<Value> {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let mut rng = Rng::new(7);
    let mut clock = HlcClock::default();
    (0..n)
        .map(|i| {
            let doc = pegawai_document(&mut rng, i as u64, if i % 2 == 0 { "UNIT-A" } else { "UNIT-B" }, today);
            let du = &doc["dataUtama"];
            let id = uuid::Uuid::now_v7().to_string();
            // Official fields only: the pushing account is an administrator, and contact data
            // has a single other writer (the ASN).
            let mut fields: serde_json::Map<String, Value> = [
                ("nip_baru", "nipBaru"),
                ("nama", "nama"),
                ("tempat_lahir", "tempatLahir"),
                ("tgl_lahir", "tglLahir"),
                ("jenis_kelamin", "jenisKelamin"),
                ("jenis_pegawai_id", "jenisPegawaiId"),
                ("kedudukan_pns_id", "kedudukanPnsId"),
                ("tk_pendidikan_terakhir_id", "tkPendidikanTerakhirId"),
                ("tmt_cpns", "tmtCpns"),
                ("nomor_sk_cpns", "nomorSkCpns"),
                ("tmt_pns", "tmtPns"),
                ("nomor_sk_pns", "nomorSkPns"),
                ("unit", "unitBerkas"),
                ("jenis_jabatan_id", "jenisJabatanId"),
                ("jabatan_nama", "jabatanNama"),
                ("tmt_jabatan", "tmtJabatan"),
                ("gol_ruang_akhir_id", "golRuangAkhirId"),
                ("tmt_gol_akhir", "tmtGolAkhir"),
                ("mk_tahun", "mkTahun"),
                ("mk_bulan", "mkBulan"),
            ]
            .iter()
            .map(|(k, s)| (k.to_string(), du[*s].clone()))
            .collect();
            // Pad to the ~1 KB records the PouchDB baseline uses.
            fields.insert("unor_id".into(), json!(format!("{:0>120}", i)));
            fields.insert("kartu_asn".into(), json!(format!("KARPEG-{:0>90}", i)));
            fields.insert("karis_karsu".into(), json!(format!("KARIS-{:0>90}", i)));
            let hlc: Hlc = clock.tick(HlcClock::now_ms());
            json!({"id": uuid::Uuid::now_v7().to_string(), "entity": "data_utama", "row": id, "pegawai": id,
                   "fields": fields, "hlc": hlc, "device": "bench"})
        })
        .collect()
}

/// Serves a hub on `store` at a loopback address with an `admin` account; returns the base
/// URL and an access token.
pub async fn start_hub(store: Arc<dyn Storage>, dir: &std::path::Path) -> (String, String) {
    // Documents sealed at rest, as a hub that serves keeps them.
    let key = berkas_core::secrets::Secret::random_key().expect("document key");
    let blobs = Arc::new(FsBlobStore::sealed(&dir.join("blobs"), key).expect("blobs"));
    let state = AppState::new(store.clone(), blobs).expect("state");
    let hash = berkas_server::auth::hash_password(BENCH_PASSWORD).expect("hash");
    store
        .upsert_user(&User {
            username: "admin".into(),
            password_hash: hash,
            role: Role::Admin,
            pegawai_id: None,
            units: vec![],
            disabled: false,
            scope_version: 1,
        })
        .await
        .expect("admin");
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", l.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(l, router(state)).await });
    let token: Value = reqwest::Client::new()
        .post(format!("{base}/v1/auth/login"))
        .json(&json!({"username": "admin", "password": BENCH_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    (base, token["access_token"].as_str().expect("token").to_string())
}

/// A new database on the PostgreSQL server `admin` names (a URL ending in a database to connect
/// to first): its URL, for a hub store and the run's baseline alike.
pub async fn fresh_postgres_database(admin: &str) -> String {
    let (client, conn) = tokio_postgres::connect(admin, tokio_postgres::NoTls).await.expect("postgres");
    tokio::spawn(conn);
    let db = format!("berkas_bench_{}", uuid::Uuid::now_v7().simple());
    client.batch_execute(&format!("CREATE DATABASE {db}")).await.expect("create db");
    format!("{}/{db}", admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin))
}

/// A TCP relay in front of the hub that counts every byte in both directions.
pub struct CountingRelay {
    pub url: String,
    bytes: Arc<AtomicU64>,
}

impl CountingRelay {
    pub async fn start(upstream: &str) -> CountingRelay {
        let target = upstream.trim_start_matches("http://").to_string();
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind relay");
        let url = format!("http://{}", l.local_addr().expect("addr"));
        let bytes = Arc::new(AtomicU64::new(0));
        let counted = bytes.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = l.accept().await {
                let (target, counted) = (target.clone(), counted.clone());
                tokio::spawn(async move {
                    let Ok(upstream) = tokio::net::TcpStream::connect(&target).await else { return };
                    let _ = client.set_nodelay(true);
                    let _ = upstream.set_nodelay(true);
                    let (cr, cw) = client.into_split();
                    let (ur, uw) = upstream.into_split();
                    let up = tokio::spawn(pump(cr, uw, counted.clone()));
                    pump(ur, cw, counted).await;
                    let _ = up.await;
                });
            }
        });
        CountingRelay { url, bytes }
    }

    /// Bytes relayed so far, both directions.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::SeqCst)
    }
}

async fn pump(mut from: tokio::net::tcp::OwnedReadHalf, mut to: tokio::net::tcp::OwnedWriteHalf, n: Arc<AtomicU64>) {
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(k) => {
                n.fetch_add(k as u64, Ordering::SeqCst);
                if to.write_all(&buf[..k]).await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown().await;
}

/// Peak resident memory of this process so far, in MB (Linux `VmHWM`).
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}
