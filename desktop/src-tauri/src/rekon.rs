//! Rekon mandiri on the desktop: a file picked on the page is previewed by core (nothing in a
//! record written), its rows shown by verdict, applied by the BKD admin (all or the lines
//! chosen), and the template, the preview and the report to BKN written as XLSX to the
//! export folder. A facilitator previews; the apply button is not theirs.

use berkas_core::model::Date;
use berkas_core::rekon::{RekonCounts, RekonField, RekonItem, RekonPreview, RekonSelection, Roster, Verdict};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::{CmdResult, CommandError};
use crate::state::Desktop;

#[derive(Debug, Clone, Serialize, TS)]
pub struct RekonCountsView {
    pub same: u32,
    pub new_value: u32,
    pub changed: u32,
    pub stale: u32,
    pub duplicate: u32,
    pub invalid: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RekonUnitView {
    pub unit: String,
    pub counts: RekonCountsView,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RekonPreviewView {
    pub batch: String,
    pub file_name: String,
    pub file_date: String,
    /// `pns` (rows by NIP) or `jpt` (JPT non-PNS officials by NIK).
    pub roster: String,
    pub created_at: String,
    pub created_by: String,
    pub rows: u32,
    pub counts: RekonCountsView,
    pub units: Vec<RekonUnitView>,
    pub applied: u32,
    /// Whether this account may apply it (the BKD's right alone).
    pub may_apply: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RekonFieldView {
    pub old: Option<String>,
    pub new: Option<String>,
    /// same, new, changed, stale, duplicate, invalid or absent.
    pub verdict: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RekonItemView {
    pub line: u32,
    pub nip: Option<String>,
    pub nama: Option<String>,
    pub unit: Option<String>,
    pub jabatan: Option<String>,
    pub verdict: String,
    pub reason: Option<String>,
    pub email_gov: RekonFieldView,
    pub email: RekonFieldView,
    pub no_hp: RekonFieldView,
    pub applied: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RekonAppliedView {
    pub records: u32,
    pub fields: u32,
    pub validated: u32,
    pub moved: u32,
    pub kept_newer: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RekonUnitProgressView {
    pub unit: String,
    pub asn: u32,
    pub email_validated: u32,
    pub email_unvalidated: u32,
    pub phone_valid: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RekonProgressView {
    pub deadline: Option<String>,
    pub days_left: Option<i32>,
    pub units: Vec<RekonUnitProgressView>,
}

fn n(x: u64) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

fn counts(c: &RekonCounts) -> RekonCountsView {
    RekonCountsView {
        same: n(c.same),
        new_value: n(c.new_value),
        changed: n(c.changed),
        stale: n(c.stale),
        duplicate: n(c.duplicate),
        invalid: n(c.invalid),
    }
}

fn field(f: RekonField) -> RekonFieldView {
    RekonFieldView { old: f.old, new: f.new, verdict: f.verdict.as_str().into() }
}

fn item(i: RekonItem) -> RekonItemView {
    RekonItemView {
        line: n(i.line),
        nip: i.nip,
        nama: i.nama,
        unit: i.unit,
        jabatan: i.jabatan,
        verdict: i.verdict.as_str().into(),
        reason: i.reason,
        email_gov: field(i.email_gov),
        email: field(i.email),
        no_hp: field(i.no_hp),
        applied: i.applied,
    }
}

fn preview(p: RekonPreview, may_apply: bool) -> RekonPreviewView {
    RekonPreviewView {
        batch: p.batch,
        file_name: p.file_name,
        file_date: p.file_date,
        roster: p.roster,
        created_at: p.created_at,
        created_by: p.created_by,
        rows: n(p.rows),
        counts: counts(&p.counts),
        units: p.units.iter().map(|u| RekonUnitView { unit: u.unit.clone(), counts: counts(&u.counts) }).collect(),
        applied: n(p.applied),
        may_apply,
    }
}

fn may_apply(b: &berkas_core::Berkas) -> CmdResult<bool> {
    Ok(b.may_reconcile()?)
}

fn date(s: &str) -> CmdResult<Date> {
    Date::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| CommandError::new("rekon.date", "a date as YYYY-MM-DD"))
}

fn header(request: &tauri::ipc::Request<'_>, name: &str) -> Option<String> {
    request.headers().get(name).and_then(|v| v.to_str().ok()).map(crate::views::percent_decode)
}

/// A file picked on the page: its bytes raw, its name in `file-name`, the day its data was
/// taken in `file-date` (YYYY-MM-DD), `roster: jpt` for a JPT non-PNS file.
#[tauri::command]
pub fn rekon_preview(state: State<'_, Desktop>, request: tauri::ipc::Request<'_>) -> CmdResult<RekonPreviewView> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError::new("rekon.body", "the file's bytes must be sent raw"));
    };
    let name = header(&request, "file-name").unwrap_or_else(|| "rekon".into());
    let day = date(&header(&request, "file-date").unwrap_or_default())?;
    let roster = Roster::parse(&header(&request, "roster").unwrap_or_default());
    let b = state.berkas()?;
    Ok(preview(b.rekon_preview_bytes(&name, bytes, day, roster)?, may_apply(&b)?))
}

#[tauri::command]
pub fn rekon_batches(state: State<'_, Desktop>) -> CmdResult<Vec<RekonPreviewView>> {
    let b = state.berkas()?;
    let may = may_apply(&b)?;
    Ok(b.rekon_batches()?.into_iter().map(|p| preview(p, may)).collect())
}

#[tauri::command]
pub fn rekon_items(
    state: State<'_, Desktop>,
    batch: String,
    verdict: Option<String>,
    offset: u32,
    limit: u32,
) -> CmdResult<Vec<RekonItemView>> {
    let only = verdict.as_deref().and_then(|v| Verdict::ALL.into_iter().find(|x| x.as_str() == v));
    let items = state.berkas()?.rekon_items(&batch, only, offset.into(), limit.min(1_000).into())?;
    Ok(items.into_iter().map(item).collect())
}

/// Applies the lines chosen (all when none are), and stale ones only when `override_stale`.
#[tauri::command]
pub fn rekon_apply(
    state: State<'_, Desktop>,
    batch: String,
    lines: Option<Vec<u32>>,
    override_stale: bool,
) -> CmdResult<RekonAppliedView> {
    let selection = RekonSelection { lines: lines.map(|l| l.into_iter().map(u64::from).collect()), override_stale };
    let d = state.berkas()?.rekon_apply(&batch, &selection)?;
    Ok(RekonAppliedView {
        records: n(d.records),
        fields: n(d.fields),
        validated: n(d.validated),
        moved: n(d.moved),
        kept_newer: n(d.kept_newer),
    })
}

fn stamp() -> String {
    chrono::Local::now().format("%Y-%m-%d").to_string()
}

#[tauri::command]
pub fn rekon_export_preview(state: State<'_, Desktop>, batch: String) -> CmdResult<String> {
    let bytes = state.berkas()?.rekon_preview_xlsx(&batch)?;
    crate::reports::write_export(&format!("rekon-pratinjau-{}.xlsx", stamp()), &bytes)
}

/// The template: of `unit` (or all in reach), or with `jpt` the JPT non-PNS one.
#[tauri::command]
pub fn rekon_template(state: State<'_, Desktop>, unit: Option<String>, jpt: bool) -> CmdResult<String> {
    if jpt {
        let bytes = state.berkas()?.rekon_jpt_template_xlsx()?;
        return crate::reports::write_export(&format!("templat-rekon-jpt-non-pns-{}.xlsx", stamp()), &bytes);
    }
    let bytes = state.berkas()?.rekon_template_xlsx(unit.as_deref())?;
    let scope = unit.as_deref().unwrap_or("semua");
    crate::reports::write_export(&format!("templat-rekon-{scope}-{}.xlsx", stamp()), &bytes)
}

/// The report to BKN as XLSX and, signed in to a hub, its summary as a PDF the hub signs
/// (naming the workbook's SHA-256); the paths written.
#[tauri::command]
pub async fn rekon_report(state: State<'_, Desktop>, unit: Option<String>) -> CmdResult<Vec<String>> {
    let b = state.berkas()?;
    let scope = unit.as_deref().unwrap_or("semua");
    let name = format!("laporan-rekon-bkn-{scope}-{}.xlsx", stamp());
    let (report, summary) = b.rekon_report(unit.as_deref(), &name, &Default::default()).await?;
    let mut written = vec![crate::reports::write_export(&name, &report)?];
    if let Some(s) = summary {
        written.push(crate::reports::write_export(&format!("ringkasan-rekon-bkn-{scope}-{}.pdf", stamp()), &s.bytes)?);
    }
    Ok(written)
}

fn progress(b: &berkas_core::Berkas) -> CmdResult<RekonProgressView> {
    let p = b.rekon_progress()?;
    Ok(RekonProgressView {
        deadline: p.deadline,
        days_left: p.days_left.map(|d| d.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32),
        units: p
            .units
            .into_iter()
            .map(|u| RekonUnitProgressView {
                unit: u.unit,
                asn: n(u.asn),
                email_validated: n(u.email_validated),
                email_unvalidated: n(u.email_unvalidated),
                phone_valid: n(u.phone_valid),
            })
            .collect(),
    })
}

#[tauri::command]
pub fn rekon_progress(state: State<'_, Desktop>) -> CmdResult<RekonProgressView> {
    progress(&*state.berkas()?)
}

/// Sets the deadline (YYYY-MM-DD) or clears it (none).
#[tauri::command]
pub fn rekon_set_deadline(state: State<'_, Desktop>, deadline: Option<String>) -> CmdResult<RekonProgressView> {
    let b = state.berkas()?;
    let d = deadline.as_deref().filter(|s| !s.trim().is_empty()).map(date).transpose()?;
    b.set_rekon_deadline(d)?;
    progress(&b)
}
