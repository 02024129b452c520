//! The commands the UI invokes: each converts, calls core, and maps the error. Logic lives in
//! berkas-core (and its conversions in `dto`), never here.

use berkas_core::docs::DocPutusan;
use berkas_core::due::{DueKind, DueRules};
use berkas_core::forms::{FieldDecision, Putusan};
use berkas_core::sync::{SyncOptions, SyncPhase};
use berkas_core::ListFilter;
use tauri::{AppHandle, Runtime, State};

use crate::dto::*;
use crate::error::{CmdResult, CommandError};
use crate::state::Desktop;
use crate::{syncing, views};

#[tauri::command]
pub async fn login(state: State<'_, Desktop>, server: String, user: String, password: String) -> CmdResult<LoginInfo> {
    let p = state.berkas()?.login(&server, &user, &password, None).await?;
    Ok(LoginInfo { user: p.username, role: p.role })
}

/// Syncs now (after a running sync ends), emitting `sync-progress` and `sync-done`;
/// `cancel_sync` stops it keeping what was done.
#[tauri::command]
pub async fn sync_now<R: Runtime>(app: AppHandle<R>, state: State<'_, Desktop>) -> CmdResult<SyncReportView> {
    syncing::sync_now(&app, &state).await
}

#[tauri::command]
pub fn cancel_sync(state: State<'_, Desktop>) -> CmdResult<()> {
    syncing::cancel(&state)
}

/// Ends the session on the hub and forgets its tokens; the records stay on this laptop.
#[tauri::command]
pub async fn logout(state: State<'_, Desktop>) -> CmdResult<Settings> {
    state.berkas()?.logout().await?;
    views::settings(&state)
}

#[tauri::command]
pub fn sync_status(state: State<'_, Desktop>) -> CmdResult<SyncStatusView> {
    views::sync_status(&*state.berkas()?, state.lang()?)
}

#[tauri::command]
pub fn pegawai_list(state: State<'_, Desktop>, unit: Option<String>) -> CmdResult<Vec<PegawaiRow>> {
    let rows = state.berkas()?.list_pegawai(&ListFilter { unit, ..ListFilter::default() })?;
    Ok(rows.into_iter().map(PegawaiRow::from).collect())
}

/// Full-text search by name, NIP or NIK.
#[tauri::command]
pub fn pegawai_search(state: State<'_, Desktop>, query: String) -> CmdResult<Vec<PegawaiRow>> {
    Ok(state.berkas()?.search(&query, 200)?.into_iter().map(PegawaiRow::from).collect())
}

#[tauri::command]
pub fn pegawai_detail(state: State<'_, Desktop>, nip: String) -> CmdResult<PegawaiDetail> {
    views::detail(&*state.berkas()?, &nip, state.lang()?)
}

/// The hub's audit log of a record: who saw and changed it (needs the hub).
#[tauri::command]
pub async fn pegawai_hub_audit(state: State<'_, Desktop>, nip: String) -> CmdResult<Vec<HubAuditView>> {
    Ok(state.berkas()?.hub_audit(&nip, &SyncOptions::default()).await?.into_iter().map(Into::into).collect())
}

/// The records the list marks: not synced, or with consistency warnings.
#[tauri::command]
pub fn pegawai_marks(state: State<'_, Desktop>, unit: Option<String>) -> CmdResult<Vec<RecordMarkView>> {
    Ok(state.berkas()?.list_marks(unit.as_deref())?.into_iter().map(Into::into).collect())
}

#[tauri::command]
pub fn verification_queue(state: State<'_, Desktop>) -> CmdResult<QueueView> {
    views::queue(&*state.berkas()?, state.lang()?)
}

/// The checklist of a request: each paper, what is there and what is missing.
#[tauri::command]
pub fn request_papers(state: State<'_, Desktop>, id: String) -> CmdResult<Vec<PaperView>> {
    views::request_papers(&*state.berkas()?, &id)
}

/// Sends a refused or wedged change again (after its cause was fixed on the hub).
#[tauri::command]
pub fn outbox_retry(state: State<'_, Desktop>, id: String) -> CmdResult<SyncStatusView> {
    state.berkas()?.outbox_retry(&id)?;
    views::sync_status(&*state.berkas()?, state.lang()?)
}

/// Drops a refused change: the hub's value holds again.
#[tauri::command]
pub fn outbox_discard(state: State<'_, Desktop>, id: String) -> CmdResult<SyncStatusView> {
    state.berkas()?.outbox_discard(&id)?;
    views::sync_status(&*state.berkas()?, state.lang()?)
}

/// Marks a lost edit seen (it stays in the conflict log).
#[tauri::command]
pub fn conflict_dismiss(state: State<'_, Desktop>, id: i64) -> CmdResult<SyncStatusView> {
    state.berkas()?.dismiss_conflict(id)?;
    views::sync_status(&*state.berkas()?, state.lang()?)
}

#[tauri::command]
pub fn verification_lines(state: State<'_, Desktop>, id: String) -> CmdResult<Vec<VerifyLine>> {
    views::verification_lines(&*state.berkas()?, &id, state.lang()?)
}

/// One field's decision: `setuju`, `kembalikan` or `tolak` (the last two with a reason).
#[tauri::command]
pub fn verify_field(
    state: State<'_, Desktop>,
    id: String,
    field: String,
    decision: String,
    reason: Option<String>,
) -> CmdResult<RequestView> {
    let putusan = Putusan::parse(&decision).ok_or_else(|| CommandError::new("verifikasi.decision", decision))?;
    let b = state.berkas()?;
    let u = b.review_usulan(&id, &[FieldDecision { field, putusan, alasan: reason }])?;
    views::request_view(&b, u, state.lang()?)
}

/// A step of a request: `IN_REVIEW`, `RETURNED`, `APPROVED`, `REJECTED`, `COMPLETED`.
#[tauri::command]
pub fn decide_request(
    state: State<'_, Desktop>,
    id: String,
    status: String,
    reason: Option<String>,
) -> CmdResult<RequestView> {
    let b = state.berkas()?;
    let u = b.decide_usulan(&id, &status, reason.as_deref())?;
    views::request_view(&b, u, state.lang()?)
}

/// A document's bytes for the viewer, fetched from the hub first when this laptop holds only
/// its metadata; sent raw (no JSON), decrypted only in memory.
#[tauri::command]
pub async fn document_content(state: State<'_, Desktop>, id: String) -> CmdResult<tauri::ipc::Response> {
    let b = state.berkas()?;
    b.fetch_document(&id, &SyncOptions::default()).await?;
    Ok(tauri::ipc::Response::new(b.document_bytes(&id)?))
}

/// `diterima`, `dikembalikan`, `ditolak` or `tidak_asli` (not authentic: records a teguran).
#[tauri::command]
pub fn verify_document(
    state: State<'_, Desktop>,
    id: String,
    decision: String,
    reason: Option<String>,
) -> CmdResult<DocumentView> {
    let putusan = DocPutusan::parse(&decision).ok_or_else(|| CommandError::new("verifikasi.decision", decision))?;
    Ok(state.berkas()?.verify_document(&id, putusan, reason.as_deref())?.into())
}

/// Who is due for `kp`, `kgb`, `pensiun` or `satyalencana` in `period` (`YYYY-MM`).
#[tauri::command]
pub fn due_list(state: State<'_, Desktop>, kind: String, period: String) -> CmdResult<Vec<DueRow>> {
    let kind = DueKind::parse(&kind).ok_or_else(|| CommandError::new("due.kind", kind))?;
    let r = state.berkas()?.due(kind, &period, &DueRules::default(), None)?;
    let due = r.due.into_iter().map(|d| DueRow { nip: d.nip, nama: d.nama, tmt: d.tmt, reason: d.reason });
    // Who could not be judged is listed too, with what is missing (a BUP no table gives).
    let unknown = r.unknown.into_iter().map(|u| DueRow {
        nip: u.nip,
        nama: u.nama,
        tmt: String::new(),
        reason: format!("tidak dapat dinilai: {}", u.missing),
    });
    Ok(due.chain(unknown).collect())
}

/// Drafts a proposal for each ASN due for `kind` in `period` who has none yet.
#[tauri::command]
pub fn proposals_draft(state: State<'_, Desktop>, kind: String, period: String) -> CmdResult<Vec<ProposalView>> {
    let kind = DueKind::parse(&kind).ok_or_else(|| CommandError::new("due.kind", kind))?;
    let drafted = state.berkas()?.draft_proposals(kind, &period, &DueRules::default(), None)?;
    Ok(drafted.into_iter().map(ProposalView::from).collect())
}

#[tauri::command]
pub fn proposals_list(state: State<'_, Desktop>) -> CmdResult<Vec<ProposalView>> {
    Ok(state.berkas()?.proposals(None, None)?.into_iter().map(ProposalView::from).collect())
}

/// Writes the proposal's surat pengantar, has the hub sign it and attaches it.
#[tauri::command]
pub async fn proposal_letter(state: State<'_, Desktop>, id: String) -> CmdResult<ProposalView> {
    Ok(state.berkas()?.sign_cover_letter(&id, &SyncOptions::default()).await?.into())
}

/// Sends a complete proposal; refused with each missing document in `fields`.
#[tauri::command]
pub fn proposal_send(state: State<'_, Desktop>, id: String) -> CmdResult<ProposalView> {
    Ok(state.berkas()?.send_proposal(&id)?.into())
}

/// BKN's answer: `ACC` (with the pertek number), `TMS` or `BTL` (with the reasons).
#[tauri::command]
pub fn proposal_answer(
    state: State<'_, Desktop>,
    id: String,
    answer: String,
    reason: Option<String>,
    pertek: Option<String>,
) -> CmdResult<ProposalView> {
    Ok(state.berkas()?.answer_proposal(&id, &answer, reason.as_deref(), pertek.as_deref())?.into())
}

/// Completeness bands and verification progress, for the report charts.
#[tauri::command]
pub fn report_progress(state: State<'_, Desktop>, unit: Option<String>) -> CmdResult<ProgressView> {
    Ok(state.berkas()?.work_progress(unit.as_deref())?.into())
}

/// Writes the daftar nominatif as `csv`, `xlsx` or `pdf` into `dir` (default: the user's
/// downloads folder), signed by the hub if `sign`; returns the file's path.
#[tauri::command]
pub async fn export_nominatif(
    state: State<'_, Desktop>,
    unit: Option<String>,
    format: String,
    dir: Option<String>,
    sign: Option<bool>,
) -> CmdResult<String> {
    let b = state.berkas()?;
    views::export_nominatif(&b, unit.as_deref(), &format, dir.map(Into::into), sign.unwrap_or(false)).await
}

/// Checks a signed document offline (the file raw; a CSV's or XLSX's `.sig` in a header).
#[tauri::command]
pub fn verify_signed(state: State<'_, Desktop>, request: tauri::ipc::Request<'_>) -> CmdResult<SignatureView> {
    views::verify_signed(&*state.berkas()?, &request)
}

#[tauri::command]
pub fn get_settings(state: State<'_, Desktop>) -> CmdResult<Settings> {
    views::settings(&state)
}

#[tauri::command]
pub fn set_language(state: State<'_, Desktop>, language: String) -> CmdResult<Settings> {
    state.set_prefs(state.prefs()?.with_language(&language)?)?;
    views::settings(&state)
}

/// Seconds between background syncs (0: only on demand).
#[tauri::command]
pub fn set_sync_interval(state: State<'_, Desktop>, seconds: u64) -> CmdResult<Settings> {
    state.set_prefs(state.prefs()?.with_sync_secs(seconds)?)?;
    views::settings(&state)
}

/// An instansi paper for a proposal: raw bytes, described by headers (see `views::attach_paper`).
#[tauri::command]
pub fn proposal_attach(state: State<'_, Desktop>, request: tauri::ipc::Request<'_>) -> CmdResult<ProposalView> {
    views::attach_paper(&*state.berkas()?, &request)
}

pub(crate) fn phase_name(p: SyncPhase) -> String {
    match p {
        SyncPhase::Push => "push",
        SyncPhase::Pull => "pull",
    }
    .into()
}

pub(crate) type ProgressSink = Box<dyn Fn(String, u64, u64) + Send + Sync>;

pub(crate) fn options(sink: ProgressSink) -> SyncOptions {
    SyncOptions {
        progress: Some(std::sync::Arc::new(move |p| {
            sink(phase_name(p.phase), p.items, p.bytes_sent + p.bytes_received)
        })),
        ..SyncOptions::default()
    }
}
