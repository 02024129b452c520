package id.berkas.app.logic

import id.berkas.core.CancelHandle
import id.berkas.core.ConflictEntry
import id.berkas.core.NewsEntry
import id.berkas.core.OutboxEntry
import id.berkas.core.SyncListener
import id.berkas.core.SyncSummary
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/**
 * "Sinkronisasi": progress while it runs, a cancel that keeps what was done, and afterwards
 * each refused or wedged change with its reason and each conflict with both values, with the
 * actions to take (retry, discard, dismiss). The background worker calls [sync] too.
 */
class SyncViewModel(private val repo: BerkasRepository, private val scope: CoroutineScope, var lang: Lang = Lang.ID) {
    data class State(
        val running: Boolean = false,
        val phase: String? = null,
        val items: Long = 0,
        val bytes: Long = 0,
        val last: SyncSummary? = null,
        val problems: List<OutboxEntry> = emptyList(),
        val conflicts: List<ConflictEntry> = emptyList(),
        val error: String? = null,
        /** What the last sync brought the ASN (a request returned, approved ...), worded:
         *  the worker turns each into a notification that opens the request. */
        val notices: List<Notice> = emptyList(),
        /** The hub ended the session (revoked, or expired long ago): sign in again. */
        val signInAgain: Boolean = false,
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state
    @Volatile private var cancel: CancelHandle? = null

    private val listener = object : SyncListener {
        override fun onProgress(phase: String, items: ULong, bytes: ULong) {
            _state.update { it.copy(phase = phase, items = items.toLong(), bytes = bytes.toLong()) }
        }
    }

    /** One sync. On a [metered] network (the phone says which) records and requests go and
     *  large documents wait for Wi-Fi, unless the ASN sent one now. */
    fun sync(handle: CancelHandle = CancelHandle(), metered: Boolean = false): Job = scope.launch {
        cancel = handle
        _state.update { it.copy(running = true, error = null, phase = null, items = 0, bytes = 0, notices = emptyList()) }
        val r = repo.sync(listener, handle, metered)
        cancel = null
        _state.update {
            when (r) {
                is Outcome.Ok -> it.copy(
                    running = false,
                    last = r.value,
                    notices = r.value.news.map { n -> Notice.of(n, lang) } + listOfNotNull(Notice.clockAhead(r.value.clockAhead, lang)),
                )
                is Outcome.Failed -> it.copy(
                    running = false,
                    error = r.problem.message(lang),
                    signInAgain = r.problem.code == "sync.session_ended" || r.problem.code == "sync.not_logged_in",
                )
            }
        }
        refreshLists()
    }

    /** "Kirim sekarang" on a large document waiting for Wi-Fi: it goes at the next sync. */
    fun sendNow(documentId: String): Job = scope.launch { repo.sendNow(documentId) }

    /** Stops a running sync; whole pages already applied and changes already sent are kept. */
    fun cancel() {
        cancel?.cancel()
    }

    suspend fun refreshLists() {
        val outbox = (repo.outbox() as? Outcome.Ok)?.value.orEmpty()
        val conflicts = (repo.conflicts() as? Outcome.Ok)?.value.orEmpty()
        _state.update { it.copy(problems = outbox.filter { e -> e.state == "refused" || e.state == "wedged" }, conflicts = conflicts) }
    }

    /** The sentence for a refused change: the hub's code, worded. */
    fun reason(e: OutboxEntry): String = Messages.text(e.code ?: "sync.hub", lang)

    fun retry(id: String): Job = scope.launch { repo.retry(id); refreshLists() }
    fun discard(id: String): Job = scope.launch { repo.discard(id); refreshLists() }
    fun dismiss(id: Long): Job = scope.launch { repo.dismissConflict(id); refreshLists() }
}

/** A notification: its title and text in the user's language, and the request it opens. */
data class Notice(val kind: String, val opens: String, val title: String, val text: String) {
    companion object {
        fun of(n: NewsEntry, lang: Lang): Notice {
            val id = lang == Lang.ID
            val title = when (n.kind) {
                "returned" -> if (id) "Usulan dikembalikan untuk perbaikan" else "Request returned for correction"
                "approved" -> if (id) "Usulan disetujui" else "Request approved"
                "rejected" -> if (id) "Usulan ditolak" else "Request rejected"
                "completed" -> if (id) "Usulan selesai" else "Request completed"
                "in_review" -> if (id) "Usulan sedang diverifikasi" else "Request in review"
                "teguran" -> if (id) "Teguran tertulis" else "Written warning"
                "tiket" -> if (id) "Helpdesk menjawab tiket Anda" else "The helpdesk answered your ticket"
                else -> if (id) "Kabar dari server" else "News from the server"
            }
            val text = n.reason ?: if (n.kind == "teguran") {
                if (id) "Sebuah dokumen Anda dinyatakan tidak asli." else "One of your documents was found not authentic."
            } else {
                if (id) "Buka untuk melihat rinciannya." else "Open it to see the details."
            }
            return Notice(n.kind, n.id, title, text)
        }

        /** The phone's clock is far ahead of the hub's: its changes went by the hub's time. */
        fun clockAhead(ahead: Boolean, lang: Lang): Notice? {
            if (!ahead) return null
            val id = lang == Lang.ID
            return Notice(
                "clock_ahead",
                "settings",
                if (id) "Jam perangkat salah" else "The phone's clock is wrong",
                if (id) "Tanggal dan jam perangkat ini jauh di depan server. Perubahan Anda tetap terkirim dengan waktu server; atur tanggal dan jam perangkat." else "This phone's date and time are far ahead of the server's. Your changes were sent with the server's time; set the phone's date and time.",
            )
        }
    }
}
