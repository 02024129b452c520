package id.berkas.app.logic

import id.berkas.core.ActivityEntry
import id.berkas.core.ReportDayEntry
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch

/**
 * "Aktivitas": the ASN records what they did against their SKP targets (offline too) and submits
 * the day to their atasan langsung; a returned day shows the atasan's reason. The same screen
 * holds the atasan's side when they have direct reports: the days waiting, approve, or return
 * with a reason (online: the hub knows who is whose atasan).
 */
class ActivityViewModel(private val repo: BerkasRepository, private val scope: CoroutineScope, var lang: Lang = Lang.ID) {
    data class State(
        val day: String = "",
        val activities: List<ActivityEntry> = emptyList(),
        /** As an atasan: the reports' submitted days waiting for a decision. */
        val waiting: List<ReportDayEntry> = emptyList(),
        val error: String? = null,
        val notice: String? = null,
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state

    private fun failed(r: Outcome.Failed) {
        _state.value = _state.value.copy(error = r.problem.message(lang), notice = null)
    }

    fun load(nip: String, day: String): Job = scope.launch {
        when (val r = repo.activities(nip, day)) {
            is Outcome.Ok -> _state.value = _state.value.copy(day = day, activities = r.value, error = null)
            is Outcome.Failed -> failed(r)
        }
    }

    /** Records an activity of the day shown; the minutes and quantity as typed (blank: none). */
    fun add(nip: String, rencana: String, uraian: String, output: String = "", kuantitas: String = "", satuan: String = "",
        menit: String = "", tambahan: Boolean = false): Job = scope.launch {
        val day = _state.value.day
        val r = repo.addActivity(nip, day, rencana, tambahan, uraian, output.ifBlank { null }, kuantitas.trim().toLongOrNull(),
            satuan.ifBlank { null }, menit.trim().toLongOrNull())
        when (r) {
            is Outcome.Ok -> load(nip, day).join()
            is Outcome.Failed -> failed(r)
        }
    }

    /** Submits the day shown to the atasan. */
    fun submit(nip: String): Job = scope.launch {
        when (val r = repo.submitActivities(nip, _state.value.day)) {
            is Outcome.Ok -> _state.value = _state.value.copy(activities = r.value, error = null,
                notice = if (lang == Lang.ID) "Diajukan ke atasan; terkirim saat sinkronisasi." else "Submitted to your atasan; sent at the next sync.")
            is Outcome.Failed -> failed(r)
        }
    }

    /** As an atasan: the reports' days waiting for a decision. */
    fun loadWaiting(): Job = scope.launch {
        when (val r = repo.reportDays(null)) {
            is Outcome.Ok -> _state.value = _state.value.copy(waiting = r.value, error = null)
            is Outcome.Failed -> failed(r)
        }
    }

    fun approve(nip: String, day: String): Job = decide(nip, day, true, null)

    /** Returns a report's day; the reason is what they read. */
    fun giveBack(nip: String, day: String, alasan: String): Job = decide(nip, day, false, alasan.trim().ifEmpty { null })

    private fun decide(nip: String, day: String, approve: Boolean, alasan: String?): Job = scope.launch {
        if (!approve && alasan == null) {
            _state.value = _state.value.copy(error = Messages.text("aktivitas.alasan", lang), notice = null)
            return@launch
        }
        when (val r = repo.decideReportDay(nip, day, approve, alasan)) {
            is Outcome.Ok -> {
                loadWaiting().join()
                _state.value = _state.value.copy(notice = statusText(r.value))
            }
            is Outcome.Failed -> failed(r)
        }
    }

    /** An activity's status in words. */
    fun statusText(status: String): String {
        val id = lang == Lang.ID
        return when (status) {
            "DRAFT" -> if (id) "Draf" else "Draft"
            "DIAJUKAN" -> if (id) "Diajukan ke atasan" else "Submitted to the atasan"
            "DISETUJUI" -> if (id) "Disetujui atasan" else "Approved by the atasan"
            "DIKEMBALIKAN" -> if (id) "Dikembalikan atasan" else "Returned by the atasan"
            else -> status
        }
    }
}
