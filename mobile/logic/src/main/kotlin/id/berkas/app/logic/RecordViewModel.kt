package id.berkas.app.logic

import id.berkas.core.RecordView
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch

/** "Data saya": data utama and riwayat with completeness and what is missing. */
class RecordViewModel(private val repo: BerkasRepository, private val scope: CoroutineScope, var lang: Lang = Lang.ID) {
    data class State(
        val loading: Boolean = false,
        val record: RecordView? = null,
        /** `synced`, `pending`, `refused`, `conflict` ... for the banner under the name. */
        val syncState: String? = null,
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
        _state.value = _state.value.copy(loading = true, error = null)
        _state.value = when (val r = repo.record(nip, lang)) {
            is Outcome.Ok -> {
                val sync = (repo.syncState(nip) as? Outcome.Ok)?.value
                State(record = r.value, syncState = sync)
            }
            is Outcome.Failed -> State(error = r.problem.message(lang))
        }
    }
}
