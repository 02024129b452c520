package id.berkas.app.logic

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch

/** Server setup and sign-in. The password is never kept: it goes to the core once. */
class LoginViewModel(private val repo: BerkasRepository, private val scope: CoroutineScope, var lang: Lang = Lang.ID) {
    data class State(
        val server: String = "",
        val user: String = "",
        val busy: Boolean = false,
        val role: String? = null,
        val error: String? = null,
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state

    /** Checks the form before anything goes out: a server address and a user are needed. */
    fun login(server: String, user: String, password: String): Job = scope.launch {
        val s = server.trim().trimEnd('/')
        val u = user.trim()
        if (!(s.startsWith("https://") || s.startsWith("http://")) || u.isEmpty() || password.isEmpty()) {
            val msg = if (lang == Lang.ID) "Isi alamat server (https://...), NIP dan kata sandi." else
                "Fill in the server address (https://...), NIP and password."
            _state.value = State(s, u, error = msg)
            return@launch
        }
        _state.value = State(s, u, busy = true)
        _state.value = when (val r = repo.login(s, u, password)) {
            is Outcome.Ok -> State(s, u, role = r.value)
            is Outcome.Failed -> State(s, u, error = r.problem.message(lang))
        }
    }
}
