//! Document bytes to and from the hub. Uploads go in chunks and always continue from the
//! offset the hub reports, so a cut costs at most the chunk in flight; the local state says
//! "uploaded" only after the hub has checked the hash. Downloads resume with `Range` into a
//! partial file and are hash-checked before they enter the cache.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::client::{hub_error, SyncOptions};
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

const OFFSET_HEADER: &str = "x-berkas-upload-offset";

fn sha256_file(path: &Path) -> Result<(String, u64)> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        size += n as u64;
    }
    Ok((hex::encode(h.finalize()), size))
}

fn valid_sha(sha: &str) -> bool {
    sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
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

    /// Where the cache keeps the bytes of `sha256`.
    pub fn blob_cache_path(&self, sha256: &str) -> PathBuf {
        self.dir().join("blobs").join(sha256)
    }

    /// Uploads a file, continuing wherever an earlier try was cut.
    pub async fn upload_blob(&self, path: &Path, opts: &SyncOptions) -> Result<BlobTransfer> {
        let (sha, size) = sha256_file(path)?;
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
        let mut file = std::fs::File::open(path)?;
        let mut buf = vec![0u8; opts.blob_chunk.clamp(64 << 10, 8 << 20)];
        // Each round either moves the offset forward or learns the hub's; a hub that does
        // neither many times over is a fault, not a reason to loop forever.
        let mut stalls = 0;
        loop {
            if opts.cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            file.seek(SeekFrom::Start(offset))?;
            let want = ((size - offset) as usize).min(buf.len());
            file.read_exact(&mut buf[..want])?;
            let chunk = buf[..want].to_vec();
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

    /// The bytes of a blob from the cache, fetched from the hub first if needed (resuming a
    /// partial download). The hash is checked before the file enters the cache.
    pub async fn fetch_blob(&self, sha256: &str, opts: &SyncOptions) -> Result<(PathBuf, BlobTransfer)> {
        if !valid_sha(sha256) {
            return Err(Error::invalid("sha256", "blob.bad_name", "must be 64 lower-case hex digits"));
        }
        let dest = self.blob_cache_path(sha256);
        if dest.exists() {
            let size = std::fs::metadata(&dest)?.len();
            return Ok((dest, BlobTransfer { sha256: sha256.into(), size, transferred: 0, resumed_from: size }));
        }
        std::fs::create_dir_all(dest.parent().unwrap_or(self.dir()))?;
        let part = dest.with_extension("part");
        let hub = self.hub(opts)?;
        let mut token = self.access_token(&hub, opts, false).await?;
        let start = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
        let mut transfer = BlobTransfer { sha256: sha256.into(), size: 0, transferred: 0, resumed_from: start };
        let a = self
            .authed(&hub, opts, &mut token, &|c, base, t| {
                let r = c.get(format!("{base}/v1/blobs/{sha256}")).bearer_auth(t);
                if start > 0 {
                    r.header("range", format!("bytes={start}-"))
                } else {
                    r
                }
            })
            .await?;
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&part)?;
        match a.status {
            206 => {}
            200 => {
                f.set_len(0)?;
                transfer.resumed_from = 0;
            }
            416 => {} // the partial file already holds everything
            s => return Err(hub_error(s, &a.body)),
        }
        f.write_all(&a.body)?;
        f.sync_all()?;
        drop(f);
        transfer.transferred = a.body.len() as u64;
        let (got, size) = sha256_file(&part)?;
        if got != sha256 {
            let _ = std::fs::remove_file(&part);
            return Err(Error::BadDocument(format!("the downloaded bytes do not match {sha256}; discarded")));
        }
        std::fs::rename(&part, &dest)?;
        transfer.size = size;
        self.set_blob_state(sha256, size, "cached")?;
        Ok((dest, transfer))
    }
}
