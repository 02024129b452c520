package id.berkas.app.ui

import android.net.Uri
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Button
import androidx.compose.material3.Checkbox
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.core.content.FileProvider
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import id.berkas.app.R
import id.berkas.app.SyncWorker
import id.berkas.app.logic.LayananViewModel
import id.berkas.app.logic.Messages
import id.berkas.app.logic.PageCrop
import id.berkas.core.CapturePage
import id.berkas.core.FormInputEntry
import id.berkas.core.RefOption
import kotlinx.coroutines.launch
import java.io.File

/**
 * "Layanan": the picker (what applies to this ASN; the rest with why not), then the open
 * request: its form built from the layanan's fields (typed inputs, a code picked by name, each
 * saved at once and checked by core, the message under its input), the checklist with each
 * paper's state and a capture typed by its item (several pages make one PDF), the facilitator's
 * reasons where they stand, the history, and submit. Everything works offline.
 */
@Composable
fun LayananScreen(nip: String, vm: LayananViewModel, openRequest: String?, modifier: Modifier) {
    val state by vm.state.collectAsStateWithLifecycle()
    val context = LocalContext.current
    var item by remember { mutableStateOf<String?>(null) }
    var pages by remember { mutableStateOf<List<CapturePage>>(emptyList()) }
    // The photo just taken, its corners being dragged into place.
    var shot0 by remember { mutableStateOf<ByteArray?>(null) }
    var crop by remember { mutableStateOf<PageCrop?>(null) }
    val shot = remember { File(context.cacheDir, "capture.jpg") }
    val uri: Uri = remember { FileProvider.getUriForFile(context, "${context.packageName}.capture", shot) }
    val camera = rememberLauncherForActivityResult(ActivityResultContracts.TakePicture()) { taken ->
        if (taken && shot.exists()) {
            val bytes = shot.readBytes()
            shot.delete()
            uprightSize(bytes)?.let { (w, h) ->
                shot0 = bytes
                crop = PageCrop(w, h)
            }
        }
    }
    LaunchedEffect(nip) { vm.load(nip) }
    LaunchedEffect(openRequest) { openRequest?.let { vm.open(it) } }
    LazyColumn(modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        val u = state.request
        if (u == null) {
            item { Text(stringResource(R.string.layanan_pick), style = MaterialTheme.typography.titleMedium) }
            items(state.offered) { o ->
                Text(o.nama + if (o.openRequest != null) " · " + stringResource(R.string.layanan_continue) else "",
                    Modifier.fillMaxWidth().clickable { vm.choose(o.id) }.padding(vertical = 8.dp))
            }
            if (state.notOffered.isNotEmpty()) {
                item { Text(stringResource(R.string.layanan_not_for_you), style = MaterialTheme.typography.titleSmall) }
                items(state.notOffered) { o -> Text("${o.nama}: ${o.reason.orEmpty()}", color = MaterialTheme.colorScheme.outline) }
            }
        } else {
            item {
                Text(state.offered.plus(state.notOffered).firstOrNull { it.id == u.layananId }?.nama ?: u.layananId,
                    style = MaterialTheme.typography.titleMedium)
                Text(Messages.status(u.status, vm.lang) + if (u.queued) " · " + stringResource(R.string.waiting_sync) else "")
            }
            items(state.inputs) { input ->
                Input(input, state.errors[input.name], state.fieldReasons[input.name], vm) { v -> vm.change(input.name, v) }
            }
            item { Text(stringResource(R.string.requests_checklist), style = MaterialTheme.typography.titleSmall) }
            items(state.papers) { p ->
                Text("${p.label} · ${paperState(p.state)}")
                p.reason?.let { Text(it, color = MaterialTheme.colorScheme.error) }
                if (p.state == "missing" || p.state == "returned") {
                    OutlinedButton(onClick = { item = p.id; pages = emptyList(); camera.launch(uri) }) {
                        Text(stringResource(R.string.documents_capture))
                    }
                }
                if (item == p.id) {
                    val bytes = shot0
                    val c = crop
                    if (bytes != null && c != null) {
                        CropEditor(bytes, c) {}
                        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                            OutlinedButton(onClick = { c.reset() }) { Text(stringResource(R.string.crop_reset)) }
                            Button(onClick = {
                                pages = pages + c.page(bytes)
                                shot0 = null
                                crop = null
                                vm.check(p.id, pages)
                            }) { Text(stringResource(R.string.crop_use)) }
                        }
                    }
                    state.preview?.takeIf { it.item == p.id && shot0 == null }?.let { preview ->
                        Text(stringResource(R.string.layanan_pages, preview.pages.size))
                        preview.warnings.forEach { Text(it, color = MaterialTheme.colorScheme.error) }
                        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                            OutlinedButton(onClick = { camera.launch(uri) }) { Text(stringResource(R.string.layanan_add_page)) }
                            Button(onClick = {
                                vm.capture(p.id, preview.pages, keepAnyway = preview.flagged)
                                pages = emptyList()
                                item = null
                                SyncWorker.request(context)
                            }) { Text(stringResource(if (preview.flagged) R.string.documents_keep_anyway else R.string.save)) }
                        }
                    }
                }
                if (p.state == "missing" || p.state == "returned") {
                    // A document the record already holds, reused without a new photo.
                    state.reusable.sortedBy { if (it.idRefDokumen == p.id) 0 else 1 }.take(3).forEach { d ->
                        OutlinedButton(onClick = { vm.reuse(p.id, d.id) }) {
                            Text(stringResource(R.string.layanan_reuse, d.jenis ?: d.idRefDokumen))
                        }
                    }
                }
            }
            item {
                state.missing.forEach { Text(it, color = MaterialTheme.colorScheme.error) }
                state.error?.let { Text(it, color = MaterialTheme.colorScheme.error) }
                if (u.status == "DRAFT" || u.status == "RETURNED") {
                    Button(onClick = { vm.submit(); SyncWorker.request(context) }) { Text(stringResource(R.string.requests_submit)) }
                }
                Text(stringResource(R.string.layanan_history), style = MaterialTheme.typography.titleSmall)
                state.history.forEach { h -> Text("${h.at.take(10)} · ${Messages.status(h.status, vm.lang)} · ${h.by}" + (h.reason?.let { " · $it" } ?: "")) }
            }
        }
    }
}

@Composable
private fun paperState(state: String): String = stringResource(
    when (state) {
        "missing" -> R.string.paper_missing
        "captured" -> R.string.paper_captured
        "uploaded" -> R.string.paper_uploaded
        "accepted" -> R.string.paper_accepted
        "returned" -> R.string.paper_returned
        else -> R.string.paper_not_needed
    },
)

/** One input by its kind; a code is picked from its table by name. */
@Composable
private fun Input(input: FormInputEntry, error: String?, returned: String?, vm: LayananViewModel, save: (String) -> Unit) {
    var text by remember(input.name, input.value) { mutableStateOf(input.value) }
    val scope = rememberCoroutineScope()
    var options by remember { mutableStateOf<List<RefOption>>(emptyList()) }
    val label = input.label + if (input.required) " *" else ""
    when (input.kind) {
        "bool" -> Row {
            Checkbox(checked = text == "true", onCheckedChange = { text = it.toString(); save(text) })
            Text(label)
        }
        "code" -> {
            OutlinedTextField(if (text == input.value) input.display else text, { t ->
                text = t
                scope.launch { options = vm.options(input.refTable.orEmpty(), t) }
            }, label = { Text(label) }, singleLine = true, modifier = Modifier.fillMaxWidth())
            options.take(8).forEach { o ->
                Text(o.name, Modifier.fillMaxWidth().clickable { text = o.code; options = emptyList(); save(o.code) }.padding(8.dp))
            }
        }
        else -> OutlinedTextField(
            text, { text = it }, label = { Text(label) }, singleLine = true,
            modifier = Modifier.fillMaxWidth(),
            keyboardOptions = KeyboardOptions(keyboardType = when (input.kind) {
                "int", "nik" -> KeyboardType.Number
                "phone" -> KeyboardType.Phone
                "email" -> KeyboardType.Email
                else -> KeyboardType.Text
            }),
            supportingText = { Text(if (input.kind == "date") "TTTT-BB-HH" else if (input.kind == "month") "TTTT-BB" else "") },
        )
    }
    if (input.kind != "bool" && input.kind != "code" && text != input.value) {
        OutlinedButton(onClick = { save(text) }) { Text(stringResource(R.string.save)) }
    }
    error?.let { Text(it, color = MaterialTheme.colorScheme.error) }
    returned?.let { Text(stringResource(R.string.layanan_returned_reason, it), color = MaterialTheme.colorScheme.error) }
}
