import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  RekonAppliedView, RekonItemView, RekonPreviewView, RekonProgressView,
  CodeSentView, KategoriView, RekapUnitView, RekapView, TiketReportView, TiketView,
  AdminAccount, AdminBackups, AdminCatalog, DueMonthView, HubAuditView, IssuedCode, RecordMarkView, RefTableRow, UnitProgressView,
  CommandError, DocumentView, DueRow, LoginInfo, PaperView, PegawaiDetail, PegawaiRow, ProgressView, ProposalView, QueueView, RequestView,
  Settings, SignatureView, SyncDoneEvent, SyncProgressEvent, SyncReportView, SyncStatusView, VerifyLine,
} from "../bindings";

/** The commands, typed by the generated bindings; a failure rejects with a CommandError. */
export const api = {
  login: (server: string, user: string, password: string) => invoke<LoginInfo>("login", { server, user, password }),
  syncNow: () => invoke<SyncReportView>("sync_now"),
  cancelSync: () => invoke<void>("cancel_sync"),
  syncStatus: () => invoke<SyncStatusView>("sync_status"),
  pegawaiList: (unit: string | null) => invoke<PegawaiRow[]>("pegawai_list", { unit }),
  pegawaiSearch: (query: string) => invoke<PegawaiRow[]>("pegawai_search", { query }),
  pegawaiDetail: (nip: string) => invoke<PegawaiDetail>("pegawai_detail", { nip }),
  queue: () => invoke<QueueView>("verification_queue"),
  lines: (id: string) => invoke<VerifyLine[]>("verification_lines", { id }),
  papers: (id: string) => invoke<PaperView[]>("request_papers", { id }),
  outboxRetry: (id: string) => invoke<SyncStatusView>("outbox_retry", { id }),
  outboxDiscard: (id: string) => invoke<SyncStatusView>("outbox_discard", { id }),
  conflictDismiss: (id: number) => invoke<SyncStatusView>("conflict_dismiss", { id }),
  verifyField: (id: string, field: string, decision: string, reason: string | null) =>
    invoke<RequestView>("verify_field", { id, field, decision, reason }),
  decide: (id: string, status: string, reason: string | null) => invoke<RequestView>("decide_request", { id, status, reason }),
  verifyDocument: (id: string, decision: string, reason: string | null) =>
    invoke<DocumentView>("verify_document", { id, decision, reason }),
  documentContent: (id: string) => invoke<ArrayBuffer>("document_content", { id }),
  due: (kind: string, period: string) => invoke<DueRow[]>("due_list", { kind, period }),
  proposalsDraft: (kind: string, period: string) => invoke<ProposalView[]>("proposals_draft", { kind, period }),
  proposals: () => invoke<ProposalView[]>("proposals_list"),
  proposalSend: (id: string) => invoke<ProposalView>("proposal_send", { id }),
  /** The surat pengantar written here, signed by the server, attached to the proposal. */
  proposalLetter: (id: string) => invoke<ProposalView>("proposal_letter", { id }),
  proposalAnswer: (id: string, answer: string, reason: string | null, pertek: string | null) =>
    invoke<ProposalView>("proposal_answer", { id, answer, reason, pertek }),
  progress: (unit: string | null) => invoke<ProgressView>("report_progress", { unit }),
  exportNominatif: (unit: string | null, format: string, sign: boolean) =>
    invoke<string>("export_nominatif", { unit, format, dir: null, sign }),
  /** A signed file checked offline: its bytes raw, a CSV's or XLSX's .sig text in a header. */
  verifySigned: (file: File, sig: File | null) =>
    Promise.all([file.arrayBuffer(), sig ? sig.text() : Promise.resolve(null)]).then(([bytes, sigText]) =>
      invoke<SignatureView>(
        "verify_signed",
        new Uint8Array(bytes),
        { headers: sigText === null ? {} : { sig: encodeURIComponent(sigText) } },
      ),
    ),
  settings: () => invoke<Settings>("get_settings"),
  setLanguage: (language: string) => invoke<Settings>("set_language", { language }),
  setSyncInterval: (seconds: number) => invoke<Settings>("set_sync_interval", { seconds }),
  logout: () => invoke<Settings>("logout"),
  /** An instansi paper for a proposal: the file's bytes go raw, described by headers. */
  attachPaper: (proposal: string, dokumen: string, file: File, keep: boolean) =>
    file.arrayBuffer().then((bytes) =>
      invoke<ProposalView>("proposal_attach", new Uint8Array(bytes), {
        headers: { proposal, dokumen, "file-name": encodeURIComponent(file.name), keep: keep ? "1" : "0" },
      }),
    ),
  pegawaiHubAudit: (nip: string) => invoke<HubAuditView[]>("pegawai_hub_audit", { nip }),
  pegawaiMarks: (unit: string | null) => invoke<RecordMarkView[]>("pegawai_marks", { unit }),
  reportUnits: () => invoke<UnitProgressView[]>("report_units"),
  reportDueOutlook: (unit: string | null) => invoke<DueMonthView[]>("report_due_outlook", { unit }),
  reportExportXlsx: (unit: string | null) => invoke<string>("report_export_xlsx", { unit }),
  /** A chart's PNG bytes raw, its file name in a header; resolves the saved path. */
  reportSavePng: (name: string, png: Uint8Array) =>
    invoke<string>("report_save_png", png, { headers: { "file-name": encodeURIComponent(name) } }),
  loginWithCode: (server: string, user: string, code: string, newPassword: string) =>
    invoke<LoginInfo>("login_with_code", { server, user, code, newPassword }),
  adminAccounts: () => invoke<AdminAccount[]>("admin_accounts"),
  adminCreateAccount: (username: string, role: string, nip: string | null, units: string[]) =>
    invoke<IssuedCode>("admin_create_account", { username, role, nip, units }),
  adminChangeAccount: (username: string, change: { role?: string; units?: string[]; disabled?: boolean }) =>
    invoke<AdminAccount>("admin_change_account", { username, role: change.role ?? null, units: change.units ?? null, disabled: change.disabled ?? null }),
  adminResetCode: (username: string) => invoke<IssuedCode>("admin_reset_code", { username }),
  adminCatalog: () => invoke<AdminCatalog>("admin_catalog"),
  adminSwitchLayanan: (id: string, aktif: boolean) => invoke<AdminCatalog>("admin_switch_layanan", { id, aktif }),
  adminReferensi: () => invoke<RefTableRow[]>("admin_referensi"),
  /** A reference table file: its bytes raw, its name in a header. */
  adminPublishReferensi: (file: File) =>
    file.arrayBuffer().then((bytes) =>
      invoke<RefTableRow>("admin_publish_referensi", new Uint8Array(bytes), {
        headers: { "file-name": encodeURIComponent(file.name) },
      }),
    ),
  adminBackups: () => invoke<AdminBackups>("admin_backups"),
  adminBackupNow: (passphrase: string) => invoke<AdminBackups>("admin_backup_now", { passphrase }),
  /** A rekon file: its bytes raw, its name and the day its data was taken in headers. */
  rekonPreview: (file: File, fileDate: string, jpt: boolean) =>
    file.arrayBuffer().then((bytes) =>
      invoke<RekonPreviewView>("rekon_preview", new Uint8Array(bytes), {
        headers: { "file-name": encodeURIComponent(file.name), "file-date": fileDate, roster: jpt ? "jpt" : "pns" },
      }),
    ),
  rekonBatches: () => invoke<RekonPreviewView[]>("rekon_batches"),
  rekonItems: (batch: string, verdict: string | null, offset: number, limit: number) =>
    invoke<RekonItemView[]>("rekon_items", { batch, verdict, offset, limit }),
  rekonApply: (batch: string, lines: number[] | null, overrideStale: boolean) =>
    invoke<RekonAppliedView>("rekon_apply", { batch, lines, overrideStale }),
  rekonExportPreview: (batch: string) => invoke<string>("rekon_export_preview", { batch }),
  rekonTemplate: (unit: string | null, jpt: boolean) => invoke<string>("rekon_template", { unit, jpt }),
  /** The report to BKN (XLSX) and, signed in, its summary PDF signed by the server: the paths. */
  rekonReport: (unit: string | null) => invoke<string[]>("rekon_report", { unit }),
  rekonProgress: () => invoke<RekonProgressView>("rekon_progress"),
  rekonSetDeadline: (deadline: string | null) => invoke<RekonProgressView>("rekon_set_deadline", { deadline }),
  tiketCategories: () => invoke<KategoriView[]>("tiket_categories"),
  /** A queue: UNIT, BKD (with every overdue ticket), or all. */
  tiketList: (untuk: string | null, openOnly: boolean) => invoke<TiketView[]>("tiket_list", { untuk, openOnly }),
  tiketGet: (id: string) => invoke<TiketView>("tiket_get", { id }),
  tiketCreate: (nip: string, kategori: string, judul: string, isi: string) =>
    invoke<TiketView>("tiket_create", { nip, kategori, judul, isi }),
  tiketReply: (id: string, isi: string | null, status: string | null) =>
    invoke<TiketView>("tiket_reply", { id, isi, status }),
  tiketReassign: (id: string, tujuan: string, note: string | null) =>
    invoke<TiketView>("tiket_reassign", { id, tujuan, note }),
  /** The hub sends the ASN a one-time code; the answer says only where it went. */
  tiketSendCode: (id: string) => invoke<CodeSentView>("tiket_send_code", { id }),
  tiketReport: (unit: string | null) => invoke<TiketReportView>("tiket_report", { unit }),
  /** A unit's recap for a report time (HH:MM) of a date, as known at asOf (RFC 3339; now if null). */
  presensiRekap: (unit: string, tanggal: string, jamLapor: string, asOf: string | null) =>
    invoke<RekapView>("presensi_rekap", { unit, tanggal, jamLapor, asOf }),
  presensiConfirmPlace: (nip: string) => invoke<null>("presensi_confirm_place", { nip }),
  /** The recap as a PDF and XLSX the hub signs, in the downloads folder: the paths. */
  presensiExport: (unit: string, tanggal: string, jamLapor: string, asOf: string | null) =>
    invoke<string[]>("presensi_export", { unit, tanggal, jamLapor, asOf }),
  /** The BKD's daily recap across every unit (the hub's), one line per unit. */
  presensiRekapBkd: (tanggal: string, jamLapor: string, asOf: string | null) =>
    invoke<RekapUnitView[]>("presensi_rekap_bkd", { tanggal, jamLapor, asOf }),
  /** The BKD's daily recap as a PDF and XLSX the hub signs, in the downloads folder: the paths. */
  presensiExportBkd: (tanggal: string, jamLapor: string, asOf: string | null) =>
    invoke<string[]>("presensi_export_bkd", { tanggal, jamLapor, asOf }),
  onSyncDone: (f: (d: SyncDoneEvent) => void): Promise<UnlistenFn> =>
    listen<SyncDoneEvent>("sync-done", (e) => f(e.payload)),
  onProgress: (f: (p: SyncProgressEvent) => void): Promise<UnlistenFn> =>
    listen<SyncProgressEvent>("sync-progress", (e) => f(e.payload)),
};

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}
