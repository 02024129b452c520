//! The helpdesk on the desktop: the facilitator's and the BKD's queues of tickets (overdue
//! first, marked), a ticket's thread with its 2x24 h clock, the answer, the question that
//! pauses the clock, resolve, close, reassign, the reset code sent to the ASN of an account
//! ticket (the screen learns only where it went), and the report. Each command calls core.

use berkas_core::helpdesk::{self, NewTiket, Reply, TiketFilter, TiketInfo, TiketReport};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::CmdResult;
use crate::state::Desktop;

#[derive(Debug, Clone, Serialize, TS)]
pub struct KategoriView {
    pub id: String,
    pub label: String,
    pub label_en: String,
    /// UNIT or BKD.
    pub tujuan: String,
    pub akun: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TiketStepView {
    pub id: String,
    /// PEMOHON or PETUGAS.
    pub peran: String,
    pub oleh: Option<String>,
    pub isi: Option<String>,
    pub status: Option<String>,
    pub dialihkan_ke: Option<String>,
    pub lampiran: Vec<String>,
    /// The hub's time of arrival, or the device's while unsent.
    pub at: Option<String>,
    pub sent: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TiketView {
    pub id: String,
    pub nomor: String,
    pub nip: String,
    pub nama: String,
    pub unit: Option<String>,
    pub kategori: String,
    pub kategori_label: String,
    pub akun: bool,
    pub judul: String,
    pub tujuan: String,
    pub status: String,
    pub due_at: Option<String>,
    pub left_minutes: i32,
    pub paused: bool,
    pub overdue: bool,
    pub steps: Vec<TiketStepView>,
    pub rating: Option<i32>,
    pub queued: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TiketReportRowView {
    pub unit: String,
    pub kategori: String,
    pub received: u32,
    pub answered: u32,
    pub answered_within_sla: u32,
    pub first_answer_p50_minutes: Option<i32>,
    pub first_answer_p90_minutes: Option<i32>,
    pub resolved: u32,
    pub resolution_p50_minutes: Option<i32>,
    pub resolution_p90_minutes: Option<i32>,
    pub overdue: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RatingRowView {
    /// layanan or unit.
    pub by: String,
    pub key: String,
    pub count: u32,
    pub mean: f64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TiketReportView {
    pub rows: Vec<TiketReportRowView>,
    pub ratings: Vec<RatingRowView>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct CodeSentView {
    pub channel: String,
    pub sent_to: String,
    pub expires_at: String,
}

fn n(x: u64) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

fn m(x: i64) -> i32 {
    x.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

fn view(t: TiketInfo) -> TiketView {
    TiketView {
        akun: helpdesk::category(&t.kategori).is_some_and(|k| k.akun),
        steps: t
            .steps
            .into_iter()
            .map(|s| TiketStepView {
                sent: s.diterima.is_some(),
                at: s.diterima.or(s.pada),
                id: s.id,
                peran: s.peran,
                oleh: s.oleh,
                isi: s.isi,
                status: s.status,
                dialihkan_ke: s.dialihkan_ke,
                lampiran: s.lampiran,
            })
            .collect(),
        rating: t.rating.map(|r| m(r.nilai)),
        status: t.sla.status,
        due_at: t.sla.due_at,
        left_minutes: m(t.sla.left_minutes),
        paused: t.sla.paused,
        overdue: t.sla.overdue,
        id: t.id,
        nomor: t.nomor,
        nip: t.nip,
        nama: t.nama,
        unit: t.unit,
        kategori: t.kategori,
        kategori_label: t.kategori_label,
        judul: t.judul,
        tujuan: t.tujuan,
        queued: t.queued,
    }
}

fn report(r: TiketReport) -> TiketReportView {
    let opt = |x: Option<i64>| x.map(m);
    TiketReportView {
        rows: r
            .rows
            .into_iter()
            .map(|x| TiketReportRowView {
                unit: x.unit,
                kategori: x.kategori,
                received: n(x.received),
                answered: n(x.answered),
                answered_within_sla: n(x.answered_within_sla),
                first_answer_p50_minutes: opt(x.first_answer_p50_minutes),
                first_answer_p90_minutes: opt(x.first_answer_p90_minutes),
                resolved: n(x.resolved),
                resolution_p50_minutes: opt(x.resolution_p50_minutes),
                resolution_p90_minutes: opt(x.resolution_p90_minutes),
                overdue: n(x.overdue),
            })
            .collect(),
        ratings: r
            .ratings
            .into_iter()
            .map(|x| RatingRowView { by: x.by, key: x.key, count: n(x.count), mean: x.mean })
            .collect(),
    }
}

#[tauri::command]
pub fn tiket_categories() -> Vec<KategoriView> {
    helpdesk::categories()
        .iter()
        .map(|k| KategoriView {
            id: k.id.clone(),
            label: k.label.clone(),
            label_en: k.label_en.clone(),
            tujuan: k.tujuan.clone(),
            akun: k.akun,
        })
        .collect()
}

/// A queue: `UNIT`, `BKD` (with every overdue ticket), or all when none.
#[tauri::command]
pub fn tiket_list(state: State<'_, Desktop>, untuk: Option<String>, open_only: bool) -> CmdResult<Vec<TiketView>> {
    let filter = TiketFilter { tujuan: untuk, open_only, ..TiketFilter::default() };
    Ok(state.berkas()?.tiket_list(&filter)?.into_iter().map(view).collect())
}

#[tauri::command]
pub fn tiket_get(state: State<'_, Desktop>, id: String) -> CmdResult<TiketView> {
    Ok(view(state.berkas()?.tiket(&id)?))
}

#[tauri::command]
pub fn tiket_create(
    state: State<'_, Desktop>,
    nip: String,
    kategori: String,
    judul: String,
    isi: String,
) -> CmdResult<TiketView> {
    let new = NewTiket { kategori, judul, isi, ..NewTiket::default() };
    Ok(view(state.berkas()?.create_tiket(&nip, &new)?))
}

#[tauri::command]
pub fn tiket_reply(
    state: State<'_, Desktop>,
    id: String,
    isi: Option<String>,
    status: Option<String>,
) -> CmdResult<TiketView> {
    Ok(view(state.berkas()?.reply_tiket(&id, &Reply { isi, status, lampiran: vec![] })?))
}

#[tauri::command]
pub fn tiket_reassign(
    state: State<'_, Desktop>,
    id: String,
    tujuan: String,
    note: Option<String>,
) -> CmdResult<TiketView> {
    Ok(view(state.berkas()?.reassign_tiket(&id, &tujuan, note.as_deref())?))
}

/// After checking the requester's identity: the hub sends them a one-time code.
#[tauri::command]
pub async fn tiket_send_code(state: State<'_, Desktop>, id: String) -> CmdResult<CodeSentView> {
    let b = state.berkas()?;
    let s = b.send_reset_code(&id, &Default::default()).await?;
    Ok(CodeSentView { channel: s.channel, sent_to: s.sent_to, expires_at: s.expires_at })
}

#[tauri::command]
pub fn tiket_report(state: State<'_, Desktop>, unit: Option<String>) -> CmdResult<TiketReportView> {
    Ok(report(state.berkas()?.tiket_report(unit.as_deref())?))
}
