package id.berkas.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material3.Button
import androidx.compose.material3.Checkbox
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
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import id.berkas.app.R
import id.berkas.app.logic.ActivityViewModel

/** The day's activities against SKP targets (offline too), submitted to the atasan; and, for an
 *  atasan, the reports' days waiting: approve, or return with a reason. Decisions live in
 *  [ActivityViewModel]. */
@Composable
fun ActivitySection(nip: String, today: String, vm: ActivityViewModel) {
    val state by vm.state.collectAsStateWithLifecycle()
    var rencana by remember { mutableStateOf("") }
    var uraian by remember { mutableStateOf("") }
    var menit by remember { mutableStateOf("") }
    var tambahan by remember { mutableStateOf(false) }
    var reason by remember { mutableStateOf("") }
    LaunchedEffect(nip, today) {
        if (today.isNotEmpty()) vm.load(nip, today)
        vm.loadWaiting()
    }
    Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
        Text(stringResource(R.string.activity_title, state.day), style = MaterialTheme.typography.titleSmall)
        state.activities.forEach { a ->
            Text("${a.uraian} · ${a.menit ?: "-"} mnt · ${vm.statusText(a.status)}")
            a.alasan?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        }
        OutlinedTextField(rencana, { rencana = it }, label = { Text(stringResource(R.string.activity_target)) }, modifier = Modifier.fillMaxWidth())
        OutlinedTextField(uraian, { uraian = it }, label = { Text(stringResource(R.string.activity_what)) }, modifier = Modifier.fillMaxWidth())
        OutlinedTextField(menit, { menit = it }, label = { Text(stringResource(R.string.activity_minutes)) }, singleLine = true)
        Row { Checkbox(tambahan, { tambahan = it }); Text(stringResource(R.string.activity_extra)) }
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Button(onClick = { vm.add(nip, rencana, uraian, menit = menit, tambahan = tambahan); uraian = ""; menit = "" }) {
                Text(stringResource(R.string.activity_add))
            }
            Button(onClick = { vm.submit(nip) }, enabled = state.activities.any { it.status == "DRAFT" || it.status == "DIKEMBALIKAN" }) {
                Text(stringResource(R.string.activity_submit))
            }
        }
        state.notice?.let { Text(it) }
        state.error?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        if (state.waiting.isNotEmpty()) {
            Text(stringResource(R.string.activity_reports), style = MaterialTheme.typography.titleSmall)
            OutlinedTextField(reason, { reason = it }, label = { Text(stringResource(R.string.activity_reason)) }, modifier = Modifier.fillMaxWidth())
            state.waiting.forEach { d ->
                Text("${d.nama} · ${d.tanggal}", style = MaterialTheme.typography.labelLarge)
                d.activities.forEach { a -> Text("• ${a.uraian} (${a.menit ?: "-"} mnt)") }
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    Button(onClick = { vm.approve(d.nip, d.tanggal) }) { Text(stringResource(R.string.activity_approve)) }
                    Button(onClick = { vm.giveBack(d.nip, d.tanggal, reason) }) { Text(stringResource(R.string.activity_return)) }
                }
            }
        }
    }
}
