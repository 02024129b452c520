//! Text-only PDFs in the standard Helvetica (no font embedded, so text is WinAnsi: Latin-1 plus
//! the typographic quotes, dashes and the like), a page at a time: what the daftar nominatif
//! and Berkas' letters are made of.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

pub(super) struct TextPdf {
    pdf: Pdf,
    tree: Ref,
    font: Ref,
    next: i32,
    kids: Vec<Ref>,
    size: (f32, f32),
}

/// One page's text, placed by its baseline's start in points from the bottom left.
pub(super) struct PageText(Content);

impl PageText {
    pub fn show(&mut self, x: f32, y: f32, size: f32, s: &str) {
        self.0.begin_text().set_font(Name(b"F1"), size).next_line(x, y).show(Str(&win_ansi(s))).end_text();
    }
}

impl TextPdf {
    /// A document whose pages are `w` x `h` points.
    pub fn new(w: f32, h: f32) -> TextPdf {
        let mut pdf = Pdf::new();
        let (catalog, tree, font) = (Ref::new(1), Ref::new(2), Ref::new(3));
        pdf.catalog(catalog).pages(tree);
        pdf.type1_font(font).base_font(Name(b"Helvetica")).encoding_predefined(Name(b"WinAnsiEncoding"));
        TextPdf { pdf, tree, font, next: 4, kids: vec![], size: (w, h) }
    }

    /// Adds a page with what `draw` shows on it.
    pub fn page(&mut self, draw: impl FnOnce(&mut PageText)) {
        let (page_id, content_id) = (Ref::new(self.next), Ref::new(self.next + 1));
        self.next += 2;
        self.kids.push(page_id);
        let mut page = self.pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, self.size.0, self.size.1)).parent(self.tree).contents(content_id);
        page.resources().fonts().pair(Name(b"F1"), self.font);
        page.finish();
        let mut text = PageText(Content::new());
        draw(&mut text);
        self.pdf.stream(content_id, &text.0.finish());
    }

    pub fn finish(mut self) -> Vec<u8> {
        self.pdf.pages(self.tree).kids(self.kids.iter().copied()).count(self.kids.len() as i32);
        self.pdf.finish()
    }
}

/// Text in WinAnsiEncoding, the font's declared encoding: Latin-1, and in 0x80-0x9F the
/// typographic characters names and addresses carry (Ma’ruf, “...”, –); anything else `?`.
pub(super) fn win_ansi(s: &str) -> Vec<u8> {
    s.chars().map(win_ansi_byte).collect()
}

fn win_ansi_byte(c: char) -> u8 {
    match c {
        '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{ff}' => c as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        _ => b'?',
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_with_typographic_characters_keep_them() {
        assert_eq!(super::win_ansi("Ma’ruf “Amin” – Bekasi"), b"Ma\x92ruf \x93Amin\x94 \x96 Bekasi".to_vec());
        assert_eq!(super::win_ansi("Siti Nurhaliza, S.Pd."), b"Siti Nurhaliza, S.Pd.".to_vec());
        assert_eq!(super::win_ansi("Agustinus Müller"), b"Agustinus M\xfcller".to_vec());
        // Not in the encoding (and C1 controls, and control characters): a visible `?`.
        assert_eq!(super::win_ansi("\u{0101}\u{0085}\u{0007}"), b"???".to_vec());
    }
}
