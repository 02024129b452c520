//! Text-only PDFs in the standard Helvetica (no font embedded, so text is Latin-1), a page at
//! a time: what the daftar nominatif and Berkas' letters are made of.

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
        self.0.begin_text().set_font(Name(b"F1"), size).next_line(x, y).show(Str(&latin1(s))).end_text();
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

/// Latin-1 text for the standard Helvetica; other characters become `?`.
fn latin1(s: &str) -> Vec<u8> {
    s.chars().map(|c| if (c as u32) < 256 { c as u8 } else { b'?' }).collect()
}
