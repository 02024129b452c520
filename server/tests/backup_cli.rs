//! `berkas-server backup` says what was wrong with its input: an empty standard input is "no
//! passphrase was given", not a wrong passphrase.

use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn an_empty_passphrase_is_named_as_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("x.bkp");
    std::fs::write(&file, b"not a backup").expect("write");
    let mut child = Command::new(env!("CARGO_BIN_EXE_berkas-server"))
        .args(["backup", "verify", file.to_str().expect("path")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run");
    child.stdin.take().expect("stdin").write_all(b"").expect("nothing");
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("no passphrase was given"), "{stderr}");
    assert!(!stderr.contains("does not open"), "{stderr}");
}
