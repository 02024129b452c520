package id.berkas.app.ui

import android.Manifest
import android.annotation.SuppressLint
import android.content.Context
import android.content.pm.PackageManager
import android.location.Location
import android.location.LocationManager
import android.os.Build
import android.os.CancellationSignal
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.core.content.ContextCompat
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import id.berkas.app.R
import id.berkas.app.logic.ActivityViewModel
import id.berkas.app.logic.PresenceViewModel
import id.berkas.core.LocationFix

/** One fix from the OS, taken when the ASN taps (never tracked between check-ins). */
@SuppressLint("MissingPermission")
private fun oneFix(context: Context, done: (LocationFix?) -> Unit) {
    val lm = context.getSystemService(LocationManager::class.java) ?: return done(null)
    val provider = listOf(LocationManager.GPS_PROVIDER, LocationManager.NETWORK_PROVIDER).firstOrNull { lm.isProviderEnabled(it) }
        ?: return done(null)
    val take = { l: Location? ->
        done(l?.let {
            val mock = if (Build.VERSION.SDK_INT >= 31) it.isMock else @Suppress("DEPRECATION") it.isFromMockProvider
            val gps = if (it.provider == LocationManager.GPS_PROVIDER) it.time else null
            LocationFix(it.latitude, it.longitude, it.accuracy.toDouble(), it.provider ?: provider, mock, System.currentTimeMillis(), gps)
        })
    }
    if (Build.VERSION.SDK_INT >= 30) {
        lm.getCurrentLocation(provider, CancellationSignal(), ContextCompat.getMainExecutor(context)) { take(it) }
    } else {
        // Every method spelled out: on Android 10 the listener's other methods have no defaults.
        val listener = object : android.location.LocationListener {
            override fun onLocationChanged(location: Location) = take(location)
            @Deprecated("Android 10 still calls it")
            override fun onStatusChanged(provider: String?, status: Int, extras: android.os.Bundle?) {}
            override fun onProviderEnabled(provider: String) {}
            override fun onProviderDisabled(provider: String) = take(null)
        }
        @Suppress("DEPRECATION")
        lm.requestSingleUpdate(provider, listener, context.mainLooper)
    }
}

/** "Hadir": report where you work from home at 07.30, 11.30 and 15.30 (offline too), leave
 *  home with a reason, set your work-from-home place; the day's activities for the atasan
 *  below. The decisions live in [PresenceViewModel] and [ActivityViewModel]. */
@Composable
fun PresenceScreen(nip: String, vm: PresenceViewModel, activity: ActivityViewModel, modifier: Modifier, activities: Boolean = true) {
    val context = LocalContext.current
    val state by vm.state.collectAsStateWithLifecycle()
    var alasan by remember { mutableStateOf("") }
    var alamat by remember { mutableStateOf("") }
    var pending by remember { mutableStateOf<((LocationFix) -> Unit)?>(null) }
    val noFix = stringResource(R.string.presence_no_fix)
    var problem by remember { mutableStateOf<String?>(null) }
    fun withFix(action: (LocationFix) -> Unit) {
        oneFix(context) { fix -> if (fix == null) problem = noFix else { problem = null; action(fix) } }
    }
    val permission = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted ->
        val action = pending
        pending = null
        if (granted && action != null) withFix(action) else if (!granted) problem = noFix
    }
    fun located(action: (LocationFix) -> Unit) {
        val granted = ContextCompat.checkSelfPermission(context, Manifest.permission.ACCESS_FINE_LOCATION) == PackageManager.PERMISSION_GRANTED
        if (granted) withFix(action) else { pending = action; permission.launch(Manifest.permission.ACCESS_FINE_LOCATION) }
    }
    LaunchedEffect(nip) { vm.load(nip) }
    // An atasan sees their direct reports' check-ins of the day (online; nothing shown offline).
    LaunchedEffect(state.today) { if (state.today.isNotEmpty()) vm.loadReports(state.today, quiet = true) }
    LazyColumn(modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        item {
            Text(state.today, style = MaterialTheme.typography.titleMedium)
            Text(state.nextReport?.let { stringResource(R.string.presence_next, it) } ?: stringResource(R.string.presence_none_left))
            Button(onClick = { located { vm.checkIn(nip, it) } }, modifier = Modifier.fillMaxWidth()) {
                Text(stringResource(R.string.presence_report))
            }
            state.notice?.let { Text(it) }
            (problem ?: state.error)?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        }
        items(state.checkIns) { c ->
            val head = (if (c.izinKeluar) stringResource(R.string.presence_out) else c.reportTime ?: "-") + " · " + c.takenAt
            Text(head, style = MaterialTheme.typography.labelLarge)
            vm.flagText(c).forEach { Text(it, color = MaterialTheme.colorScheme.error) }
            if (!c.sent) Text(stringResource(R.string.presence_waiting), style = MaterialTheme.typography.labelSmall)
        }
        item {
            OutlinedTextField(alasan, { alasan = it }, label = { Text(stringResource(R.string.presence_reason)) },
                modifier = Modifier.fillMaxWidth())
            Button(onClick = { located { vm.leaveHome(nip, it, alasan) }; alasan = "" }) {
                Text(stringResource(R.string.presence_leave))
            }
        }
        item {
            Text(stringResource(R.string.presence_place), style = MaterialTheme.typography.titleSmall)
            state.place?.let { p ->
                Text("%.5f, %.5f %s".format(p.lat, p.lon, p.alamat.orEmpty()))
                Text(p.confirmedBy?.let { stringResource(R.string.presence_confirmed, it) } ?: stringResource(R.string.presence_unconfirmed))
            }
            OutlinedTextField(alamat, { alamat = it }, label = { Text(stringResource(R.string.presence_address)) },
                modifier = Modifier.fillMaxWidth())
            Button(onClick = { located { vm.setPlace(nip, it, alamat) } }) { Text(stringResource(R.string.presence_set_place)) }
        }
        // Daily activities against SKP targets are an ASN's; a PPNPN reports presence only.
        if (activities) item { ActivitySection(nip, state.today, activity) }
        if (state.reports.isNotEmpty()) {
            item { Text(stringResource(R.string.presence_reports), style = MaterialTheme.typography.titleSmall) }
            items(state.reports) { r -> Text(vm.reportSummary(r)) }
        }
    }
}
