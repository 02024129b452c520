//! The `berkas` binary end to end: output shapes, exit codes, and a profile's life.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn berkas(profile: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_berkas"))
        .arg("--profile")
        .arg(profile)
        .args(args)
        .env("BERKAS_SECRET_STORE", "file")
        .output()
        .expect("run berkas")
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn check_nip_decodes_pns_women_pppk_and_old_numbers() {
    let p = Path::new("/nonexistent-profile-not-needed");
    let v = json(&berkas(p, &["check", "nip", "198503122010011002", "--json"]));
    assert_eq!(
        (v["kind"].as_str(), v["birth_date"].as_str(), v["tmt"].as_str(), v["sex"].as_str(), v["sequence"].as_u64()),
        (Some("pns"), Some("1985-03-12"), Some("2010-01"), Some("M"), Some(2))
    );
    let v = json(&berkas(p, &["check", "nip", "19900115 201503 2 001", "--json"]));
    assert_eq!((v["sex"].as_str(), v["tmt"].as_str()), (Some("F"), Some("2015-03")));
    let v = json(&berkas(p, &["check", "nip", "199204112021212003", "--json"]));
    assert_eq!(
        (v["kind"].as_str(), v["tmt"].as_str(), v["sex"].as_str(), v["sequence"].as_u64()),
        (Some("pppk"), Some("2021"), Some("F"), Some(3))
    );
    let v = json(&berkas(p, &["check", "nip", "010203045", "--json"]));
    assert_eq!(v["kind"], "nip_lama");
}

#[test]
fn invalid_nip_exits_2_naming_the_part() {
    let p = Path::new("/nonexistent");
    for (nip, part) in [
        ("198502302010011002", "digits 1-8"),
        ("198503122010001002", "digits 13-14"),
        ("198503122010013002", "digit 15"),
        ("1985", "18 digits"),
    ] {
        let out = berkas(p, &["check", "nip", nip]);
        assert_eq!(out.status.code(), Some(2), "{nip}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(part), "{nip}: {err}");
    }
    let out = berkas(p, &["check", "nip", "x", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json error");
    assert_eq!(v["error"]["code"], "nip.not_digit");
}

#[test]
fn check_nik_and_consistency_warnings() {
    let p = Path::new("/nonexistent");
    let v = json(&berkas(p, &["check", "nik", "3374015203850004", "--json"]));
    assert_eq!(
        (
            v["province"].as_str(),
            v["kabupaten"].as_str(),
            v["kecamatan"].as_str(),
            v["birth_date"].as_str(),
            v["sex"].as_str()
        ),
        (Some("33"), Some("74"), Some("01"), Some("1985-03-12"), Some("F"))
    );
    let v = json(&berkas(p, &["check", "nip", "198503122010011002", "--nik", "3374015203850004", "--json"]));
    let codes: Vec<&str> =
        v["warnings"].as_array().expect("warnings").iter().filter_map(|w| w["code"].as_str()).collect();
    assert_eq!(codes, vec!["nip_nik.sex"]);
    assert_eq!(berkas(p, &["check", "nik", "9973015203850004"]).status.code(), Some(2));
}

#[test]
fn a_profile_from_init_to_export() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("profile");
    json(&berkas(&p, &["init", "--json"]));
    let add = berkas(
        &p,
        &[
            "pegawai",
            "add",
            "--set",
            "nip_baru=198503122010011002",
            "--set",
            "nama=Budi Santoso",
            "--set",
            "nik=3374011203850004",
            "--set",
            "unit=UNIT-A",
            "--json",
        ],
    );
    assert_eq!(json(&add)["nip"], "198503122010011002");
    let bad = berkas(&p, &["pegawai", "edit", "198503122010011002", "--set", "no_hp=12345"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no_hp"));
    json(&berkas(&p, &["pegawai", "edit", "198503122010011002", "--set", "no_hp=081234567890", "--json"]));
    json(&berkas(
        &p,
        &[
            "riwayat",
            "add",
            "198503122010011002",
            "golongan",
            "--set",
            "golongan_id=32",
            "--set",
            "sk_nomor=1/2020",
            "--set",
            "tmt_golongan=01-04-2020",
            "--json",
        ],
    ));
    let found = json(&berkas(&p, &["pegawai", "search", "budi", "--json"]));
    assert_eq!(found[0]["nip"], "198503122010011002");
    let show = json(&berkas(&p, &["pegawai", "show", "198503122010011002", "--json"]));
    assert_eq!(show["data_utama"]["values"]["no_hp"], "+6281234567890");
    assert_eq!(show["riwayat"]["riwayat_golongan"][0]["values"]["golongan_id"], "32");
    let export = json(&berkas(&p, &["export", "siasn", "198503122010011002"]));
    assert_eq!(export["dataUtama"]["noHp"], "+6281234567890");
    let file = dir.path().join("one.json");
    std::fs::write(&file, serde_json::to_vec(&export).expect("json")).expect("write");
    let q = dir.path().join("other");
    json(&berkas(&q, &["init", "--json"]));
    let report = json(&berkas(&q, &["import", "siasn", file.to_str().expect("path"), "--json"]));
    assert_eq!(report["created"], 1);
    let audit = json(&berkas(&p, &["audit", "198503122010011002", "--json"]));
    let actions: Vec<&str> = audit.as_array().expect("arr").iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, vec!["export_siasn", "create", "update", "create"]);
}

#[test]
fn import_referensi_reports_every_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("profile");
    json(&berkas(&p, &["init", "--json"]));
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/siasn-referensi");
    let v = json(&berkas(&p, &["import", "referensi", src.to_str().expect("path"), "--json"]));
    let n = std::fs::read_dir(&src).expect("ls").count();
    assert_eq!(v.as_array().expect("arr").len(), n);
}

#[test]
fn wrong_key_gives_a_clear_error_and_keeps_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("profile");
    json(&berkas(&p, &["init", "--json"]));
    json(&berkas(&p, &["pegawai", "add", "--set", "nip_baru=198503122010011002", "--set", "nama=Budi", "--json"]));
    let secrets_path = p.join("secrets.json");
    let secrets: serde_json::Map<String, Value> =
        serde_json::from_slice(&std::fs::read(&secrets_path).expect("read")).expect("json");
    let wrong: serde_json::Map<String, Value> =
        secrets.keys().map(|k| (k.clone(), Value::String("ab".repeat(32)))).collect();
    std::fs::write(&secrets_path, serde_json::to_vec(&wrong).expect("json")).expect("write");
    let before = std::fs::read(p.join("berkas.db")).expect("db");
    let out = berkas(&p, &["--lang", "en", "pegawai", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("key does not open this database"));
    // One language per run: Bahasa Indonesia by default.
    let out = berkas(&p, &["pegawai", "list"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("kunci ini tidak membuka basis data") && !err.contains("does not open"), "{err}");
    assert_eq!(std::fs::read(p.join("berkas.db")).expect("db"), before);
}

#[test]
fn a_record_reads_in_names_riwayat_newest_first_in_one_language() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("profile");
    json(&berkas(&p, &["init", "--json"]));
    let nip = "198503122010011002";
    let sets = ["nama=Budi Santoso", "agama_id=1", "jenis_kelamin=M", "tgl_lahir=1985-03-12", "gol_ruang_akhir_id=42"];
    let mut args = vec!["pegawai", "add", "--set", "nip_baru=198503122010011002"];
    for s in &sets {
        args.extend(["--set", s]);
    }
    json(&berkas(&p, &[args.as_slice(), &["--json"]].concat()));
    for (gol, tmt) in [("31", "2010-01-01"), ("42", "2022-04-01"), ("33", "2014-04-01")] {
        let (g, t) = (format!("golongan_id={gol}"), format!("tmt_golongan={tmt}"));
        json(&berkas(
            &p,
            &["riwayat", "add", nip, "golongan", "--set", &g, "--set", "sk_nomor=1", "--set", &t, "--json"],
        ));
    }

    let text = berkas(&p, &["pegawai", "show", nip]);
    let out = String::from_utf8_lossy(&text.stdout);
    for line in ["Islam (1)", "Laki-laki (M)", "12 Maret 1985", "IV/b Pembina Tingkat I (42)", "Riwayat golongan (3)"] {
        assert!(out.contains(line), "{line:?} missing from:\n{out}");
    }
    let en = String::from_utf8_lossy(&berkas(&p, &["--lang", "en", "pegawai", "show", nip]).stdout).into_owned();
    assert!(en.contains("Religion") && en.contains("12 March 1985") && en.contains("Male (M)"), "{en}");
    assert!(!en.contains("Agama") && !en.contains("Maret"), "one language per run:\n{en}");

    let v = json(&berkas(&p, &["pegawai", "show", nip, "--json"]));
    let agama = &v["data_utama"]["fields"]["agama_id"];
    assert_eq!(
        (agama["value"].as_str(), agama["label"].as_str(), agama["display"].as_str()),
        (Some("1"), Some("Agama"), Some("Islam"))
    );
    assert_eq!(v["data_utama"]["fields"]["alamat"]["display"], "-", "empty reads as a dash");
    let tmts: Vec<&str> = v["riwayat"]["riwayat_golongan"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["values"]["tmt_golongan"].as_str().expect("tmt"))
        .collect();
    assert_eq!(tmts, ["2022-04-01", "2014-04-01", "2010-01-01"], "newest first");
    let first = &v["riwayat"]["riwayat_golongan"][0]["fields"]["golongan_id"];
    assert_eq!(first["display"], "IV/b Pembina Tingkat I");

    // A code no table knows is refused offline, in the run's language, naming the field.
    let bad = berkas(&p, &["pegawai", "edit", nip, "--set", "agama_id=9"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("Agama (agama_id)") && err.contains("tidak ada di tabel referensinya"), "{err}");
    let bad = berkas(&p, &["--lang", "en", "check", "field", "agama_id", "9"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Religion (agama_id)"));
    let ok = json(&berkas(&p, &["check", "field", "gol_ruang_akhir_id", "11", "--json"]));
    assert_eq!(ok["display"], "I/a Juru Muda");

    // The tables here, and a code looked up offline.
    let tables = json(&berkas(&p, &["referensi", "list", "--json"]));
    assert!(tables.as_array().expect("tables").iter().any(|t| t["name"] == "golonganPns" && t["source"] == "builtin"));
    let rows = json(&berkas(&p, &["referensi", "show", "golonganPns", "--search", "pembina", "--json"]));
    let ids: Vec<&str> = rows.as_array().expect("rows").iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["41", "42", "43", "44", "45"]);
    // Layanan names and the CLI's own lines in the run's language.
    let en = String::from_utf8_lossy(&berkas(&p, &["--lang", "en", "layanan", "list"]).stdout).into_owned();
    assert!(en.contains("Layanan catalogue version") && en.contains("Regular promotion"), "{en}");
    assert!(!en.contains("Kenaikan pangkat reguler") && !en.contains("dokumen"), "{en}");
    let id = String::from_utf8_lossy(&berkas(&p, &["layanan", "list"]).stdout).into_owned();
    assert!(id.contains("Katalog layanan versi") && id.contains("Kenaikan pangkat reguler"), "{id}");
    let edit = berkas(&p, &["--lang", "en", "pegawai", "edit", nip, "--set", "alamat=Jl. Melati 1"]);
    assert_eq!(String::from_utf8_lossy(&edit.stdout).trim(), "Changed: alamat");
    let missing = berkas(&p, &["referensi", "show", "tidakAda"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("tabel referensi tidak ditemukan"));
}

/// A reader that stops early (`berkas synth | head -1`) ends the program quietly: no panic,
/// no backtrace, a clean exit. And `synth --out` writes the same documents to a file.
#[test]
fn a_closed_pipe_ends_quietly_and_synth_writes_to_a_file() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_berkas"))
        .args(["synth", "--count", "3000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run berkas");
    // Read one line and hang up, as `head -1` does.
    {
        let stdout = child.stdout.take().expect("stdout");
        let mut first = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut first).expect("a line");
        assert_eq!(first.trim(), "[");
    }
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{stderr}");
    assert!(out.status.success(), "{:?} {stderr}", out.status);

    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("synth.json");
    let to_file = berkas(dir.path(), &["synth", "--count", "5", "--out", file.to_str().expect("path")]);
    assert!(to_file.status.success() && to_file.stdout.is_empty());
    let to_stdout = berkas(dir.path(), &["synth", "--count", "5"]);
    assert_eq!(std::fs::read(&file).expect("written"), to_stdout.stdout, "the same documents either way");
}

/// A person who received a signed file has no profile: they are told to give the BKD's key.
#[test]
fn a_signed_file_checked_without_a_profile_asks_for_the_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("surat.pdf");
    std::fs::write(&file, b"%PDF-1.4\n%%EOF\n").expect("write");
    let out = berkas(&dir.path().join("none"), &["--lang", "en", "signature", "verify", file.to_str().expect("path")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--key") && !stderr.contains("berkas init"), "{stderr}");
}
