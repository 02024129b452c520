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
        /** The hub's answer to "lupa password" (the same whether the data matched or not). */
        val notice: String? = null,
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

    /** "Lupa password": NIP, date of birth and NIK; the helpdesk checks them and sends a code. */
    fun forgot(server: String, nip: String, born: String, nik: String): Job = scope.launch {
        val s = server.trim().trimEnd('/')
        _state.value = State(s, nip.trim(), busy = true)
        _state.value = when (val r = repo.forgotPassword(s, nip.trim(), born.trim(), nik.trim())) {
            is Outcome.Ok -> State(s, nip.trim(), notice = r.value)
            is Outcome.Failed -> State(s, nip.trim(), error = r.problem.message(lang))
        }
    }

    /** Signs in with the one-time code the ASN received, choosing their new password. */
    fun loginWithCode(server: String, user: String, code: String, newPassword: String): Job = scope.launch {
        val s = server.trim().trimEnd('/')
        _state.value = State(s, user.trim(), busy = true)
        _state.value = when (val r = repo.loginWithCode(s, user.trim(), code.trim(), newPassword)) {
            is Outcome.Ok -> State(s, user.trim(), role = r.value)
            is Outcome.Failed -> State(s, user.trim(), error = r.problem.message(lang))
        }
    }
}

