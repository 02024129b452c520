package id.berkas.app.logic

import id.berkas.core.ChecklistEntry
import id.berkas.core.SignedStatement
import id.berkas.core.UsulanEntry
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch
import java.io.File

/**
 * "Layanan": start a request, see its checklist, submit (offline too: it is queued), and follow
 * its status with the facilitator's reasons, per field for a correction of data.
 */
class RequestsViewModel(private val repo: BerkasRepository, private val scope: CoroutineScope, var lang: Lang = Lang.ID) {
    data class State(
        val requests: List<UsulanEntry> = emptyList(),
        val current: UsulanEntry? = null,
        val checklist: List<ChecklistEntry> = emptyList(),
        /** What stops a submit: missing answers and documents, worded for the user. */
        val missing: List<String> = emptyList(),
        val error: String? = null,
        /** The server's signed receipt of the current request, once saved. */
        val receipt: SignedStatement? = null,
        /** The ASN's rating of the current request (1-5), once given. */
        val rating: Long? = null,
    ) {
        /** Reasons the facilitator gave, one line per returned field or for the whole request. */
        val reasons: List<String>
            get() {
                val u = current ?: return emptyList()
                val perField = u.decisions.filter { it.decision != "SETUJU" }.map { "${it.field}: ${it.reason.orEmpty()}" }
                return perField.ifEmpty { listOfNotNull(u.statusReason) }
            }
    }

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state

    fun load(nip: String): Job = scope.launch {
        _state.value = when (val r = repo.requests(nip)) {
            is Outcome.Ok -> _state.value.copy(requests = r.value, error = null)
            is Outcome.Failed -> _state.value.copy(error = r.problem.message(lang))
        }
    }

    fun start(nip: String, layanan: String, answers: Map<String, String>): Job = scope.launch {
        when (val r = repo.startForm(nip, layanan, answers)) {
            is Outcome.Ok -> open(nip, r.value)
            is Outcome.Failed -> _state.value = _state.value.copy(error = r.problem.message(lang))
        }
    }

    private suspend fun open(nip: String, id: String) {
        val u = (repo.request(id) as? Outcome.Ok)?.value ?: return
        val c = (repo.checklist(nip, u.layananId, u.answers, id) as? Outcome.Ok)?.value.orEmpty()
        val rating = (repo.rating(id) as? Outcome.Ok)?.value
        _state.value = _state.value.copy(current = u, checklist = c, missing = emptyList(), error = null, rating = rating)
    }

    fun refresh(nip: String, id: String): Job = scope.launch { open(nip, id) }

    fun update(nip: String, id: String, answers: Map<String, String>): Job = scope.launch {
        when (val r = repo.updateForm(id, answers)) {
            is Outcome.Ok -> open(nip, id)
            is Outcome.Failed -> _state.value = _state.value.copy(error = r.problem.message(lang))
        }
    }

    fun submit(nip: String, id: String): Job = scope.launch {
        when (val r = repo.submit(id)) {
            is Outcome.Ok -> open(nip, id)
            is Outcome.Failed -> {
                val labels = _state.value.checklist.associate { it.id to it.label }
                val missing = r.problem.fields.map { (field, code) ->
                    val doc = field.removePrefix("dokumen:")
                    val what = labels[doc] ?: doc
                    "${Messages.text(code, lang)}: $what"
                }
                _state.value = _state.value.copy(missing = missing, error = if (missing.isEmpty()) r.problem.message(lang) else null)
            }
        }
    }

    /** The server's signed receipt (tanda terima) of a submitted, synced request, saved to [file]
     *  for the ASN to keep or share; it is checked against the server's key before it is kept. */
    fun receipt(id: String, file: File): Job = scope.launch {
        _state.value = when (val r = repo.saveReceipt(id, file)) {
            is Outcome.Ok -> _state.value.copy(receipt = r.value, error = null)
            is Outcome.Failed -> _state.value.copy(receipt = null, error = r.problem.message(lang))
        }
    }

    /** A completed request not rated yet can be rated 1-5 with a comment, once. */
    fun canRate(): Boolean {
        val u = _state.value.current ?: return false
        return (u.status == "COMPLETED" || u.status == "APPLIED") && _state.value.rating == null
    }

    fun rate(nip: String, id: String, nilai: Int, komentar: String?): Job = scope.launch {
        when (val r = repo.rate("USULAN", id, nilai.toLong(), komentar)) {
            is Outcome.Ok -> open(nip, id)
            is Outcome.Failed -> _state.value = _state.value.copy(error = r.problem.message(lang))
        }
    }

    fun statusText(u: UsulanEntry): String = Messages.status(u.status, lang) +
        if (u.queued) (if (lang == Lang.ID) " (menunggu sinkronisasi)" else " (waiting for sync)") else ""
}
