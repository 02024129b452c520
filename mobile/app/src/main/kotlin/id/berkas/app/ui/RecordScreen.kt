package id.berkas.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateMapOf
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import id.berkas.app.R
import id.berkas.app.SyncWorker
import id.berkas.app.logic.ContactViewModel
import id.berkas.app.logic.Messages
import id.berkas.app.logic.RecordViewModel

/** Data utama and riwayat with completeness; the contact form for the ASN's own fields. */
@Composable
fun RecordScreen(nip: String, vm: RecordViewModel, contact: ContactViewModel, modifier: Modifier) {
    val state by vm.state.collectAsStateWithLifecycle()
    val form by contact.state.collectAsStateWithLifecycle()
    val context = LocalContext.current
    val edits = remember { mutableStateMapOf<String, String>() }
    LaunchedEffect(nip, form.saved) { vm.load(nip) }
    val record = state.record ?: return
    LazyColumn(modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        item {
            Text(record.nama, style = MaterialTheme.typography.titleLarge)
            Text(record.nip)
            Text(stringResource(R.string.record_completeness, record.completeness.toInt()))
            LinearProgressIndicator(progress = { record.completeness.toInt() / 100f }, modifier = Modifier.fillMaxWidth())
            if (state.missingLabels.isNotEmpty()) {
                Text(stringResource(R.string.record_missing) + ": " + state.missingLabels.joinToString(", "))
            }
            state.syncState?.takeIf { it != "synced" }?.let {
                Text(stringResource(R.string.record_sync_state, Messages.syncState(it, vm.lang)))
            }
            state.teguran.forEach { t ->
                Text(stringResource(R.string.record_teguran, t.tanggal, t.reason), color = MaterialTheme.colorScheme.error)
            }
        }
        items(record.dataUtama.filter { !it.editable }) { f -> Text("${f.label}: ${f.display}") }
        item { Text(stringResource(R.string.record_edit_contact), style = MaterialTheme.typography.titleMedium) }
        items(state.ownFields) { f ->
            Column {
                OutlinedTextField(
                    value = edits[f.name] ?: f.value,
                    onValueChange = { edits[f.name] = it },
                    label = { Text(f.label) },
                    isError = form.fieldErrors.containsKey(f.name),
                    modifier = Modifier.fillMaxWidth(),
                )
                form.fieldErrors[f.name]?.let { Text(it, color = MaterialTheme.colorScheme.error) }
            }
        }
        item {
            Button(onClick = {
                contact.save(nip, edits.toMap())
                SyncWorker.request(context)
            }, enabled = !form.saving) { Text(stringResource(R.string.save)) }
            if (form.saved != null) Text(stringResource(R.string.saved_waiting_sync))
            form.error?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        }
        record.riwayat.forEach { group ->
            item { Text(group.label, style = MaterialTheme.typography.titleMedium) }
            items(group.rows) { row ->
                Text(row.fields.filter { it.value.isNotEmpty() }.take(3).joinToString(" · ") { it.display })
            }
        }
    }
}
