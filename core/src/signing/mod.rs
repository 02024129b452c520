//! Signed documents. What Berkas generates (a daftar nominatif, later cover letters and
//! receipts) is signed by the hub that holds the instansi's key, and anyone holding that
//! hub's public key can check it offline: no network, no account.
//!
//! The hub signs a short text statement (the document's SHA-256, its kind and title, a
//! verification code, when and with which key); a PDF carries statement and signature in
//! comment lines after its last `%%EOF`, followed by the same `startxref` again so every
//! reader still opens it, and shows the code on each page so a printed copy can be looked up.
//! Other files get the same block in a `.sig` file beside them. Nothing may follow the block:
//! an incremental PDF update appended later could change what a reader shows.

#[cfg(feature = "client")]
mod client;
mod error;

#[cfg(feature = "client")]
pub use client::{sig_path, SignRequest, SignedExport};
pub use error::SignatureError;

use ring::signature::{UnparsedPublicKey, ED25519};
use sha2::{Digest, Sha256};

/// The first line of every statement; a new layout gets a new number.
pub const MAGIC: &str = "BERKAS-SIGNED-1";
/// What a PDF's signed part is followed by.
const PDF_BLOCK_START: &[u8] = b"%BERKAS-SIGNED-1\n";

/// Kinds of documents the hub signs.
pub const KINDS: &[&str] = &["nominatif", "surat_pengantar", "tanda_terima", "rekon", "presensi"];

/// The title of a request's receipt: the hub gives it no other, and signs one only for a
/// request it holds as submitted (no name or NIP: anyone holding the code may look it up).
pub fn receipt_title(layanan_id: &str, usulan_id: &str) -> String {
    format!("Tanda terima usulan {layanan_id} {usulan_id}")
}

/// What the hub signed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Statement {
    /// Shown on the document: `XXXX-XXXX-XXXX` (Crockford base32, 60 random bits).
    pub code: String,
    pub kind: String,
    pub title: String,
    /// Of the signed bytes: the whole file, or a PDF up to its signature block.
    pub sha256: String,
    /// When the hub signed it, UTC.
    pub issued: String,
    /// Which hub key signed it (see `key_id`).
    pub key: String,
}

const FIELDS: [&str; 6] = ["code", "kind", "title", "sha256", "issued", "key"];

impl Statement {
    fn values(&self) -> [&str; 6] {
        [&self.code, &self.kind, &self.title, &self.sha256, &self.issued, &self.key]
    }

    /// The exact bytes the hub signs: the magic line, then `name: value` lines.
    pub fn to_text(&self) -> String {
        let mut s = format!("{MAGIC}\n");
        for (name, value) in FIELDS.iter().zip(self.values()) {
            s.push_str(&format!("{name}: {value}\n"));
        }
        s
    }

    /// Checks every field's shape, so that a statement always reads back as it was written.
    pub fn check(&self) -> Result<(), SignatureError> {
        let bad = |what: &str| Err(SignatureError::Malformed(what.to_string()));
        if !is_code(&self.code) {
            return bad("the verification code is not XXXX-XXXX-XXXX");
        }
        if !KINDS.contains(&self.kind.as_str()) {
            return bad(&format!("unknown document kind (known: {})", KINDS.join(", ")));
        }
        if self.title.trim().is_empty() || self.title.chars().count() > 200 || self.title.chars().any(char::is_control)
        {
            return bad("the title must be one line of 1 to 200 characters");
        }
        if self.title != self.title.trim() {
            return bad("the title must not start or end with spaces");
        }
        if !is_hex(&self.sha256, 64) {
            return bad("sha256 is not 64 lowercase hex digits");
        }
        if chrono::DateTime::parse_from_rfc3339(&self.issued).is_err() {
            return bad("the issue time is not an RFC 3339 time");
        }
        if !is_hex(&self.key, 16) {
            return bad("the key id is not 16 lowercase hex digits");
        }
        Ok(())
    }

    /// Reads the lines `to_text` writes (each may carry `prefix`, e.g. `%` in a PDF).
    fn parse_lines<'a>(lines: &mut impl Iterator<Item = &'a str>, prefix: &str) -> Result<Statement, SignatureError> {
        let mut values = Vec::with_capacity(FIELDS.len());
        for name in FIELDS {
            let line = lines.next().ok_or_else(|| SignatureError::Malformed(format!("the statement has no {name}")))?;
            let value = line
                .strip_prefix(prefix)
                .and_then(|l| l.strip_prefix(name))
                .and_then(|l| l.strip_prefix(": "))
                .ok_or_else(|| SignatureError::Malformed(format!("expected the statement's {name} line")))?;
            values.push(value.to_string());
        }
        let [code, kind, title, sha256, issued, key] =
            <[String; 6]>::try_from(values).map_err(|_| SignatureError::Malformed("short statement".into()))?;
        let s = Statement { code, kind, title, sha256, issued, key };
        s.check()?;
        Ok(s)
    }
}

/// A statement with the hub's signature over its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub statement: Statement,
    pub signature: Vec<u8>,
}

/// A hub's public key, as published by it (`GET /v1/signing-key`) or by the BKD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    bytes: [u8; 32],
}

impl PublicKey {
    /// From 64 hex digits (spaces and a `key-id:` prefix as printed are not part of it).
    pub fn from_hex(text: &str) -> Result<PublicKey, SignatureError> {
        let bytes = hex::decode(text.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| SignatureError::BadKey("a public key is 64 hex digits (32 bytes of Ed25519)".into()))?;
        Ok(PublicKey { bytes })
    }

    pub fn from_bytes(bytes: [u8; 32]) -> PublicKey {
        PublicKey { bytes }
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.bytes)
    }

    /// The short name statements carry: the first 8 bytes of the key's SHA-256, in hex.
    pub fn key_id(&self) -> String {
        hex::encode(&Sha256::digest(self.bytes)[..8])
    }

    /// Whether `signed` is this key's signature of its statement.
    pub fn check(&self, signed: &Signed) -> Result<(), SignatureError> {
        if signed.statement.key != self.key_id() {
            return Err(SignatureError::OtherKey { signed_with: signed.statement.key.clone(), given: self.key_id() });
        }
        UnparsedPublicKey::new(&ED25519, self.bytes)
            .verify(signed.statement.to_text().as_bytes(), &signed.signature)
            .map_err(|_| SignatureError::Invalid)
    }
}

/// A new verification code: 60 random bits in Crockford's base32 (no I, L, O, U), grouped.
pub fn new_code() -> Result<String, SignatureError> {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut r = [0u8; 8];
    getrandom::fill(&mut r).map_err(|e| SignatureError::Malformed(format!("no randomness: {e}")))?;
    let n = u64::from_le_bytes(r);
    let chars: Vec<char> = (0..12).map(|i| ALPHABET[((n >> (5 * i)) & 31) as usize] as char).collect();
    let group = |g: &[char]| g.iter().collect::<String>();
    Ok(format!("{}-{}-{}", group(&chars[..4]), group(&chars[4..8]), group(&chars[8..])))
}

fn is_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 14
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 9 {
                *c == b'-'
            } else {
                c.is_ascii_digit() || (c.is_ascii_uppercase() && !b"ILOU".contains(c))
            }
        })
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A PDF ready to be signed: its bytes up to the signature block, and the offset its last
/// `startxref` names (repeated after the block).
#[derive(Debug, Clone)]
pub struct PdfBody {
    pub bytes: Vec<u8>,
    startxref: u64,
}

impl PdfBody {
    /// Takes a whole PDF that ends with `startxref N %%EOF` (and a newline, added if missing).
    pub fn new(mut pdf: Vec<u8>) -> Result<PdfBody, SignatureError> {
        if !pdf.ends_with(b"\n") {
            pdf.push(b'\n');
        }
        let startxref = last_startxref(&pdf).ok_or_else(|| {
            SignatureError::Malformed("not a whole PDF: it does not end with startxref and %%EOF".into())
        })?;
        Ok(PdfBody { bytes: pdf, startxref })
    }

    pub fn sha256(&self) -> String {
        sha256_hex(&self.bytes)
    }

    /// The signed PDF: the body, the block in comment lines, and the body's `startxref` again.
    pub fn seal(mut self, signed: &Signed) -> Vec<u8> {
        for line in signed.statement.to_text().lines() {
            self.bytes.extend_from_slice(format!("%{line}\n").as_bytes());
        }
        let tail = format!("%signature: {}\nstartxref\n{}\n%%EOF\n", hex::encode(&signed.signature), self.startxref);
        self.bytes.extend_from_slice(tail.as_bytes());
        self.bytes
    }
}

/// The offset of the `startxref N %%EOF` that ends `pdf` (whitespace between the tokens).
fn last_startxref(pdf: &[u8]) -> Option<u64> {
    let tail = String::from_utf8_lossy(&pdf[pdf.len().saturating_sub(64)..]);
    let at = tail.rfind("startxref")?;
    let mut words = tail[at..].split_ascii_whitespace().skip(1);
    let n = words.next()?.parse().ok()?;
    (words.next() == Some("%%EOF") && words.next().is_none()).then_some(n)
}

/// The text of a detached signature (`FILE.sig`).
pub fn detached_text(signed: &Signed) -> String {
    format!("{}signature: {}\n", signed.statement.to_text(), hex::encode(&signed.signature))
}

/// Checks a signed file with `key`: a PDF with its block, or any file with its `.sig` text.
/// Returns what was signed; any change to the file, the block or the signature is refused.
pub fn verify(file: &[u8], detached: Option<&str>, key: &PublicKey) -> Result<Statement, SignatureError> {
    let (signed, body) = match detached {
        Some(text) => (parse_detached(text)?, file),
        None => read_pdf_block(file)?,
    };
    key.check(&signed)?;
    if sha256_hex(body) != signed.statement.sha256 {
        return Err(SignatureError::ContentChanged);
    }
    if detached.is_none() && !contains(body, signed.statement.code.as_bytes()) {
        return Err(SignatureError::CodeNotShown);
    }
    Ok(signed.statement)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn parse_detached(text: &str) -> Result<Signed, SignatureError> {
    let mut lines = text.lines();
    if lines.next() != Some(MAGIC) {
        return Err(SignatureError::Malformed(format!("a signature file starts with {MAGIC}")));
    }
    let statement = Statement::parse_lines(&mut lines, "")?;
    let signature = signature_line(lines.next(), "")?;
    if lines.any(|l| !l.trim().is_empty()) {
        return Err(SignatureError::Malformed("text after the signature line".into()));
    }
    Ok(Signed { statement, signature })
}

fn signature_line(line: Option<&str>, prefix: &str) -> Result<Vec<u8>, SignatureError> {
    line.and_then(|l| l.strip_prefix(prefix))
        .and_then(|l| l.strip_prefix("signature: "))
        .and_then(|h| hex::decode(h).ok())
        .filter(|s| s.len() == 64)
        .ok_or_else(|| SignatureError::Malformed("the signature line is missing or not 128 hex digits".into()))
}

/// Splits a sealed PDF into its block and the signed body before it.
fn read_pdf_block(file: &[u8]) -> Result<(Signed, &[u8]), SignatureError> {
    let at = file
        .windows(PDF_BLOCK_START.len() + 1)
        .rposition(|w| w[0] == b'\n' && &w[1..] == PDF_BLOCK_START)
        .map(|p| p + 1)
        .ok_or(SignatureError::NotSigned)?;
    let (body, block) = file.split_at(at);
    let block = std::str::from_utf8(block).map_err(|_| SignatureError::Appended)?;
    let mut lines = block.split('\n');
    lines.next(); // the magic line, found above
    let statement = Statement::parse_lines(&mut lines, "%")?;
    let signature = signature_line(lines.next(), "%")?;
    let startxref = last_startxref(body)
        .ok_or_else(|| SignatureError::Malformed("the signed part does not end like a PDF".into()))?;
    let expected = ["startxref", &startxref.to_string(), "%%EOF", ""];
    let rest: Vec<&str> = lines.collect();
    if rest != expected {
        return Err(SignatureError::Appended);
    }
    Ok((Signed { statement, signature }, body))
}

#[cfg(test)]
mod tests;
