package id.berkas.app.logic

import id.berkas.core.CapturePage
import id.berkas.core.ChecklistEntry
import id.berkas.core.DocumentEntry
import id.berkas.core.DocumentLink
import id.berkas.core.FormInputEntry
import id.berkas.core.LayananOfferEntry
import id.berkas.core.RefOption
import id.berkas.core.StatusStep
import id.berkas.core.UsulanEntry
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/** A capture for checklist item [item], checked by core before it is saved. */
data class PreviewOf(
    val item: String,
    val pages: List<CapturePage>,
    val flagged: Boolean,
    val warnings: List<String>,
    /** The first page as it will be kept (after core's crop and straightening), in pixels. */
    val width: Int = 0,
    val height: Int = 0,
)

/** One paper of a request's checklist as the ASN sees it. */
data class PaperLine(
    /** The checklist item: `id_ref_dokumen` (the type a capture from here gets). */
    val id: String,
    val label: String,
    val required: Boolean,
    /** `missing`, `captured` (on the phone), `uploaded`, `accepted`, `returned`, `not_needed`. */
    val state: String,
    /** The facilitator's reason for a returned paper. */
    val reason: String? = null,
    val documents: List<DocumentEntry> = emptyList(),
)

/**
 * "Layanan": the picker over the installed catalogue (core says which apply to this ASN and
 * why the others do not), the form built from the layanan's fields and saved as a draft at
 * every change (a killed app loses nothing), the checklist with each paper's state and a
 * capture typed by its item, a returned request's reasons where they stand, the history, and
 * submit or resubmit. Works offline: everything is queued for the next sync.
 */
class LayananViewModel(private val repo: BerkasRepository, private val scope: CoroutineScope, var lang: Lang = Lang.ID) {
    data class State(
        val nip: String = "",
        val offered: List<LayananOfferEntry> = emptyList(),
        /** Those that do not apply, each with why. */
        val notOffered: List<LayananOfferEntry> = emptyList(),
        val request: UsulanEntry? = null,
        val inputs: List<FormInputEntry> = emptyList(),
        /** Per input: the message under it, in the user's language. */
        val errors: Map<String, String> = emptyMap(),
        val papers: List<PaperLine> = emptyList(),
        /** Reasons the facilitator gave per field of a returned request. */
        val fieldReasons: Map<String, String> = emptyMap(),
        val history: List<StatusStep> = emptyList(),
        /** What stops a submit, worded. */
        val missing: List<String> = emptyList(),
        /** A capture checked before saving: its readability words (empty: readable). */
        val preview: PreviewOf? = null,
        /** Documents the record already holds that a paper may reuse (not this request's). */
        val reusable: List<DocumentEntry> = emptyList(),
        val error: String? = null,
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state

    fun load(nip: String): Job = scope.launch {
        when (val r = repo.offer(nip, lang)) {
            is Outcome.Ok -> _state.update {
                it.copy(nip = nip, offered = r.value.filter { o -> o.applies }, notOffered = r.value.filter { o -> !o.applies }, error = null)
            }
            is Outcome.Failed -> _state.update { it.copy(nip = nip, error = r.problem.message(lang)) }
        }
    }

    /** Opens layanan [layanan]: its open request if there is one, else a new draft. */
    fun choose(layanan: String): Job = scope.launch {
        val nip = _state.value.nip
        val offer = _state.value.offered.firstOrNull { it.id == layanan }
        if (offer == null) {
            val why = _state.value.notOffered.firstOrNull { it.id == layanan }?.reason
            _state.update { it.copy(error = why ?: Messages.text("layanan.inactive", lang)) }
            return@launch
        }
        val id = offer.openRequest ?: when (val r = repo.startForm(nip, layanan, emptyMap())) {
            is Outcome.Ok -> r.value
            is Outcome.Failed -> { _state.update { it.copy(error = r.problem.message(lang)) }; return@launch }
        }
        show(id)
    }

    /** Opens an existing request (from the list, or a notification). */
    fun open(id: String): Job = scope.launch { show(id) }

    private suspend fun show(id: String) {
        val u = when (val r = repo.request(id)) {
            is Outcome.Ok -> r.value
            is Outcome.Failed -> { _state.update { it.copy(error = r.problem.message(lang)) }; return }
        }
        val inputs = (repo.form(u.nip, u.layananId, u.id, lang) as? Outcome.Ok)?.value.orEmpty()
        val checklist = (repo.checklist(u.nip, u.layananId, u.answers, u.id) as? Outcome.Ok)?.value.orEmpty()
        val all = (repo.documents(u.nip) as? Outcome.Ok)?.value.orEmpty()
        val docs = all.filter { it.entity == "usulan" && it.rowId == u.id }
        val reusable = all.filter { !(it.entity == "usulan" && it.rowId == u.id) }.distinctBy { it.sha256 }
        val returned = u.decisions.filter { it.decision != "SETUJU" }.associate { it.field to (it.reason ?: "") }
        _state.update {
            it.copy(
                nip = u.nip, request = u, inputs = inputs, papers = papers(checklist, docs), fieldReasons = returned,
                history = u.history, missing = emptyList(), reusable = reusable, error = null,
            )
        }
    }

    private fun papers(checklist: List<ChecklistEntry>, docs: List<DocumentEntry>): List<PaperLine> = checklist.map { c ->
        val mine = docs.filter { it.idRefDokumen == c.id }
        val returned = mine.firstOrNull { it.decision == "DIKEMBALIKAN" || it.decision == "DITOLAK" }
        val state = when {
            c.status == "tidak_perlu" -> "not_needed"
            returned != null -> "returned"
            mine.isNotEmpty() && mine.all { it.decision == "DITERIMA" } -> "accepted"
            mine.isNotEmpty() && mine.all { it.upload == "uploaded" } -> "uploaded"
            mine.isNotEmpty() -> "captured"
            c.status == "lengkap" -> "uploaded"
            else -> "missing"
        }
        PaperLine(c.id, c.label, c.required, state, returned?.decisionReason, mine)
    }

    /** Saves one answer at once (the draft survives a killed app); core checks it and the
     *  message stands under its input. */
    fun change(name: String, value: String): Job = scope.launch {
        val u = _state.value.request ?: return@launch
        when (val r = repo.updateForm(u.id, mapOf(name to value))) {
            is Outcome.Ok -> {
                _state.update { it.copy(errors = it.errors - name) }
                show(u.id)
            }
            is Outcome.Failed -> _state.update {
                val own = r.problem.fields[name]?.let { code -> Messages.text(code, lang) } ?: r.problem.message(lang)
                it.copy(errors = it.errors + (name to own))
            }
        }
    }

    /** Codes of a reference table to pick from, by name or code. */
    suspend fun options(table: String, search: String): List<RefOption> =
        (repo.refOptions(table, search) as? Outcome.Ok)?.value.orEmpty()

    /** Checks a capture for checklist item [item] (readability, page by page) before it is
     *  saved: the verdict and its words show first; [capture] then saves it. */
    fun check(item: String, pages: List<CapturePage>): Job = scope.launch {
        when (val r = repo.checkCapture(pages)) {
            is Outcome.Ok -> _state.update {
                it.copy(
                    preview = PreviewOf(item, pages, r.value.verdict == "flagged",
                        r.value.problems.map { p -> if (lang == Lang.ID) p.messageId else p.messageEn },
                        r.value.width.toInt(), r.value.height.toInt()),
                    error = null,
                )
            }
            is Outcome.Failed -> _state.update { it.copy(preview = null, error = r.problem.message(lang)) }
        }
    }

    /** A capture from checklist item [item]: the pages (one PDF when several), typed by the
     *  item, attached to the request. A flagged capture is kept only when [keepAnyway]. */
    fun capture(item: String, pages: List<CapturePage>, keepAnyway: Boolean): Job = scope.launch {
        val u = _state.value.request ?: return@launch
        when (val r = repo.addDocument(u.nip, item, DocumentLink.Usulan(u.id), pages, keepAnyway)) {
            is Outcome.Ok -> {
                _state.update { it.copy(preview = null) }
                show(u.id)
            }
            is Outcome.Failed -> _state.update { it.copy(error = r.problem.message(lang)) }
        }
    }

    /** Attaches a document the record already holds to checklist item [item], no new capture:
     *  the same bytes, which need no second upload. */
    fun reuse(item: String, documentId: String): Job = scope.launch {
        val u = _state.value.request ?: return@launch
        when (val r = repo.reuseDocument(documentId, item, DocumentLink.Usulan(u.id))) {
            is Outcome.Ok -> show(u.id)
            is Outcome.Failed -> _state.update { it.copy(error = r.problem.message(lang)) }
        }
    }

    /** Submits (or resubmits a returned request); what is missing is listed, worded. */
    fun submit(): Job = scope.launch {
        val u = _state.value.request ?: return@launch
        when (val r = repo.submit(u.id)) {
            is Outcome.Ok -> show(u.id)
            is Outcome.Failed -> {
                val labels = _state.value.papers.associate { it.id to it.label }
                val missing = r.problem.fields.map { (field, code) ->
                    val what = labels[field.removePrefix("dokumen:")] ?: field.removePrefix("dokumen:")
                    "${Messages.text(code, lang)}: $what"
                }
                _state.update { it.copy(missing = missing, error = if (missing.isEmpty()) r.problem.message(lang) else null) }
            }
        }
    }
}
