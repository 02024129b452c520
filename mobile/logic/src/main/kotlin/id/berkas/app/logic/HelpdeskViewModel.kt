package id.berkas.app.logic

import id.berkas.core.KategoriEntry
import id.berkas.core.TiketEntry
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch

/**
 * "Bantuan": the ASN asks the helpdesk (offline too: the ticket is queued and sent at the next
 * sync), follows the answer with its 2x24 h clock in words, replies (which reopens a ticket
 * waiting for them or resolved), closes, and rates a resolved ticket once.
 */
class HelpdeskViewModel(private val repo: BerkasRepository, private val scope: CoroutineScope, var lang: Lang = Lang.ID) {
    data class State(
        val categories: List<KategoriEntry> = emptyList(),
        val tickets: List<TiketEntry> = emptyList(),
        val current: TiketEntry? = null,
        val error: String? = null,
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state

    private fun failed(r: Outcome.Failed) {
        _state.value = _state.value.copy(error = r.problem.message(lang))
    }

    fun load(nip: String): Job = scope.launch {
        val cats = (repo.ticketCategories() as? Outcome.Ok)?.value.orEmpty()
        when (val r = repo.tickets(nip)) {
            is Outcome.Ok -> _state.value = _state.value.copy(categories = cats, tickets = r.value, error = null)
            is Outcome.Failed -> failed(r)
        }
    }

    fun open(id: String): Job = scope.launch {
        when (val r = repo.ticket(id)) {
            is Outcome.Ok -> _state.value = _state.value.copy(current = r.value, error = null)
            is Outcome.Failed -> failed(r)
        }
    }

    /** Opens a ticket; a category, a title and a question are needed (core names what lacks). */
    fun ask(nip: String, kategori: String, judul: String, isi: String, lampiran: List<String> = emptyList()): Job = scope.launch {
        when (val r = repo.openTicket(nip, kategori, judul, isi, lampiran)) {
            is Outcome.Ok -> {
                _state.value = _state.value.copy(current = r.value, error = null)
                load(nip).join()
            }
            is Outcome.Failed -> failed(r)
        }
    }

    fun reply(id: String, text: String): Job = step { repo.replyTicket(id, text.trim().ifEmpty { null }, false) }

    fun close(id: String): Job = step { repo.replyTicket(id, null, true) }

    private fun step(block: suspend () -> Outcome<TiketEntry>): Job = scope.launch {
        when (val r = block()) {
            is Outcome.Ok -> _state.value = _state.value.copy(
                current = r.value,
                tickets = _state.value.tickets.map { if (it.id == r.value.id) r.value else it },
                error = null,
            )
            is Outcome.Failed -> failed(r)
        }
    }

    fun rate(id: String, nilai: Int, komentar: String?): Job = scope.launch {
        when (val r = repo.rate("TIKET", id, nilai.toLong(), komentar)) {
            is Outcome.Ok -> open(id).join()
            is Outcome.Failed -> failed(r)
        }
    }

    /** The ticket's clock and state in words. */
    fun clockText(t: TiketEntry): String {
        val h = kotlin.math.abs(t.leftMinutes) / 60
        val m = kotlin.math.abs(t.leftMinutes) % 60
        val id = lang == Lang.ID
        return when {
            t.status == "SELESAI" -> if (id) "Selesai" else "Resolved"
            t.status == "DITUTUP" -> if (id) "Ditutup" else "Closed"
            t.queued && t.steps.none { it.sent } -> if (id) "Menunggu sinkronisasi" else "Waiting for sync"
            t.status == "MENUNGGU_PEMOHON" -> if (id) "Menunggu jawaban Anda" else "Waiting for your answer"
            t.overdue -> if (id) "Terlambat ${h}j ${m}m, diteruskan ke BKD" else "Overdue by ${h}h ${m}m, passed to the BKD"
            else -> if (id) "Dijawab paling lambat ${h}j ${m}m lagi" else "Answered within ${h}h ${m}m"
        }
    }
}
