//! Making, checking and restoring a backup: the entries inside the sealed stream.

use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use super::bucket::DocSource;
use super::sealed::{SealedReader, SealedWriter};
use super::{blobs_path, BackupError, KeyCost, Manifest, FORMAT};
use crate::blobs::{self, valid_name};
use crate::store::schema;
use berkas_core::docs::SealWriter;
use berkas_core::secrets::Secret;

const END: u8 = 0;
const MANIFEST: u8 = 1;
const DATABASE: u8 = 2;
const DOCUMENT: u8 = 3;
const COPY: usize = 256 << 10;
/// The longest manifest a reader accepts.
const MAX_MANIFEST: u64 = 64 << 10;

/// A consistent copy of the hub's database, made by its backend, in a file removed when
/// dropped.
pub(super) struct DatabaseCopy {
    pub file: RemoveOnDrop,
    pub backend: &'static str,
    pub schema_version: i64,
}

/// The name the database entry has for each backend.
pub(super) fn database_entry(backend: &str) -> &'static str {
    if backend == super::POSTGRES {
        super::postgres::DUMP
    } else {
        crate::DATABASE_FILE
    }
}

/// Writes the backup of `db` and the documents in `data` (opened under `documents_key` when
/// sealed) to `out`, which must not exist yet. The file appears under its name only once
/// complete and on disk.
pub(super) fn write(
    db: &DatabaseCopy,
    source: &DocSource,
    out: &Path,
    passphrase: &str,
    cost: KeyCost,
    documents_key: Option<&Secret>,
) -> Result<Manifest, BackupError> {
    let documents = source.list()?;
    let manifest = Manifest {
        format: FORMAT,
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        server_version: env!("CARGO_PKG_VERSION").to_string(),
        backend: db.backend.to_string(),
        schema_version: db.schema_version,
        database_bytes: fs::metadata(&db.file.0)?.len(),
        documents: documents.len() as u64,
        document_bytes: documents.iter().map(|d| d.size).sum(),
    };
    let mut partial = out.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let mut options = File::options();
    options.write(true).create_new(true);
    // Sealed, but still only the administrator's to read.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(&partial).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => BackupError::PartialExists(partial.clone()),
        _ => at(&partial, e),
    })?;
    let partial = RemoveOnDrop(partial);
    let mut w = SealedWriter::new(BufWriter::new(file), passphrase, cost)?;
    let json = serde_json::to_vec(&manifest).map_err(|e| std::io::Error::other(e.to_string()))?;
    entry_head(&mut w, MANIFEST, "manifest.json", json.len() as u64)?;
    w.write(&json)?;
    let files = std::iter::once(Item::Database(database_entry(db.backend), db.file.0.as_path()))
        .chain(documents.iter().map(Item::Document));
    copy_in(&mut w, files, source, documents_key)?;
    entry_head(&mut w, END, "", 2 + documents.len() as u64)?;
    let file = w.finish()?.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    put_in_place(&partial.0, out)?;
    drop(partial);
    Ok(manifest)
}

/// True when `data` holds a document (unfinished uploads do not count).
pub(super) fn has_documents(data: &Path) -> Result<bool, BackupError> {
    Ok(!list_documents(&blobs_path(data))?.is_empty())
}

/// Moves the staged documents into `data`, replacing an empty blob dir.
pub(super) fn install_documents(staging: &Path, data: &Path) -> Result<(), BackupError> {
    let blobs = blobs_path(data);
    if blobs.exists() {
        // Checked before to hold no document: at most the upload dir of a hub never used.
        fs::remove_dir_all(&blobs)?;
    }
    let staged = staging.join(crate::BLOBS_DIR);
    if staged.exists() {
        fs::rename(&staged, &blobs)?;
    }
    sync_dir(data)
}

/// A file or dir removed when dropped: what a failed step leaves behind.
pub(super) struct RemoveOnDrop(pub PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        // Best effort: the path may already be gone (moved into place).
        if self.0.is_dir() {
            let _ = fs::remove_dir_all(&self.0);
        } else {
            let _ = fs::remove_file(&self.0);
        }
    }
}

pub(super) fn at(path: &Path, e: std::io::Error) -> BackupError {
    BackupError::Io(std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

pub(super) fn random_hex() -> Result<String, BackupError> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(hex::encode(b))
}

/// A stored document: its name, plain size, and file (none in a bucket).
pub(super) struct Document {
    pub sha256: String,
    pub size: u64,
    pub path: PathBuf,
}

/// One file of a backup: the database copy, or a document.
enum Item<'a> {
    Database(&'a str, &'a Path),
    Document(&'a Document),
}

/// The stored documents under `root` (`root/ab/abcdef...`), by name, with their plain sizes;
/// unfinished uploads are not documents.
pub(super) fn list_documents(root: &Path) -> Result<Vec<Document>, BackupError> {
    let mut out = Vec::new();
    for (sha256, path) in blobs::documents(root).map_err(|e| at(root, e))? {
        let size = blobs::stored_len(&path)
            .map_err(|e| at(&path, e))?
            .ok_or_else(|| BackupError::DocumentCorrupt(sha256.clone()))?;
        out.push(Document { sha256, size, path });
    }
    Ok(out)
}

fn entry_head<W: Write>(w: &mut SealedWriter<W>, kind: u8, name: &str, size: u64) -> Result<(), BackupError> {
    w.write(&[kind])?;
    w.write(&(name.len() as u16).to_le_bytes())?;
    w.write(name.as_bytes())?;
    w.write(&size.to_le_bytes())
}

/// What the reading thread hands to the sealing one.
enum Piece {
    Head(u8, String, u64),
    Bytes(Vec<u8>),
    /// The end of a file, with the SHA-256 of its bytes.
    Hash([u8; 32]),
}

/// Streams each file in as one entry; a document must hash to its name. Reading and hashing
/// run on their own thread beside the sealing and writing, as `tar | openssl` runs in two
/// processes: a hub's server has the cores.
fn copy_in<'a, W: Write>(
    w: &mut SealedWriter<W>,
    files: impl Iterator<Item = Item<'a>> + Send,
    source: &DocSource,
    documents_key: Option<&Secret>,
) -> Result<(), BackupError> {
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Piece, BackupError>>(8);
        scope.spawn(move || {
            for item in files {
                if let Err(e) = read_file(&tx, item, source, documents_key) {
                    // The sealing side may be gone already (it failed first): nothing to tell.
                    let _ = tx.send(Err(e));
                    return;
                }
            }
        });
        let (mut kind, mut name) = (0, String::new());
        for piece in rx {
            match piece? {
                Piece::Head(k, n, size) => {
                    entry_head(w, k, &n, size)?;
                    (kind, name) = (k, n);
                }
                Piece::Bytes(b) => w.write(&b)?,
                Piece::Hash(h) if kind == DOCUMENT && hex::encode(h) != name => {
                    return Err(BackupError::DocumentCorrupt(name));
                }
                Piece::Hash(_) => {}
            }
        }
        Ok(())
    })
}

/// Sends one file as pieces, a sealed document's plain bytes; stops quietly when the receiver
/// is gone.
fn read_file(
    tx: &std::sync::mpsc::SyncSender<Result<Piece, BackupError>>,
    item: Item,
    source: &DocSource,
    documents_key: Option<&Secret>,
) -> Result<(), BackupError> {
    // The database copy is read from its file; a document through where it is kept.
    enum Reader<'a> {
        File(File, &'a Path),
        Document(&'a Document),
    }
    let (kind, name, size, mut reader) = match item {
        Item::Database(name, path) => {
            let f = File::open(path).map_err(|e| at(path, e))?;
            let size = f.metadata()?.len();
            (DATABASE, name, size, Reader::File(f, path))
        }
        Item::Document(d) => (DOCUMENT, d.sha256.as_str(), d.size, Reader::Document(d)),
    };
    if tx.send(Ok(Piece::Head(kind, name.to_string(), size))).is_err() {
        return Ok(());
    }
    let mut hash = Sha256::new();
    let mut left = size;
    while left > 0 {
        let n = left.min(COPY as u64);
        let buf = match &mut reader {
            Reader::File(f, path) => {
                let mut buf = vec![0u8; n as usize];
                f.read_exact(&mut buf).map_err(|e| at(path, e))?;
                buf
            }
            Reader::Document(d) => source.read(documents_key, d, size - left, n)?,
        };
        hash.update(&buf);
        left -= buf.len() as u64;
        if tx.send(Ok(Piece::Bytes(buf))).is_err() {
            return Ok(());
        }
    }
    let _ = tx.send(Ok(Piece::Hash(hash.finalize().into())));
    Ok(())
}

fn entry<R: Read>(r: &mut SealedReader<R>) -> Result<(u8, String, u64), BackupError> {
    let mut head = [0u8; 3];
    r.read_exact(&mut head)?;
    let mut name = vec![0u8; u16::from_le_bytes([head[1], head[2]]) as usize];
    r.read_exact(&mut name)?;
    let mut size = [0u8; 8];
    r.read_exact(&mut size)?;
    let name = String::from_utf8(name).map_err(|_| BackupError::NotABackup("an entry's name is not UTF-8".into()))?;
    Ok((head[0], name, u64::from_le_bytes(size)))
}

/// Where an entry's bytes go.
enum Sink {
    Nowhere,
    Plain(File),
    /// A document sealed under the restoring hub's document key.
    Sealed(SealWriter<BufWriter<File>>),
}

impl Sink {
    fn write(&mut self, b: &[u8]) -> Result<(), BackupError> {
        match self {
            Sink::Nowhere => Ok(()),
            Sink::Plain(f) => Ok(f.write_all(b)?),
            Sink::Sealed(w) => w.write_all(b).map_err(core_io),
        }
    }

    fn finish(self) -> Result<(), BackupError> {
        let file = match self {
            Sink::Nowhere => return Ok(()),
            Sink::Plain(f) => f,
            Sink::Sealed(w) => w.finish().map_err(core_io)?.into_inner().map_err(|e| e.into_error())?,
        };
        Ok(file.sync_all()?)
    }
}

fn core_io(e: berkas_core::Error) -> BackupError {
    BackupError::Io(std::io::Error::other(e.to_string()))
}

/// Reads `size` bytes of the current entry into `to` (created new, synced; sealed under `seal`
/// as the document it names, when given), or nowhere.
fn copy_out<R: Read>(
    r: &mut SealedReader<R>,
    size: u64,
    to: Option<PathBuf>,
    seal: Option<(&Secret, &str)>,
) -> Result<[u8; 32], BackupError> {
    let mut sink = match &to {
        Some(p) => {
            if let Some(dir) = p.parent() {
                fs::create_dir_all(dir)?;
            }
            let f = File::options().write(true).create_new(true).open(p).map_err(|e| at(p, e))?;
            match seal {
                Some((key, name)) => Sink::Sealed(SealWriter::new(key, name, BufWriter::new(f)).map_err(core_io)?),
                None => Sink::Plain(f),
            }
        }
        None => Sink::Nowhere,
    };
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; COPY];
    let mut left = size;
    while left > 0 {
        let n = left.min(COPY as u64) as usize;
        r.read_exact(&mut buf[..n])?;
        hash.update(&buf[..n]);
        sink.write(&buf[..n])?;
        left -= n as u64;
    }
    sink.finish()?;
    Ok(hash.finalize().into())
}

/// Reads only the manifest: the passphrase and the backup's kind are known before any work.
pub(super) fn manifest(file: &Path, passphrase: &str) -> Result<Manifest, BackupError> {
    let input = File::open(file).map_err(|e| at(file, e))?;
    read_manifest(&mut SealedReader::new(BufReader::new(input), passphrase)?)
}

fn read_manifest<R: Read>(r: &mut SealedReader<R>) -> Result<Manifest, BackupError> {
    let (kind, _, size) = entry(r)?;
    if kind != MANIFEST || size > MAX_MANIFEST {
        return Err(BackupError::NotABackup("it does not begin with a manifest".into()));
    }
    let mut json = vec![0u8; size as usize];
    r.read_exact(&mut json)?;
    let manifest: Manifest =
        serde_json::from_slice(&json).map_err(|e| BackupError::NotABackup(format!("its manifest: {e}")))?;
    if manifest.format != FORMAT {
        return Err(BackupError::NotABackup(format!(
            "its format is {}, this berkas-server reads format {FORMAT}",
            manifest.format
        )));
    }
    if manifest.backend != super::SQLITE && manifest.backend != super::POSTGRES {
        return Err(BackupError::NotABackup(format!("it is of an unknown backend, {}", manifest.backend)));
    }
    if manifest.schema_version > schema::LATEST {
        return Err(BackupError::NewerSchema { found: manifest.schema_version, known: schema::LATEST });
    }
    Ok(manifest)
}

/// Decrypts the whole backup in order and checks its structure and every document's hash;
/// with a staging dir, writes the database entry and the documents (under `blobs/`, sealed
/// under `documents_key` when given) there.
pub(super) fn read(
    file: &Path,
    passphrase: &str,
    staging: Option<&Path>,
    documents_key: Option<&Secret>,
) -> Result<Manifest, BackupError> {
    let input = File::open(file).map_err(|e| at(file, e))?;
    let mut r = SealedReader::new(BufReader::new(input), passphrase)?;
    let manifest = read_manifest(&mut r)?;
    let (mut entries, mut database, mut documents) = (1u64, false, 0u64);
    loop {
        let (kind, name, size) = entry(&mut r)?;
        match kind {
            DATABASE if !database && name == database_entry(&manifest.backend) => {
                copy_out(&mut r, size, staging.map(|s| s.join(&name)), None)?;
                database = true;
            }
            DOCUMENT if valid_name(&name) => {
                let to = staging.map(|s| s.join(crate::BLOBS_DIR).join(&name[..2]).join(&name));
                if hex::encode(copy_out(&mut r, size, to, documents_key.map(|k| (k, name.as_str())))?) != name {
                    return Err(BackupError::NotABackup(format!("the document {name} in it does not match its hash")));
                }
                documents += 1;
            }
            END if size == entries => break,
            END => return Err(BackupError::NotABackup("its end does not count the entries before it".into())),
            _ => return Err(BackupError::NotABackup(format!("it holds an unknown entry (kind {kind})"))),
        }
        entries += 1;
    }
    if !database || documents != manifest.documents {
        return Err(BackupError::NotABackup(format!(
            "it holds {documents} documents{}, its manifest says {}",
            if database { "" } else { " and no database" },
            manifest.documents
        )));
    }
    if !r.at_end()? {
        return Err(BackupError::NotABackup("bytes follow its end".into()));
    }
    Ok(manifest)
}

/// Gives the finished file its name without ever replacing one: a hard link where the file
/// system has them, else a rename after a last look.
fn put_in_place(partial: &Path, out: &Path) -> Result<(), BackupError> {
    match fs::hard_link(partial, out) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(BackupError::OutputExists(out.to_path_buf()))
        }
        Err(_) if out.exists() => return Err(BackupError::OutputExists(out.to_path_buf())),
        Err(_) => fs::rename(partial, out).map_err(|e| at(out, e))?,
    }
    sync_dir(out.parent().unwrap_or(Path::new(".")))
}

pub(super) fn sync_dir(dir: &Path) -> Result<(), BackupError> {
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| at(dir, e))
}
