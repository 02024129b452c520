/** The UI's words: Bahasa Indonesia by default, English on request. */
export type Lang = "id" | "en";

const id = {
  appTitle: "Berkas — Pengelola Kepegawaian",
  server: "Alamat server",
  user: "Nama pengguna",
  password: "Kata sandi",
  signIn: "Masuk",
  asnList: "Daftar ASN",
  queue: "Antrean verifikasi",
  due: "Usul jatuh tempo",
  sync: "Sinkronisasi",
  settings: "Pengaturan",
  search: "Cari nama atau NIP…",
  belowCompleteness: "Kelengkapan di bawah",
  pendingOnly: "Menunggu verifikasi",
  rows: "baris",
  completeness: "Kelengkapan",
  dataUtama: "Data utama",
  documents: "Dokumen",
  audit: "Jejak audit",
  official: "Data resmi",
  proposed: "Usulan",
  approve: "Setujui",
  returnFor: "Kembalikan",
  reject: "Tolak",
  notAuthentic: "Tidak asli",
  reason: "Alasan",
  reasonNeeded: "Tulis alasannya agar ASN dapat memperbaiki.",
  syncNow: "Sinkronkan sekarang",
  cancel: "Batalkan",
  lastSync: "Terakhir sinkron",
  waiting: "Menunggu dikirim",
  refused: "Ditolak server",
  conflicts: "Perubahan yang kalah",
  nothingWaits: "Tidak ada yang menunggu.",
  language: "Bahasa",
  period: "Periode (TMT)",
  show: "Tampilkan",
  reports: "Laporan",
  nominatif: "Daftar nominatif",
  savedTo: "Disimpan di",
  completenessChart: "Kelengkapan data per ASN",
  verificationProgress: "Kemajuan verifikasi",
  requests: "Usulan",
  draftProposals: "Buat usul untuk semua",
  proposals: "Usul ke BKN",
  send: "Kirim",
  missingDocs: "Dokumen kurang",
  pertek: "Nomor pertek",
};

export type Words = typeof id;

const en: Words = {
  appTitle: "Berkas — HR officer",
  server: "Server address",
  user: "Username",
  password: "Password",
  signIn: "Sign in",
  asnList: "ASN list",
  queue: "Verification queue",
  due: "Due proposals",
  sync: "Sync",
  settings: "Settings",
  search: "Search name or NIP…",
  belowCompleteness: "Completeness below",
  pendingOnly: "Pending verification",
  rows: "rows",
  completeness: "Completeness",
  dataUtama: "Main data",
  documents: "Documents",
  audit: "Audit trail",
  official: "Official",
  proposed: "Proposed",
  approve: "Approve",
  returnFor: "Return",
  reject: "Reject",
  notAuthentic: "Not authentic",
  reason: "Reason",
  reasonNeeded: "Write the reason so the ASN can fix it.",
  syncNow: "Sync now",
  cancel: "Cancel",
  lastSync: "Last sync",
  waiting: "Waiting to be sent",
  refused: "Refused by the server",
  conflicts: "Edits that lost",
  nothingWaits: "Nothing waits.",
  language: "Language",
  period: "Period (TMT)",
  show: "Show",
  reports: "Reports",
  nominatif: "Staff list (daftar nominatif)",
  savedTo: "Saved to",
  completenessChart: "Record completeness per ASN",
  verificationProgress: "Verification progress",
  requests: "Requests",
  draftProposals: "Draft proposals for all",
  proposals: "Proposals to BKN",
  send: "Send",
  missingDocs: "Missing documents",
  pertek: "Pertek number",
};

export function words(lang: Lang): Words {
  return lang === "en" ? en : id;
}

const errors: Record<string, [string, string]> = {
  "auth.invalid_credentials": ["Nama pengguna atau kata sandi salah.", "Wrong username or password."],
  "sync.network": ["Server tidak terjangkau. Pekerjaan Anda tersimpan di laptop ini.", "The server cannot be reached. Your work is kept on this laptop."],
  "sync.cancelled": ["Sinkronisasi dibatalkan; yang sudah terkirim tetap tersimpan.", "Sync cancelled; what was sent is kept."],
  "usulan.reason_required": ["Tulis alasannya.", "Write the reason."],
  "not_found": ["Data tidak ditemukan.", "Not found."],
};

/** A sentence for an error code from the core. */
export function errorText(code: string, lang: Lang): string {
  const e = errors[code];
  if (e) return lang === "en" ? e[1] : e[0];
  return lang === "en" ? `Something went wrong (${code}).` : `Terjadi kesalahan (${code}).`;
}
