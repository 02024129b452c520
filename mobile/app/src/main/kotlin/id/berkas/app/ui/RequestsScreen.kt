package id.berkas.app.ui

import android.os.Environment
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import id.berkas.app.R
import id.berkas.app.logic.RequestsViewModel
import java.io.File

/** The ASN's requests with their status and reasons, and the hub's signed receipt of one
 *  (new requests are made in the Layanan tab). */
@Composable
fun RequestsScreen(nip: String, vm: RequestsViewModel, modifier: Modifier) {
    val state by vm.state.collectAsStateWithLifecycle()
    val context = LocalContext.current
    LaunchedEffect(nip) { vm.load(nip) }
    LazyColumn(modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        state.current?.let { u ->
            item {
                Text(u.layananId, style = MaterialTheme.typography.titleMedium)
                Text(vm.statusText(u))
                if (state.reasons.isNotEmpty()) {
                    Text(stringResource(R.string.requests_reasons), style = MaterialTheme.typography.titleSmall)
                    state.reasons.forEach { Text(it) }
                }
                Text(stringResource(R.string.requests_checklist), style = MaterialTheme.typography.titleSmall)
            }
            items(state.checklist) { l -> Text("${if (l.status == "lengkap") "✓" else "•"} ${l.label} (${l.have}/${l.needed})") }
            item {
                state.missing.forEach { Text(it, color = MaterialTheme.colorScheme.error) }
                Button(onClick = { vm.submit(nip, u.id) }) { Text(stringResource(R.string.requests_submit)) }
                if (u.status != "DRAFT") {
                    // The server's signed receipt, kept in the app's documents folder to share.
                    Button(onClick = {
                        val dir = context.getExternalFilesDir(Environment.DIRECTORY_DOCUMENTS) ?: context.filesDir
                        vm.receipt(u.id, File(dir, "tanda-terima-${u.id}.pdf"))
                    }) { Text(stringResource(R.string.requests_receipt)) }
                }
                state.receipt?.let { Text(stringResource(R.string.requests_receipt_saved, it.code)) }
                if (vm.canRate()) {
                    Text(stringResource(R.string.helpdesk_rate))
                    (1..5).forEach { n -> Button(onClick = { vm.rate(nip, u.id, n, null) }) { Text("$n") } }
                }
                state.rating?.let { Text(stringResource(R.string.helpdesk_rated, it.toInt())) }
                state.error?.let { Text(it, color = MaterialTheme.colorScheme.error) }
            }
        }
        items(state.requests) { u -> Text("${u.layananId} · ${vm.statusText(u)}") }
    }
}
