//! Documents in an S3-compatible object store (Garage, MinIO, Ceph, AWS S3), shared by every
//! hub process of a deployment: nothing of an upload lives in one process, so a device may
//! continue an upload through another hub than the one it began with.
//!
//! In the bucket:
//! - `blobs/<sha256>`: a complete document, sealed as on disk (core's `BKSDOC01`), read by range;
//! - `uploads/<sha256>/<uploader>/<offset>`: one sealed record per chunk of an unfinished
//!   upload (`sealed.rs`: bound to the blob, the uploader and the offset), named by its plain
//!   offset in 20 digits so a listing is in order;
//! - `berkas/document-key`: a small file sealed under the document key, so that a hub given
//!   another key refuses to start instead of writing documents the others cannot open.
//!
//! When the last chunk arrives the hub reads the records in order, hashes and seals the bytes,
//! and writes `blobs/<sha>`: in one PUT, or for a large document as a multipart upload of 8 MiB
//! parts that is completed only after the hash checked out, so no one can read a document
//! whose bytes are not what its name says. A document held already is not written again.

use async_trait::async_trait;
use berkas_core::docs::{open_range, plain_len, sealed_segment, sealed_span, SealWriter, SEALED_HEADER};
use berkas_core::secrets::Secret;
use bytes::Bytes;
use futures_util::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ClientOptions, GetOptions, GetRange, ObjectStore, PutPayload, RetryConfig, WriteMultipart};
use sha2::{Digest, Sha256};
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::sealed::{self, RECORD_OVERHEAD};
use super::{check_append, check_continues, valid_name, BlobError, BlobState, BlobStatus, BlobStore};

/// A document larger than this (sealed) is written as a multipart upload of parts this size.
const PART: usize = 8 << 20;
const KEY_CHECK: &str = "berkas/document-key";
const KEY_CHECK_NAME: &str = "berkas-document-key";

/// Where the bucket is and how to sign for it.
#[derive(Clone)]
pub struct S3Config {
    /// `https://HOST[:PORT]`, or `http://` on loopback only.
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: Secret,
}

impl S3Config {
    /// The bucket at `endpoint`, with the credentials in BERKAS_S3_ACCESS_KEY_ID and
    /// BERKAS_S3_SECRET_ACCESS_KEY (secrets stay off the command line and out of `ps`).
    pub fn from_env(endpoint: &str, bucket: &str, region: &str) -> Result<S3Config, String> {
        let var = |name: &str| {
            std::env::var(name).ok().filter(|v| !v.is_empty()).ok_or_else(|| {
                format!("{name} is not set: the S3 bucket {bucket} needs its access key in the environment")
            })
        };
        Ok(S3Config {
            endpoint: endpoint.to_string(),
            bucket: bucket.to_string(),
            region: region.to_string(),
            access_key_id: var("BERKAS_S3_ACCESS_KEY_ID")?,
            secret_access_key: Secret::new(var("BERKAS_S3_SECRET_ACCESS_KEY")?.into_bytes()),
        })
    }
}

pub struct S3BlobStore {
    store: Arc<dyn ObjectStore>,
    key: Secret,
    bucket: String,
}

fn unavailable(e: object_store::Error) -> BlobError {
    BlobError::Unavailable(e.to_string())
}

fn blob_path(sha: &str) -> Path {
    Path::from(format!("blobs/{sha}"))
}

fn upload_prefix(sha: &str, upload_key: &str) -> Path {
    Path::from(format!("uploads/{sha}/{upload_key}"))
}

fn chunk_path(sha: &str, upload_key: &str, offset: u64) -> Path {
    Path::from(format!("uploads/{sha}/{upload_key}/{offset:020}"))
}

/// A plain `http://` endpoint is taken on loopback only: the bucket's traffic would otherwise
/// cross a network unencrypted (the documents are sealed, the credentials' signatures are not
/// secret, but the bucket's names and sizes are).
fn check_endpoint(endpoint: &str) -> Result<bool, String> {
    let url: axum::http::Uri = endpoint.parse().map_err(|_| format!("the S3 endpoint {endpoint:?} is not a URL"))?;
    match url.scheme_str() {
        Some("https") => Ok(false),
        Some("http") => {
            let host = url.host().unwrap_or("").trim_start_matches('[').trim_end_matches(']');
            let loopback = host.eq_ignore_ascii_case("localhost")
                || host.parse::<std::net::IpAddr>().map(|ip| ip.is_loopback()).unwrap_or(false);
            if loopback {
                Ok(true)
            } else {
                Err(format!("the S3 endpoint {endpoint} is plain HTTP on another machine; use https://"))
            }
        }
        _ => Err(format!("the S3 endpoint {endpoint:?} must start with https:// (or http:// on loopback)")),
    }
}

impl S3BlobStore {
    /// The bucket of `config`, its documents sealed under `key`. Refused when the bucket's
    /// documents are sealed under another key, or the bucket does not answer.
    pub async fn open(config: &S3Config, key: Secret) -> Result<S3BlobStore, String> {
        let allow_http = check_endpoint(&config.endpoint)?;
        let secret = std::str::from_utf8(config.secret_access_key.expose())
            .map_err(|_| "the S3 secret access key is not text".to_string())?;
        let store = AmazonS3Builder::new()
            .with_endpoint(&config.endpoint)
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(secret)
            // A device waits on these: a store that does not answer is said so in seconds,
            // and the device tries again later, rather than hanging for minutes.
            .with_retry(RetryConfig {
                max_retries: 3,
                retry_timeout: Duration::from_secs(15),
                ..RetryConfig::default()
            })
            .with_client_options(
                ClientOptions::new()
                    .with_allow_http(allow_http)
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_timeout(Duration::from_secs(60)),
            )
            .build()
            .map_err(|e| format!("the S3 settings: {e}"))?;
        let store = S3BlobStore { store: Arc::new(store), key, bucket: config.bucket.clone() };
        store.check_key(&config.bucket).await?;
        Ok(store)
    }

    /// The bucket's name, for messages.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// Every complete document in the bucket by name, with its plain size (a backup's list).
    pub async fn documents(&self) -> Result<Vec<(String, u64)>, BlobError> {
        let mut names = Vec::new();
        let mut stream = self.store.list(Some(&Path::from("blobs")));
        while let Some(meta) = stream.next().await {
            let meta = meta.map_err(unavailable)?;
            if let Some(name) = meta.location.filename().filter(|n| valid_name(n)) {
                names.push(name.to_string());
            }
        }
        names.sort();
        let mut out = Vec::with_capacity(names.len());
        for sha in names {
            let size = self.complete_len(&sha).await?.ok_or_else(|| BlobError::Sealed(sha.clone()))?;
            out.push((sha, size));
        }
        Ok(out)
    }

    /// Whether the bucket holds any document (a restore goes into an empty one only).
    pub async fn holds_documents(&self) -> Result<bool, BlobError> {
        let mut stream = self.store.list(Some(&Path::from("blobs")));
        Ok(stream.next().await.transpose().map_err(unavailable)?.is_some())
    }

    /// Puts the file at `path`, a document sealed under this store's key and checked against
    /// its name already (a restore's), as `blobs/<sha>`.
    pub async fn put_sealed_file(&self, sha: &str, path: &std::path::Path) -> Result<(), BlobError> {
        use tokio::io::AsyncReadExt;
        if !valid_name(sha) {
            return Err(BlobError::BadName);
        }
        let mut file = tokio::fs::File::open(path).await?;
        let size = file.metadata().await?.len();
        if size <= PART as u64 {
            let mut bytes = Vec::with_capacity(size as usize);
            file.read_to_end(&mut bytes).await?;
            self.store.put(&blob_path(sha), PutPayload::from(bytes)).await.map_err(unavailable)?;
            return Ok(());
        }
        let mut upload = WriteMultipart::new_with_chunk_size(
            self.store.put_multipart(&blob_path(sha)).await.map_err(unavailable)?,
            PART,
        );
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = match file.read(&mut buf).await {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    let _ = upload.abort().await;
                    return Err(e.into());
                }
            };
            upload.write(&buf[..n]);
            upload.wait_for_capacity(2).await.map_err(unavailable)?;
        }
        upload.finish().await.map_err(unavailable)?;
        Ok(())
    }

    /// Removes a document (a restore that failed after putting it).
    pub async fn remove_document(&self, sha: &str) -> Result<(), BlobError> {
        match self.store.delete(&blob_path(sha)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// The bucket's key check, written by the first hub; every later one must open it.
    async fn check_key(&self, bucket: &str) -> Result<(), String> {
        let path = Path::from(KEY_CHECK);
        let what = |e: object_store::Error| format!("the bucket {bucket}: {e}");
        let held = match self.store.get(&path).await {
            Ok(got) => Some(got.bytes().await.map_err(what)?),
            Err(object_store::Error::NotFound { .. }) => None,
            Err(e) => return Err(what(e)),
        };
        let held = match held {
            Some(held) => held,
            None => {
                let mut sealed = SealWriter::new(&self.key, KEY_CHECK_NAME, Vec::new()).map_err(|e| e.to_string())?;
                sealed.write_all(b"berkas").map_err(|e| e.to_string())?;
                let sealed = sealed.finish().map_err(|e| e.to_string())?;
                self.store.put(&path, PutPayload::from(sealed)).await.map_err(what)?;
                // Read back: two hubs started at once with different keys leave one refusing.
                self.store.get(&path).await.map_err(what)?.bytes().await.map_err(what)?
            }
        };
        match open_range(&self.key, KEY_CHECK_NAME, &mut Cursor::new(&held[..]), 0, None) {
            Ok((plain, _)) if plain == b"berkas" => Ok(()),
            _ => Err(format!(
                "the documents in the bucket {bucket} are sealed under another document key; give this hub the \
                 same key store as the hubs that share the bucket (--key-file, or --secret-store env)"
            )),
        }
    }

    /// The chunks of an upload held in the bucket that follow each other from 0: their
    /// offsets, and where the upload continues. A chunk past a gap (a cut request's leftover)
    /// is not counted.
    async fn chunks(&self, sha: &str, upload_key: &str) -> Result<(Vec<u64>, u64), BlobError> {
        let mut listed = Vec::new();
        let mut stream = self.store.list(Some(&upload_prefix(sha, upload_key)));
        while let Some(meta) = stream.next().await {
            let meta = meta.map_err(unavailable)?;
            let offset = meta.location.filename().and_then(|f| f.parse::<u64>().ok());
            if let Some(offset) = offset {
                listed.push((offset, meta.size.saturating_sub(RECORD_OVERHEAD)));
            }
        }
        listed.sort_unstable();
        let (mut offsets, mut at) = (Vec::new(), 0);
        for (offset, len) in listed {
            if offset == at && (len > 0 || at == 0) {
                offsets.push(offset);
                at += len;
            }
        }
        Ok((offsets, at))
    }

    /// A complete document's header and sealed size, in one request.
    async fn head(&self, sha: &str) -> Result<Option<(Bytes, u64)>, BlobError> {
        let options = GetOptions { range: Some(GetRange::Bounded(0..SEALED_HEADER)), ..GetOptions::default() };
        let got = match self.store.get_opts(&blob_path(sha), options).await {
            Ok(got) => got,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(unavailable(e)),
        };
        let size = got.meta.size;
        Ok(Some((got.bytes().await.map_err(unavailable)?, size)))
    }

    async fn complete_len(&self, sha: &str) -> Result<Option<u64>, BlobError> {
        let Some((head, size)) = self.head(sha).await? else {
            return Ok(None);
        };
        let segment = sealed_segment(&head).ok_or_else(|| BlobError::Sealed(sha.to_string()))?;
        plain_len(size, segment).map(Some).ok_or_else(|| BlobError::Sealed(sha.to_string()))
    }

    /// Reads the upload's records in order, hashing and (when the document is not held yet)
    /// sealing them into `blobs/<sha>`, made visible only once the hash checked out.
    async fn finish_upload(&self, sha: &str, upload_key: &str, offsets: &[u64], write: bool) -> Result<(), BlobError> {
        let out = SharedBuf::default();
        let mut seal = SealWriter::new(&self.key, sha, out.clone()).map_err(core_error)?;
        let mut hasher = Sha256::new();
        let mut multipart: Option<WriteMultipart> = None;
        for &offset in offsets {
            let record = self.store.get(&chunk_path(sha, upload_key, offset)).await.map_err(unavailable)?.bytes().await;
            let plain = sealed::open_record(&self.key, sha, upload_key, offset, &record.map_err(unavailable)?)?;
            hasher.update(&plain);
            if !write {
                continue;
            }
            seal.write_all(&plain).map_err(core_error)?;
            if out.len() >= PART {
                let upload = match multipart.as_mut() {
                    Some(m) => m,
                    None => multipart.insert(WriteMultipart::new_with_chunk_size(
                        self.store.put_multipart(&blob_path(sha)).await.map_err(unavailable)?,
                        PART,
                    )),
                };
                upload.write(&out.take());
                // At most two parts in flight: memory stays bounded on a large document.
                upload.wait_for_capacity(2).await.map_err(unavailable)?;
            }
        }
        let matches = hex::encode(hasher.finalize()) == sha;
        if !write {
            return if matches { Ok(()) } else { Err(BlobError::HashMismatch) };
        }
        seal.finish().map_err(core_error)?;
        match (matches, multipart) {
            (false, Some(upload)) => {
                // Best effort: the parts are never visible, and the store drops them in time.
                let _ = upload.abort().await;
                Err(BlobError::HashMismatch)
            }
            (false, None) => Err(BlobError::HashMismatch),
            (true, Some(mut upload)) => {
                upload.write(&out.take());
                upload.finish().await.map_err(unavailable)?;
                Ok(())
            }
            (true, None) => {
                self.store.put(&blob_path(sha), PutPayload::from(out.take())).await.map_err(unavailable)?;
                Ok(())
            }
        }
    }

    async fn drop_upload(&self, sha: &str, upload_key: &str) -> Result<(), BlobError> {
        let mut stream = self.store.list(Some(&upload_prefix(sha, upload_key)));
        let mut paths = Vec::new();
        while let Some(meta) = stream.next().await {
            paths.push(meta.map_err(unavailable)?.location);
        }
        for path in paths {
            match self.store.delete(&path).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(unavailable(e)),
            }
        }
        Ok(())
    }
}

#[async_trait]
impl BlobStore for S3BlobStore {
    async fn state(&self, sha: &str, upload_key: &str) -> Result<BlobState, BlobError> {
        if !valid_name(sha) {
            return Err(BlobError::BadName);
        }
        let complete = self.complete_len(sha).await?;
        let (_, partial) = self.chunks(sha, upload_key).await?;
        Ok(BlobState { complete, partial })
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
        let (mut offsets, at) = self.chunks(sha, upload_key).await?;
        check_continues(at, offset, bytes.len(), total)?;
        let now = offset + bytes.len() as u64;
        // An empty chunk continues nothing; only an empty document is made of one.
        if !bytes.is_empty() || total == 0 {
            let record = sealed::seal_record(&self.key, sha, upload_key, offset, &bytes)?;
            self.store
                .put(&chunk_path(sha, upload_key, offset), PutPayload::from(record))
                .await
                .map_err(unavailable)?;
            offsets.push(offset);
        }
        if now < total {
            return Ok(BlobStatus::Partial(now));
        }
        let held = self.complete_len(sha).await?.is_some();
        let finished = self.finish_upload(sha, upload_key, &offsets, !held).await;
        // Checked or refused, the records have done their work; a failed store leaves them
        // for the uploader's retry.
        if !matches!(finished, Err(BlobError::Unavailable(_))) {
            self.drop_upload(sha, upload_key).await?;
        }
        finished.map(|()| BlobStatus::Complete(now))
    }

    async fn read(&self, sha: &str, start: u64, end: Option<u64>) -> Result<Option<(Vec<u8>, u64)>, BlobError> {
        if !valid_name(sha) {
            return Err(BlobError::BadName);
        }
        let Some((head, size)) = self.head(sha).await? else {
            return Ok(None);
        };
        let bad = || BlobError::Sealed(sha.to_string());
        let segment = sealed_segment(&head).ok_or_else(bad)?;
        let span = sealed_span(size, segment, start, end).ok_or_else(bad)?;
        let body = self.store.get_range(&blob_path(sha), span.clone()).await.map_err(unavailable)?;
        let mut file = Pieces { len: size, at: 0, pieces: vec![(0, head), (span.start, body)] };
        let key = self.key.clone();
        open_range(&key, sha, &mut file, start, end).map(Some).map_err(|_| bad())
    }
}

fn core_error(e: berkas_core::Error) -> BlobError {
    BlobError::Io(std::io::Error::other(e.to_string()))
}

/// A sealed document's bytes as far as they were fetched: the header and the span a range
/// needs, at their places in a file of `len` bytes (what `open_range` reads).
struct Pieces {
    len: u64,
    at: u64,
    pieces: Vec<(u64, Bytes)>,
}

impl Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        for (start, bytes) in &self.pieces {
            let end = start + bytes.len() as u64;
            if (*start..end).contains(&self.at) {
                let from = (self.at - start) as usize;
                let n = buf.len().min(bytes.len() - from);
                buf[..n].copy_from_slice(&bytes[from..from + n]);
                self.at += n as u64;
                return Ok(n);
            }
        }
        Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "outside the fetched span"))
    }
}

impl Seek for Pieces {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.at = match pos {
            SeekFrom::Start(n) => n,
            SeekFrom::End(d) => self.len.saturating_add_signed(d),
            SeekFrom::Current(d) => self.at.saturating_add_signed(d),
        };
        Ok(self.at)
    }
}

/// The sealed output as it grows, taken off in parts (`SealWriter` owns its writer).
#[derive(Clone, Default)]
struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl SharedBuf {
    fn len(&self) -> usize {
        self.0.lock().map(|b| b.len()).unwrap_or(0)
    }

    fn take(&self) -> Vec<u8> {
        self.0.lock().map(|mut b| std::mem::take(&mut *b)).unwrap_or_default()
    }
}

impl std::io::Write for SharedBuf {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_taken_on_loopback_only() {
        assert_eq!(check_endpoint("https://s3.bkd.example"), Ok(false));
        assert_eq!(check_endpoint("http://127.0.0.1:3900"), Ok(true));
        assert_eq!(check_endpoint("http://[::1]:3900"), Ok(true));
        assert_eq!(check_endpoint("http://LOCALHOST:3900"), Ok(true));
        assert!(check_endpoint("http://10.0.0.5:3900").is_err());
        assert!(check_endpoint("http://127.0.0.1.evil.example").is_err());
        assert!(check_endpoint("ftp://127.0.0.1").is_err());
        assert!(check_endpoint("not a url").is_err());
    }

    #[test]
    fn pieces_read_only_what_was_fetched() {
        let mut p = Pieces {
            len: 100,
            at: 0,
            pieces: vec![(0, Bytes::from_static(b"abcd")), (50, Bytes::from_static(b"xyz"))],
        };
        let mut buf = [0u8; 2];
        p.read_exact(&mut buf).expect("head");
        assert_eq!(&buf, b"ab");
        p.seek(SeekFrom::Start(51)).expect("seek");
        p.read_exact(&mut buf).expect("span");
        assert_eq!(&buf, b"yz");
        assert_eq!(p.seek(SeekFrom::End(0)).expect("end"), 100);
        p.seek(SeekFrom::Start(10)).expect("seek");
        assert!(p.read_exact(&mut buf).is_err(), "a byte never fetched is not made up");
    }
}
