//! "Lupa password" end to end, against a real hub and a real SMTP server: the sign-in screen's
//! request answers the same bytes for an unknown NIP, a wrong date of birth and a match; the
//! match opens a ticket the unit's facilitator sees; the facilitator has the hub send a
//! one-time code to the ASN's registered go.id address and learns only where it went; the ASN
//! signs in with it and must choose a new password; the code is single use, expires, and the
//! request is rate-limited; the facilitator can neither read a code nor set a password.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use berkas_core::helpdesk::TiketFilter;
use berkas_core::model::{FieldMap, Value};
use berkas_core::sync::SyncOptions;
use berkas_core::{Berkas, Error, ListFilter};
use berkas_tests::{access_token, berkas_cli, device, HubProcess, DEMO_PASSWORD};

/// The SMTP sink (tests/fixtures/smtp_sink.py), stopped when dropped.
struct SmtpSink {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl SmtpSink {
    fn start(dir: &Path) -> SmtpSink {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/smtp_sink.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(port.to_string())
            .arg(dir)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs the SMTP sink");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("the sink starts");
        assert_eq!(line.trim(), "listening", "the SMTP sink did not start");
        SmtpSink { child, port, dir: dir.to_path_buf() }
    }

    /// The messages received so far, oldest first.
    fn messages(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files.iter().map(|f| std::fs::read_to_string(f).expect("a message")).collect()
    }

    fn wait_for(&self, n: usize) -> Vec<String> {
        let start = Instant::now();
        loop {
            let m = self.messages();
            if m.len() >= n {
                return m;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "no e-mail arrived");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The one-time code in a message: three groups of four letters of the code alphabet.
fn code_in(message: &str) -> String {
    let alphabet = |c: char| c.is_ascii_uppercase() && !matches!(c, 'I' | 'O') || ('2'..='9').contains(&c);
    message
        .split_whitespace()
        .find(|w| {
            let parts: Vec<&str> = w.split('-').collect();
            parts.len() == 3 && parts.iter().all(|p| p.len() == 4 && p.chars().all(alphabet))
        })
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no code in the message:\n{message}"))
}

fn hub_code(e: &Error) -> &str {
    match e {
        Error::Hub { code, .. } => code,
        other => panic!("not the hub's refusal: {other}"),
    }
}

async fn forgot(url: &str, nip: &str, born: &str, nik: &str) -> (u16, Vec<u8>) {
    let body = serde_json::json!({ "nip": nip, "tanggal_lahir": born, "nik": nik });
    let r = reqwest::Client::new().post(format!("{url}/v1/auth/lupa-password")).json(&body).send().await.expect("post");
    (r.status().as_u16(), r.bytes().await.expect("body").to_vec())
}

fn field(b: &Berkas, nip: &str, f: &str) -> String {
    b.pegawai(nip).expect("record").data_utama.values.get(f).and_then(Value::as_str).expect("a value").to_string()
}

#[tokio::test(flavor = "current_thread")]
async fn a_forgotten_password_is_recovered_through_the_helpdesk() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sink = SmtpSink::start(&tmp.path().join("mail"));
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let ttl = 8;
    let extra = ["--smtp-url", &smtp, "--smtp-from", "helpdesk@bkd.demo.go.id", "--reset-code-ttl", &ttl.to_string()];
    let hub = HubProcess::demo_with(&tmp.path().join("hub"), 2, &extra);
    let opts = SyncOptions::default();
    let admin = device(tmp.path(), "admin");
    admin.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("admin login");
    admin.sync(&opts).await.expect("sync");
    let filter = ListFilter { unit: Some("UNIT-A".into()), ..ListFilter::default() };
    let nip = admin.list_pegawai(&filter).expect("list")[0].nip.clone();
    let (born, nik) = (field(&admin, &nip, "tgl_lahir"), field(&admin, &nip, "nik"));
    // The go.id address the instansi reconciled earlier.
    let address: FieldMap = [("email_gov".to_string(), Value::Text("asn.lupa@bkd.demo.go.id".into()))].into();
    admin.edit_pegawai(&nip, &address).expect("rekon");
    assert_eq!(admin.sync(&opts).await.expect("sync").refused, 0);

    // The same bytes whether the NIP is unknown, the date of birth wrong, or all matches.
    let unknown_nip = format!("{}{}", &nip[..17], if nip.ends_with('9') { '8' } else { '9' });
    let unknown = forgot(&hub.url, &unknown_nip, &born, &nik).await;
    let wrong = forgot(&hub.url, &nip, "1901-01-01", &nik).await;
    let right = forgot(&hub.url, &nip, &born, &nik).await;
    assert_eq!(right.0, 202);
    assert_eq!(unknown, right, "an unknown NIP is answered as a match is");
    assert_eq!(wrong, right, "a wrong date of birth is answered as a match is");
    let malformed = forgot(&hub.url, "1985", &born, &nik).await;
    assert_eq!(malformed.0, 400, "a malformed NIP is named");
    // From the command line (the sign-in screen's twin): the hub's words, for wrong data too.
    let cli_phone = tmp.path().join("cli-phone");
    let init = berkas_cli(&cli_phone, &["init", "--secret-store", "file"], Some("sandi-profil\n"));
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let asked = berkas_cli(
        &cli_phone,
        &["lupa-password", "--server", &hub.url, "--nip", &unknown_nip, "--tanggal-lahir", &born, "--nik", &nik],
        None,
    );
    let answer: serde_json::Value = serde_json::from_slice(&right.1).expect("json");
    assert!(asked.status.success(), "{}", String::from_utf8_lossy(&asked.stderr));
    assert_eq!(String::from_utf8_lossy(&asked.stdout).trim(), answer["message"].as_str().expect("message"));

    // The unit's facilitator sees one ticket (the match's), routed to the helpdesk of accounts.
    let fas = device(tmp.path(), "fas-a");
    fas.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("fas login");
    fas.sync(&opts).await.expect("sync");
    let tickets = fas.tiket_list(&TiketFilter::default()).expect("tickets");
    assert_eq!(tickets.len(), 1, "{tickets:?}");
    let ticket = &tickets[0];
    assert_eq!(
        (ticket.kategori.as_str(), ticket.nip.as_str(), ticket.tujuan.as_str()),
        ("LUPA_PASSWORD", nip.as_str(), "BKD")
    );
    assert!(ticket.steps[0].diterima.is_some());

    // Another unit's facilitator cannot have a code sent; this one can, and learns only where.
    let other = device(tmp.path(), "fas-b");
    other.login(&hub.url, "fas-b", DEMO_PASSWORD, None).await.expect("fas-b login");
    assert_eq!(hub_code(&other.send_reset_code(&ticket.id, &opts).await.expect_err("other unit")), "tiket.not_found");
    let sent = fas.send_reset_code(&ticket.id, &opts).await.expect("a code sent");
    assert_eq!((sent.channel.as_str(), sent.sent_to.as_str()), ("email", "a***@bkd.demo.go.id"));
    let mail = sink.wait_for(1).remove(0);
    assert!(mail.contains("asn.lupa@bkd.demo.go.id") && mail.contains("helpdesk@bkd.demo.go.id"), "{mail}");
    let code = code_in(&mail);
    let told = serde_json::to_string(&sent).expect("json");
    assert!(!told.contains(&code), "the helpdesk is never told the code");
    // Nor can a facilitator's token read one (the administrator's reset) or set a password.
    let token = access_token(&hub.url, "fas-a").await;
    let c = reqwest::Client::new();
    let r =
        c.post(format!("{}/v1/admin/accounts/{nip}/reset", hub.url)).bearer_auth(&token).send().await.expect("post");
    assert_eq!(r.status().as_u16(), 403);
    let change = serde_json::json!({ "disabled": false });
    let r = c
        .patch(format!("{}/v1/admin/accounts/{nip}", hub.url))
        .bearer_auth(&token)
        .json(&change)
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status().as_u16(), 403);
    fas.sync(&opts).await.expect("sync");
    let waiting = fas.tiket(&ticket.id).expect("ticket");
    assert_eq!(waiting.sla.status, "MENUNGGU_PEMOHON");
    assert!(waiting.steps.last().and_then(|s| s.isi.as_deref()).is_some_and(|i| i.contains("a***@bkd.demo.go.id")));

    // The ASN: the code as a password is not a session but an order to choose a password.
    let phone = device(tmp.path(), "phone");
    let must = phone.login(&hub.url, &nip, &code, None).await.expect_err("a code is not a password");
    assert_eq!(hub_code(&must), "auth.reset_required");
    let reset = berkas_cli(
        &cli_phone,
        &["login", "--server", &hub.url, "--user", &nip, "--reset-code", &code, "--password-stdin"],
        Some("password-baru-saya\n"),
    );
    assert!(reset.status.success(), "{}", String::from_utf8_lossy(&reset.stderr));
    let again = device(tmp.path(), "again");
    let used = again.login_with_reset_code(&hub.url, &nip, &code, "password-lain-lagi", None).await.expect_err("twice");
    assert_eq!(hub_code(&used), "auth.invalid_code");
    again.login(&hub.url, &nip, "password-baru-saya", None).await.expect("the new password signs in");

    // A code not used in time is refused.
    let fas_cli = tmp.path().join("fas-cli");
    for args in [
        vec!["init", "--secret-store", "file"],
        vec!["login", "--server", &hub.url, "--user", "fas-a", "--password-stdin"],
        vec!["tiket", "kirim-kode", &ticket.id],
    ] {
        let out = berkas_cli(&fas_cli, &args, Some(&format!("{DEMO_PASSWORD}\n")));
        assert!(out.status.success(), "berkas {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(!String::from_utf8_lossy(&out.stdout).contains(&code));
    }
    let late = code_in(&sink.wait_for(2)[1]);
    tokio::time::sleep(Duration::from_secs(ttl + 1)).await;
    let expired = device(tmp.path(), "late");
    let refused = expired.login_with_reset_code(&hub.url, &nip, &late, "password-terlambat", None).await;
    assert_eq!(hub_code(&refused.expect_err("expired")), "auth.invalid_code");

    // Twenty requests in a minute: the hub stops answering them, saying why.
    let mut limited = 0;
    for _ in 0..20 {
        let (status, body) = forgot(&hub.url, &nip, &born, &nik).await;
        if status == 429 {
            let e: serde_json::Value = serde_json::from_slice(&body).expect("json");
            assert_eq!(e["error"]["code"], "auth.rate_limited", "{e}");
            limited += 1;
        }
    }
    assert!(limited >= 17, "only {limited} of 20 were refused");
}
