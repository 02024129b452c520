//! Document bytes to and from the hub. Uploads go in chunks and always continue from the
//! offset the hub reports, so a cut costs at most the chunk in flight; the local state says
//! "uploaded" only after the hub has checked the hash. Downloads resume with `Range` into a
//! sealed partial file and are hash-checked before they enter the document store (sealed too:
//! see `docs::crypt`).

use rusqlite::params;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::client::{hub_error, Answer, SyncOptions};
use super::protocol::UPLOAD_OFFSET_HEADER as OFFSET_HEADER;
use crate::docs::crypt;
use crate::docs::store::valid_sha;
use crate::error::{Error, Result};
use crate::profile::Berkas;
use crate::store::now;

/// What an upload or download moved.
#[derive(Debug, Clone, Serialize)]
pub struct BlobTransfer {
    pub sha256: String,
    pub size: u64,
    /// Bytes that went over the wire this time (0 when the hub already had them).
    pub transferred: u64,
    /// Where this transfer started (non-zero when it continued an earlier one).
    pub resumed_from: u64,
}

#[derive(Deserialize)]
struct PutAnswer {
    offset: u64,
    complete: bool,
}

fn offset_of(a: &super::client::Answer) -> Option<u64> {
    a.headers.get(OFFSET_HEADER).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok())
}

impl Berkas {
    fn set_blob_state(&self, sha: &str, size: u64, state: &str) -> Result<()> {
        self.store().conn.execute(
            "INSERT OR REPLACE INTO blob (sha256, size, state, updated_at) VALUES (?1, ?2, ?3, ?4)",
            params![sha, size as i64, state, now()],
        )?;
        Ok(())
    }

    /// The local state of a blob: `pending`, `uploaded` or `cached`, if known.
    pub fn blob_state(&self, sha256: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .store()
            .conn
            .query_row("SELECT state FROM blob WHERE sha256 = ?1", [sha256], |r| r.get(0))
            .optional()?)
    }

    /// Uploads a file, continuing wherever an earlier try was cut.
    pub async fn upload_blob(&self, path: &Path, opts: &SyncOptions) -> Result<BlobTransfer> {
        let bytes = std::fs::read(path)?;
        self.upload_bytes(&bytes, opts).await
    }

    /// Uploads a stored document's bytes (decrypted in memory only).
    pub async fn upload_document(&self, id: &str, opts: &SyncOptions) -> Result<BlobTransfer> {
        let bytes = self.document_bytes(id)?;
        self.upload_bytes(&bytes, opts).await
    }

    /// The bytes of a blob this device holds (a document it made or fetched), checked.
    pub fn blob_bytes(&self, sha256: &str) -> Result<Vec<u8>> {
        self.open_sealed(sha256)
    }

    /// Pending blobs this sync leaves for an unmetered network: on a metered one, those above
    /// the hub's `metered_document_bytes` that the user did not send now.
    pub(crate) fn held_blobs(&self, opts: &SyncOptions) -> Result<std::collections::BTreeSet<String>> {
        if opts.network == super::client::Network::Unmetered {
            return Ok(Default::default());
        }
        let limit =
            self.hub_settings()?.map_or(super::protocol::DEFAULT_METERED_DOCUMENT_BYTES, |s| s.metered_document_bytes);
        let store = self.store();
        let mut st = store.conn.prepare(
            "SELECT sha256 FROM blob WHERE state = 'pending' AND size > ?1
               AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'blob.send_now.' || blob.sha256)",
        )?;
        let shas = st.query_map([limit as i64], |r| r.get::<_, String>(0))?.collect::<Result<_, _>>()?;
        Ok(shas)
    }

    /// The document rows naming these blobs, as a JSON array (for the outbox's query).
    pub(crate) fn rows_of_blobs(&self, shas: &std::collections::BTreeSet<String>) -> Result<String> {
        let list = serde_json::to_string(shas).map_err(|e| Error::BadDocument(e.to_string()))?;
        let store = self.store();
        let mut st = store.conn.prepare("SELECT id FROM dokumen WHERE sha256 IN (SELECT value FROM json_each(?1))")?;
        let ids: Vec<String> = st.query_map([&list], |r| r.get(0))?.collect::<Result<_, _>>()?;
        serde_json::to_string(&ids).map_err(|e| Error::BadDocument(e.to_string()))
    }

    /// Sends document `id` at the next sync whatever the network ("send now" on a large
    /// document the phone holds for Wi-Fi).
    pub fn send_document_now(&self, id: &str) -> Result<()> {
        let sha: String = self
            .store()
            .conn
            .query_row("SELECT sha256 FROM dokumen WHERE id = ?1", [id], |r| r.get(0))
            .map_err(|_| Error::NotFound("dokumen"))?;
        crate::store::replica::meta_set(&self.store().conn, &format!("blob.send_now.{sha}"), "1")
    }

    /// Blobs of this device's documents that the hub does not have yet.
    pub(crate) fn pending_blobs(&self) -> Result<Vec<String>> {
        let store = self.store();
        let mut st = store.conn.prepare(
            "SELECT DISTINCT d.sha256 FROM dokumen d JOIN blob b ON b.sha256 = d.sha256 WHERE b.state = 'pending'",
        )?;
        let shas = st.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
        Ok(shas.into_iter().filter(|s| self.has_document_bytes(s)).collect())
    }

    pub(crate) async fn upload_bytes(&self, bytes: &[u8], opts: &SyncOptions) -> Result<BlobTransfer> {
        let sha = crate::docs::sha256_hex(bytes);
        let size = bytes.len() as u64;
        if self.blob_state(&sha)?.as_deref() != Some("uploaded") {
            self.set_blob_state(&sha, size, "pending")?;
        }
        let hub = self.hub(opts)?;
        let mut token = self.access_token(&hub, opts, false).await?;
        let url = |base: &str| format!("{base}/v1/blobs/{sha}");
        let head = self.authed(&hub, opts, &mut token, &|c, base, t| c.head(url(base)).bearer_auth(t)).await?;
        let mut offset = offset_of(&head).unwrap_or(0);
        let mut transfer = BlobTransfer { sha256: sha.clone(), size, transferred: 0, resumed_from: offset };
        if head.status == 200 {
            self.set_blob_state(&sha, size, "uploaded")?;
            transfer.resumed_from = size;
            return Ok(transfer);
        }
        let chunk_size = opts.blob_chunk.clamp(64 << 10, 8 << 20) as u64;
        // Each round either moves the offset forward or learns the hub's; a hub that does
        // neither many times over is a fault, not a reason to loop forever.
        let mut stalls = 0;
        loop {
            if opts.cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let end = (offset + chunk_size).min(size);
            let Some(slice) = bytes.get(offset as usize..end as usize) else {
                return Err(Error::Network(format!("the hub asked for offset {offset} of a {size}-byte blob")));
            };
            let want = slice.len();
            let chunk = slice.to_vec();
            let a = self
                .authed(&hub, opts, &mut token, &|c, base, t| {
                    c.put(format!("{}?offset={offset}&total={size}", url(base)))
                        .bearer_auth(t)
                        .header("content-type", "application/octet-stream")
                        .body(chunk.clone())
                })
                .await?;
            let before = offset;
            match a.status {
                200 => {
                    let ans: PutAnswer = serde_json::from_slice(&a.body)
                        .map_err(|e| Error::Network(format!("the hub's upload answer was not understood: {e}")))?;
                    transfer.transferred += want as u64;
                    if ans.complete {
                        self.set_blob_state(&sha, size, "uploaded")?;
                        return Ok(transfer);
                    }
                    offset = ans.offset;
                }
                409 => offset = offset_of(&a).unwrap_or(0),
                s => return Err(hub_error(s, &a.body)),
            }
            stalls = if offset > before { 0 } else { stalls + 1 };
            if stalls > opts.max_attempts.max(3) {
                return Err(Error::Network("the hub does not take the upload forward".into()));
            }
        }
    }

    /// A blob fetched into this device's document store (sealed), from the hub if it is not
    /// there yet, in ranges of `blob_chunk`. Each range but the last is kept in a partial file,
    /// sealed record by record, so a cut costs at most the range in flight and no plaintext
    /// reaches the disk; the last goes straight into the store (a document within one range
    /// is written once). The hash is checked before the bytes enter the store.
    pub async fn fetch_blob(&self, sha256: &str, opts: &SyncOptions) -> Result<(PathBuf, BlobTransfer)> {
        if !valid_sha(sha256) {
            return Err(Error::invalid("sha256", "blob.bad_name", "must be 64 lower-case hex digits"));
        }
        let dest = self.document_path(sha256);
        if dest.exists() {
            let size = self.blob_size(sha256)?.unwrap_or(0);
            return Ok((dest, BlobTransfer { sha256: sha256.into(), size, transferred: 0, resumed_from: size }));
        }
        std::fs::create_dir_all(dest.parent().unwrap_or(self.dir()))?;
        let part = dest.with_extension("part");
        let key = self.doc_key(true)?;
        let mut pieces = read_part(&key, sha256, &part)?;
        let mut have: u64 = pieces.iter().map(|p| p.len() as u64).sum();
        let hub = self.hub(opts)?;
        let mut token = self.access_token(&hub, opts, false).await?;
        let mut transfer = BlobTransfer { sha256: sha256.into(), size: 0, transferred: 0, resumed_from: have };
        let chunk = opts.blob_chunk.max(1) as u64;
        loop {
            let range = format!("bytes={have}-{}", have + chunk - 1);
            let a = self
                .authed(&hub, opts, &mut token, &|c, base, t| {
                    c.get(format!("{base}/v1/blobs/{sha256}")).bearer_auth(t).header("range", &range)
                })
                .await?;
            let total = match a.status {
                206 => total_of(&a)?,
                // The whole blob at once (a hub that does not serve ranges).
                200 => {
                    pieces.clear();
                    (have, transfer.resumed_from) = (0, 0);
                    a.body.len() as u64
                }
                // Past the end: the partial file holds everything.
                416 => have,
                s => return Err(hub_error(s, &a.body)),
            };
            let body = if a.status == 416 { Vec::new() } else { a.body };
            transfer.transferred += body.len() as u64;
            have += body.len() as u64;
            let done = have >= total || body.is_empty();
            if !done {
                append_part(&key, sha256, &part, pieces.len(), &body)?;
            }
            pieces.push(body);
            if done {
                break;
            }
        }
        let plain = pieces.concat();
        if crate::docs::sha256_hex(&plain) != sha256 {
            let _ = std::fs::remove_file(&part);
            return Err(Error::BadDocument(format!("the downloaded bytes do not match {sha256}; discarded")));
        }
        self.put_sealed(sha256, &plain)?;
        let _ = std::fs::remove_file(&part);
        transfer.size = plain.len() as u64;
        self.set_blob_state(sha256, transfer.size, "cached")?;
        Ok((dest, transfer))
    }

    fn blob_size(&self, sha256: &str) -> Result<Option<u64>> {
        use rusqlite::OptionalExtension;
        let size: Option<i64> = self
            .store()
            .conn
            .query_row("SELECT size FROM blob WHERE sha256 = ?1", [sha256], |r| r.get(0))
            .optional()?;
        Ok(size.map(|s| s as u64))
    }
}

fn part_name(sha: &str, index: usize) -> String {
    format!("{sha}/part/{index}")
}

/// The pieces of a sealed partial download, in order. A record cut by a crash, or one that
/// does not open, ends the list and is cut off the file.
/// The blob's size from a `206` answer's `Content-Range: bytes a-b/total`.
fn total_of(a: &Answer) -> Result<u64> {
    a.headers
        .get("content-range")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit_once('/'))
        .and_then(|(_, total)| total.parse().ok())
        .ok_or_else(|| Error::Network("the hub's partial answer did not say the blob's size".into()))
}

fn read_part(key: &crate::secrets::Secret, sha: &str, part: &Path) -> Result<Vec<Vec<u8>>> {
    let bytes = match std::fs::read(part) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(e.into()),
    };
    let mut pieces = vec![];
    let mut at = 0usize;
    while let Some(head) = bytes.get(at..at + 4) {
        let len = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let Some(sealed) = bytes.get(at + 4..at + 4 + len) else { break };
        match crypt::open(key, &part_name(sha, pieces.len()), sealed) {
            Ok(p) => pieces.push(p),
            Err(_) => break,
        }
        at += 4 + len;
    }
    if at < bytes.len() {
        std::fs::OpenOptions::new().write(true).open(part)?.set_len(at as u64)?;
    }
    Ok(pieces)
}

fn append_part(key: &crate::secrets::Secret, sha: &str, part: &Path, index: usize, piece: &[u8]) -> Result<()> {
    let sealed = crypt::seal(key, &part_name(sha, index), piece)?;
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(part)?;
    f.write_all(&(sealed.len() as u32).to_le_bytes())?;
    f.write_all(&sealed)?;
    f.sync_all()?;
    Ok(())
}

impl Berkas {
    /// Fetches a synced document's bytes from the hub if this device does not hold them yet,
    /// and makes its thumbnail. Returns whether anything was downloaded. (The network part of
    /// documents lives here, with the sync client; the document store makes no calls.)
    pub async fn fetch_document(&self, id: &str, opts: &SyncOptions) -> Result<bool> {
        let info = self.document(id)?;
        if self.has_document_bytes(&info.sha256) {
            return Ok(false);
        }
        self.fetch_blob(&info.sha256, opts).await?;
        self.make_thumbnail(&info.sha256, &info.mime)?;
        Ok(true)
    }
}
