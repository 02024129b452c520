//! Assembling the views the commands return from several core calls (a record with its
//! documents and audit trail; the sync status with each problem), kept out of the commands
//! so that each stays a line or two.

use berkas_core::sync::SyncOptions;
use berkas_core::Berkas;

use crate::commands::{options, ProgressSink};
use crate::dto::*;
use crate::error::{CmdResult, CommandError};
use crate::state::Desktop;

fn poisoned() -> CommandError {
    CommandError::new("internal", "a lock was poisoned")
}

pub fn detail(b: &Berkas, nip: &str) -> CmdResult<PegawaiDetail> {
    let r = b.pegawai(nip)?;
    let fields = |def: &berkas_core::model::EntityDef, v: &berkas_core::model::FieldMap| -> Vec<FieldText> {
        def.fields
            .iter()
            .map(|f| FieldText {
                name: f.name.into(),
                label: f.label.into(),
                value: v.get(f.name).map(text).unwrap_or_default(),
            })
            .collect()
    };
    let du = berkas_core::model::Entity::DataUtama.def();
    Ok(PegawaiDetail {
        nip: nip.into(),
        nama: r.data_utama.values.get("nama").map(text).unwrap_or_default(),
        completeness: r.completeness.score,
        missing: r.completeness.missing.iter().map(|m| m.label.to_string()).collect(),
        data_utama: fields(du, &r.data_utama.values),
        riwayat: r
            .riwayat
            .iter()
            .map(|(e, rows)| RiwayatGroupView {
                entity: e.key().into(),
                label: e.def().label.into(),
                rows: rows.iter().map(|row| fields(e.def(), &row.values)).collect(),
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

pub fn queue(b: &Berkas) -> CmdResult<QueueView> {
    Ok(QueueView {
        requests: b
            .usulan_list(None, &["SUBMITTED", "RESUBMITTED", "IN_REVIEW"])?
            .into_iter()
            .map(RequestView::from)
            .collect(),
        documents: b.document_queue()?.into_iter().map(DocumentView::from).collect(),
    })
}

pub fn sync_options(
    state: &Desktop,
    sink: impl Fn(String, u64, u64) + Send + Sync + 'static,
) -> CmdResult<SyncOptions> {
    let opts = options(Box::new(sink) as ProgressSink);
    *state.sync.lock().map_err(|_| poisoned())? = Some(opts.cancel.clone());
    Ok(opts)
}

pub async fn sync(state: &Desktop, opts: &SyncOptions) -> CmdResult<SyncReportView> {
    let b = state.berkas()?;
    let r = b.sync(opts).await;
    *state.sync.lock().map_err(|_| poisoned())? = None;
    let r = r?;
    Ok(SyncReportView { pushed: r.pushed, pulled: r.pulled, refused: r.refused, conflicts: b.sync_status()?.conflicts })
}

pub fn cancel(state: &Desktop) -> CmdResult<()> {
    if let Some(t) = state.sync.lock().map_err(|_| poisoned())?.as_ref() {
        t.cancel();
    }
    Ok(())
}

pub fn sync_status(b: &Berkas) -> CmdResult<SyncStatusView> {
    let s = b.sync_status()?;
    let name = |v: serde_json::Value| v.as_str().map(str::to_string).unwrap_or_default();
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
                fields: o.fields.keys().cloned().collect(),
                id: o.id,
                code: o.code,
                reason: o.message,
            })
            .collect(),
        conflicts: b.conflicts(false)?.into_iter().map(|c| (c.field, text(&c.mine), text(&c.theirs))).collect(),
    })
}

pub fn settings(state: &Desktop) -> CmdResult<Settings> {
    Ok(Settings { language: state.lang.lock().map_err(|_| poisoned())?.clone() })
}

pub fn set_language(state: &Desktop, language: &str) -> CmdResult<Settings> {
    if !matches!(language, "id" | "en") {
        return Err(CommandError::new("settings.language", "the language is id or en"));
    }
    *state.lang.lock().map_err(|_| poisoned())? = language.into();
    settings(state)
}

/// Where exports go by default: the XDG downloads folder, else ~/Downloads.
fn export_dir() -> std::path::PathBuf {
    if let Some(d) = std::env::var_os("XDG_DOWNLOAD_DIR") {
        return d.into();
    }
    std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join("Downloads")).unwrap_or_else(|| ".".into())
}

pub fn export_nominatif(
    b: &Berkas,
    unit: Option<&str>,
    format: &str,
    dir: Option<std::path::PathBuf>,
) -> CmdResult<String> {
    use berkas_core::reports::{to_csv, to_pdf, to_xlsx, ReportFormat};
    let f = ReportFormat::parse(format).ok_or_else(|| CommandError::new("report.format", "csv, xlsx or pdf"))?;
    let n = b.daftar_nominatif(unit)?;
    let bytes = match f {
        ReportFormat::Csv => to_csv(&n),
        ReportFormat::Xlsx => to_xlsx(&n)?,
        ReportFormat::Pdf => to_pdf(&n),
    };
    let dir = dir.unwrap_or_else(export_dir);
    let io = |e: std::io::Error| CommandError::new("report.io", e.to_string());
    std::fs::create_dir_all(&dir).map_err(io)?;
    let day = n.dibuat.get(..10).unwrap_or("hari-ini");
    let path = dir.join(format!("daftar-nominatif-{}-{day}.{}", unit.unwrap_or("semua"), f.extension()));
    std::fs::write(&path, bytes).map_err(io)?;
    Ok(path.display().to_string())
}
