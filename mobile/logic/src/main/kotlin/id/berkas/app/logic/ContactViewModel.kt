package id.berkas.app.logic

import id.berkas.core.UsulanEntry
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch

/**
 * "Ubah data kontak": NIK, phone, personal and go.id e-mail, address, through the
 * `pemutakhiran_kontak` form, which applies at once and is queued for sync. Each bad value is
 * named under its own field, in the user's language, before anything is stored.
 */
class ContactViewModel(private val repo: BerkasRepository, private val scope: CoroutineScope, var lang: Lang = Lang.ID) {
    data class State(
        val saving: Boolean = false,
        val saved: UsulanEntry? = null,
        val fieldErrors: Map<String, String> = emptyMap(),
        val error: String? = null,
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state

    fun save(nip: String, values: Map<String, String>): Job = scope.launch {
        val changed = values.filterValues { it.isNotBlank() }
        if (changed.isEmpty()) {
            _state.value = State(error = Messages.text("usulan.empty", lang))
            return@launch
        }
        _state.value = State(saving = true)
        val id = when (val r = repo.startForm(nip, "pemutakhiran_kontak", changed)) {
            is Outcome.Ok -> r.value
            is Outcome.Failed -> {
                _state.value = failed(r.problem)
                return@launch
            }
        }
        _state.value = when (val r = repo.submit(id)) {
            is Outcome.Ok -> State(saved = r.value)
            is Outcome.Failed -> failed(r.problem)
        }
    }

    private fun failed(p: Problem) = State(
        fieldErrors = p.fields.mapValues { (_, code) -> Messages.text(code, lang) },
        error = if (p.fields.isEmpty()) p.message(lang) else null,
    )
}
