//! Blobs on the file system under the data dir: `ab/abcdef...` for a complete document,
//! `partial/<sha>.<uploader>` for an unfinished upload. With a document key (every hub that
//! serves) both are sealed; without one (a hub from before, some tests) they are plain.

use async_trait::async_trait;
use berkas_core::secrets::Secret;
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::sealed::{self, Extent};
use super::{check_append, check_continues, valid_name, BlobError, BlobState, BlobStatus, BlobStore};

pub struct FsBlobStore {
    root: PathBuf,
    /// One upload step at a time per server: appends are short, and the order must hold. The
    /// guard goes into the blocking work, so a request dropped halfway (its caller hung up)
    /// does not let the next append in while this one still writes.
    lock: std::sync::Arc<tokio::sync::Mutex<()>>,
    key: Option<Secret>,
}

/// What `berkas-server encrypt` did to a hub's documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SealReport {
    /// Plain documents sealed now, each checked against its name first.
    pub sealed: u64,
    /// Documents sealed already.
    pub already: u64,
    /// Plain unfinished uploads removed (their uploaders send them again, sealed).
    pub partials_removed: u64,
}

impl FsBlobStore {
    /// A store of plain files: a hub from before documents were sealed, and tests of it.
    pub fn new(root: &Path) -> std::io::Result<FsBlobStore> {
        std::fs::create_dir_all(root.join("partial"))?;
        Ok(FsBlobStore { root: root.to_path_buf(), lock: Default::default(), key: None })
    }

    /// A store that seals every document and upload under `key` (the hub's document key). Plain
    /// documents of a hub from before are still served until `seal_existing` seals them.
    pub fn sealed(root: &Path, key: Secret) -> std::io::Result<FsBlobStore> {
        let mut store = FsBlobStore::new(root)?;
        store.key = Some(key);
        Ok(store)
    }

    fn final_path(&self, sha: &str) -> PathBuf {
        self.root.join(&sha[..2]).join(sha)
    }

    fn partial_path(&self, sha: &str, upload_key: &str) -> PathBuf {
        // Sealed uploads have their own name, so a plain one from before is never continued.
        let suffix = if self.key.is_some() { ".sealed" } else { "" };
        self.root.join("partial").join(format!("{sha}.{upload_key}{suffix}"))
    }

    fn extent(&self, sha: &str, upload_key: &str) -> std::io::Result<Extent> {
        let path = self.partial_path(sha, upload_key);
        if self.key.is_some() {
            return sealed::partial_extent(&path);
        }
        match std::fs::metadata(&path) {
            Ok(m) => Ok(Extent { plain: m.len(), file: m.len() }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Extent { plain: 0, file: 0 }),
            Err(e) => Err(e),
        }
    }

    /// How many stored documents are plain (a hub from before, until `berkas-server encrypt`).
    pub fn plain_documents(&self) -> std::io::Result<u64> {
        let mut n = 0;
        for (_, path) in documents(&self.root)? {
            if !sealed::is_sealed_file(&path)? {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Seals every plain document in place (each checked against its name, written beside and
    /// renamed over, so a crash leaves the plain or the sealed file, never a mix) and removes
    /// plain unfinished uploads. Run by `berkas-server encrypt` with the hub stopped.
    pub fn seal_existing(&self) -> Result<SealReport, BlobError> {
        let key = self.key.as_ref().ok_or_else(|| BlobError::Io(std::io::Error::other("no document key")))?;
        let mut report = SealReport::default();
        for (sha, path) in documents(&self.root)? {
            if sealed::is_sealed_file(&path)? {
                report.already += 1;
                continue;
            }
            let tmp = path.with_extension("sealing");
            if !sealed::seal_file(key, &path, &sha, &tmp)? {
                let _ = std::fs::remove_file(&tmp);
                return Err(BlobError::Io(std::io::Error::other(format!(
                    "the document {sha} on disk does not match its hash; the disk may be failing (it was left as it is)"
                ))));
            }
            std::fs::rename(&tmp, &path)?;
            report.sealed += 1;
        }
        for f in std::fs::read_dir(self.root.join("partial"))? {
            let f = f?;
            if !f.file_name().to_string_lossy().ends_with(".sealed") {
                std::fs::remove_file(f.path())?;
                report.partials_removed += 1;
            }
        }
        sync_dir(&self.root)?;
        Ok(report)
    }

    /// Re-seals every document under `new` (a key rotation): each is opened under the old key
    /// or, when a cut rotation already did it, found under the new one. Unfinished uploads are
    /// removed. Run with the hub stopped; returns how many documents were re-sealed.
    pub fn reseal_all(&self, new: &Secret) -> Result<u64, BlobError> {
        let old = self.key.as_ref().ok_or_else(|| BlobError::Io(std::io::Error::other("no document key")))?;
        let mut n = 0;
        for (sha, path) in documents(&self.root)? {
            let tmp = path.with_extension("sealing");
            let ok = if !sealed::is_sealed_file(&path)? {
                sealed::seal_file(new, &path, &sha, &tmp)?
            } else if opens(new, &sha, &path) {
                continue;
            } else {
                sealed::reseal(old, new, &path, &sha, &tmp)?
            };
            if !ok {
                let _ = std::fs::remove_file(&tmp);
                return Err(BlobError::Sealed(sha));
            }
            std::fs::rename(&tmp, &path)?;
            n += 1;
        }
        for f in std::fs::read_dir(self.root.join("partial"))? {
            std::fs::remove_file(f?.path())?;
        }
        sync_dir(&self.root)?;
        Ok(n)
    }
}

fn opens(key: &Secret, sha: &str, path: &Path) -> bool {
    std::fs::File::open(path)
        .map(|mut f| berkas_core::docs::open_range(key, sha, &mut f, 0, Some(1)).is_ok())
        .unwrap_or(false)
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// The complete documents under `root` (`root/ab/abcdef...`) by name; unfinished uploads and
/// files mid-sealing are not documents.
pub fn documents(root: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let shards = match std::fs::read_dir(root) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    for shard in shards {
        let shard = shard?;
        let prefix = shard.file_name().to_string_lossy().into_owned();
        if prefix.len() != 2 || !shard.file_type()?.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(shard.path())? {
            let f = f?;
            let name = f.file_name().to_string_lossy().into_owned();
            if valid_name(&name) && name.starts_with(&prefix) && f.file_type()?.is_file() {
                out.push((name, f.path()));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The plain length of a stored document (sealed or plain).
pub fn stored_len(path: &Path) -> std::io::Result<Option<u64>> {
    sealed::stored_len(path)
}

/// Reads bytes `start..end` of a stored document: sealed under `key`, or plain (a hub from
/// before).
pub fn read_document(
    key: Option<&Secret>,
    sha: &str,
    path: &Path,
    start: u64,
    end: Option<u64>,
) -> Result<Option<(Vec<u8>, u64)>, BlobError> {
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if sealed::is_sealed_file(path)? {
        let key = key.ok_or_else(|| BlobError::Sealed(sha.to_string()))?;
        let got = berkas_core::docs::open_range(key, sha, &mut f, start, end)
            .map_err(|_| BlobError::Sealed(sha.to_string()))?;
        return Ok(Some(got));
    }
    let total = f.metadata()?.len();
    let end = end.unwrap_or(total).min(total);
    let start = start.min(end);
    f.seek(SeekFrom::Start(start))?;
    let mut buf = vec![0u8; (end - start) as usize];
    f.read_exact(&mut buf)?;
    Ok(Some((buf, total)))
}

fn state_of(store: &FsBlobStore, sha: &str, upload_key: &str) -> std::io::Result<BlobState> {
    let complete = sealed::stored_len(&store.final_path(sha))?;
    Ok(BlobState { complete, partial: store.extent(sha, upload_key)?.plain })
}

fn join_error(e: tokio::task::JoinError) -> BlobError {
    BlobError::Io(std::io::Error::other(e.to_string()))
}

/// Checks a complete plain upload against its name and puts it in place (or drops it when the
/// document is held already).
fn complete_plain(partial: &Path, final_path: &Path, sha: &str) -> Result<(), BlobError> {
    let mut f = std::fs::File::open(partial)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    if hex::encode(hasher.finalize()) != sha {
        std::fs::remove_file(partial)?;
        return Err(BlobError::HashMismatch);
    }
    place(partial, final_path)
}

/// Moves a checked file to its final name; one copy is kept however many upload it.
fn place(ready: &Path, final_path: &Path) -> Result<(), BlobError> {
    if final_path.exists() {
        std::fs::remove_file(ready)?;
    } else {
        if let Some(dir) = final_path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::rename(ready, final_path)?;
    }
    Ok(())
}

#[async_trait]
impl BlobStore for FsBlobStore {
    async fn state(&self, sha256: &str, upload_key: &str) -> Result<BlobState, BlobError> {
        if !valid_name(sha256) {
            return Err(BlobError::BadName);
        }
        Ok(state_of(self, sha256, upload_key)?)
    }

    async fn append(
        &self,
        sha: &str,
        upload_key: &str,
        offset: u64,
        total: u64,
        bytes: Vec<u8>,
    ) -> Result<BlobStatus, BlobError> {
        check_append(sha, total)?;
        let guard = self.lock.clone().lock_owned().await;
        let at = self.extent(sha, upload_key)?;
        check_continues(at.plain, offset, bytes.len(), total)?;
        let partial = self.partial_path(sha, upload_key);
        let final_path = self.final_path(sha);
        let (sha, upload_key, key) = (sha.to_string(), upload_key.to_string(), self.key.clone());
        tokio::task::spawn_blocking(move || -> Result<BlobStatus, BlobError> {
            let _guard = guard;
            match &key {
                Some(key) => sealed::append_record(key, &partial, &sha, &upload_key, at, &bytes)?,
                None => {
                    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&partial)?;
                    f.write_all(&bytes)?;
                    f.sync_data()?;
                }
            }
            let now = offset + bytes.len() as u64;
            if now < total {
                return Ok(BlobStatus::Partial(now));
            }
            // Complete: the name must be the hash of the bytes before anyone can read them.
            match &key {
                None => complete_plain(&partial, &final_path, &sha)?,
                Some(key) => {
                    let ready = partial.with_extension("sealing");
                    let sealed = sealed::seal_upload(key, &partial, &sha, &upload_key, &ready);
                    // The document is in place before its upload goes: no moment in which a
                    // look at the state finds neither.
                    let placed = match sealed {
                        Ok(true) => place(&ready, &final_path),
                        Ok(false) => match std::fs::remove_file(&ready) {
                            Ok(()) => Err(BlobError::HashMismatch),
                            Err(e) => Err(e.into()),
                        },
                        Err(e) => {
                            // Best effort: the error says what went wrong.
                            let _ = std::fs::remove_file(&ready);
                            Err(e)
                        }
                    };
                    std::fs::remove_file(&partial)?;
                    placed?;
                }
            }
            Ok(BlobStatus::Complete(now))
        })
        .await
        .map_err(join_error)?
    }

    async fn read(&self, sha: &str, start: u64, end: Option<u64>) -> Result<Option<(Vec<u8>, u64)>, BlobError> {
        if !valid_name(sha) {
            return Err(BlobError::BadName);
        }
        let (path, sha, key) = (self.final_path(sha), sha.to_string(), self.key.clone());
        tokio::task::spawn_blocking(move || read_document(key.as_ref(), &sha, &path, start, end))
            .await
            .map_err(join_error)?
    }
}
