package id.berkas.app.logic

import id.berkas.core.CheckInEntry
import id.berkas.core.LocationFix
import id.berkas.core.ReportPresenceEntry
import id.berkas.core.WfhPlace
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch

/**
 * "Kehadiran": the ASN working from home reports where they are at each report time (one fix
 * from the phone's location, offline too: sent at the next sync), leaves home with a reason
 * (izin keluar, told to the atasan), and sets their work-from-home place once. The screen shows
 * today's check-ins with the report time each answers and its flags in words; the app asks the
 * OS for one fix when the ASN taps, never tracks between check-ins. An atasan also sees their
 * direct reports' check-ins of the day (online: the hub knows who reports to whom, and audits
 * each read), with an izin keluar's reason.
 */
class PresenceViewModel(private val repo: BerkasRepository, private val scope: CoroutineScope, var lang: Lang = Lang.ID) {
    data class State(
        /** Today in the instansi's zone (`YYYY-MM-DD`). */
        val today: String = "",
        /** The next report time (`11:30`), or null after the last one and on days off. */
        val nextReport: String? = null,
        val checkIns: List<CheckInEntry> = emptyList(),
        val place: WfhPlace? = null,
        /** As an atasan: the direct reports' check-ins of the day shown. */
        val reports: List<ReportPresenceEntry> = emptyList(),
        val error: String? = null,
        val notice: String? = null,
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state

    private fun failed(r: Outcome.Failed) {
        _state.value = _state.value.copy(error = r.problem.message(lang), notice = null)
    }

    /** Today's header, check-ins and place; [date] overrides the day shown. */
    fun load(nip: String, date: String? = null): Job = scope.launch {
        val header = (repo.presenceToday() as? Outcome.Ok)?.value.orEmpty()
        val day = date ?: header.firstOrNull().orEmpty()
        val place = (repo.wfhPlace(nip) as? Outcome.Ok)?.value
        when (val r = repo.checkIns(nip, day)) {
            is Outcome.Ok -> _state.value = _state.value.copy(
                today = day,
                nextReport = header.getOrNull(1),
                checkIns = r.value,
                place = place,
                error = null,
            )
            is Outcome.Failed -> failed(r)
        }
    }

    /**
     * As an atasan: the direct reports' check-ins of [date] (today when null). [quiet] when the
     * screen asks on its own: offline, or an account with no record, shows no reports and no error.
     */
    fun loadReports(date: String? = null, quiet: Boolean = false): Job = scope.launch {
        val day = date ?: _state.value.today.ifEmpty { (repo.presenceToday() as? Outcome.Ok)?.value?.firstOrNull().orEmpty() }
        when (val r = repo.reportPresence(day)) {
            is Outcome.Ok -> _state.value = _state.value.copy(reports = r.value, error = null)
            is Outcome.Failed -> if (quiet) _state.value = _state.value.copy(reports = emptyList()) else failed(r)
        }
    }

    /** A report's line: how many check-ins, and who left home and why. */
    fun reportSummary(r: ReportPresenceEntry): String {
        val id = lang == Lang.ID
        if (r.checkIns.isEmpty()) return if (id) "${r.nama}: belum melapor" else "${r.nama}: no check-in yet"
        val times = r.checkIns.joinToString(", ") { c -> (c.reportTime ?: "-") + if (c.izinKeluar) (if (id) " izin keluar: " else " out: ") + (c.alasan ?: "") else "" }
        return "${r.nama}: $times"
    }

    /** Reports [fix] as the ASN's whereabouts now; [date] is the day to list afterwards. */
    fun checkIn(nip: String, fix: LocationFix, date: String? = null): Job = report(nip, fix, false, null, date)

    /** Leaving home for food, health or safety: a check-in with its reason. */
    fun leaveHome(nip: String, fix: LocationFix, alasan: String, date: String? = null): Job =
        report(nip, fix, true, alasan.trim().ifEmpty { null }, date)

    private fun report(nip: String, fix: LocationFix, out: Boolean, alasan: String?, date: String?): Job = scope.launch {
        when (val r = repo.checkIn(nip, fix, out, alasan)) {
            is Outcome.Ok -> {
                load(nip, date ?: _state.value.today.ifEmpty { null }).join()
                _state.value = _state.value.copy(notice = reportNotice(r.value))
            }
            is Outcome.Failed -> failed(r)
        }
    }

    /** Sets the work-from-home place at [fix]; the facilitator confirms it after the sync. */
    fun setPlace(nip: String, fix: LocationFix, alamat: String?): Job = scope.launch {
        when (val r = repo.setWfhPlace(nip, fix.lat, fix.lon, alamat?.trim()?.ifEmpty { null })) {
            is Outcome.Ok -> load(nip, _state.value.today.ifEmpty { null }).join()
            is Outcome.Failed -> failed(r)
        }
    }

    /** What the ASN reads after reporting: which report time it answers, and any flag. */
    fun reportNotice(c: CheckInEntry): String {
        val id = lang == Lang.ID
        val time = c.reportTime
        val head = when {
            c.izinKeluar -> if (id) "Izin keluar dicatat" else "Leave of absence recorded"
            time != null -> if (id) "Laporan jam $time dicatat" else "Report for $time recorded"
            else -> if (id) "Lokasi dicatat di luar jam lapor" else "Location recorded outside the report times"
        }
        val flags = c.flags.filter { it != "terlambat_sinkron" }.map { Messages.presenceFlag(it, lang) }
        val tail = if (c.sent) "" else if (id) " (dikirim saat sinkronisasi)" else " (sent at the next sync)"
        return (listOf(head) + flags).joinToString("; ") + tail
    }

    /** A check-in's flags in words. */
    fun flagText(c: CheckInEntry): List<String> = c.flags.map { Messages.presenceFlag(it, lang) }
}
