//! Letters Berkas writes (a proposal's surat pengantar): A4 pages of plain text in the
//! standard Helvetica, wrapped, with the signature's verification code at the foot of each.

use super::pdf_text::TextPdf;

const W: f32 = 595.28;
const H: f32 = 841.89;
const MARGIN: f32 = 56.0;
const LINE: f32 = 15.0;
/// Characters per line at 10 pt (Helvetica averages about 0.5 em).
const WRAP: usize = 92;

/// One line of a letter: a heading (bold-sized) or body text, wrapped to the page.
#[derive(Debug, Clone)]
pub enum LetterLine {
    Heading(String),
    Text(String),
    Blank,
}

/// `width`-character lines of `s`, broken at spaces (a longer word is cut).
fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut out = vec![];
    let mut line = String::new();
    for word in s.split_whitespace() {
        let mut word = word.to_string();
        while word.chars().count() > width {
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            out.push(head);
        }
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// The letter as a PDF, `code` printed at the foot of every page when it is signed.
pub fn letter_pdf(lines: &[LetterLine], code: Option<&str>) -> Vec<u8> {
    let mut laid: Vec<(f32, String)> = vec![];
    for l in lines {
        match l {
            LetterLine::Heading(t) => laid.extend(wrap(t, WRAP * 10 / 13).into_iter().map(|s| (13.0, s))),
            LetterLine::Text(t) => laid.extend(wrap(t, WRAP).into_iter().map(|s| (10.0, s))),
            LetterLine::Blank => laid.push((10.0, String::new())),
        }
    }
    let per_page = ((H - 2.0 * MARGIN - 30.0) / LINE) as usize;
    let mut pdf = TextPdf::new(W, H);
    let chunks: Vec<&[(f32, String)]> = laid.chunks(per_page.max(1)).collect();
    let pages = chunks.len();
    for (p, chunk) in chunks.into_iter().enumerate() {
        pdf.page(|c| {
            for (i, (size, s)) in chunk.iter().enumerate() {
                c.show(MARGIN, H - MARGIN - i as f32 * LINE, *size, s);
            }
            let mut foot = format!("halaman {} dari {pages}", p + 1);
            if let Some(code) = code {
                foot =
                    format!("Kode verifikasi: {code}  -  ditandatangani secara elektronik oleh hub Berkas  -  {foot}");
            }
            c.show(MARGIN, 28.0, 8.0, &foot);
        });
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_wrap_at_spaces_and_long_words_are_cut() {
        assert_eq!(wrap("satu dua tiga", 8), vec!["satu dua", "tiga"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 10), vec![""]);
        let long = "kata ".repeat(100);
        assert!(wrap(&long, WRAP).iter().all(|l| l.chars().count() <= WRAP));
    }

    #[test]
    fn a_long_letter_takes_several_pages_each_with_the_code() {
        let lines: Vec<LetterLine> = (0..120).map(|i| LetterLine::Text(format!("Baris {i}"))).collect();
        let pdf = letter_pdf(&lines, Some("7QKM-2XPD-9AZC"));
        let doc = lopdf::Document::load_mem(&pdf).expect("a PDF");
        assert_eq!(doc.get_pages().len(), 3);
        let codes = pdf.windows(14).filter(|w| w == b"7QKM-2XPD-9AZC").count();
        assert_eq!(codes, 3, "the code on every page");
    }
}
