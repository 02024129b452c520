//! The sealed file format of documents at rest: XChaCha20-Poly1305 in 64 KiB segments (the
//! STREAM construction: a random 19-byte prefix, a segment counter and a last-segment flag
//! make each nonce), bound to the document's name by the associated data, so a file cannot be
//! truncated, reordered or swapped for another document's without the open failing.
//!
//! ```text
//! "BKSDOC01" | segment size u32 LE | nonce prefix [19] | segments: ciphertext + 16-byte tag
//! ```

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use super::codes;
use crate::error::{Error, Result};
use crate::secrets::Secret;

const MAGIC: &[u8; 8] = b"BKSDOC01";
const SEGMENT: usize = 64 << 10;
const TAG: usize = 16;
const HEADER: usize = 8 + 4 + 19;

fn cipher(key: &Secret) -> Result<XChaCha20Poly1305> {
    XChaCha20Poly1305::new_from_slice(key.expose())
        .map_err(|_| Error::document(codes::TAMPERED, "the document key has the wrong length"))
}

/// The STREAM construction's nonce: a random 19-byte prefix, the segment's counter and a flag
/// on the last segment, so segments cannot be reordered, dropped or cut off unnoticed. Shared
/// with the hub's backups. `prefix` has exactly 19 bytes (another length panics).
pub fn stream_nonce(prefix: &[u8], counter: u32, last: bool) -> XNonce {
    let mut n = [0u8; 24];
    n[..19].copy_from_slice(prefix);
    n[19..23].copy_from_slice(&counter.to_be_bytes());
    n[23] = last as u8;
    XNonce::from(n)
}

/// Seals `plain` under `key`, bound to `name` (the content address).
pub(crate) fn seal(key: &Secret, name: &str, plain: &[u8]) -> Result<Vec<u8>> {
    let c = cipher(key)?;
    let mut prefix = [0u8; 19];
    getrandom::fill(&mut prefix).map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
    let segments = plain.len().div_ceil(SEGMENT).max(1);
    let mut out = Vec::with_capacity(HEADER + plain.len() + segments * TAG);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(SEGMENT as u32).to_le_bytes());
    out.extend_from_slice(&prefix);
    let aad = [MAGIC.as_slice(), name.as_bytes()].concat();
    for i in 0..segments {
        let part = &plain[i * SEGMENT..((i + 1) * SEGMENT).min(plain.len())];
        let ct = c
            .encrypt(&stream_nonce(&prefix, i as u32, i + 1 == segments), Payload { msg: part, aad: &aad })
            .map_err(|_| Error::document(codes::TAMPERED, "encryption failed"))?;
        out.extend_from_slice(&ct);
    }
    Ok(out)
}

/// Opens what [`seal`] made; any change to the file, or the wrong key or name, is refused.
pub(crate) fn open(key: &Secret, name: &str, sealed: &[u8]) -> Result<Vec<u8>> {
    let bad = || {
        Error::document(codes::TAMPERED, "the stored document does not open: it was changed, cut, or belongs elsewhere")
    };
    if sealed.len() < HEADER + TAG || &sealed[..8] != MAGIC {
        return Err(bad());
    }
    let seg = u32::from_le_bytes([sealed[8], sealed[9], sealed[10], sealed[11]]) as usize;
    if seg == 0 || seg > 16 << 20 {
        return Err(bad());
    }
    let prefix = &sealed[12..HEADER];
    let c = cipher(key)?;
    let aad = [MAGIC.as_slice(), name.as_bytes()].concat();
    let body = &sealed[HEADER..];
    let mut out = Vec::with_capacity(body.len());
    let chunks: Vec<&[u8]> = body.chunks(seg + TAG).collect();
    for (i, ct) in chunks.iter().enumerate() {
        let pt = c
            .decrypt(&stream_nonce(prefix, i as u32, i + 1 == chunks.len()), Payload { msg: ct, aad: &aad })
            .map_err(|_| bad())?;
        out.extend_from_slice(&pt);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> Secret {
        Secret::new(vec![b; 32])
    }

    #[test]
    fn round_trip_across_segments_and_refusals() {
        for len in [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 7] {
            let plain: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let s = seal(&key(1), "abc", &plain).expect("seal");
            assert_eq!(open(&key(1), "abc", &s).expect("open"), plain, "len {len}");
            assert!(open(&key(2), "abc", &s).is_err(), "wrong key opens len {len}");
            assert!(open(&key(1), "abd", &s).is_err(), "wrong name opens len {len}");
            if len > SEGMENT {
                // Dropping the last segment must not pass for a shorter document.
                let cut = HEADER + SEGMENT + TAG;
                assert!(open(&key(1), "abc", &s[..cut]).is_err(), "truncated opens len {len}");
            }
            let mut flipped = s.clone();
            let last = flipped.len() - 1;
            flipped[last] ^= 1;
            assert!(open(&key(1), "abc", &flipped).is_err());
        }
    }

    #[test]
    fn same_plaintext_seals_differently() {
        let a = seal(&key(1), "n", b"same bytes").expect("seal");
        let b = seal(&key(1), "n", b"same bytes").expect("seal");
        assert_ne!(a, b);
    }
}
