//! Document capture: what goes in, what comes out, what is refused, what lies on disk.

use berkas_core::docs::{
    self, codes, CaptureOptions, CropQuad, DocLink, Format, NewDocument, PageInput, Point, Verdict,
};
use berkas_core::model::{FieldMap, Value};
use berkas_core::Berkas;
use berkas_tests::{device, pages};
use image::RgbImage;

const NIP: &str = "198503122010011002";

fn opts() -> CaptureOptions {
    CaptureOptions::default()
}

fn refused(bytes: &[u8], o: &CaptureOptions) -> (String, String) {
    match docs::prepare_one(bytes, o) {
        Ok(p) => panic!("accepted: {:?} {} bytes", p.format, p.size),
        Err(e) => (e.code().to_string(), e.to_string()),
    }
}

fn decode(bytes: &[u8]) -> RgbImage {
    image::load_from_memory(bytes).expect("output decodes").into_rgb8()
}

fn is_red(img: &RgbImage, x: u32, y: u32) -> bool {
    let p = img.get_pixel(x, y);
    p[0] > 150 && p[1] < 90 && p[2] < 90
}

#[test]
fn a_sharp_scan_is_accepted_and_a_blurred_dark_copy_is_flagged() {
    let page = pages::scanned_page(1700, 2200);
    let sharp = docs::prepare_one(&pages::jpeg(&page, 90, None), &opts()).expect("sharp page");
    eprintln!("sharp: {:?}", sharp.readability);
    assert_eq!(sharp.readability.verdict, Verdict::Readable, "{:?}", sharp.readability.problems);
    assert_eq!((sharp.format, sharp.pages), (Format::Jpeg, 1));

    let soft = docs::prepare_one(&pages::jpeg(&pages::blurred(&page, 3.0), 90, None), &opts()).expect("blurred page");
    eprintln!("blurred: {:?}", soft.readability);
    assert_eq!(soft.readability.verdict, Verdict::Flagged);
    let codes: Vec<&str> = soft.readability.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["blurred"]);
    assert!(soft.readability.problems[0].message_id.contains("buram"));
    assert!(soft.readability.sharpness < sharp.readability.sharpness / 4.0);

    // The sharp page in a dim room: told it is too dark, and only that (more light is the one
    // fix); its sharpness is judged as in daylight, not read as blur.
    let dark = docs::prepare_one(&pages::jpeg(&pages::darkened(&page, 0.2), 90, None), &opts()).expect("dark page");
    let codes: Vec<&str> = dark.readability.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["too_dark"], "{:?}", dark.readability);
    assert!(dark.readability.sharpness > soft.readability.sharpness * 4.0, "{:?}", dark.readability);
    // A phone photo a little soft but readable in daylight, taken in a dim room (not too dark
    // to read): its faint contrast is named, and it is not called blurred.
    let soft_enough = pages::blurred(&page, 1.6);
    let day = docs::prepare_one(&pages::jpeg(&soft_enough, 90, None), &opts()).expect("daylight page");
    assert_eq!(day.readability.verdict, Verdict::Readable, "{:?}", day.readability);
    let dim = docs::prepare_one(&pages::jpeg(&pages::darkened(&soft_enough, 0.3), 90, None), &opts()).expect("dim");
    assert!(
        !dim.readability.problems.iter().any(|p| p.code == "blurred" || p.code == "too_dark"),
        "{:?}",
        dim.readability
    );
    // Dim and out of focus: still blurred (the light's gain does not hide a real blur).
    let dim_soft = pages::darkened(&pages::blurred(&page, 3.0), 0.45);
    let dim_soft = docs::prepare_one(&pages::jpeg(&dim_soft, 90, None), &opts()).expect("dim blurred page");
    assert!(dim_soft.readability.problems.iter().any(|p| p.code == "blurred"), "{:?}", dim_soft.readability);

    let tiny = docs::prepare_one(&pages::png(&pages::scanned_page(340, 440)), &opts()).expect("small page");
    assert!(tiny.readability.problems.iter().any(|p| p.code == "too_small"), "{:?}", tiny.readability);
}

#[test]
fn a_12_mp_phone_photo_comes_out_upright_readable_small_and_without_location() {
    let (stored, layout) = pages::phone_photo(7);
    assert_eq!((stored.width(), stored.height()), (4000, 3000));
    let input = pages::jpeg(&stored, 92, Some(&pages::exif(6)));
    let o = opts();
    assert!(input.len() as u64 > o.normalise.target_bytes_per_page, "the input should need shrinking");
    let p = docs::prepare_one(&input, &o).expect("photo");
    eprintln!("photo: {} -> {} bytes, {}x{}, {:?}", input.len(), p.size, p.width, p.height, p.readability);
    assert_eq!((p.width, p.height), (1500, 2000), "turned upright and fitted to 2000 px");
    assert!(p.size <= o.normalise.target_bytes_per_page, "{} bytes over the target", p.size);
    assert_eq!(p.readability.verdict, Verdict::Readable, "{:?}", p.readability.problems);
    let out = decode(&p.bytes);
    // The red mark is at the page's top-left as displayed (half scale), nowhere else.
    let (mx, my) = ((layout.page[0].0 as u32 + 120) / 2, (layout.page[0].1 as u32 + 120) / 2);
    assert!(is_red(&out, mx, my), "mark not at the top-left: {:?}", out.get_pixel(mx, my));
    assert!(!is_red(&out, 1500 - mx, my) && !is_red(&out, mx, 2000 - my) && !is_red(&out, 1500 - mx, 2000 - my));
    assert!(!p.bytes.windows(4).any(|w| w == b"Exif"), "EXIF (with GPS) must not survive");
    let thumb = decode(p.thumbnail.as_deref().expect("thumbnail"));
    assert_eq!(thumb.width().max(thumb.height()), o.normalise.thumbnail_edge);

    // With the page's corners from the capture UI, only the page remains.
    let quad = CropQuad(layout.page.map(|(x, y)| Point { x, y }));
    let input = [PageInput { bytes: &input, crop: Some(quad) }];
    let c = docs::prepare(&input, &o).expect("cropped");
    let ratio = c.width as f32 / c.height as f32;
    assert!((ratio - 2400.0 / 3400.0).abs() < 0.01 && c.height == 2000, "{}x{}", c.width, c.height);
    let out = decode(&c.bytes);
    let s = 2000.0 / 3400.0;
    let m = (120.0 * s) as u32;
    assert!(is_red(&out, m, m), "mark not at the cropped page's corner: {:?}", out.get_pixel(m, m));
    for (x, y) in [(c.width - 3, 3), (3, c.height - 3), (c.width - 3, c.height - 3)] {
        assert!(out.get_pixel(x, y)[0] > 150, "desk left in the crop at ({x},{y}): {:?}", out.get_pixel(x, y));
    }
    assert_eq!(c.readability.verdict, Verdict::Readable, "{:?}", c.readability.problems);
}

#[test]
fn bad_files_are_refused_with_a_reason() {
    let o = opts();
    let (code, msg) = refused(b"Nomor SK: 800/123/2026\nini bukan gambar\n", &o);
    assert_eq!(code, codes::UNSUPPORTED);
    assert!(msg.contains("plain text") && msg.contains("JPEG"), "{msg}");
    assert_eq!(refused(b"PK\x03\x04rest of a docx", &o).0, codes::UNSUPPORTED);
    assert_eq!(refused(b"", &o).0, codes::EMPTY);

    let page = pages::jpeg(&pages::scanned_page(1700, 2200), 90, None);
    for cut in [page.len() / 2, page.len() - 2, 300] {
        let (code, msg) = refused(&page[..cut], &o);
        assert_eq!(code, codes::TRUNCATED, "cut at {cut}: {msg}");
    }
    let png = pages::png(&pages::scanned_page(600, 800));
    let (code, msg) = refused(&png[..png.len() * 2 / 3], &o);
    assert!(code == codes::TRUNCATED || code == codes::CORRUPT, "{code}: {msg}");

    for bomb in [pages::png_bomb(100_000, 100_000), pages::jpeg_bomb(60_000, 60_000)] {
        let (code, msg) = refused(&bomb, &o);
        assert_eq!(code, codes::TOO_MANY_PIXELS, "{msg}");
        assert!(msg.contains("MP"), "{msg}");
    }
    // Found by the fuzzer: a 3 KB WebP whose EXIF chunk claims 2.4 GB (the decoder allocated
    // it before reading).
    let webp =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/webp-huge-exif-chunk.webp")).expect("fixture");
    let (code, msg) = refused(&webp, &o);
    assert_eq!(code, codes::TRUNCATED, "{msg}");
    let mut small = opts();
    small.limits.max_file_bytes = 1000;
    assert_eq!(refused(&page, &small).0, codes::TOO_LARGE);
    // From a path, an oversize file is refused before it is read.
    let dir = tempfile::tempdir().expect("tempdir");
    let huge = dir.path().join("besar.jpg");
    std::fs::File::create(&huge).and_then(|f| f.set_len(41 << 20)).expect("sparse file");
    assert_eq!(docs::read_file(&huge, &o.limits).expect_err("too large").code(), codes::TOO_LARGE);
    let fine = dir.path().join("kecil.jpg");
    std::fs::write(&fine, &page).expect("write");
    assert_eq!(docs::read_file(&fine, &o.limits).expect("read"), page);

    // Corners that are not a page.
    let crossed = CropQuad([
        Point { x: 0.0, y: 0.0 },
        Point { x: 1000.0, y: 1000.0 },
        Point { x: 1000.0, y: 0.0 },
        Point { x: 0.0, y: 1000.0 },
    ]);
    let err = docs::prepare(&[PageInput { bytes: &page, crop: Some(crossed) }], &o).expect_err("crossed corners");
    assert_eq!(err.code(), codes::BAD_CROP);
}

#[test]
fn several_photos_become_one_pdf_and_pdfs_are_checked() {
    let a = pages::jpeg(&pages::scanned_page(1700, 2200), 90, None);
    let b = pages::png(&pages::scanned_page(1200, 1600));
    let o = opts();
    let files = [PageInput { bytes: &a, crop: None }, PageInput { bytes: &b, crop: None }];
    let p = docs::prepare(&files, &o).expect("two pages");
    assert_eq!((p.format, p.pages), (Format::Pdf, 2));
    assert!(p.bytes.starts_with(b"%PDF-"));
    // The PDF, uploaded on its own, reads back with two pages; PDFs are not rendered here.
    let again = docs::prepare_one(&p.bytes, &o).expect("pdf intake");
    assert_eq!((again.format, again.pages, again.readability.verdict), (Format::Pdf, 2, Verdict::NotChecked));
    assert_eq!(again.sha256, p.sha256, "an uploaded PDF is stored as it is");

    let mut two = opts();
    two.limits.max_pages = 1;
    assert_eq!(refused(&p.bytes, &two).0, codes::TOO_MANY_PAGES);
    assert_eq!(refused(&p.bytes[..p.bytes.len() - 40], &o).0, codes::TRUNCATED);
    let mut broken = p.bytes.clone();
    broken.truncate(200);
    broken.extend_from_slice(b"\n%%EOF\n");
    assert_eq!(refused(&broken, &o).0, codes::CORRUPT);
    let mixed = [PageInput { bytes: &p.bytes, crop: None }, PageInput { bytes: &a, crop: None }];
    assert_eq!(docs::prepare(&mixed, &o).expect_err("mixed").code(), codes::MIXED);

    let mut as_pdf = opts();
    as_pdf.single_image_as_pdf = true;
    let one = docs::prepare_one(&a, &as_pdf).expect("one page pdf");
    assert_eq!((one.format, one.pages), (Format::Pdf, 1));
}

fn profile(dir: &std::path::Path) -> Berkas {
    let b = device(dir, "asn");
    let mut du = FieldMap::new();
    du.insert("nip_baru".into(), Value::Text(NIP.into()));
    du.insert("nama".into(), Value::Text("Siti Aminah".into()));
    du.insert("unit".into(), Value::Text("UNIT-A".into()));
    b.add_pegawai(&du).expect("add");
    b
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Whether any 32-byte piece of `plain` (sampled) appears in `hay`.
fn leaks(hay: &[u8], plain: &[u8]) -> bool {
    let step = (plain.len() / 50).max(1);
    (0..plain.len().saturating_sub(32)).step_by(step).any(|i| hay.windows(32).any(|w| w == &plain[i..i + 32]))
}

fn entropy(b: &[u8]) -> f64 {
    let mut n = [0f64; 256];
    b.iter().for_each(|&x| n[x as usize] += 1.0);
    let len = b.len() as f64;
    n.iter().filter(|&&c| c > 0.0).map(|&c| -(c / len) * (c / len).log2()).sum()
}

#[test]
fn stored_documents_are_ciphertext_and_deleting_leaves_no_plaintext() {
    let dir = tempfile::tempdir().expect("tempdir");
    let b = profile(dir.path());
    let page = pages::jpeg(&pages::scanned_page(1700, 2200), 90, None);
    let o = opts();
    let new = NewDocument {
        nip: NIP,
        id_ref_dokumen: "889",
        link: DocLink::DataUtama,
        files: vec![PageInput { bytes: &page, crop: None }],
        file_name: Some("sk-cpns.jpg".into()),
        keep_unreadable: false,
    };
    let (info, prepared) = b.add_document(&new, &o).expect("add");
    assert_eq!((info.mime.as_str(), info.size, info.readability_override), ("image/jpeg", prepared.size, false));
    assert_eq!(b.documents(NIP).expect("list").len(), 1);

    let stored = files_under(&b.dir().join("docs"));
    assert_eq!(stored.len(), 2, "document and thumbnail: {stored:?}");
    let thumb = b.document_thumbnail(&info.id).expect("thumb").expect("has one");
    for f in &stored {
        let bytes = std::fs::read(f).expect("read");
        // The JPEG's own first 16 bytes (SOI, APP0, "JFIF"), not a 3-byte marker: random ciphertext holds any
        // given 3 bytes once in 16 MiB, so a marker check fails now and then on a sound file.
        assert!(bytes.starts_with(b"BKSDOC01"), "{} has no sealed header", f.display());
        for plain in [&prepared.bytes, &thumb] {
            assert!(!bytes.windows(16).any(|w| w == &plain[..16]), "{} holds a JPEG header", f.display());
        }
        assert!(!leaks(&bytes, &prepared.bytes) && !leaks(&bytes, &thumb), "{} holds plaintext", f.display());
        assert!(entropy(&bytes[31..]) > 7.9, "{} does not look encrypted", f.display());
    }
    assert_eq!(b.document_bytes(&info.id).expect("open"), prepared.bytes);
    let out = dir.path().join("export.jpg");
    assert_eq!(b.export_document(&info.id, &out).expect("export"), prepared.size);
    assert_eq!(std::fs::read(&out).expect("exported"), prepared.bytes);
    std::fs::remove_file(&out).expect("rm export");

    // A flagged capture is refused unless kept on purpose, and the refusal stores nothing.
    let blurred = pages::jpeg(&pages::blurred(&pages::scanned_page(1700, 2200), 3.0), 90, None);
    let mut flagged = NewDocument { files: vec![PageInput { bytes: &blurred, crop: None }], ..new.clone() };
    let err = b.add_document(&flagged, &o).expect_err("blurred");
    assert_eq!(err.code(), codes::UNREADABLE, "{err}");
    assert_eq!(files_under(&b.dir().join("docs")).len(), 2);
    assert_eq!(b.documents(NIP).expect("list").len(), 1);
    flagged.keep_unreadable = true;
    let (kept, _) = b.add_document(&flagged, &o).expect("kept anyway");
    assert!(kept.readability_override);
    assert_eq!(kept.readability.as_ref().map(|r| r.verdict), Some(Verdict::Flagged));

    // A changed byte on disk is caught, not shown.
    let kept_path = b.document_path(&kept.sha256);
    let mut sealed = std::fs::read(&kept_path).expect("read");
    let mid = sealed.len() / 2;
    sealed[mid] ^= 0x40;
    std::fs::write(&kept_path, &sealed).expect("tamper");
    assert_eq!(b.document_bytes(&kept.id).expect_err("tampered").code(), codes::TAMPERED);

    for id in [&info.id, &kept.id] {
        b.delete_document(id).expect("delete");
    }
    assert!(b.documents(NIP).expect("list").is_empty());
    assert!(files_under(&b.dir().join("docs")).is_empty(), "sealed files stay after delete");
    for f in files_under(dir.path()) {
        let bytes = std::fs::read(&f).expect("read");
        assert!(!leaks(&bytes, &prepared.bytes), "{} holds the deleted document", f.display());
    }
    let trail = b.audit_trail(NIP, 20).expect("audit");
    for action in ["document.add", "document.export", "document.delete"] {
        assert!(trail.iter().any(|a| a.action == action), "no {action} in the audit trail");
    }
}

#[test]
fn document_types_are_checked_against_the_siasn_table_and_berkas_own_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let b = profile(dir.path());
    let table =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/siasn-referensi/dokumen.json.gz");
    b.import_referensi_file(&table).expect("dokumen reference table");
    let page = pages::jpeg(&pages::scanned_page(1700, 2200), 90, None);
    let add = |id_ref: &str| {
        let new = NewDocument {
            nip: NIP,
            id_ref_dokumen: id_ref,
            link: DocLink::DataUtama,
            files: vec![PageInput { bytes: &page, crop: None }],
            file_name: None,
            keep_unreadable: false,
        };
        b.add_document(&new, &opts()).map(|(info, _)| info)
    };
    let sk = add("889").expect("SK CPNS is in SIASN's list");
    assert_eq!(sk.jenis.as_deref().map(|j| !j.is_empty()), Some(true), "the type's name comes from the table");
    add("pas_foto").expect("Berkas' own name for a document SIASN's list lacks");
    let err = add("99999").expect_err("unknown type");
    assert_eq!(err.code(), "invalid");
    assert!(err.to_string().contains("id_ref_dokumen") || format!("{err:?}").contains("dokumen.unknown_type"));
    let err = add("../x").expect_err("not a code");
    assert!(format!("{err:?}").contains("dokumen.bad_type"));
    assert_eq!(b.documents(NIP).expect("list").len(), 2, "refusals store nothing");
}
