package id.berkas.app.logic

/** The languages of the UI: Bahasa Indonesia by default, English on request. */
enum class Lang { ID, EN }

/**
 * What the user reads for a core error code. Core gives stable codes (`nik.length`,
 * `usulan.missing_document` ...) and an English detail for support; the words on screen are
 * chosen here, in both languages, so the phone never shows a raw code or a stack trace.
 */
object Messages {
    private val texts: Map<String, Pair<String, String>> = mapOf(
        "auth.invalid_credentials" to ("NIP/nama pengguna atau kata sandi salah." to "Wrong NIP/username or password."),
        "auth.rate_limited" to ("Terlalu banyak percobaan. Coba lagi beberapa menit lagi." to "Too many attempts. Try again in a few minutes."),
        "sync.network" to ("Tidak ada koneksi ke server. Perubahan disimpan dan dikirim saat sinkronisasi berikutnya." to
            "No connection to the server. Your changes are kept and sent at the next sync."),
        "sync.cancelled" to ("Sinkronisasi dibatalkan. Yang sudah terkirim tetap tersimpan." to "Sync cancelled. What was sent is kept."),
        "sync.session_ended" to ("Sesi berakhir. Silakan masuk lagi." to "Your session ended. Please sign in again."),
        "sync.upgrade_required" to ("Perbarui aplikasi Berkas untuk melanjutkan sinkronisasi." to "Update the Berkas app to keep syncing."),
        "sync.not_logged_in" to ("Belum masuk ke server." to "Not signed in to a server."),
        "profile.key_missing" to ("Kunci data di perangkat ini hilang. Masuk lagi untuk memulihkan data dari server." to
            "This device's data key is missing. Sign in again to restore your data from the server."),
        "nik.length" to ("NIK harus 16 angka sesuai KTP." to "NIK must be the 16 digits on the ID card."),
        "nik.not_digit" to ("NIK hanya berisi angka." to "NIK holds digits only."),
        "nik.province" to ("Kode provinsi dalam NIK tidak valid." to "The NIK's province code is not valid."),
        "nik.kabupaten" to ("Kode kabupaten/kota dalam NIK tidak valid." to "The NIK's regency code is not valid."),
        "nik.kecamatan" to ("Kode kecamatan dalam NIK tidak valid." to "The NIK's district code is not valid."),
        "nik.serial" to ("Nomor urut dalam NIK tidak valid." to "The NIK's serial number is not valid."),
        "nik.birth_date" to ("Tanggal lahir dalam NIK tidak valid." to "The birth date inside the NIK is not valid."),
        "phone.not_mobile" to ("Nomor HP harus nomor seluler Indonesia (08... atau +628...)." to
            "The phone must be an Indonesian mobile number (08... or +628...)."),
        "phone.length" to ("Panjang nomor HP tidak wajar." to "The phone number has an unusual length."),
        "phone.prefix" to ("Nomor HP harus diawali 08 atau +628." to "The phone must start with 08 or +628."),
        "phone.invalid_char" to ("Nomor HP hanya berisi angka." to "The phone number holds digits only."),
        "email.at" to ("Alamat email harus berisi @." to "An e-mail address needs an @."),
        "email.domain" to ("Domain email tidak valid." to "The e-mail's domain is not valid."),
        "email.local" to ("Bagian sebelum @ tidak valid." to "The part before @ is not valid."),
        "email.not_go_id" to ("Email dinas harus beralamat go.id." to "The official e-mail must be a go.id address."),
        "field.date" to ("Tanggal harus berformat TTTT-BB-HH." to "Dates are YYYY-MM-DD."),
        "field.required" to ("Wajib diisi." to "Required."),
        "usulan.missing_document" to ("Dokumen belum dilampirkan" to "Document not attached yet"),
        "usulan.missing_answer" to ("Isian wajib belum diisi" to "A required answer is missing"),
        "usulan.unknown_field" to ("Isian ini tidak ada pada formulir." to "This form has no such field."),
        "usulan.empty" to ("Formulir belum berisi perubahan." to "The form proposes no change yet."),
        "usulan.draft" to ("Usulan masih draf: ajukan dulu." to "The request is still a draft: submit it first."),
        "signature.not_synced" to ("Server belum menerima usulan ini. Sinkronkan dulu, lalu minta tanda terima lagi." to
            "The server has not received this request yet. Sync first, then ask for the receipt again."),
        "signature.not_submitted" to ("Server baru menyimpan usulan ini sebagai draf." to "The server holds this request only as a draft."),
        "signature.none" to ("Berkas ini tidak bertanda tangan Berkas." to "This file carries no Berkas signature."),
        "signature.content_changed" to ("Dokumen ini diubah setelah ditandatangani." to "This document was changed after it was signed."),
        "signature.invalid" to ("Tanda tangan tidak cocok: blok tanda tangannya diubah." to "The signature does not match: its block was changed."),
        "signature.other_key" to ("Ditandatangani dengan kunci server lain." to "Signed with another server's key."),
        "signature.no_key" to ("Perangkat ini belum menyimpan kunci server: sinkronkan sekali dulu." to "This device holds no server key yet: sync once first."),
        "io" to ("Berkas tidak dapat disimpan di perangkat." to "The file could not be saved on the device."),
        "layanan.inactive" to ("Layanan ini sedang ditutup oleh BKD." to "This service is switched off by the BKD."),
        "tiket.kategori" to ("Pilih kategori tiket." to "Choose the ticket's category."),
        "tiket.empty" to ("Tulis judul dan pertanyaan Anda." to "Write a title and your question."),
        "tiket.too_long" to ("Pesan terlalu panjang." to "The message is too long."),
        "tiket.closed" to ("Tiket sudah ditutup; buat tiket baru." to "The ticket is closed; open a new one."),
        "penilaian.once" to ("Anda sudah memberi penilaian." to "You have rated this already."),
        "penilaian.not_done" to ("Penilaian diberikan setelah tiket selesai atau usulan tuntas." to
            "A rating is given once the ticket is resolved or the request completed."),
        "penilaian.nilai" to ("Nilai 1 sampai 5." to "Rate 1 to 5."),
        "auth.reset_required" to ("Ini kode sekali pakai: buat kata sandi baru untuk masuk." to
            "This is a one-time code: choose a new password to sign in."),
        "auth.invalid_code" to ("Kode salah, sudah dipakai, atau kedaluwarsa. Minta kode baru lewat helpdesk." to
            "The code is wrong, used or expired. Ask the helpdesk for a new one."),
        "recovery.input" to ("NIP 18 angka, NIK 16 angka, tanggal lahir TTTT-BB-HH." to "NIP has 18 digits, NIK 16, the birth date is YYYY-MM-DD."),
        "presensi.lintang" to ("Lokasi tidak valid: lintang di luar -90 sampai 90." to "Not a place: the latitude is outside -90 to 90."),
        "presensi.bujur" to ("Lokasi tidak valid: bujur di luar -180 sampai 180." to "Not a place: the longitude is outside -180 to 180."),
        "presensi.akurasi" to ("Akurasi lokasi tidak valid." to "The location's accuracy is not valid."),
        "presensi.alasan" to ("Tulis alasan keluar rumah (makan, kesehatan, keselamatan); atasan Anda diberi tahu." to
            "Say why you leave home (food, health, safety); your atasan is told."),
        "presensi.fixed" to ("Laporan kehadiran tidak dapat diubah; laporkan lagi pada jam berikutnya." to
            "A check-in cannot be changed; report again at the next time."),
        "presensi.no_place" to ("Tempat kerja dari rumah belum diatur." to "No work-from-home place is set yet."),
        "aktivitas.rencana" to ("Sebutkan rencana kinerja SKP atau tugas tambahannya." to "Name the SKP target or the extra task."),
        "aktivitas.uraian" to ("Tulis apa yang dikerjakan." to "Say what was done."),
        "aktivitas.menit" to ("Waktu antara 1 dan 1.440 menit." to "Time is between 1 and 1,440 minutes."),
        "aktivitas.kuantitas" to ("Kuantitas tidak boleh negatif." to "The quantity cannot be negative."),
        "aktivitas.tanggal" to ("Aktivitas dicatat pada atau setelah harinya." to "An activity is recorded on or after its day."),
        "aktivitas.nothing" to ("Tidak ada aktivitas yang bisa diajukan atau diputus pada hari itu." to
            "No activity of that day can be submitted or decided."),
        "aktivitas.alasan" to ("Tulis alasan pengembalian agar pegawai bisa memperbaikinya." to "Say why, so the ASN can correct it."),
        "aktivitas.status" to ("Aktivitas disetujui atau dikembalikan oleh atasan." to "Activities are approved or returned by the atasan."),
        "doc.unsupported" to ("Berkas ini bukan foto (JPEG/PNG/WebP) atau PDF." to "This file is not a photo (JPEG/PNG/WebP) or a PDF."),
        "doc.unreadable" to ("Dokumen kurang terbaca. Foto ulang, atau simpan tetap jika memang sudah sebaik mungkin." to
            "The document is hard to read. Take it again, or keep it if this is the best copy."),
        "doc.truncated" to ("Berkas terpotong (belum selesai diunduh atau disalin)." to "The file is cut short (not fully downloaded or copied)."),
        "doc.too_large" to ("Berkas terlalu besar." to "The file is too large."),
        "forbidden.field" to ("Data ini bukan milik Anda untuk diubah; ajukan usul perbaikan." to
            "This data is not yours to change; propose a correction."),
        "forbidden.scope" to ("Data ini di luar kewenangan Anda." to "This record is outside your scope."),
        "nip.taken" to ("NIP ini sudah dipakai data pegawai lain di server. Buang data ganda ini; data dari server akan tampil." to
            "This NIP already belongs to another record on the server. Discard this copy; the server's record then appears."),
        "sync.local_records" to ("Profil ini berisi data impor SIASN yang tidak ada di server. Minta admin BKD mengimpor berkas itu ke server, lalu masuk dengan profil baru." to
            "This profile holds SIASN records imported here that the server does not have. Ask the BKD admin to import that file into the server, then sign in with a new profile."),
    )

    private val generic = "Terjadi kesalahan" to "Something went wrong"

    /** Whether `code` has words of its own. */
    fun has(code: String): Boolean = texts.containsKey(code)

    /** The sentence for `code`; an unknown code still gets a sentence, with the code for support. */
    fun text(code: String, lang: Lang): String {
        val pair = texts[code] ?: texts[code.substringBefore(':')]
        if (pair != null) return if (lang == Lang.ID) pair.first else pair.second
        val head = if (lang == Lang.ID) generic.first else generic.second
        return "$head ($code)."
    }

    /** Words for a check-in's flag (`lokasi_palsu`, `terlambat_sinkron` ...). */
    fun presenceFlag(code: String, lang: Lang): String {
        val words = mapOf(
            "lokasi_palsu" to ("Lokasi palsu terdeteksi" to "Mock location detected"),
            "jauh_dari_rumah" to ("Jauh dari tempat kerja dari rumah" to "Far from the work-from-home place"),
            "rumah_belum_terdaftar" to ("Tempat kerja dari rumah belum diatur" to "No work-from-home place set"),
            "jam_perangkat_berbeda" to ("Jam perangkat salah" to "The phone's clock is wrong"),
            "tidak_akurat" to ("Lokasi kurang akurat" to "The location is imprecise"),
            "terlambat_sinkron" to ("Terkirim setelah jam lapor" to "Sent after the report time"),
        )[code] ?: return code
        return if (lang == Lang.ID) words.first else words.second
    }

    /** Words for where a recap puts someone. */
    fun whereabouts(code: String, lang: Lang): String {
        val words = mapOf(
            "DI_RUMAH" to ("Di rumah" to "At home"),
            "DI_KANTOR" to ("Di kantor" to "At the office"),
            "TUGAS" to ("Tugas/izin keluar" to "On duty/out"),
            "CUTI_SAKIT" to ("Cuti/sakit" to "On leave/sick"),
            "BIASA" to ("Bekerja biasa" to "Works as usual"),
            "TIDAK_LAPOR" to ("Tidak lapor" to "Not reported"),
        )[code] ?: return code
        return if (lang == Lang.ID) words.first else words.second
    }

    /** Words for a record's sync state (`pending`, `uploading`, `synced`, `refused`, `conflict`). */
    fun syncState(state: String, lang: Lang): String {
        val words = mapOf(
            "pending" to ("menunggu dikirim" to "waiting to be sent"),
            "uploading" to ("sedang dikirim" to "being sent"),
            "synced" to ("tersinkron" to "synced"),
            "refused" to ("ditolak server" to "refused by the server"),
            "conflict" to ("ada perubahan yang kalah" to "an edit lost to a later one"),
        )[state] ?: return state
        return if (lang == Lang.ID) words.first else words.second
    }

    /** Words for a request or proposal status. */
    fun status(status: String, lang: Lang): String {
        val id = mapOf(
            "DRAFT" to "Draf", "SUBMITTED" to "Diajukan", "IN_REVIEW" to "Sedang diverifikasi",
            "RETURNED" to "Dikembalikan untuk perbaikan", "RESUBMITTED" to "Diajukan ulang", "APPROVED" to "Disetujui",
            "REJECTED" to "Ditolak", "COMPLETED" to "Selesai", "APPLIED" to "Diterapkan",
            "DIKIRIM" to "Dikirim ke BKN", "ACC" to "Disetujui BKN (ACC)", "TMS" to "Tidak memenuhi syarat (TMS)",
            "BTL" to "Berkas tidak lengkap (BTL)",
        )
        val en = mapOf(
            "DRAFT" to "Draft", "SUBMITTED" to "Submitted", "IN_REVIEW" to "In review",
            "RETURNED" to "Returned for correction", "RESUBMITTED" to "Resubmitted", "APPROVED" to "Approved",
            "REJECTED" to "Rejected", "COMPLETED" to "Completed", "APPLIED" to "Applied",
            "DIKIRIM" to "Sent to BKN", "ACC" to "Approved by BKN (ACC)", "TMS" to "Not eligible (TMS)",
            "BTL" to "Incomplete papers (BTL)",
        )
        return (if (lang == Lang.ID) id else en)[status] ?: status
    }
}
