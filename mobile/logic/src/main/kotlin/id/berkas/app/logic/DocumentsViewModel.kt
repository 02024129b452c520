package id.berkas.app.logic

import id.berkas.core.CapturePage
import id.berkas.core.CaptureResult
import id.berkas.core.DocumentEntry
import id.berkas.core.DocumentLink
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch

/**
 * "Dokumen": the camera hands over JPEG pages (and the page corners when it found them); the
 * capture is checked first, so the readability message shows before "Simpan"; a flagged capture
 * is stored only when the ASN keeps it on purpose.
 */
class DocumentsViewModel(private val repo: BerkasRepository, private val scope: CoroutineScope, var lang: Lang = Lang.ID) {
    data class State(
        val documents: List<DocumentEntry> = emptyList(),
        val preview: CaptureResult? = null,
        /** One sentence per readability problem, in the user's language. */
        val warnings: List<String> = emptyList(),
        val saved: DocumentEntry? = null,
        val error: String? = null,
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state

    fun load(nip: String): Job = scope.launch {
        _state.value = when (val r = repo.documents(nip)) {
            is Outcome.Ok -> _state.value.copy(documents = r.value, error = null)
            is Outcome.Failed -> _state.value.copy(error = r.problem.message(lang))
        }
    }

    fun check(pages: List<CapturePage>): Job = scope.launch {
        _state.value = when (val r = repo.checkCapture(pages)) {
            is Outcome.Ok -> _state.value.copy(
                preview = r.value,
                warnings = r.value.problems.map { if (lang == Lang.ID) it.messageId else it.messageEn },
                error = null,
            )
            is Outcome.Failed -> _state.value.copy(preview = null, warnings = emptyList(), error = r.problem.message(lang))
        }
    }

    /** "Kirim sekarang": a large document held for Wi-Fi goes at the next sync on any network. */
    fun sendNow(documentId: String): Job = scope.launch { repo.sendNow(documentId) }

    fun save(nip: String, type: String, link: DocumentLink, pages: List<CapturePage>, keepAnyway: Boolean): Job =
        scope.launch {
            _state.value = when (val r = repo.addDocument(nip, type, link, pages, keepAnyway)) {
                is Outcome.Ok -> _state.value.copy(saved = r.value, error = null)
                is Outcome.Failed -> _state.value.copy(saved = null, error = r.problem.message(lang))
            }
            load(nip).join()
        }
}
