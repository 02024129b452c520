//! The hub's sealed files. A complete document is in core's `BKSDOC01` format (XChaCha20-
//! Poly1305 in 64 KiB segments, bound to its SHA-256 name) and is read by range. An unfinished
//! upload is one record per chunk as it arrives, `length u32 | nonce [24] | ciphertext + tag`,
//! bound to the blob, the uploader and the chunk's offset, so a record cannot be moved to
//! another upload or another place; a record cut by a crash is dropped at the next append and
//! the uploader resends from before it.

use berkas_core::docs::SealWriter;
use berkas_core::secrets::Secret;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::BlobError;

const RECORD_MAGIC: &[u8] = b"BKSUPL01";
const LEN: usize = 4;
const NONCE: usize = 24;
const TAG: usize = 16;
/// Bytes read at a time when sealing a whole file.
const COPY: usize = 256 << 10;

fn cipher(key: &Secret) -> Result<XChaCha20Poly1305, BlobError> {
    XChaCha20Poly1305::new_from_slice(key.expose())
        .map_err(|_| BlobError::Io(std::io::Error::other("the hub's document key has the wrong length")))
}

fn record_aad(sha: &str, upload_key: &str, offset: u64) -> Vec<u8> {
    [RECORD_MAGIC, sha.as_bytes(), b".", upload_key.as_bytes(), &offset.to_le_bytes()].concat()
}

/// What an unfinished upload holds: its plain bytes in whole records, and where the last whole
/// record ends in the file (a longer file ends in a record cut by a crash).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Extent {
    pub plain: u64,
    pub file: u64,
}

pub(super) fn partial_extent(path: &Path) -> std::io::Result<Extent> {
    let mut f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Extent { plain: 0, file: 0 }),
        Err(e) => return Err(e),
    };
    let size = f.metadata()?.len();
    let mut at = Extent { plain: 0, file: 0 };
    loop {
        if at.file + LEN as u64 > size {
            return Ok(at);
        }
        f.seek(SeekFrom::Start(at.file))?;
        let mut len = [0u8; LEN];
        f.read_exact(&mut len)?;
        let len = u32::from_le_bytes(len) as u64;
        let next = at.file + (LEN + NONCE + TAG) as u64 + len;
        if next > size {
            return Ok(at);
        }
        at = Extent { plain: at.plain + len, file: next };
    }
}

/// Appends `bytes` (plain offset `at.plain`) as one record, dropping a cut record first.
pub(super) fn append_record(
    key: &Secret,
    path: &Path,
    sha: &str,
    upload_key: &str,
    at: Extent,
    bytes: &[u8],
) -> Result<(), BlobError> {
    let len = u32::try_from(bytes.len()).map_err(|_| BlobError::TooLarge("a chunk is too large".into()))?;
    let sealed = seal_record(key, sha, upload_key, at.plain, bytes)?;
    let mut f = File::options().create(true).truncate(false).write(true).open(path)?;
    if f.metadata()?.len() != at.file {
        f.set_len(at.file)?;
    }
    f.seek(SeekFrom::Start(at.file))?;
    let mut record = Vec::with_capacity(LEN + sealed.len());
    record.extend_from_slice(&len.to_le_bytes());
    record.extend_from_slice(&sealed);
    f.write_all(&record)?;
    f.sync_data()?;
    Ok(())
}

/// Bytes a sealed record adds to its chunk (nonce and tag; the file store adds a length too).
pub(super) const RECORD_OVERHEAD: u64 = (NONCE + TAG) as u64;

/// One chunk at plain `offset` of an upload, sealed: `nonce | ciphertext + tag`, bound to the
/// blob, the uploader and the offset.
pub(super) fn seal_record(
    key: &Secret,
    sha: &str,
    upload_key: &str,
    offset: u64,
    bytes: &[u8],
) -> Result<Vec<u8>, BlobError> {
    let mut nonce = [0u8; NONCE];
    getrandom::fill(&mut nonce).map_err(|e| std::io::Error::other(e.to_string()))?;
    let ct = cipher(key)?
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: bytes, aad: &record_aad(sha, upload_key, offset) })
        .map_err(|_| std::io::Error::other("sealing an upload failed"))?;
    Ok([nonce.as_slice(), &ct].concat())
}

/// The chunk a [`seal_record`] holds, if it opens as the chunk at `offset` of this upload.
pub(super) fn open_record(
    key: &Secret,
    sha: &str,
    upload_key: &str,
    offset: u64,
    record: &[u8],
) -> Result<Vec<u8>, BlobError> {
    if record.len() < NONCE + TAG {
        return Err(BlobError::Sealed(sha.to_string()));
    }
    cipher(key)?
        .decrypt(
            XNonce::from_slice(&record[..NONCE]),
            Payload { msg: &record[NONCE..], aad: &record_aad(sha, upload_key, offset) },
        )
        .map_err(|_| BlobError::Sealed(sha.to_string()))
}

/// Opens the records of an upload in order into a sealed document at `out` (created, synced);
/// true when the plain bytes hash to `sha`.
pub(super) fn seal_upload(
    key: &Secret,
    partial: &Path,
    sha: &str,
    upload_key: &str,
    out: &Path,
) -> Result<bool, BlobError> {
    let end = partial_extent(partial)?;
    let mut input = File::open(partial)?;
    let mut writer = SealWriter::new(key, sha, BufWriter::new(File::create(out)?)).map_err(core_error)?;
    let mut hasher = Sha256::new();
    let (mut pos, mut plain) = (0u64, 0u64);
    while pos < end.file {
        let mut len = [0u8; LEN];
        input.read_exact(&mut len)?;
        let len = u32::from_le_bytes(len) as usize;
        let mut record = vec![0u8; NONCE + len + TAG];
        input.read_exact(&mut record)?;
        let pt = open_record(key, sha, upload_key, plain, &record)?;
        hasher.update(&pt);
        writer.write_all(&pt).map_err(core_error)?;
        pos += (LEN + NONCE + TAG + len) as u64;
        plain += len as u64;
    }
    finish(writer)?;
    Ok(hex::encode(hasher.finalize()) == sha)
}

/// Seals the plain file `plain` into `out` (created, synced); true when its bytes hash to `sha`.
pub(super) fn seal_file(key: &Secret, plain: &Path, sha: &str, out: &Path) -> Result<bool, BlobError> {
    let mut input = File::open(plain)?;
    let mut writer = SealWriter::new(key, sha, BufWriter::new(File::create(out)?)).map_err(core_error)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; COPY];
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        writer.write_all(&buf[..n]).map_err(core_error)?;
    }
    finish(writer)?;
    Ok(hex::encode(hasher.finalize()) == sha)
}

/// Re-seals the sealed document `from` (under `old`) into `out` under `new`, checking every
/// segment and the hash on the way.
pub(super) fn reseal(old: &Secret, new: &Secret, from: &Path, sha: &str, out: &Path) -> Result<bool, BlobError> {
    let mut input = File::open(from)?;
    let mut writer = SealWriter::new(new, sha, BufWriter::new(File::create(out)?)).map_err(core_error)?;
    let mut hasher = Sha256::new();
    let mut at = 0u64;
    loop {
        let (piece, total) = berkas_core::docs::open_range(old, sha, &mut input, at, Some(at + COPY as u64))
            .map_err(|_| BlobError::Sealed(sha.to_string()))?;
        hasher.update(&piece);
        writer.write_all(&piece).map_err(core_error)?;
        at += piece.len() as u64;
        if at >= total || piece.is_empty() {
            break;
        }
    }
    finish(writer)?;
    Ok(hex::encode(hasher.finalize()) == sha)
}

fn finish(writer: SealWriter<BufWriter<File>>) -> Result<(), BlobError> {
    let file = writer.finish().map_err(core_error)?.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(())
}

fn core_error(e: berkas_core::Error) -> BlobError {
    match e {
        berkas_core::Error::Io(e) => BlobError::Io(e),
        other => BlobError::Io(std::io::Error::other(other.to_string())),
    }
}

/// The plain length of the stored document at `path`, sealed or (a hub from before) plain.
pub(super) fn stored_len(path: &Path) -> std::io::Result<Option<u64>> {
    let mut f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let size = f.metadata()?.len();
    let mut head = [0u8; 31];
    let n = read_up_to(&mut f, &mut head)?;
    if berkas_core::docs::is_sealed(&head[..n]) {
        let segment = u32::from_le_bytes([head[8], head[9], head[10], head[11]]) as u64;
        return Ok(berkas_core::docs::plain_len(size, segment));
    }
    Ok(Some(size))
}

/// Whether the file at `path` is sealed.
pub(super) fn is_sealed_file(path: &Path) -> std::io::Result<bool> {
    let mut head = [0u8; 31];
    let n = read_up_to(&mut File::open(path)?, &mut head)?;
    Ok(berkas_core::docs::is_sealed(&head[..n]))
}

fn read_up_to(f: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}
