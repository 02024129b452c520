package id.berkas.app.ui

import android.net.ConnectivityManager
import androidx.compose.ui.platform.LocalContext
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import id.berkas.app.R
import id.berkas.app.logic.SyncViewModel

/** Progress, cancel, and each refused change and conflict with the action to take. */
@Composable
fun SyncScreen(vm: SyncViewModel, modifier: Modifier) {
    val state by vm.state.collectAsStateWithLifecycle()
    LazyColumn(modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        item {
            if (state.running) {
                LinearProgressIndicator()
                Text("${state.phase ?: ""} · ${state.items} · ${state.bytes / 1024} KB")
                OutlinedButton(onClick = { vm.cancel() }) { Text(stringResource(R.string.sync_cancel)) }
            } else {
                val context = LocalContext.current
                Button(onClick = {
                    // The phone says which network: on mobile data large documents wait.
                    val cm = context.getSystemService(ConnectivityManager::class.java)
                    vm.sync(metered = cm?.isActiveNetworkMetered ?: true)
                }) { Text(stringResource(R.string.sync_now)) }
            }
            state.error?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        }
        if (state.problems.isNotEmpty()) item { Text(stringResource(R.string.sync_refused), style = MaterialTheme.typography.titleMedium) }
        items(state.problems) { p ->
            Text("${p.entity}: ${p.fields.joinToString()} — ${vm.reason(p)}")
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                OutlinedButton(onClick = { vm.retry(p.id) }) { Text(stringResource(R.string.sync_retry)) }
                OutlinedButton(onClick = { vm.discard(p.id) }) { Text(stringResource(R.string.sync_discard)) }
            }
        }
        if (state.conflicts.isNotEmpty()) item { Text(stringResource(R.string.sync_conflicts), style = MaterialTheme.typography.titleMedium) }
        items(state.conflicts) { c ->
            Text(c.field)
            Text(stringResource(R.string.sync_mine, c.mine))
            Text(stringResource(R.string.sync_theirs, c.theirs))
            OutlinedButton(onClick = { vm.dismiss(c.id) }) { Text(stringResource(R.string.sync_dismiss)) }
        }
    }
}
