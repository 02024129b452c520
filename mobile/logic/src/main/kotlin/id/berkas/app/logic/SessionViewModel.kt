package id.berkas.app.logic

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/** What the app shows first. */
sealed interface Screen {
    /** No session on this device: the first launch, after signing out, or the hub ended it. */
    data object SignIn : Screen
    /** The ASN's own record ([nip]), or, for a facilitator without one, the list. */
    data class Home(val nip: String?) : Screen
}

/**
 * The app at launch, with no network: it opens on the records of the session the profile kept
 * (tokens in the Keystore-backed store) and asks to sign in only when there is none. Expired
 * tokens are refreshed at the next sync, not here. The language chosen in the app is kept in
 * the profile, apart from the system's.
 */
class SessionViewModel(
    private val repo: BerkasRepository,
    private val scope: CoroutineScope,
    private val systemLang: Lang = Lang.ID,
) {
    data class State(
        val screen: Screen? = null,
        val lang: Lang = Lang.ID,
        val username: String? = null,
        /** The account's role: `personal`, `fasilitator`, `admin` or `ppnpn` (presence only). */
        val role: String? = null,
        val lastSync: String? = null,
        /** Set when signing out would lose changes not yet sent: the count, worded. */
        val signOutWarning: String? = null,
        val error: String? = null,
    ) {
        /** Non-ASN staff (PPNPN): the app offers their presence and the sync, nothing else. */
        val presenceOnly: Boolean get() = role == "ppnpn"
    }

    private val _state = MutableStateFlow(State(lang = systemLang))
    val state: StateFlow<State> = _state

    /** Decides the first screen from the profile alone. */
    fun start(): Job = scope.launch { refresh() }

    private suspend fun refresh() {
        if (!repo.hasProfile()) {
            _state.update { it.copy(screen = Screen.SignIn, lang = systemLang) }
            return
        }
        val lang = ((repo.language() as? Outcome.Ok)?.value)?.let { if (it == "en") Lang.EN else Lang.ID } ?: systemLang
        when (val s = repo.session()) {
            is Outcome.Ok -> _state.update {
                it.copy(
                    screen = if (s.value.signedIn) Screen.Home(s.value.ownNip) else Screen.SignIn,
                    lang = lang,
                    username = s.value.username,
                    role = s.value.role,
                    lastSync = s.value.lastSync,
                    error = null,
                )
            }
            is Outcome.Failed -> _state.update { it.copy(screen = Screen.SignIn, lang = lang, error = s.problem.message(lang)) }
        }
    }

    /** After a sign-in, or a sync that ended the session ("sync.session_ended"). */
    fun recheck(): Job = scope.launch { refresh() }

    fun setLanguage(lang: Lang): Job = scope.launch {
        repo.setLanguage(lang)
        _state.update { it.copy(lang = lang) }
    }

    /**
     * Signs out. While changes wait to be sent it only warns (the count, worded), unless
     * [anyway]: the ASN may sync first.
     */
    fun signOut(anyway: Boolean = false): Job = scope.launch {
        val waiting = ((repo.session() as? Outcome.Ok)?.value?.outbox ?: 0uL).toLong()
        val lang = _state.value.lang
        if (waiting > 0 && !anyway) {
            val words = if (lang == Lang.ID) "$waiting perubahan belum terkirim ke server. Sinkronkan dulu, atau keluar dan perubahan itu menunggu sampai Anda masuk lagi dengan akun yang sama."
            else "$waiting change(s) have not reached the server. Sync first, or sign out and they wait until you sign in again with the same account."
            _state.update { it.copy(signOutWarning = words) }
            return@launch
        }
        repo.logout()
        _state.update { it.copy(signOutWarning = null) }
        refresh()
    }
}
