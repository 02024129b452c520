//! The sealed file store on a real directory: uploads in chunks, a record cut by a crash,
//! reads by range, a hub from before sealed in place, and a key rotation.

use super::*;
use berkas_core::secrets::Secret;
use sha2::{Digest, Sha256};
use std::path::Path;

fn doc(len: usize, seed: u8) -> (String, Vec<u8>) {
    // Text a scan's OCR layer would hold, repeated: easy to look for on disk.
    let bytes: Vec<u8> = b"NIK 3273010101900001 BUDI SANTOSO "
        .iter()
        .cycle()
        .take(len)
        .enumerate()
        .map(|(i, b)| if i % 1000 == 999 { seed } else { *b })
        .collect();
    (hex::encode(Sha256::digest(&bytes)), bytes)
}

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Whether any file under `dir` shows the marker text.
fn shows_plain(dir: &Path) -> bool {
    files(dir).iter().any(|f| {
        let bytes = std::fs::read(f).expect("read");
        bytes.windows(12).any(|w| w == b"BUDI SANTOSO")
    })
}

#[tokio::test]
async fn sealed_uploads_resume_after_a_cut_record_and_read_by_range() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = FsBlobStore::sealed(tmp.path(), Secret::random_key().expect("key")).expect("store");
    let (sha, bytes) = doc(200_000, 1);
    let total = bytes.len() as u64;
    assert_eq!(
        store.append(&sha, "up", 0, total, bytes[..70_000].to_vec()).await.expect("chunk"),
        BlobStatus::Partial(70_000)
    );
    assert!(!shows_plain(tmp.path()), "an unfinished upload is plain on disk");

    // A crash cut the next record halfway: it is not counted, and is replaced by the resend.
    let partial =
        std::fs::read_dir(tmp.path().join("partial")).expect("dir").next().expect("partial").expect("entry").path();
    let whole = std::fs::metadata(&partial).expect("meta").len();
    store.append(&sha, "up", 70_000, total, bytes[70_000..90_000].to_vec()).await.expect("chunk");
    let f = std::fs::OpenOptions::new().write(true).open(&partial).expect("open");
    f.set_len(whole + 5_000).expect("cut");
    assert_eq!(store.state(&sha, "up").await.expect("state").partial, 70_000);
    let wrong = store.append(&sha, "up", 90_000, total, bytes[90_000..].to_vec()).await;
    assert!(matches!(wrong, Err(BlobError::OffsetMismatch { expected: 70_000, got: 90_000 })), "{wrong:?}");
    store.append(&sha, "up", 70_000, total, bytes[70_000..150_000].to_vec()).await.expect("resend");
    let done = store.append(&sha, "up", 150_000, total, bytes[150_000..].to_vec()).await.expect("last");
    assert_eq!(done, BlobStatus::Complete(total));

    assert_eq!(store.state(&sha, "other").await.expect("state").complete, Some(total));
    assert_eq!(store.read(&sha, 0, None).await.expect("read"), Some((bytes.clone(), total)));
    for (a, b) in [(0u64, 1u64), (65_530, 65_600), (131_000, 200_000), (199_999, 300_000)] {
        let got = store.read(&sha, a, Some(b)).await.expect("range").expect("there").0;
        assert_eq!(got, bytes[a as usize..(b.min(total)) as usize], "range {a}..{b}");
    }
    assert!(!shows_plain(tmp.path()), "a complete document is plain on disk");
    assert_eq!(store.plain_documents().expect("count"), 0);

    // Another hub's key opens nothing, and says so.
    let other = FsBlobStore::sealed(tmp.path(), Secret::random_key().expect("key")).expect("store");
    assert!(matches!(other.read(&sha, 0, None).await, Err(BlobError::Sealed(_))));
}

#[tokio::test]
async fn a_changed_upload_is_refused_and_leaves_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = FsBlobStore::sealed(tmp.path(), Secret::random_key().expect("key")).expect("store");
    let (sha, mut bytes) = doc(10_000, 2);
    bytes[5] ^= 1;
    let r = store.append(&sha, "up", 0, bytes.len() as u64, bytes).await;
    assert!(matches!(r, Err(BlobError::HashMismatch)), "{r:?}");
    assert_eq!(store.state(&sha, "up").await.expect("state"), BlobState { complete: None, partial: 0 });
    assert_eq!(files(tmp.path()), Vec::<std::path::PathBuf>::new(), "no file is left behind");
}

#[tokio::test]
async fn a_hub_from_before_is_served_then_sealed_in_place_and_rotated() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let plain = FsBlobStore::new(tmp.path()).expect("plain store");
    let docs = [doc(100_000, 3), doc(10, 4), doc(0, 5)];
    for (sha, bytes) in &docs {
        plain.append(sha, "up", 0, bytes.len() as u64, bytes.clone()).await.expect("upload");
    }
    plain.append(&doc(50, 6).0, "up", 0, 50, b"BUDI SANTOSO".to_vec()).await.expect("unfinished");
    assert!(shows_plain(tmp.path()));

    let key = Secret::random_key().expect("key");
    let sealed = FsBlobStore::sealed(tmp.path(), key.clone()).expect("store");
    assert_eq!(sealed.plain_documents().expect("count"), 3);
    // Served as they are before sealing.
    assert_eq!(sealed.read(&docs[0].0, 0, None).await.expect("read").expect("there").0, docs[0].1);
    let report = sealed.seal_existing().expect("seal");
    assert_eq!(report, SealReport { sealed: 3, already: 0, partials_removed: 1 });
    assert!(!shows_plain(tmp.path()));
    assert_eq!(sealed.plain_documents().expect("count"), 0);
    assert_eq!(sealed.seal_existing().expect("again"), SealReport { sealed: 0, already: 3, partials_removed: 0 });
    for (sha, bytes) in &docs {
        assert_eq!(sealed.read(sha, 0, None).await.expect("read"), Some((bytes.clone(), bytes.len() as u64)));
    }

    let new = Secret::random_key().expect("key");
    assert_eq!(sealed.reseal_all(&new).expect("rotate"), 3);
    // A rotation run again (cut off before its key was stored) finds them done.
    assert_eq!(sealed.reseal_all(&new).expect("again"), 0);
    let rotated = FsBlobStore::sealed(tmp.path(), new).expect("store");
    for (sha, bytes) in &docs {
        assert_eq!(rotated.read(sha, 0, None).await.expect("read"), Some((bytes.clone(), bytes.len() as u64)));
        assert!(matches!(sealed.read(sha, 0, Some(1)).await, Err(BlobError::Sealed(_))), "the old key opens it");
    }
}

#[tokio::test]
async fn a_corrupt_plain_document_is_left_as_it_is() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let plain = FsBlobStore::new(tmp.path()).expect("plain store");
    let (sha, bytes) = doc(1000, 7);
    plain.append(&sha, "up", 0, bytes.len() as u64, bytes.clone()).await.expect("upload");
    let path = tmp.path().join(&sha[..2]).join(&sha);
    let mut changed = bytes.clone();
    changed[0] ^= 1;
    std::fs::write(&path, &changed).expect("a failing disk");
    let sealed = FsBlobStore::sealed(tmp.path(), Secret::random_key().expect("key")).expect("store");
    let err = sealed.seal_existing().expect_err("refused");
    assert!(err.to_string().contains(&sha), "{err}");
    assert_eq!(std::fs::read(&path).expect("read"), changed, "left as it was");
}
