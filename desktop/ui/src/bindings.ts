// Generated from desktop/src-tauri/src/dto.rs by ts-rs; do not edit.
// Regenerate: BERKAS_UPDATE_BINDINGS=1 cargo test -p berkas-desktop bindings

export type CommandError = { code: string, message: string, fields: Array<FieldProblem>, };

export type FieldProblem = { field: string, code: string, message: string, };

export type LoginInfo = { user: string, role: string, };

export type PegawaiRow = { nip: string, nama: string, unit: string | null, golongan: string | null, completeness: number, };

export type FieldText = { name: string, label: string, 
/**
 * As a person reads it (core's display: a code's name, a date in words, a dash).
 */
value: string, 
/**
 * As stored (empty when not filled).
 */
raw: string, 
/**
 * Why the value carries a warning mark (a code no table knows).
 */
warning: string | null, };

export type RiwayatGroupView = { entity: string, label: string, rows: Array<Array<FieldText>>, };

export type DocumentView = { id: string, jenis: string, entity: string, mime: string, size: number, pages: number | null, readable: boolean, kept_although_flagged: boolean, decision: string | null, decision_reason: string | null, };

export type AuditView = { at: string, actor: string, action: string, entity: string | null, };

export type WarningView = { code: string, detail: string, };

export type TeguranView = { tanggal: string, reason: string, by: string | null, };

export type PegawaiDetail = { nip: string, nama: string, completeness: number, 
/**
 * What completeness lacks, each once with how many rows lack it ("SK kenaikan pangkat
 * (7 baris)").
 */
missing: Array<string>, 
/**
 * NIP/NIK consistency and the like: a stable code (worded by the UI) and core's detail.
 */
warnings: Array<WarningView>, 
/**
 * Written warnings on the record (a document found not authentic).
 */
teguran: Array<TeguranView>, 
/**
 * `synced`, `pending`, `uploading`, `refused`, `conflict`.
 */
sync_state: string, data_utama: Array<FieldText>, riwayat: Array<RiwayatGroupView>, documents: Array<DocumentView>, audit: Array<AuditView>, };

export type StatusStepView = { status: string, at: string, by: string, reason: string | null, };

export type RequestView = { id: string, nip: string, layanan: string, 
/**
 * The layanan's name and the ASN's, and the status in words (the app's language).
 */
layanan_name: string, nama: string, status_text: string, 
/**
 * Since when it waits in this status.
 */
since: string | null, status: string, reason: string | null, answers: Array<[string, string]>, history: Array<StatusStepView>, queued: boolean, };

export type VerifyLine = { field: string, label: string, 
/**
 * The record's value now; none for a new row.
 */
official: string | null, proposed: string, decision: string | null, reason: string | null, waiting: boolean, };

export type QueueView = { 
/**
 * Oldest waiting first: a facilitator works a deadline from the top.
 */
requests: Array<RequestView>, documents: Array<DocumentView>, };

export type DueRow = { nip: string, nama: string, tmt: string, reason: string, };

export type SyncReportView = { pushed: number, pulled: number, refused: number, conflicts: number, 
/**
 * This laptop's clock is far ahead of the hub's: its changes went by the hub's time.
 */
clock_ahead: boolean, };

export type SyncProgressEvent = { phase: string, items: number, bytes: number, };

export type SyncDoneEvent = { background: boolean, report: SyncReportView | null, error: CommandError | null, };

export type SyncProblem = { id: string, entity: string, 
/**
 * The data group as people read it ("Data utama", "Riwayat golongan").
 */
entity_label: string, state: string, fields: Array<string>, 
/**
 * The fields' labels, in the chosen language.
 */
field_labels: Array<string>, 
/**
 * Whose record: name and NIP.
 */
who: string, code: string | null, reason: string | null, };

export type ConflictView = { id: number, field: string, label: string, 
/**
 * Whose record: name and NIP.
 */
who: string, 
/**
 * The losing value (this laptop's), and the one that holds.
 */
mine: string, theirs: string, at: string, };

export type PaperView = { id: string, label: string, required: boolean, needed: number, have: number, 
/**
 * `lengkap`, `kurang`, `tidak_perlu`, `dilampirkan_pada_usulan`.
 */
status: string, };

export type SyncStatusView = { server: string | null, user: string | null, last_sync: string | null, waiting: number, problems: Array<SyncProblem>, conflicts: Array<ConflictView>, };

export type PaperLine = { 
/**
 * The document type (`id_ref_dokumen`) to attach it as.
 */
id: string, label: string, };

export type ProposalView = { id: string, nip: string, nama: string, 
/**
 * `KP`, `KGB`, `PENSIUN`, `SATYA_LENCANA`.
 */
jenis: string, layanan: string, periode: string, tmt: string, 
/**
 * `DRAFT`, `DIKIRIM`, `ACC`, `TMS`, `BTL`.
 */
status: string, reason: string | null, nomor_pertek: string | null, 
/**
 * Labels of the checklist documents still missing.
 */
missing: Array<string>, 
/**
 * Of those, the instansi's papers (surat pengantar, DPCP ...) the facilitator attaches.
 */
papers: Array<PaperLine>, history: Array<StatusStepView>, };

export type ProgressView = { 
/**
 * Records per completeness band: 0-24, 25-49, 50-74, 75-99, 100.
 */
completeness_bands: number[], requests_waiting: number, requests_returned: number, requests_decided: number, documents_waiting: number, documents_decided: number, };

export type SignatureView = { code: string, kind: string, title: string, issued: string, key: string, };

export type Settings = { 
/**
 * `id` (default) or `en`.
 */
language: string, 
/**
 * Seconds between background syncs; 0 syncs only on demand.
 */
sync_secs: number, server: string | null, user: string | null, role: string | null, 
/**
 * The profile holds a session: the app opens on the list, not the sign-in form.
 */
signed_in: boolean, };

export type HubAuditView = { at: string, actor: string, 
/**
 * `read`, `write`, `login` ... (worded by the UI).
 */
action: string, remote: string | null, };

export type RecordMarkView = { nip: string, sync: string, warnings: Array<string>, };

export type AdminAccount = { username: string, 
/**
 * `personal`, `fasilitator` or `admin`.
 */
role: string, nip: string | null, nama: string | null, units: Array<string>, disabled: boolean, };

export type IssuedCode = { username: string, code: string, expires_at: string, };

export type AdminLayanan = { id: string, nama: string, aktif: boolean, };

export type DeviceCount = { version: number, devices: number, };

export type AdminCatalog = { version: number, published: string, layanan: Array<AdminLayanan>, 
/**
 * How many devices run each catalogue version (as they last told the hub).
 */
devices: Array<DeviceCount>, };

export type RefTableRow = { name: string, 
/**
 * The first 12 hex digits of the table's version.
 */
version: string, rows: number, };

export type AdminBackups = { file: string | null, created_at: string | null, age_hours: number | null, verified: boolean, problem: string | null, documents: number, bytes: number, can_create: boolean, };

export type UnitProgressView = { unit: string, asn: number, completeness_mean: number, progress: ProgressView, };

export type DueMonthView = { period: string, kp: number, kgb: number, pensiun: number, satyalencana: number, unknown: number, };

export type RekonCountsView = { same: number, new_value: number, changed: number, stale: number, duplicate: number, invalid: number, };

export type RekonUnitView = { unit: string, counts: RekonCountsView, };

export type RekonPreviewView = { batch: string, file_name: string, file_date: string, 
/**
 * `pns` (rows by NIP) or `jpt` (JPT non-PNS officials by NIK).
 */
roster: string, created_at: string, created_by: string, rows: number, counts: RekonCountsView, units: Array<RekonUnitView>, applied: number, 
/**
 * Whether this account may apply it (the BKD's right alone).
 */
may_apply: boolean, };

export type RekonFieldView = { old: string | null, new: string | null, 
/**
 * same, new, changed, stale, duplicate, invalid or absent.
 */
verdict: string, };

export type RekonItemView = { line: number, nip: string | null, nama: string | null, unit: string | null, jabatan: string | null, verdict: string, reason: string | null, email_gov: RekonFieldView, email: RekonFieldView, no_hp: RekonFieldView, applied: boolean, };

export type RekonAppliedView = { records: number, fields: number, validated: number, moved: number, kept_newer: number, };

export type RekonUnitProgressView = { unit: string, asn: number, email_validated: number, email_unvalidated: number, phone_valid: number, };

export type RekonProgressView = { deadline: string | null, days_left: number | null, units: Array<RekonUnitProgressView>, };

export type KategoriView = { id: string, label: string, label_en: string, 
/**
 * UNIT or BKD.
 */
tujuan: string, akun: boolean, };

export type TiketStepView = { id: string, 
/**
 * PEMOHON or PETUGAS.
 */
peran: string, oleh: string | null, isi: string | null, status: string | null, dialihkan_ke: string | null, lampiran: Array<string>, 
/**
 * The hub's time of arrival, or the device's while unsent.
 */
at: string | null, sent: boolean, };

export type TiketView = { id: string, nomor: string, nip: string, nama: string, unit: string | null, kategori: string, kategori_label: string, akun: boolean, judul: string, tujuan: string, status: string, due_at: string | null, left_minutes: number, paused: boolean, overdue: boolean, steps: Array<TiketStepView>, rating: number | null, queued: boolean, };

export type TiketReportRowView = { unit: string, kategori: string, received: number, answered: number, answered_within_sla: number, first_answer_p50_minutes: number | null, first_answer_p90_minutes: number | null, resolved: number, resolution_p50_minutes: number | null, resolution_p90_minutes: number | null, overdue: number, };

export type RatingRowView = { 
/**
 * layanan or unit.
 */
by: string, key: string, count: number, mean: number, };

export type TiketReportView = { rows: Array<TiketReportRowView>, ratings: Array<RatingRowView>, };

export type CodeSentView = { channel: string, sent_to: string, expires_at: string, };

export type RekapLineView = { nip: string, nama: string, 
/**
 * `DI_RUMAH`, `DI_KANTOR`, `TUGAS`, `CUTI_SAKIT`, `BIASA`, `TIDAK_LAPOR`.
 */
keberadaan: string, 
/**
 * Flag codes (`lokasi_palsu`, `jauh_dari_rumah`, `terlambat_sinkron` ...).
 */
tanda: Array<string>, 
/**
 * Metres from the registered place, when flagged far.
 */
jarak_m: number | null, 
/**
 * `null`: no work-from-home place set; `false`: set, waiting for confirmation.
 */
tempat_dikonfirmasi: boolean | null, };

export type RekapView = { unit: string, tanggal: string, jam_lapor: string, as_of: string, lines: Array<RekapLineView>, 
/**
 * Count per whereabouts code, in the order of `keberadaan`.
 */
jumlah: Array<[string, number]>, ditandai: number, 
/**
 * The report times of the arrangement in force.
 */
jam_lapor_semua: Array<string>, 
/**
 * The office minimum among those at the office in this window.
 */
minimum_kantor: MinimumKantorView, 
/**
 * The day's locations were purged after the retention period: no lines, the counts kept.
 */
dipangkas: boolean, };

export type MinimumKantorView = { terpenuhi: boolean, administrator: number, pengawas: number, minimum_administrator: number, minimum_pengawas: number, };

export type RekapUnitView = { unit: string, 
/**
 * Count per whereabouts code, in the order of `keberadaan`.
 */
jumlah: Array<[string, number]>, ditandai: number, minimum_kantor: MinimumKantorView, dipangkas: boolean, };

