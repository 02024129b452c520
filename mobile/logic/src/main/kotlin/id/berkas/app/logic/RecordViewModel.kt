package id.berkas.app.logic

import id.berkas.core.RecordView
import id.berkas.core.TeguranEntry
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/** "Data saya": data utama and riwayat with completeness and what is missing. */
class RecordViewModel(private val repo: BerkasRepository, private val scope: CoroutineScope, var lang: Lang = Lang.ID) {
    data class State(
        val loading: Boolean = false,
        val record: RecordView? = null,
        /** `synced`, `pending`, `refused`, `conflict` ... for the banner under the name. */
        val syncState: String? = null,
        /** Written warnings on the record (a document found not authentic), shown to its owner. */
        val teguran: List<TeguranEntry> = emptyList(),
        val error: String? = null,
    ) {
        /** Fields the signed-in ASN may change directly (core's authorization, as the server
         *  judges it: contact data); the rest needs a correction request. */
        val ownFields get() = record?.dataUtama?.filter { it.editable }.orEmpty()
        val missingLabels get() = record?.missing?.map { it.label }.orEmpty()
    }

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state

    fun load(nip: String): Job = scope.launch {
        _state.update { it.copy(loading = true, error = null) }
        val next = when (val r = repo.record(nip, lang)) {
            is Outcome.Ok -> {
                val sync = (repo.syncState(nip) as? Outcome.Ok)?.value
                val teguran = (repo.teguran(nip) as? Outcome.Ok)?.value.orEmpty()
                State(record = r.value, syncState = sync, teguran = teguran)
            }
            is Outcome.Failed -> State(error = r.problem.message(lang))
        }
        _state.update { next }
    }
}
