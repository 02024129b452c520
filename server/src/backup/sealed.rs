//! The encrypted stream a backup is written in: a key from the passphrase by argon2id, then
//! XChaCha20-Poly1305 in 1 MiB segments (the STREAM construction: a random 19-byte prefix, a
//! segment counter and a last-segment flag make each nonce). The header is the associated data
//! of every segment, so its parameters cannot be changed, and a file cut at any point, or with
//! segments reordered, does not open.
//!
//! ```text
//! "BKSBAK01" | m_cost KiB u32 | t_cost u32 | p_cost u32 | salt [16] | nonce prefix [19]
//!            | segment size u32 | segments: ciphertext + 16-byte tag      (integers LE)
//! ```

use argon2::{Algorithm, Argon2, Params, Version};
use berkas_core::docs::stream_nonce;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::XChaCha20Poly1305;
use std::io::{Read, Write};

use super::{BackupError, KeyCost};

const MAGIC: &[u8; 8] = b"BKSBAK01";
const HEADER: usize = 8 + 12 + 16 + 19 + 4;
const TAG: usize = 16;
pub(crate) const SEGMENT: usize = 1 << 20;
const P_COST: u32 = 1;
/// What a reader accepts from a header, so a forged one cannot make it allocate without bound.
const MAX_M_COST: u32 = 1024 * 1024;
const MAX_T_COST: u32 = 64;
const MAX_SEGMENT: usize = 16 << 20;

fn key(passphrase: &str, salt: &[u8], m: u32, t: u32, p: u32) -> Result<XChaCha20Poly1305, BackupError> {
    let params = Params::new(m, t, p, Some(32)).map_err(|e| BackupError::NotABackup(format!("key parameters: {e}")))?;
    let mut k = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, &mut k)
        .map_err(|e| BackupError::NotABackup(format!("key derivation: {e}")))?;
    let cipher = XChaCha20Poly1305::new_from_slice(&k).map_err(|_| BackupError::NotABackup("key length".into()));
    k.fill(0);
    cipher
}

/// Writes the sealed stream; [`SealedWriter::finish`] seals the last segment and must be called.
pub(crate) struct SealedWriter<W: Write> {
    out: W,
    cipher: XChaCha20Poly1305,
    header: Vec<u8>,
    counter: u32,
    buf: Vec<u8>,
}

impl<W: Write> SealedWriter<W> {
    pub(crate) fn new(mut out: W, passphrase: &str, cost: KeyCost) -> Result<Self, BackupError> {
        let mut salt = [0u8; 16];
        let mut prefix = [0u8; 19];
        getrandom::fill(&mut salt)
            .and_then(|()| getrandom::fill(&mut prefix))
            .map_err(|e| BackupError::Io(std::io::Error::other(format!("no randomness for the backup's key: {e}"))))?;
        let mut header = Vec::with_capacity(HEADER);
        header.extend_from_slice(MAGIC);
        for v in [cost.memory_kib, cost.passes, P_COST] {
            header.extend_from_slice(&v.to_le_bytes());
        }
        header.extend_from_slice(&salt);
        header.extend_from_slice(&prefix);
        header.extend_from_slice(&(SEGMENT as u32).to_le_bytes());
        let cipher = key(passphrase, &salt, cost.memory_kib, cost.passes, P_COST)?;
        out.write_all(&header)?;
        Ok(SealedWriter { out, cipher, header, counter: 0, buf: Vec::with_capacity(SEGMENT) })
    }

    fn seal_segment(&mut self, last: bool) -> Result<(), BackupError> {
        let n = stream_nonce(&self.header[HEADER - 4 - 19..HEADER - 4], self.counter, last);
        let ct = self
            .cipher
            .encrypt(&n, Payload { msg: &self.buf, aad: &self.header })
            .map_err(|_| BackupError::Io(std::io::Error::other("encryption failed")))?;
        self.out.write_all(&ct)?;
        self.buf.clear();
        self.counter = self
            .counter
            .checked_add(1)
            .ok_or_else(|| BackupError::Io(std::io::Error::other("the backup is larger than 4 PiB")))?;
        Ok(())
    }

    pub(crate) fn write(&mut self, mut bytes: &[u8]) -> Result<(), BackupError> {
        while !bytes.is_empty() {
            // A full segment is sealed only once more bytes follow: the last one carries the flag.
            if self.buf.len() == SEGMENT {
                self.seal_segment(false)?;
            }
            let take = (SEGMENT - self.buf.len()).min(bytes.len());
            self.buf.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
        }
        Ok(())
    }

    /// Seals the last segment and hands back the output, flushed.
    pub(crate) fn finish(mut self) -> Result<W, BackupError> {
        self.seal_segment(true)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Reads what [`SealedWriter`] wrote, one segment ahead so that the last one is known as such.
pub(crate) struct SealedReader<R: Read> {
    input: R,
    cipher: XChaCha20Poly1305,
    header: Vec<u8>,
    segment: usize,
    counter: u32,
    /// The next segment's ciphertext, read ahead.
    ahead: Option<Vec<u8>>,
    plain: Vec<u8>,
    pos: usize,
    done: bool,
    /// Bytes of the file consumed, for naming where damage is.
    offset: u64,
}

fn read_up_to<R: Read>(input: &mut R, n: usize) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(n);
    input.take(n as u64).read_to_end(&mut out)?;
    Ok(out)
}

impl<R: Read> SealedReader<R> {
    pub(crate) fn new(mut input: R, passphrase: &str) -> Result<Self, BackupError> {
        let header = read_up_to(&mut input, HEADER)?;
        if header.len() < HEADER || &header[..8] != MAGIC {
            return Err(BackupError::NotABackup("it does not start like a Berkas hub backup".into()));
        }
        let u32_at = |i: usize| u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
        let (m, t, p, segment) = (u32_at(8), u32_at(12), u32_at(16), u32_at(HEADER - 4) as usize);
        if m > MAX_M_COST || t > MAX_T_COST || p == 0 || p > 16 || segment == 0 || segment > MAX_SEGMENT {
            return Err(BackupError::NotABackup("its header holds parameters no Berkas backup uses".into()));
        }
        let cipher = key(passphrase, &header[20..36], m, t, p)?;
        Ok(SealedReader {
            input,
            cipher,
            header,
            segment,
            counter: 0,
            ahead: None,
            plain: Vec::new(),
            pos: 0,
            done: false,
            offset: HEADER as u64,
        })
    }

    /// Decrypts the next segment into `plain`; false once the last one was read.
    fn next_segment(&mut self) -> Result<bool, BackupError> {
        if self.done {
            return Ok(false);
        }
        let full = self.segment + TAG;
        let current = match self.ahead.take() {
            Some(c) => c,
            None => read_up_to(&mut self.input, full)?,
        };
        let last = if current.len() < full {
            true
        } else {
            let next = read_up_to(&mut self.input, full)?;
            let last = next.is_empty();
            self.ahead = (!last).then_some(next);
            last
        };
        let n = stream_nonce(&self.header[HEADER - 4 - 19..HEADER - 4], self.counter, last);
        let plain = self.cipher.decrypt(&n, Payload { msg: &current, aad: &self.header }).map_err(|_| {
            if self.counter == 0 {
                BackupError::WrongPassphrase
            } else {
                BackupError::Damaged { offset: self.offset }
            }
        })?;
        self.offset += current.len() as u64;
        self.counter += 1;
        self.plain = plain;
        self.pos = 0;
        self.done = last;
        Ok(true)
    }

    /// Fills `out` entirely; a stream that ends first is a cut backup.
    pub(crate) fn read_exact(&mut self, mut out: &mut [u8]) -> Result<(), BackupError> {
        while !out.is_empty() {
            if self.pos == self.plain.len() && !self.next_segment()? {
                return Err(BackupError::Damaged { offset: self.offset });
            }
            let take = (self.plain.len() - self.pos).min(out.len());
            out[..take].copy_from_slice(&self.plain[self.pos..self.pos + take]);
            self.pos += take;
            out = &mut out[take..];
        }
        Ok(())
    }

    /// True when every byte was read, through the last segment, and nothing follows it.
    pub(crate) fn at_end(&mut self) -> Result<bool, BackupError> {
        while self.pos == self.plain.len() {
            if !self.next_segment()? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed(plain: &[u8], pass: &str) -> Vec<u8> {
        let mut w = SealedWriter::new(Vec::new(), pass, KeyCost::LIGHT).expect("writer");
        // Written in uneven pieces, as an archive does.
        for piece in plain.chunks(333_333) {
            w.write(piece).expect("write");
        }
        w.finish().expect("finish")
    }

    fn opened(file: &[u8], pass: &str, len: usize) -> Result<Vec<u8>, BackupError> {
        let mut r = SealedReader::new(file, pass)?;
        let mut out = vec![0u8; len];
        r.read_exact(&mut out)?;
        if !r.at_end()? {
            return Err(BackupError::NotABackup("trailing bytes".into()));
        }
        Ok(out)
    }

    #[test]
    fn round_trip_at_segment_edges_and_refusals() {
        for len in [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 2 * SEGMENT + 7] {
            let plain: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let file = sealed(&plain, "kata sandi cadangan");
            assert_eq!(opened(&file, "kata sandi cadangan", len).expect("open"), plain, "len {len}");
            assert!(matches!(opened(&file, "salah", len), Err(BackupError::WrongPassphrase)), "len {len}");
            // Cut at a segment's end: the segment before was not sealed as the last one. In the
            // first segment that cannot be told from a wrong passphrase; later it is damage.
            if len > SEGMENT {
                let cut = &file[..HEADER + SEGMENT + TAG];
                assert!(matches!(opened(cut, "kata sandi cadangan", len), Err(BackupError::WrongPassphrase)));
            }
            if len > 2 * SEGMENT {
                let cut = &file[..HEADER + 2 * (SEGMENT + TAG)];
                assert!(matches!(opened(cut, "kata sandi cadangan", len), Err(BackupError::Damaged { .. })));
            }
            let mut flipped = file.clone();
            let last = flipped.len() - 1;
            flipped[last] ^= 1;
            let refused = opened(&flipped, "kata sandi cadangan", len);
            assert!(
                matches!(refused, Err(BackupError::WrongPassphrase | BackupError::Damaged { .. })),
                "flipped len {len}: {refused:?}"
            );
        }
    }

    #[test]
    fn a_changed_header_is_refused() {
        let file = sealed(b"isi", "kata sandi cadangan");
        let mut changed = file.clone();
        changed[30] ^= 1; // in the salt
                          // Another salt derives another key: nothing opens.
        assert!(matches!(opened(&changed, "kata sandi cadangan", 3), Err(BackupError::WrongPassphrase)));
        assert!(matches!(
            opened(b"not a backup at all, just text ...........................", "x", 3),
            Err(BackupError::NotABackup(_))
        ));
    }
}
