//! Random offline edits on three devices (an ASN's phone and laptop, the BKD's admin), random
//! sync orders and re-deliveries of the whole log, against a real hub: once everyone has
//! synced, every replica holds the same record.

use berkas_core::model::{FieldMap, Value};
use berkas_core::sync::SyncOptions;
use berkas_core::{Berkas, ListFilter};
use berkas_tests::{device, HubProcess, DEMO_PASSWORD};
use proptest::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone)]
enum Op {
    /// Device edits field with a value.
    Edit(usize, usize, u8),
    Sync(usize),
    /// Device pulls the whole log again at its next sync (every change delivered twice).
    Redeliver(usize),
}

fn arb_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..3, 0usize..3, 0u8..5).prop_map(|(d, f, v)| Op::Edit(d, f, v)),
        3 => (0usize..3).prop_map(Op::Sync),
        1 => (0usize..3).prop_map(Op::Redeliver),
    ]
}

/// The ASN owns their contact fields, the BKD the official ones (single writer per field).
const ASN_FIELDS: [&str; 3] = ["alamat", "no_hp", "email"];
const ADMIN_FIELDS: [&str; 3] = ["jabatan_nama", "gelar_belakang", "nomor_sk_pns"];

fn value(field: &str, v: u8, device: usize) -> Value {
    Value::Text(match field {
        "no_hp" => format!("08123450{device}{v:03}"),
        "email" => format!("asn{device}{v}@contoh.id"),
        _ => format!("{field} {device}-{v}"),
    })
}

fn run_case(rt: &tokio::runtime::Runtime, hub: &HubProcess, nips: &[String], case: &AtomicUsize, ops: Vec<Op>) {
    let n = case.fetch_add(1, Ordering::SeqCst);
    let nip = &nips[n % nips.len()];
    let tmp = tempfile::tempdir().expect("tempdir");
    rt.block_on(async {
        let devices: Vec<Berkas> = (0..3).map(|i| device(tmp.path(), &format!("d{i}"))).collect();
        for (i, d) in devices.iter().enumerate() {
            let user = if i == 2 { "admin" } else { nip.as_str() };
            d.login(&hub.url, user, DEMO_PASSWORD, None).await.expect("login");
            d.sync(&SyncOptions::default()).await.expect("first sync");
        }
        for op in &ops {
            match *op {
                Op::Edit(d, f, v) => {
                    let field = if d == 2 { ADMIN_FIELDS[f] } else { ASN_FIELDS[f] };
                    let set: FieldMap = [(field.to_string(), value(field, v, d))].into_iter().collect();
                    devices[d].edit_pegawai(nip, &set).expect("edit");
                }
                Op::Sync(d) => {
                    devices[d].sync(&SyncOptions::default()).await.expect("sync");
                }
                Op::Redeliver(d) => devices[d].resync_from_start().expect("resync"),
            }
        }
        for _ in 0..2 {
            for d in &devices {
                d.sync(&SyncOptions::default()).await.expect("final sync");
            }
        }
        let want = devices[2].pegawai(nip).expect("admin copy").data_utama.values;
        for (i, d) in devices.iter().enumerate() {
            assert!(d.outbox().expect("outbox").is_empty(), "device {i}: nothing refused or left");
            assert_eq!(d.pegawai(nip).expect("copy").data_utama.values, want, "device {i} after {ops:?}");
        }
        // And the hub's own copy, pulled fresh.
        let fresh = device(tmp.path(), "fresh");
        fresh.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("login");
        fresh.sync(&SyncOptions::default()).await.expect("sync");
        assert_eq!(fresh.pegawai(nip).expect("hub copy").data_utama.values, want);
    });
}

#[test]
fn random_edits_and_sync_orders_converge_on_every_replica() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 12);
    let nips: Vec<String> = rt.block_on(async {
        let admin = device(tmp.path(), "lister");
        admin.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("login");
        admin.sync(&SyncOptions::default()).await.expect("sync");
        admin
            .list_pegawai(&ListFilter { limit: 100, ..ListFilter::default() })
            .expect("list")
            .into_iter()
            .map(|p| p.nip)
            .collect()
    });
    let case = AtomicUsize::new(0);
    let config = ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(ops in proptest::collection::vec(arb_op(), 1..25))| {
        run_case(&rt, &hub, &nips, &case, ops);
    });
}
