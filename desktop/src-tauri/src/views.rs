//! Assembling the views the commands return from several core calls (a record with its
//! documents and audit trail; the sync status with each problem), kept out of the commands
//! so that each stays a line or two.

use berkas_core::display::Lang;
use berkas_core::sync::SyncOptions;
use berkas_core::Berkas;

use crate::dto::*;
use crate::error::{CmdResult, CommandError};
use crate::state::Desktop;

pub fn detail(b: &Berkas, nip: &str, lang: Lang) -> CmdResult<PegawaiDetail> {
    let r = b.pegawai(nip)?;
    // Core's one display rule: names beside codes, dates in words, riwayat newest first.
    let d = b.display_of(&r, lang);
    let fields = |shown: &[berkas_core::display::ShownField]| shown.iter().map(FieldText::from).collect::<Vec<_>>();
    Ok(PegawaiDetail {
        nip: nip.into(),
        nama: d.nama.clone(),
        completeness: r.completeness.score,
        missing: missing_once(&r.completeness.missing, lang),
        warnings: r.warnings.iter().map(|w| WarningView { code: w.code.clone(), detail: w.message.clone() }).collect(),
        teguran: b
            .teguran(nip)?
            .into_iter()
            .map(|t| TeguranView { tanggal: t.tanggal, reason: t.alasan, by: t.oleh })
            .collect(),
        sync_state: b.record_sync_state(nip)?.code().to_string(),
        data_utama: fields(&d.data_utama),
        riwayat: d
            .riwayat
            .iter()
            .map(|g| RiwayatGroupView {
                entity: g.entity.clone(),
                label: g.label.clone(),
                rows: g.rows.iter().map(|row| fields(&row.fields)).collect(),
            })
            .collect(),
        documents: b.documents(nip)?.into_iter().map(DocumentView::from).collect(),
        audit: b
            .audit_trail(nip, 200)?
            .into_iter()
            .map(|a| AuditView { at: a.at, actor: a.actor, action: a.action, entity: a.entity })
            .collect(),
    })
}

/// Each missing item once, in the order first seen, with how many rows lack it.
fn missing_once(missing: &[berkas_core::completeness::Missing], lang: Lang) -> Vec<String> {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for m in missing {
        match seen.iter_mut().find(|(l, _)| *l == m.label) {
            Some((_, n)) => *n += 1,
            None => seen.push((m.label, 1)),
        }
    }
    seen.into_iter()
        .map(|(label, n)| {
            let label = berkas_core::display::label(label, lang);
            if n > 1 {
                format!("{label} ({n} {})", lang.pick("baris", "rows"))
            } else {
                label.to_string()
            }
        })
        .collect()
}

/// The lines of a data-update request, each value shown as core shows it.
pub fn verification_lines(b: &Berkas, id: &str, lang: Lang) -> CmdResult<Vec<VerifyLine>> {
    Ok(b.verifikasi_usulan(id)?
        .into_iter()
        .map(|l| {
            let official = l.resmi.as_ref().map(|v| b.show_isian(&l, v, lang));
            let proposed = b.show_isian(&l, &l.usul, lang);
            VerifyLine::of(l, official, proposed)
        })
        .collect())
}

pub fn queue(b: &Berkas, lang: Lang) -> CmdResult<QueueView> {
    // The catalogue and the names once for the whole queue (a deadline's 1,000 requests), not
    // once per request.
    let catalog = b.layanan_catalog()?;
    let names: std::collections::HashMap<String, String> =
        b.list_pegawai(&berkas_core::ListFilter::default())?.into_iter().map(|p| (p.nip, p.nama)).collect();
    let mut requests: Vec<RequestView> = b
        .usulan_list(None, &["SUBMITTED", "RESUBMITTED", "IN_REVIEW"])?
        .into_iter()
        .map(|u| {
            let nama = names.get(&u.nip).cloned();
            named(&catalog, nama, u, lang)
        })
        .collect();
    requests.sort_by(|a, b| a.since.cmp(&b.since));
    Ok(QueueView { requests, documents: b.document_queue()?.into_iter().map(DocumentView::from).collect() })
}

/// A request as the queue shows it: the layanan's and the ASN's names, the status in words.
pub fn request_view(b: &Berkas, u: berkas_core::forms::UsulanInfo, lang: Lang) -> CmdResult<RequestView> {
    let nama = b.pegawai(&u.nip).ok().and_then(|r| r.data_utama.values.get("nama").map(|v| v.to_text()));
    Ok(named(&b.layanan_catalog()?, nama, u, lang))
}

fn named(
    catalog: &berkas_core::forms::LayananCatalog,
    nama: Option<String>,
    u: berkas_core::forms::UsulanInfo,
    lang: Lang,
) -> RequestView {
    let layanan = catalog.get(&u.layanan_id).map(|l| l.name(lang).to_string());
    let status_text = berkas_core::display::status_text(&u.status, lang).to_string();
    let mut v = RequestView::from(u);
    v.layanan_name = layanan.unwrap_or(v.layanan_name);
    v.nama = nama.unwrap_or_default();
    v.status_text = status_text;
    v
}

/// The checklist of request `id` held against its ASN's record.
pub fn request_papers(b: &Berkas, id: &str) -> CmdResult<Vec<PaperView>> {
    let u = b.usulan(id)?;
    let c = b.layanan_checklist(&u.nip, &u.layanan_id, &u.answers, Some(id))?;
    Ok(c.lines
        .into_iter()
        .map(|l| PaperView {
            status: l.status.code().to_string(),
            have: l.have.len() as u32,
            id: l.id,
            label: l.label,
            required: l.wajib,
            needed: l.needed,
        })
        .collect())
}

/// Runs core's sync (the caller holds the gate) and words its report.
pub async fn sync(state: &Desktop, opts: &SyncOptions) -> CmdResult<SyncReportView> {
    let b = state.berkas()?;
    let r = b.sync(opts).await?;
    Ok(SyncReportView {
        pushed: r.pushed,
        pulled: r.pulled,
        refused: r.refused,
        conflicts: b.sync_status()?.conflicts,
        clock_ahead: r.clock_ahead,
    })
}

pub fn sync_status(b: &Berkas, lang: Lang) -> CmdResult<SyncStatusView> {
    let s = b.sync_status()?;
    let name = |v: serde_json::Value| v.as_str().map(str::to_string).unwrap_or_default();
    // Whose record each item is, by name and NIP (one list read for all of them).
    let people: std::collections::HashMap<String, String> = b
        .list_pegawai(&berkas_core::ListFilter::default())?
        .into_iter()
        .map(|p| (p.id, format!("{} · {}", p.nama, p.nip)))
        .collect();
    let who = |id: &str| people.get(id).cloned().unwrap_or_default();
    let label = |e: berkas_core::model::Entity, f: &str| {
        e.def()
            .field(f)
            .map(|d| berkas_core::display::field_label(d, lang).to_string())
            .unwrap_or_else(|| f.to_string())
    };
    Ok(SyncStatusView {
        server: s.server,
        user: s.user,
        last_sync: s.last_sync,
        waiting: s.pending + s.uploading,
        problems: b
            .outbox()?
            .into_iter()
            .filter(|o| {
                matches!(name(serde_json::to_value(o.state).unwrap_or_default()).as_str(), "refused" | "wedged")
            })
            .map(|o| SyncProblem {
                state: name(serde_json::to_value(o.state).unwrap_or_default()),
                entity: o.entity.key().into(),
                entity_label: berkas_core::display::entity_label(o.entity, lang).to_string(),
                field_labels: o.fields.keys().map(|f| label(o.entity, f)).collect(),
                fields: o.fields.keys().cloned().collect(),
                who: who(&o.pegawai_id),
                id: o.id,
                code: o.code,
                reason: o.message,
            })
            .collect(),
        conflicts: b
            .conflicts(false)?
            .into_iter()
            .map(|c| ConflictView {
                mine: b.show_value(c.entity, &c.field, &c.mine, lang),
                theirs: b.show_value(c.entity, &c.field, &c.theirs, lang),
                label: label(c.entity, &c.field),
                who: who(&c.pegawai_id),
                id: c.id,
                field: c.field,
                at: c.at,
            })
            .collect(),
    })
}

pub fn settings(state: &Desktop) -> CmdResult<Settings> {
    let p = state.prefs()?;
    let b = state.berkas()?;
    let s = b.sync_status()?;
    Ok(Settings {
        language: p.language,
        sync_secs: p.sync_secs,
        server: s.server,
        user: s.user,
        role: s.role,
        signed_in: b.signed_in()?,
    })
}

/// An instansi paper attached to a proposal, sent raw: the file's bytes as the body, and the
/// headers `proposal`, `dokumen` (its type), `file-name` (URI-encoded) and `keep` (`1` keeps
/// a capture the readability check flagged).
pub fn attach_paper(b: &Berkas, request: &tauri::ipc::Request<'_>) -> CmdResult<ProposalView> {
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let needed =
        |name: &str| header(name).ok_or_else(|| CommandError::new("attach.header", format!("no {name} header")));
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError::new("attach.body", "the file's bytes are sent raw, not as JSON"));
    };
    let (id, jenis) = (needed("proposal")?, needed("dokumen")?);
    let name = header("file-name").map(|n| percent_decode(&n));
    let keep = header("keep").as_deref() == Some("1");
    Ok(b.attach_proposal_paper(&id, &jenis, bytes, name, keep)?.into())
}

/// `encodeURIComponent` undone (headers are ASCII; file names often are not).
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = (b[i] == b'%').then(|| s.get(i + 1..i + 3)).flatten().and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(v) => {
                out.push(v);
                i += 3;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where exports go by default: the XDG downloads folder, else ~/Downloads.
pub(crate) fn export_dir() -> std::path::PathBuf {
    // XDG_DOWNLOAD_DIR set for this process wins (the WebDriver run points it at its folder);
    // else the platform's downloads folder, localised names included ("Unduhan", from
    // user-dirs.dirs on Linux; the known folder on Windows and macOS).
    if let Some(d) = std::env::var_os("XDG_DOWNLOAD_DIR") {
        return d.into();
    }
    dirs::download_dir().or_else(|| dirs::home_dir().map(|h| h.join("Downloads"))).unwrap_or_else(|| ".".into())
}

/// Writes the daftar nominatif into `dir` (default: the downloads folder); signed by the hub
/// when asked (a PDF carries the signature; a CSV or XLSX gets `FILE.sig`, written first).
pub async fn export_nominatif(
    b: &Berkas,
    unit: Option<&str>,
    format: &str,
    dir: Option<std::path::PathBuf>,
    sign: bool,
) -> CmdResult<String> {
    use berkas_core::reports::{render, ReportFormat};
    let f = ReportFormat::parse(format).ok_or_else(|| CommandError::new("report.format", "csv, xlsx or pdf"))?;
    let dir = dir.unwrap_or_else(export_dir);
    let io = |e: std::io::Error| CommandError::new("report.io", e.to_string());
    std::fs::create_dir_all(&dir).map_err(io)?;
    let file = |made: &str| {
        let day = made.get(..10).unwrap_or("hari-ini");
        dir.join(format!("daftar-nominatif-{}-{day}.{}", unit.unwrap_or("semua"), f.extension()))
    };
    let path = if sign {
        let signed = b.signed_nominatif(unit, f, &SyncOptions::default()).await?;
        let path = file(&signed.statement.issued);
        signed.write(&path).map_err(io)?;
        path
    } else {
        let n = b.daftar_nominatif(unit)?;
        let path = file(&n.dibuat);
        std::fs::write(&path, render(&n, f, None)?).map_err(io)?;
        path
    };
    Ok(path.display().to_string())
}

/// Checks a signed file sent raw, with its `.sig` text (percent-encoded) in the `sig` header
/// for a CSV or XLSX, against the hub key this laptop kept.
pub fn verify_signed(b: &Berkas, request: &tauri::ipc::Request<'_>) -> CmdResult<SignatureView> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError::new("signature.body", "the file's bytes are sent raw, not as JSON"));
    };
    let sig = request.headers().get("sig").and_then(|v| v.to_str().ok()).map(percent_decode);
    Ok(b.verify_signed(bytes, sig.as_deref())?.into())
}

#[cfg(test)]
mod tests {

    /// A Linux desktop in Bahasa Indonesia names its downloads folder "Unduhan" in
    /// user-dirs.dirs: exports go there, not to a ~/Downloads that does not exist.
    #[cfg(target_os = "linux")]
    #[test]
    fn exports_go_to_the_localised_downloads_folder() {
        let home = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(home.path().join(".config")).expect("config");
        std::fs::write(home.path().join(".config/user-dirs.dirs"), "XDG_DOWNLOAD_DIR=\"$HOME/Unduhan\"\n")
            .expect("user-dirs");
        std::env::set_var("HOME", home.path());
        std::env::remove_var("XDG_DOWNLOAD_DIR");
        std::env::remove_var("XDG_CONFIG_HOME");
        assert_eq!(super::export_dir(), home.path().join("Unduhan"));
        std::env::set_var("XDG_DOWNLOAD_DIR", home.path().join("lain"));
        assert_eq!(super::export_dir(), home.path().join("lain"), "the process's own setting wins");
    }
    #[test]
    fn file_names_come_back_from_uri_encoding() {
        assert_eq!(super::percent_decode("SK%20Pangkat%20%E2%80%94%20III%2Fa.pdf"), "SK Pangkat — III/a.pdf");
        assert_eq!(super::percent_decode("100%"), "100%", "a stray percent stays");
    }
}
