package id.berkas.app.ui

import androidx.compose.foundation.clickable
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
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import id.berkas.app.R
import id.berkas.app.logic.HelpdeskViewModel

/** "Bantuan": ask the helpdesk (offline too), follow the answer and its 2x24 h clock, reply,
 *  close, rate once. The decisions live in [HelpdeskViewModel]. */
@Composable
fun HelpdeskScreen(nip: String, vm: HelpdeskViewModel, modifier: Modifier) {
    val state by vm.state.collectAsStateWithLifecycle()
    var kategori by remember { mutableStateOf("DATA_TIDAK_SESUAI") }
    var judul by remember { mutableStateOf("") }
    var isi by remember { mutableStateOf("") }
    var reply by remember { mutableStateOf("") }
    LaunchedEffect(nip) { vm.load(nip) }
    LazyColumn(modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        state.current?.let { t ->
            item {
                Text("${t.nomor} · ${t.judul}", style = MaterialTheme.typography.titleMedium)
                Text("${t.kategoriLabel} · ${vm.clockText(t)}")
            }
            items(t.steps) { s ->
                val who = stringResource(if (s.peran == "PEMOHON") R.string.helpdesk_you else R.string.helpdesk_officer)
                Text("$who · ${s.at.orEmpty()}", style = MaterialTheme.typography.labelSmall)
                s.isi?.let { Text(it) }
            }
            item {
                if (t.status != "DITUTUP") {
                    OutlinedTextField(reply, { reply = it }, label = { Text(stringResource(R.string.helpdesk_reply)) },
                        modifier = Modifier.fillMaxWidth())
                    Button(onClick = { vm.reply(t.id, reply); reply = "" }, enabled = reply.isNotBlank()) {
                        Text(stringResource(R.string.helpdesk_send))
                    }
                    Button(onClick = { vm.close(t.id) }) { Text(stringResource(R.string.helpdesk_close)) }
                }
                if ((t.status == "SELESAI" || t.status == "DITUTUP") && t.rating == null) {
                    Text(stringResource(R.string.helpdesk_rate))
                    (1..5).forEach { n -> Button(onClick = { vm.rate(t.id, n, null) }) { Text("$n") } }
                }
                t.rating?.let { Text(stringResource(R.string.helpdesk_rated, it.toInt())) }
            }
        }
        item {
            Text(stringResource(R.string.helpdesk_new), style = MaterialTheme.typography.titleSmall)
            state.categories.forEach { k ->
                Text((if (k.id == kategori) "● " else "○ ") + k.label, Modifier.clickable { kategori = k.id })
            }
            OutlinedTextField(judul, { judul = it }, label = { Text(stringResource(R.string.helpdesk_title)) },
                singleLine = true, modifier = Modifier.fillMaxWidth())
            OutlinedTextField(isi, { isi = it }, label = { Text(stringResource(R.string.helpdesk_question)) },
                modifier = Modifier.fillMaxWidth())
            Button(onClick = { vm.ask(nip, kategori, judul, isi); judul = ""; isi = "" }) {
                Text(stringResource(R.string.helpdesk_ask))
            }
            state.error?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        }
        items(state.tickets) { t ->
            Text("${t.nomor} · ${t.judul} · ${vm.clockText(t)}", Modifier.clickable { vm.open(t.id) })
        }
    }
}
