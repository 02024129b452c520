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
use std::io::{Read, Seek, SeekFrom, Write};

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

/// Whether `head` (the first bytes of a file) begins a sealed document.
pub fn is_sealed(head: &[u8]) -> bool {
    head.len() >= HEADER && &head[..8] == MAGIC
}

/// The plain length of a sealed file of `sealed_len` bytes whose segments hold `segment`
/// bytes; `None` when no sealed file has that length.
pub fn plain_len(sealed_len: u64, segment: u64) -> Option<u64> {
    let body = sealed_len.checked_sub(HEADER as u64)?;
    let unit = segment + TAG as u64;
    let segments = body.div_ceil(unit).max(1);
    let plain = body.checked_sub(segments * TAG as u64)?;
    // Only the last segment may be short, and only an empty document has an empty segment.
    (plain > (segments - 1) * segment || segments == 1).then_some(plain)
}

/// Seals a stream into the same file format as [`seal`], holding one segment in memory: the
/// hub seals documents of up to hundreds of MB as they arrive. Call [`SealWriter::finish`]:
/// only then is the last segment written.
pub struct SealWriter<W: Write> {
    cipher: XChaCha20Poly1305,
    prefix: [u8; 19],
    aad: Vec<u8>,
    buf: Vec<u8>,
    counter: u32,
    out: W,
}

impl<W: Write> SealWriter<W> {
    pub fn new(key: &Secret, name: &str, mut out: W) -> Result<SealWriter<W>> {
        let cipher = cipher(key)?;
        let mut prefix = [0u8; 19];
        getrandom::fill(&mut prefix).map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
        out.write_all(MAGIC)?;
        out.write_all(&(SEGMENT as u32).to_le_bytes())?;
        out.write_all(&prefix)?;
        let aad = [MAGIC.as_slice(), name.as_bytes()].concat();
        Ok(SealWriter { cipher, prefix, aad, buf: Vec::with_capacity(SEGMENT), counter: 0, out })
    }

    pub fn write_all(&mut self, mut data: &[u8]) -> Result<()> {
        while !data.is_empty() {
            // A full segment is written only once more follows: the last one is flagged.
            if self.buf.len() == SEGMENT {
                self.flush_segment(false)?;
            }
            let take = (SEGMENT - self.buf.len()).min(data.len());
            self.buf.extend_from_slice(&data[..take]);
            data = &data[take..];
        }
        Ok(())
    }

    fn flush_segment(&mut self, last: bool) -> Result<()> {
        let nonce = stream_nonce(&self.prefix, self.counter, last);
        let ct = self
            .cipher
            .encrypt(&nonce, Payload { msg: &self.buf, aad: &self.aad })
            .map_err(|_| Error::document(codes::TAMPERED, "encryption failed"))?;
        self.out.write_all(&ct)?;
        self.buf.clear();
        self.counter = self
            .counter
            .checked_add(1)
            .ok_or_else(|| Error::document(codes::TAMPERED, "the document is too large to seal"))?;
        Ok(())
    }

    /// Writes the last segment and hands back the writer.
    pub fn finish(mut self) -> Result<W> {
        self.flush_segment(true)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Bytes before a sealed file's first segment: magic, segment size, nonce prefix.
pub const SEALED_HEADER: u64 = HEADER as u64;

/// The segments of a sealed file that hold plain bytes `start..end`, clamped.
struct Span {
    total: u64,
    start: u64,
    end: u64,
    first: u64,
    last: u64,
}

fn span(sealed_len: u64, seg: u64, start: u64, end: Option<u64>) -> Option<Span> {
    let total = plain_len(sealed_len, seg)?;
    let end = end.unwrap_or(total).min(total);
    let start = start.min(end);
    let segments = total.div_ceil(seg).max(1);
    // An empty range still opens one segment: a wrong key or a changed file never passes.
    let (first, last) = if start == end {
        let i = (start / seg).min(segments - 1);
        (i, i)
    } else {
        (start / seg, (end - 1) / seg)
    };
    Some(Span { total, start, end, first, last })
}

/// The sealed bytes [`open_range`] reads for plain bytes `start..end` of a sealed file of
/// `sealed_len` bytes in segments of `segment` (from its header): what to fetch of a document
/// kept where a read costs a request (object storage). `None` when no sealed file has that
/// length.
pub fn sealed_span(sealed_len: u64, segment: u64, start: u64, end: Option<u64>) -> Option<std::ops::Range<u64>> {
    if segment == 0 {
        return None;
    }
    let s = span(sealed_len, segment, start, end)?;
    let unit = segment + TAG as u64;
    Some(HEADER as u64 + s.first * unit..(HEADER as u64 + (s.last + 1) * unit).min(sealed_len))
}

/// The segment size in a sealed file's first [`SEALED_HEADER`] bytes.
pub fn sealed_segment(head: &[u8]) -> Option<u64> {
    is_sealed(head).then(|| u32::from_le_bytes([head[8], head[9], head[10], head[11]]) as u64)
}

/// Plain bytes `start..end` (clamped) of the sealed file `file` named `name`, and its plain
/// length, decrypting only the segments the range touches (a `Range` request of a large
/// document). Every segment read is authenticated, the last one as the last.
pub fn open_range<R: Read + Seek>(
    key: &Secret,
    name: &str,
    file: &mut R,
    start: u64,
    end: Option<u64>,
) -> Result<(Vec<u8>, u64)> {
    let bad = || Error::document(codes::TAMPERED, "the stored document does not open: it was changed or cut");
    let sealed_len = file.seek(SeekFrom::End(0))?;
    file.seek(SeekFrom::Start(0))?;
    let mut head = [0u8; HEADER];
    file.read_exact(&mut head).map_err(|_| bad())?;
    if &head[..8] != MAGIC {
        return Err(bad());
    }
    let seg = u32::from_le_bytes([head[8], head[9], head[10], head[11]]) as u64;
    if seg == 0 || seg > 16 << 20 {
        return Err(bad());
    }
    let Span { total, start, end, first, last } = span(sealed_len, seg, start, end).ok_or_else(bad)?;
    let segments = total.div_ceil(seg).max(1);
    let c = cipher(key)?;
    let aad = [MAGIC.as_slice(), name.as_bytes()].concat();
    let mut out = Vec::with_capacity((end - start) as usize);
    let mut ct = vec![0u8; (seg + TAG as u64) as usize];
    for i in first..=last {
        let at = HEADER as u64 + i * (seg + TAG as u64);
        let len = (seg + TAG as u64).min(sealed_len - at) as usize;
        file.seek(SeekFrom::Start(at))?;
        file.read_exact(&mut ct[..len]).map_err(|_| bad())?;
        let counter = u32::try_from(i).map_err(|_| bad())?;
        let pt = c
            .decrypt(
                &stream_nonce(&head[12..HEADER], counter, i + 1 == segments),
                Payload { msg: &ct[..len], aad: &aad },
            )
            .map_err(|_| bad())?;
        let seg_start = i * seg;
        let from = (start.saturating_sub(seg_start) as usize).min(pt.len());
        let to = (end.saturating_sub(seg_start) as usize).min(pt.len()).max(from);
        out.extend_from_slice(&pt[from..to]);
    }
    Ok((out, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> Secret {
        Secret::new(vec![b; 32])
    }

    /// Refused as a document that does not open, not failed for another reason.
    fn tampered<T>(r: Result<T>) -> bool {
        matches!(r, Err(e) if e.code() == codes::TAMPERED)
    }

    #[test]
    fn the_sealed_span_is_all_a_range_needs() {
        for len in [0, 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 7] {
            let plain: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let s = seal(&key(1), "abc", &plain).expect("seal");
            assert_eq!(sealed_segment(&s[..HEADER]), Some(SEGMENT as u64));
            for (start, end) in [(0, 0), (0, 1), (SEGMENT - 1, SEGMENT + 1), (len / 2, len), (len, len)] {
                let (start, end) = (start.min(len) as u64, end.min(len) as u64);
                let span = sealed_span(s.len() as u64, SEGMENT as u64, start, Some(end)).expect("span");
                // Every byte outside the header and the span blanked: the range still opens.
                let mut partial = vec![0u8; s.len()];
                partial[..HEADER].copy_from_slice(&s[..HEADER]);
                let r = span.start as usize..span.end as usize;
                partial[r.clone()].copy_from_slice(&s[r]);
                let (got, total) =
                    open_range(&key(1), "abc", &mut std::io::Cursor::new(partial), start, Some(end)).expect("open");
                assert_eq!((got.as_slice(), total), (&plain[start as usize..end as usize], len as u64));
            }
        }
        assert_eq!(sealed_span(5, SEGMENT as u64, 0, None), None, "shorter than a header");
    }

    #[test]
    fn round_trip_across_segments_and_refusals() {
        for len in [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 7] {
            let plain: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let s = seal(&key(1), "abc", &plain).expect("seal");
            assert_eq!(open(&key(1), "abc", &s).expect("open"), plain, "len {len}");
            assert!(tampered(open(&key(2), "abc", &s)), "wrong key opens len {len}");
            assert!(tampered(open(&key(1), "abd", &s)), "wrong name opens len {len}");
            if len > SEGMENT {
                // Dropping the last segment must not pass for a shorter document.
                let cut = HEADER + SEGMENT + TAG;
                assert!(tampered(open(&key(1), "abc", &s[..cut])), "truncated opens len {len}");
            }
            let mut flipped = s.clone();
            let last = flipped.len() - 1;
            flipped[last] ^= 1;
            assert!(tampered(open(&key(1), "abc", &flipped)), "a flipped bit opens len {len}");
        }
    }

    #[test]
    fn same_plaintext_seals_differently() {
        let a = seal(&key(1), "n", b"same bytes").expect("seal");
        let b = seal(&key(1), "n", b"same bytes").expect("seal");
        assert_ne!(a, b);
    }
    #[test]
    fn streamed_sealing_is_the_same_format_and_opens_by_range() {
        for len in [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 7] {
            let plain: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let mut w = SealWriter::new(&key(3), "doc", Vec::new()).expect("writer");
            // Odd pieces, as uploads arrive.
            for piece in plain.chunks(1000) {
                w.write_all(piece).expect("write");
            }
            let sealed = w.finish().expect("finish");
            assert_eq!(open(&key(3), "doc", &sealed).expect("open"), plain, "len {len}");
            assert_eq!(plain_len(sealed.len() as u64, SEGMENT as u64), Some(len as u64));
            assert!(is_sealed(&sealed));
            let mut file = std::io::Cursor::new(sealed.clone());
            for (a, b) in [(0, len), (len / 3, len / 2 + 1), (len.saturating_sub(5), len), (SEGMENT - 2, SEGMENT + 3)] {
                let (a, b) = (a.min(len), b.min(len));
                let (got, total) = open_range(&key(3), "doc", &mut file, a as u64, Some(b as u64)).expect("range");
                assert_eq!(total, len as u64);
                assert_eq!(got, plain[a..b.max(a)], "len {len} range {a}..{b}");
            }
            assert!(tampered(open_range(&key(4), "doc", &mut file, 0, None)), "wrong key opens len {len}");
            assert!(tampered(open_range(&key(4), "doc", &mut file, 0, Some(0))), "wrong key passes an empty range");
            if len > SEGMENT {
                let cut = HEADER + SEGMENT + TAG;
                let mut short = std::io::Cursor::new(sealed[..cut].to_vec());
                assert!(tampered(open_range(&key(3), "doc", &mut short, 0, None)), "a cut file passes");
            }
        }
        // Sealed by the whole-buffer function, read by range.
        let s = seal(&key(5), "x", &[7u8; 100_000]).expect("seal");
        let (got, total) = open_range(&key(5), "x", &mut std::io::Cursor::new(s), 65_530, Some(65_540)).expect("range");
        assert_eq!((got, total), (vec![7u8; 10], 100_000));
    }
}
