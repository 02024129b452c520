package id.berkas.app.logic

import id.berkas.core.CancelHandle
import id.berkas.core.ConflictEntry
import id.berkas.core.OutboxEntry
import id.berkas.core.SyncListener
import id.berkas.core.SyncSummary
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch

/**
 * "Sinkronisasi": progress while it runs, a cancel that keeps what was done, and afterwards
 * each refused or wedged change with its reason and each conflict with both values, with the
 * actions to take (retry, discard, dismiss). The background worker calls [sync] too.
 */
class SyncViewModel(private val repo: BerkasRepository, private val scope: CoroutineScope, var lang: Lang = Lang.ID) {
    data class State(
        val running: Boolean = false,
        val phase: String? = null,
        val items: Long = 0,
        val bytes: Long = 0,
        val last: SyncSummary? = null,
        val problems: List<OutboxEntry> = emptyList(),
        val conflicts: List<ConflictEntry> = emptyList(),
        val error: String? = null,
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state
    @Volatile private var cancel: CancelHandle? = null

    private val listener = object : SyncListener {
        override fun onProgress(phase: String, items: ULong, bytes: ULong) {
            _state.value = _state.value.copy(phase = phase, items = items.toLong(), bytes = bytes.toLong())
        }
    }

    fun sync(handle: CancelHandle = CancelHandle()): Job = scope.launch {
        cancel = handle
        _state.value = _state.value.copy(running = true, error = null, phase = null, items = 0, bytes = 0)
        val r = repo.sync(listener, handle)
        cancel = null
        _state.value = when (r) {
            is Outcome.Ok -> _state.value.copy(running = false, last = r.value)
            is Outcome.Failed -> _state.value.copy(running = false, error = r.problem.message(lang))
        }
        refreshLists()
    }

    /** Stops a running sync; whole pages already applied and changes already sent are kept. */
    fun cancel() {
        cancel?.cancel()
    }

    suspend fun refreshLists() {
        val outbox = (repo.outbox() as? Outcome.Ok)?.value.orEmpty()
        val conflicts = (repo.conflicts() as? Outcome.Ok)?.value.orEmpty()
        _state.value = _state.value.copy(problems = outbox.filter { it.state == "refused" || it.state == "wedged" }, conflicts = conflicts)
    }

    /** The sentence for a refused change: the hub's code, worded. */
    fun reason(e: OutboxEntry): String = Messages.text(e.code ?: "sync.hub", lang)

    fun retry(id: String): Job = scope.launch { repo.retry(id); refreshLists() }
    fun discard(id: String): Job = scope.launch { repo.discard(id); refreshLists() }
    fun dismiss(id: Long): Job = scope.launch { repo.dismissConflict(id); refreshLists() }
}
