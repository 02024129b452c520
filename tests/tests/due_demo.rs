//! `berkas due pensiun --period ... --json` on the demo instansi lists exactly the ASN whose
//! BUP falls due in that month (TMT pensiun the 1st), worked out here from their birth dates;
//! the hub answers the facilitator the same from its own rows.

use berkas_core::ListFilter;
use berkas_tests::{access_token, berkas_cli as berkas, device, HubProcess, DEMO_PASSWORD};
use std::collections::{BTreeMap, BTreeSet};

/// TMT pensiun at BUP 58 (the demo sets no JF or eselon): the 1st of the month after the
/// birth month, 58 years on.
fn tmt_58(born: &str) -> String {
    let (y, m): (i32, u32) = (born[..4].parse().expect("year"), born[5..7].parse().expect("month"));
    let (y, m) = if m == 12 { (y + 59, 1) } else { (y + 58, m + 1) };
    format!("{y:04}-{m:02}")
}

#[tokio::test(flavor = "current_thread")]
async fn due_pensiun_on_the_demo_lists_exactly_those_reaching_bup() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 20);
    // The expectation, from the birth dates on an admin's device.
    let admin = device(tmp.path(), "admin");
    admin.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("login");
    admin.sync(&Default::default()).await.expect("sync");
    let all = admin.list_pegawai(&ListFilter { limit: 1000, ..ListFilter::default() }).expect("list");
    assert_eq!(all.len(), 40);
    let mut by_month: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in &all {
        let rec = admin.pegawai(&p.nip).expect("record");
        let born =
            rec.data_utama.values.get("tgl_lahir").and_then(|v| v.as_str().map(str::to_string)).expect("tgl_lahir");
        by_month.entry(tmt_58(&born)).or_default().insert(p.nip.clone());
    }
    let unit_a: BTreeSet<String> =
        all.iter().filter(|p| p.unit.as_deref() == Some("UNIT-A")).map(|p| p.nip.clone()).collect();
    // The month with most of UNIT-A due from now on, and January 2027 whatever it holds.
    let busiest = by_month
        .iter()
        .filter(|(m, _)| m.as_str() >= "2026-12")
        .max_by_key(|(_, s)| s.intersection(&unit_a).count())
        .map(|(m, _)| m.clone())
        .expect("someone retires after 2026");

    let cli = tmp.path().join("cli");
    assert!(berkas(&cli, &["init", "--secret-store", "file"], None).status.success());
    let login =
        berkas(&cli, &["login", "--server", &hub.url, "--user", "fas-a", "--password-stdin"], Some(DEMO_PASSWORD));
    assert!(login.status.success(), "{}", String::from_utf8_lossy(&login.stderr));
    assert!(berkas(&cli, &["sync"], None).status.success());
    for period in [busiest.as_str(), "2027-01"] {
        let out = berkas(&cli, &["due", "pensiun", "--period", period, "--json"], None);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let got: BTreeSet<String> =
            v["due"].as_array().expect("due").iter().map(|d| d["nip"].as_str().expect("nip").to_string()).collect();
        // The facilitator's device holds UNIT-A only.
        let want: BTreeSet<String> =
            by_month.get(period).cloned().unwrap_or_default().intersection(&unit_a).cloned().collect();
        assert_eq!(got, want, "period {period}");
        for d in v["due"].as_array().expect("due") {
            assert_eq!(d["tmt"].as_str(), Some(format!("{period}-01").as_str()));
        }
        assert_eq!(v["unknown"].as_array().map(Vec::len), Some(0));
        // The hub gives the facilitator the same answer from its own rows.
        let hub_view: serde_json::Value = reqwest::Client::new()
            .get(format!("{}/v1/due/pensiun?period={period}", hub.url))
            .bearer_auth(access_token(&hub.url, "fas-a").await)
            .send()
            .await
            .expect("due from the hub")
            .json()
            .await
            .expect("json");
        let strip = |v: &serde_json::Value| -> Vec<(String, String, String)> {
            let mut rows: Vec<_> = v["due"]
                .as_array()
                .expect("due")
                .iter()
                .map(|d| (d["nip"].to_string(), d["tmt"].to_string(), d["reason"].to_string()))
                .collect();
            rows.sort();
            rows
        };
        assert_eq!(strip(&hub_view), strip(&v), "hub and device disagree for {period}");
    }
    let bad = berkas(&cli, &["due", "pensiun", "--period", "2027-13"], None);
    assert_eq!(bad.status.code(), Some(2));
}
