package id.berkas.app.logic

import id.berkas.core.ActivityEntry
import id.berkas.core.BerkasException
import id.berkas.core.BerkasProfile
import id.berkas.core.CancelHandle
import id.berkas.core.CapturePage
import id.berkas.core.CheckInEntry
import id.berkas.core.CaptureResult
import id.berkas.core.ChecklistEntry
import id.berkas.core.ConflictEntry
import id.berkas.core.DocumentEntry
import id.berkas.core.DocumentLink
import id.berkas.core.FormInputEntry
import id.berkas.core.KategoriEntry
import id.berkas.core.KeyStore
import id.berkas.core.LayananOfferEntry
import id.berkas.core.LocationFix
import id.berkas.core.OutboxEntry
import id.berkas.core.RecapLineEntry
import id.berkas.core.RecordView
import id.berkas.core.RefOption
import id.berkas.core.ReportDayEntry
import id.berkas.core.ReportPresenceEntry
import id.berkas.core.SessionEntry
import id.berkas.core.SignedStatement
import id.berkas.core.SyncListener
import id.berkas.core.SyncStatusInfo
import id.berkas.core.TeguranEntry
import id.berkas.core.TiketEntry
import id.berkas.core.SyncSummary
import id.berkas.core.UsulanEntry
import id.berkas.core.WfhPlace
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.io.File

/** A failure the UI can word: the core's stable code and, for bad input, the fields at fault. */
data class Problem(
    val code: String,
    val fields: Map<String, String> = emptyMap(),
    /** The core's own wording of the error in each language (it may name figures, such as the
     *  server's document limit, that the app's words cannot). */
    val words: Map<Lang, String> = emptyMap(),
) {
    /** A refusal of the whole action (signing in to a profile that cannot sync, say) comes as
     *  bad input with one problem: its own code has the words. A code the app has no words
     *  for is worded by the core. */
    fun message(lang: Lang): String {
        val only = fields.values.singleOrNull()
        val chosen = if (code == "invalid" && only != null && Messages.has(only)) only else code
        if (!Messages.has(chosen)) words[lang]?.let { return it }
        return Messages.text(chosen, lang)
    }
}

/** The outcome of a repository call: a value or a [Problem]. */
sealed interface Outcome<out T> {
    data class Ok<T>(val value: T) : Outcome<T>
    data class Failed(val problem: Problem) : Outcome<Nothing>
}

internal fun problemOf(e: BerkasException): Problem = when (e) {
    is BerkasException.Failed -> Problem(
        e.code,
        e.fields.associate { f -> f.substringBefore(": ") to f.substringAfter(": ", "") },
        mapOf(Lang.ID to e.messageId, Lang.EN to e.messageEn),
    )
}

/**
 * The app's one door to the core: a profile per signed-in person, opened with the key from the
 * app's [KeyStore] (Android Keystore on the phone). Blocking core calls run on [io]; sync and
 * login are suspending already. Every call answers an [Outcome], never throws at the UI.
 */
class BerkasRepository(
    private val dir: File,
    private val keys: KeyStore,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    @Volatile private var opened: BerkasProfile? = null

    /** The profile on this device, created on first use. */
    fun profile(user: String = "asn"): BerkasProfile = opened ?: synchronized(this) {
        opened ?: (if (File(dir, "profile.json").exists()) {
            BerkasProfile.open(dir.path, keys)
        } else {
            dir.mkdirs()
            BerkasProfile.create(dir.path, user, keys)
        }).also { opened = it }
    }

    private suspend fun <T> call(block: suspend () -> T): Outcome<T> = try {
        Outcome.Ok(block())
    } catch (e: BerkasException) {
        Outcome.Failed(problemOf(e))
    } catch (e: java.io.IOException) {
        Outcome.Failed(Problem("io"))
    }

    private suspend fun <T> blocking(block: () -> T): Outcome<T> = withContext(io) { call { block() } }

    suspend fun login(server: String, user: String, password: String): Outcome<String> =
        call { profile(user).login(server, user, password, null) }

    /** One sync; on a [metered] network large documents wait for Wi-Fi unless sent now. */
    suspend fun sync(listener: SyncListener?, cancel: CancelHandle, metered: Boolean = false): Outcome<SyncSummary> =
        call { profile().sync(metered, listener, cancel) }

    /** Whether this device holds a profile at all (none before the first sign-in). */
    fun hasProfile(): Boolean = File(dir, "profile.json").exists()

    /** Where the profile stands, with no network: what the app opens on. */
    suspend fun session(): Outcome<SessionEntry> = blocking { profile().session() }
    suspend fun logout(): Outcome<Unit> = call { profile().logout() }
    suspend fun language(): Outcome<String?> = blocking { profile().language() }
    suspend fun setLanguage(lang: Lang): Outcome<Unit> = blocking { profile().setLanguage(lang.name.lowercase()) }

    suspend fun offer(nip: String, lang: Lang): Outcome<List<LayananOfferEntry>> =
        blocking { profile().layananOffer(nip, lang.name.lowercase()) }
    suspend fun form(nip: String, layanan: String, usulan: String?, lang: Lang): Outcome<List<FormInputEntry>> =
        blocking { profile().layananForm(nip, layanan, usulan, lang.name.lowercase()) }
    suspend fun refOptions(table: String, search: String, limit: Int = 30): Outcome<List<RefOption>> =
        blocking { profile().refOptions(table, search, limit.toUInt()) }
    suspend fun sendNow(documentId: String): Outcome<Unit> = blocking { profile().sendDocumentNow(documentId) }

    suspend fun status(): Outcome<SyncStatusInfo> = blocking { profile().syncStatus() }
    suspend fun outbox(): Outcome<List<OutboxEntry>> = blocking { profile().outbox() }
    suspend fun conflicts(): Outcome<List<ConflictEntry>> = blocking { profile().conflicts() }
    suspend fun retry(id: String): Outcome<Unit> = blocking { profile().outboxRetry(id) }
    suspend fun discard(id: String): Outcome<Unit> = blocking { profile().outboxDiscard(id) }
    suspend fun dismissConflict(id: Long): Outcome<Unit> = blocking { profile().dismissConflict(id) }

    suspend fun record(nip: String, lang: Lang = Lang.ID): Outcome<RecordView> =
        blocking { profile().record(nip, lang.name.lowercase()) }
    suspend fun syncState(nip: String): Outcome<String> = blocking { profile().recordSyncState(nip) }
    suspend fun teguran(nip: String): Outcome<List<TeguranEntry>> = blocking { profile().teguran(nip) }

    suspend fun startForm(nip: String, layanan: String, answers: Map<String, String>): Outcome<String> =
        blocking { profile().createUsulan(nip, layanan, answers) }
    suspend fun updateForm(id: String, answers: Map<String, String>): Outcome<UsulanEntry> =
        blocking { profile().updateUsulan(id, answers) }
    suspend fun submit(id: String): Outcome<UsulanEntry> = blocking { profile().submitUsulan(id) }
    suspend fun request(id: String): Outcome<UsulanEntry> = blocking { profile().usulan(id) }
    suspend fun requests(nip: String): Outcome<List<UsulanEntry>> = blocking { profile().usulanList(nip) }
    /** The server's signed receipt of a request it received, checked here and written to [file]. */
    suspend fun saveReceipt(id: String, file: File): Outcome<SignedStatement> = call {
        val pdf = profile().signedReceipt(id)
        withContext(io) {
            val statement = profile().verifySigned(pdf, null)
            file.parentFile?.mkdirs()
            file.writeBytes(pdf)
            statement
        }
    }
    /** A document the server signed (a receipt, a surat pengantar), checked offline. */
    suspend fun checkSigned(bytes: ByteArray, sig: String?): Outcome<SignedStatement> =
        blocking { profile().verifySigned(bytes, sig) }
    suspend fun checklist(nip: String, layanan: String, answers: Map<String, String>, usulan: String?):
        Outcome<List<ChecklistEntry>> = blocking { profile().layananChecklist(nip, layanan, answers, usulan) }

    suspend fun checkCapture(pages: List<CapturePage>): Outcome<CaptureResult> =
        blocking { profile().checkDocument(pages) }
    suspend fun addDocument(nip: String, type: String, link: DocumentLink, pages: List<CapturePage>, keep: Boolean):
        Outcome<DocumentEntry> = blocking { profile().addDocument(nip, type, link, pages, null, keep) }
    suspend fun documents(nip: String): Outcome<List<DocumentEntry>> = blocking { profile().documents(nip) }
    suspend fun reuseDocument(id: String, type: String, link: DocumentLink): Outcome<DocumentEntry> =
        blocking { profile().reuseDocument(id, type, link) }

    suspend fun checkIn(nip: String, fix: LocationFix, izinKeluar: Boolean, alasan: String?): Outcome<CheckInEntry> =
        blocking { profile().checkIn(nip, fix, izinKeluar, alasan) }
    suspend fun checkIns(nip: String, date: String): Outcome<List<CheckInEntry>> = blocking { profile().checkIns(nip, date) }
    suspend fun presenceToday(): Outcome<List<String>> = blocking { profile().presenceToday() }
    suspend fun setWfhPlace(nip: String, lat: Double, lon: Double, alamat: String?): Outcome<Unit> =
        blocking { profile().setWfhPlace(nip, lat, lon, alamat) }
    suspend fun wfhPlace(nip: String): Outcome<WfhPlace?> = blocking { profile().wfhPlace(nip) }
    suspend fun presenceRecap(unit: String, date: String, reportTime: String, asOfMs: Long?): Outcome<List<RecapLineEntry>> =
        blocking { profile().presenceRecap(unit, date, reportTime, asOfMs) }

    suspend fun addActivity(nip: String, day: String, rencana: String, tambahan: Boolean, uraian: String, output: String?,
        kuantitas: Long?, satuan: String?, menit: Long?): Outcome<ActivityEntry> =
        blocking { profile().addActivity(nip, day, rencana, tambahan, uraian, output, kuantitas, satuan, menit) }
    suspend fun activities(nip: String, day: String?): Outcome<List<ActivityEntry>> = blocking { profile().activities(nip, day) }
    suspend fun submitActivities(nip: String, day: String): Outcome<List<ActivityEntry>> = blocking { profile().submitActivities(nip, day) }
    suspend fun reportDays(day: String?): Outcome<List<ReportDayEntry>> = call { profile().reportDays(day) }
    suspend fun reportPresence(day: String): Outcome<List<ReportPresenceEntry>> = call { profile().reportPresence(day) }
    suspend fun decideReportDay(nip: String, day: String, approve: Boolean, alasan: String?): Outcome<String> =
        call { profile().decideReportDay(nip, day, approve, alasan) }

    suspend fun ticketCategories(): Outcome<List<KategoriEntry>> = blocking { profile().tiketCategories() }
    suspend fun tickets(nip: String): Outcome<List<TiketEntry>> = blocking { profile().tiketList(nip) }
    suspend fun ticket(id: String): Outcome<TiketEntry> = blocking { profile().tiket(id) }
    suspend fun openTicket(nip: String, kategori: String, judul: String, isi: String, lampiran: List<String>): Outcome<TiketEntry> =
        blocking { profile().createTiket(nip, kategori, judul, isi, lampiran) }
    suspend fun replyTicket(id: String, isi: String?, close: Boolean): Outcome<TiketEntry> =
        blocking { profile().replyTiket(id, isi, close) }
    suspend fun rating(id: String): Outcome<Long?> = blocking { profile().rating(id) }
    suspend fun rate(objek: String, id: String, nilai: Long, komentar: String?): Outcome<Unit> =
        blocking { profile().rate(objek, id, nilai, komentar) }

    /** "Lupa password" with no account: the hub's one answer, in words. */
    suspend fun forgotPassword(server: String, nip: String, born: String, nik: String): Outcome<String> =
        call { profile(nip).forgotPassword(server, nip, born, nik, null) }

    /** The one-time code the ASN received, traded for their new password; signs in. */
    suspend fun loginWithCode(server: String, user: String, code: String, newPassword: String): Outcome<String> =
        call { profile(user).loginWithResetCode(server, user, code, newPassword, null) }
}

