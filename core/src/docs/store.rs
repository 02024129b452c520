//! The document store of a profile: sealed files under `docs/<sha[..2]>/<sha>.bin` (and
//! `.thumb`), a `dokumen` row each, the audit trail. The key is a random 256-bit key in the
//! profile's `SecretStore` (`berkas/<profile>/doc-key`), made on first use.

use rusqlite::{params, OptionalExtension, Row, TransactionBehavior};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{codes, crypt, prepare, sha256_hex, CaptureOptions, Format, PageInput, Prepared, Readability, Verdict};
use crate::error::{Error, Result};
use crate::model::{Entity, FieldMap, Value};
use crate::profile::Berkas;
use crate::refdata::CodeCheck;
use crate::secrets::Secret;
use crate::store::replica::{self, LocalWrite};
use crate::store::{audit, new_id, now, records};

/// What a document supports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DocLink {
    /// The pegawai's data utama (SK CPNS, SK PNS, SPMT ...).
    DataUtama,
    /// A riwayat row (SK KP for a golongan row, ijazah for a pendidikan row ...).
    Riwayat { entity: Entity, row_id: String },
    /// A layanan request (usulan).
    Usulan { id: String },
    /// A proposal of the instansi (surat pengantar, DPCP ...): the facilitator attaches them.
    Proposal { id: String },
}

/// A document to add.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub nip: &'a str,
    pub id_ref_dokumen: &'a str,
    pub link: DocLink,
    pub files: Vec<PageInput<'a>>,
    /// Name the uploader gave (shown, never trusted for the type).
    pub file_name: Option<String>,
    /// Keep the document although the readability check flagged it; the facilitator sees it.
    pub keep_unreadable: bool,
}

/// A stored document as lists and the facilitator see it.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentInfo {
    pub id: String,
    pub pegawai_id: String,
    pub id_ref_dokumen: String,
    /// Name of the document type, when the `dokumen` reference table is loaded.
    pub jenis: Option<String>,
    pub entity: String,
    pub row_id: String,
    pub sha256: String,
    pub mime: String,
    pub size: u64,
    pub original_size: Option<u64>,
    pub pages: Option<u32>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub file_name: Option<String>,
    pub readability: Option<Readability>,
    /// The uploader kept it although it was flagged.
    pub readability_override: bool,
    pub has_thumbnail: bool,
    pub created_at: Option<String>,
    pub changed_by: String,
    /// The facilitator's decision (`DITERIMA`, `DIKEMBALIKAN`, `DITOLAK`, `TIDAK_ASLI`), when made.
    pub verifikasi: Option<Verifikasi>,
}

/// A facilitator's decision on a document, as the ASN sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Verifikasi {
    pub putusan: String,
    pub alasan: Option<String>,
    pub oleh: Option<String>,
    pub pada: Option<String>,
}

const COLUMNS: &str = "d.id, d.pegawai_id, d.id_ref_dokumen, r.nama, d.entity, d.row_id, d.sha256, d.mime, d.size, \
     d.original_size, d.pages, d.width, d.height, d.nama_file, d.readability, d.readability_override, d.has_thumbnail, \
     d.created_at, d.changed_by, d.verifikasi, d.verifikasi_alasan, d.verifikasi_oleh, d.verifikasi_pada";
const FROM: &str = "FROM dokumen d LEFT JOIN ref_row r ON r.tbl = 'dokumen' AND r.id = d.id_ref_dokumen";

fn read_info(r: &Row<'_>) -> rusqlite::Result<DocumentInfo> {
    let readability: Option<String> = r.get(14)?;
    Ok(DocumentInfo {
        id: r.get(0)?,
        pegawai_id: r.get(1)?,
        id_ref_dokumen: r.get(2)?,
        jenis: r.get(3)?,
        entity: r.get(4)?,
        row_id: r.get(5)?,
        sha256: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
        mime: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
        size: r.get::<_, Option<i64>>(8)?.unwrap_or(0) as u64,
        original_size: r.get::<_, Option<i64>>(9)?.map(|v| v as u64),
        pages: r.get(10)?,
        width: r.get(11)?,
        height: r.get(12)?,
        file_name: r.get(13)?,
        readability: readability.and_then(|j| serde_json::from_str(&j).ok()),
        readability_override: r.get::<_, Option<bool>>(15)?.unwrap_or(false),
        has_thumbnail: r.get(16)?,
        created_at: r.get(17)?,
        changed_by: r.get(18)?,
        verifikasi: match r.get::<_, Option<String>>(19)? {
            Some(putusan) => Some(Verifikasi { putusan, alasan: r.get(20)?, oleh: r.get(21)?, pada: r.get(22)? }),
            None => None,
        },
    })
}

/// Writes ciphertext beside its final name, syncs it, then renames: a crash leaves the old
/// state or the new one, and never plaintext.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().ok_or_else(|| Error::Io(std::io::Error::other("document path has no folder")))?;
    std::fs::create_dir_all(dir)?;
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The name a thumbnail is sealed under (bound to its document).
fn thumb_name(sha: &str) -> String {
    format!("{sha}/thumb")
}

pub(crate) fn valid_sha(sha: &str) -> bool {
    sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Berkas {
    pub(crate) fn doc_key(&self, create: bool) -> Result<Secret> {
        let name = self.secret_name("doc-key");
        if let Some(k) = self.secrets().get(&name)? {
            return Ok(k);
        }
        if !create {
            return Err(Error::KeyMissing { store: self.secrets().describe() });
        }
        let key = Secret::random_key()?;
        self.secrets().put(&name, &key)?;
        // A store that forgets the key would make every document unreadable: read it back.
        match self.secrets().get(&name)? {
            Some(k) if k == key => Ok(k),
            _ => Err(Error::KeyMissing { store: self.secrets().describe() }),
        }
    }

    /// Where the sealed bytes of `sha256` live.
    pub fn document_path(&self, sha256: &str) -> PathBuf {
        let shard = sha256.get(..2).unwrap_or("xx");
        self.dir().join("docs").join(shard).join(format!("{sha256}.bin"))
    }

    fn thumbnail_path(&self, sha256: &str) -> PathBuf {
        self.document_path(sha256).with_extension("thumb")
    }

    /// Seals bytes into the store under their SHA-256 (checked), unless already there.
    pub(crate) fn put_sealed(&self, sha256: &str, plain: &[u8]) -> Result<PathBuf> {
        if !valid_sha(sha256) || sha256_hex(plain) != sha256 {
            return Err(Error::document(codes::TAMPERED, "the bytes do not match their SHA-256 name"));
        }
        let path = self.document_path(sha256);
        if !path.exists() {
            let sealed = crypt::seal(&self.doc_key(true)?, sha256, plain)?;
            write_atomic(&path, &sealed)?;
        }
        Ok(path)
    }

    /// Seals a thumbnail beside its document, unless one is there.
    fn put_thumbnail(&self, sha: &str, jpeg: &[u8]) -> Result<()> {
        let path = self.thumbnail_path(sha);
        if !path.exists() {
            write_atomic(&path, &crypt::seal(&self.doc_key(true)?, &thumb_name(sha), jpeg)?)?;
        }
        Ok(())
    }

    /// Opens the sealed bytes of `sha256`, checking them against the name.
    pub(crate) fn open_sealed(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self.document_path(sha256);
        let sealed =
            match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Error::document(
                    codes::NOT_DOWNLOADED,
                    "the document's bytes are not on this device yet; fetch them (berkas doc fetch ID) while online",
                )),
                Err(e) => return Err(e.into()),
            };
        let plain = crypt::open(&self.doc_key(false)?, sha256, &sealed)?;
        if sha256_hex(&plain) != sha256 {
            return Err(Error::document(codes::TAMPERED, "the stored document does not match its SHA-256"));
        }
        Ok(plain)
    }

    /// Whether the store holds the bytes of `sha256`.
    pub fn has_document_bytes(&self, sha256: &str) -> bool {
        valid_sha(sha256) && self.document_path(sha256).exists()
    }

    /// Checks and normalises a capture without storing it: what the UI shows before "Simpan".
    pub fn check_document(&self, files: &[PageInput<'_>], opts: &CaptureOptions) -> Result<Prepared> {
        prepare(files, opts)
    }

    /// Adds a document: normalised, judged, sealed and linked. A flagged document is refused
    /// unless `keep_unreadable`; nothing is stored on any refusal.
    pub fn add_document(&self, new: &NewDocument<'_>, opts: &CaptureOptions) -> Result<(DocumentInfo, Prepared)> {
        let id_ref = new.id_ref_dokumen.trim();
        if id_ref.is_empty() || id_ref.len() > 32 || !id_ref.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(Error::invalid("id_ref_dokumen", "dokumen.bad_type", "must be a SIASN document type code"));
        }
        let (pegawai_id, entity, row_id) = self.resolve_link(new.nip, &new.link, id_ref)?;
        // The heavy work runs without holding the database.
        let prepared = prepare(&new.files, opts)?;
        // What the hub would refuse at upload is refused now, naming its limit.
        self.check_hub_limit(id_ref, prepared.bytes.len() as u64, prepared.format.mime())?;
        if prepared.readability.verdict == Verdict::Flagged && !new.keep_unreadable {
            let why: Vec<String> =
                prepared.readability.problems.iter().map(|p| format!("{} (page {})", p.code, p.page)).collect();
            return Err(Error::document(
                codes::UNREADABLE,
                format!(
                    "the document may not be readable: {}; take it again, or keep it anyway (the facilitator will see that)",
                    why.join(", ")
                ),
            ));
        }
        let sha = prepared.sha256.clone();
        let existed = self.document_path(&sha).exists();
        self.put_sealed(&sha, &prepared.bytes)?;
        if let Some(t) = &prepared.thumbnail {
            self.put_thumbnail(&sha, t)?;
        }
        let id = new_id();
        let stored = self.insert_document_row(&id, &pegawai_id, id_ref, &entity, &row_id, &prepared, new);
        if let Err(e) = stored {
            if !existed && !self.sha_in_use(&sha)? {
                self.remove_document_files(&sha);
            }
            return Err(e);
        }
        Ok((self.document(&id)?, prepared))
    }

    /// Attaches a document the record already holds (an SK from an earlier request, a photo on
    /// data utama) to `link` as paper `id_ref`, without new bytes: a new row naming the same
    /// blob, which syncs like any other and needs no upload when the hub holds the bytes.
    pub fn reuse_document(&self, id: &str, id_ref: &str, link: &DocLink) -> Result<DocumentInfo> {
        let d = self.document(id)?;
        let nip: String = self
            .store()
            .conn
            .query_row("SELECT nip_baru FROM pegawai WHERE id = ?1", [&d.pegawai_id], |r| r.get(0))
            .map_err(|_| Error::NotFound("pegawai"))?;
        let id_ref = id_ref.trim();
        let (pegawai_id, entity, row_id) = self.resolve_link(&nip, link, id_ref)?;
        let format = match d.mime.as_str() {
            "application/pdf" => Format::Pdf,
            _ => Format::Jpeg,
        };
        let prepared = Prepared {
            bytes: Vec::new(),
            format,
            sha256: d.sha256.clone(),
            size: d.size,
            original_size: d.original_size.unwrap_or(d.size),
            pages: d.pages.unwrap_or(1),
            width: d.width.unwrap_or(0),
            height: d.height.unwrap_or(0),
            readability: d.readability.clone().unwrap_or_else(Readability::not_checked),
            thumbnail: d.has_thumbnail.then(Vec::new),
        };
        let new = NewDocument {
            nip: &nip,
            id_ref_dokumen: id_ref,
            link: link.clone(),
            files: Vec::new(),
            file_name: d.file_name.clone(),
            keep_unreadable: d.readability_override,
        };
        let row = new_id();
        self.insert_document_row(&row, &pegawai_id, id_ref, &entity, &row_id, &prepared, &new)?;
        self.document(&row)
    }

    fn resolve_link(&self, nip: &str, link: &DocLink, id_ref: &str) -> Result<(String, String, String)> {
        // Berkas' own names (`ijazah`, `sk_kp`, a checklist's `surat_pengantar` ...) stand for
        // documents SIASN's list lacks.
        let local = crate::model::entity::DEFS.iter().flat_map(|d| d.documents).any(|d| d.id_ref_dokumen == id_ref)
            || self.layanan_catalog()?.layanan.iter().flat_map(|l| &l.dokumen).any(|d| d.id == id_ref);
        let store = self.store();
        let pegawai_id = records::pegawai_id_by_nip(&store.conn, nip)?.ok_or(Error::NotFound("pegawai"))?;
        if !local && store.refs.check(&store.conn, "dokumen", id_ref)? == CodeCheck::Unknown {
            return Err(Error::invalid(
                "id_ref_dokumen",
                "dokumen.unknown_type",
                "is not in the dokumen reference table",
            ));
        }
        Ok(match link {
            DocLink::DataUtama => (pegawai_id.clone(), "data_utama".into(), pegawai_id),
            DocLink::Riwayat { entity, row_id } => {
                let def = entity.def();
                let row = records::load_row(&store.conn, def, row_id)?.ok_or(Error::NotFound("riwayat row"))?;
                if *entity == Entity::DataUtama || row.pegawai_id.as_deref() != Some(pegawai_id.as_str()) {
                    return Err(Error::invalid("row_id", "dokumen.wrong_row", "is not a riwayat row of this pegawai"));
                }
                (pegawai_id, entity.key().to_string(), row_id.clone())
            }
            DocLink::Usulan { id } => (pegawai_id, "usulan".into(), id.clone()),
            DocLink::Proposal { id } => (pegawai_id, "proposal".into(), id.clone()),
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn insert_document_row(
        &self,
        id: &str,
        pegawai_id: &str,
        id_ref: &str,
        entity: &str,
        row_id: &str,
        p: &Prepared,
        new: &NewDocument<'_>,
    ) -> Result<()> {
        let mut store = self.store();
        let tx = store.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = now();
        // The verdict travels as a field: keep it within a text field's size (the first problems
        // say enough; the count of the rest is kept).
        let mut verdict = p.readability.clone();
        let more = verdict.problems.len().saturating_sub(6);
        verdict.problems.truncate(6);
        let mut readability = serde_json::to_value(&verdict).map_err(|e| Error::BadDocument(e.to_string()))?;
        if more > 0 {
            readability["more_problems"] = more.into();
        }
        let readability = readability.to_string();
        let overridden = p.readability.verdict == Verdict::Flagged && new.keep_unreadable;
        tx.execute(
            "INSERT INTO dokumen (id, pegawai_id, id_ref_dokumen, entity, row_id, sha256, nama_file, mime, size,
                changed_at, changed_by, pages, width, height, original_size, readability, readability_override,
                has_thumbnail, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?10)",
            params![
                id,
                pegawai_id,
                id_ref,
                entity,
                row_id,
                p.sha256,
                new.file_name,
                p.format.mime(),
                p.size as i64,
                at,
                self.actor(),
                p.pages,
                p.width,
                p.height,
                p.original_size as i64,
                readability,
                overridden,
                p.thumbnail.is_some(),
            ],
        )?;
        let detail = serde_json::json!({
            "id_ref_dokumen": id_ref, "sha256": p.sha256, "size": p.size, "pages": p.pages,
            "readability": p.readability.verdict, "override": overridden,
        });
        audit::record(
            &tx,
            &at,
            self.actor(),
            "document.add",
            Some("dokumen"),
            Some(id),
            Some(pegawai_id),
            Some(&detail),
        )?;
        // The metadata syncs like a riwayat row; the bytes follow as a blob.
        let fields = records::load_row(&tx, Entity::Dokumen.def(), id)?.map(|r| r.values).unwrap_or_default();
        let old: FieldMap = fields.keys().map(|k| (k.clone(), Value::Null)).collect();
        let write = LocalWrite {
            entity: Entity::Dokumen,
            row: id,
            pegawai: pegawai_id,
            fields,
            old,
            created: true,
            delete: false,
        };
        replica::record_local(&tx, self.actor(), write)?;
        tx.execute(
            "INSERT OR IGNORE INTO blob (sha256, size, state, updated_at) VALUES (?1, ?2, 'pending', ?3)",
            params![p.sha256, p.size as i64, at],
        )?;
        records::refresh_completeness(&tx, pegawai_id)?;
        tx.commit()?;
        Ok(())
    }

    fn sha_in_use(&self, sha: &str) -> Result<bool> {
        let n: i64 =
            self.store().conn.query_row("SELECT count(*) FROM dokumen WHERE sha256 = ?1", [sha], |r| r.get(0))?;
        Ok(n > 0)
    }

    fn remove_document_files(&self, sha: &str) {
        // Only ciphertext is ever on disk, so removing the files is enough.
        let _ = std::fs::remove_file(self.document_path(sha));
        let _ = std::fs::remove_file(self.thumbnail_path(sha));
    }

    /// Removes sealed files no document row names any more (a delete or a scope change pulled
    /// from the hub). Partial downloads stay. Returns how many documents' files went.
    pub fn prune_document_files(&self) -> Result<usize> {
        let names: std::collections::HashSet<String> = {
            let store = self.store();
            let mut st = store.conn.prepare("SELECT DISTINCT sha256 FROM dokumen WHERE sha256 IS NOT NULL")?;
            let rows = st.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<_, _>>()?;
            rows
        };
        let mut pruned = 0;
        let Ok(shards) = std::fs::read_dir(self.dir().join("docs")) else { return Ok(0) };
        for shard in shards.flatten() {
            for f in std::fs::read_dir(shard.path()).into_iter().flatten().flatten() {
                let path = f.path();
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                let sha = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                if matches!(ext, "bin" | "thumb") && valid_sha(sha) && !names.contains(sha) {
                    std::fs::remove_file(&path)?;
                    pruned += usize::from(ext == "bin");
                }
            }
        }
        Ok(pruned)
    }

    /// One document's metadata.
    pub fn document(&self, id: &str) -> Result<DocumentInfo> {
        let store = self.store();
        let sql = format!("SELECT {COLUMNS} {FROM} WHERE d.id = ?1");
        store.conn.query_row(&sql, [id], read_info).optional()?.ok_or(Error::NotFound("document"))
    }

    /// Documents of a pegawai, newest first.
    pub fn documents(&self, nip: &str) -> Result<Vec<DocumentInfo>> {
        let store = self.store();
        let pegawai_id = records::pegawai_id_by_nip(&store.conn, nip)?.ok_or(Error::NotFound("pegawai"))?;
        let sql = format!("SELECT {COLUMNS} {FROM} WHERE d.pegawai_id = ?1 ORDER BY d.changed_at DESC, d.id DESC");
        let mut st = store.conn.prepare(&sql)?;
        let rows = st.query_map([pegawai_id], read_info)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The document's bytes, decrypted and checked.
    pub fn document_bytes(&self, id: &str) -> Result<Vec<u8>> {
        let info = self.document(id)?;
        self.open_sealed(&info.sha256)
    }

    /// The thumbnail (JPEG) of an image document.
    pub fn document_thumbnail(&self, id: &str) -> Result<Option<Vec<u8>>> {
        let info = self.document(id)?;
        if !info.has_thumbnail {
            return Ok(None);
        }
        let sealed = std::fs::read(self.thumbnail_path(&info.sha256))?;
        Ok(Some(crypt::open(&self.doc_key(false)?, &thumb_name(&info.sha256), &sealed)?))
    }

    /// A thumbnail for fetched image bytes (a capture makes its own), marked on the rows.
    pub(crate) fn make_thumbnail(&self, sha: &str, mime: &str) -> Result<()> {
        if mime != "image/jpeg" || self.thumbnail_path(sha).exists() {
            return Ok(());
        }
        let bytes = self.open_sealed(sha)?;
        self.put_thumbnail(sha, &super::thumbnail_of_jpeg(&bytes, 320)?)?;
        self.store().conn.execute("UPDATE dokumen SET has_thumbnail = 1 WHERE sha256 = ?1", [sha])?;
        Ok(())
    }

    /// Writes the plaintext to `dest` (a place the user chose) and records the export.
    pub fn export_document(&self, id: &str, dest: &Path) -> Result<u64> {
        let info = self.document(id)?;
        let bytes = self.open_sealed(&info.sha256)?;
        write_atomic(dest, &bytes)?;
        let store = self.store();
        let detail = serde_json::json!({ "sha256": info.sha256 });
        audit::record(
            &store.conn,
            &now(),
            self.actor(),
            "document.export",
            Some("dokumen"),
            Some(id),
            Some(&info.pegawai_id),
            Some(&detail),
        )?;
        Ok(bytes.len() as u64)
    }

    /// Deletes a document; its sealed files go too unless another row still uses them.
    pub fn delete_document(&self, id: &str) -> Result<()> {
        let info = self.document(id)?;
        {
            let mut store = self.store();
            let tx = store.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let old = records::load_row(&tx, Entity::Dokumen.def(), id)?.map(|r| r.values).unwrap_or_default();
            tx.execute("DELETE FROM dokumen WHERE id = ?1", [id])?;
            let write = LocalWrite {
                entity: Entity::Dokumen,
                row: id,
                pegawai: &info.pegawai_id,
                fields: FieldMap::new(),
                old,
                created: false,
                delete: true,
            };
            replica::record_local(&tx, self.actor(), write)?;
            let detail = serde_json::json!({ "sha256": info.sha256, "id_ref_dokumen": info.id_ref_dokumen });
            let at = now();
            audit::record(
                &tx,
                &at,
                self.actor(),
                "document.delete",
                Some("dokumen"),
                Some(id),
                Some(&info.pegawai_id),
                Some(&detail),
            )?;
            records::refresh_completeness(&tx, &info.pegawai_id)?;
            tx.commit()?;
        }
        if !self.sha_in_use(&info.sha256)? {
            self.remove_document_files(&info.sha256);
        }
        Ok(())
    }
}
