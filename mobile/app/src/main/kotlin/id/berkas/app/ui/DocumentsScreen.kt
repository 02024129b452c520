package id.berkas.app.ui

import android.net.Uri
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
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
import androidx.core.content.FileProvider
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import id.berkas.app.R
import id.berkas.app.SyncWorker
import id.berkas.app.logic.DocumentsViewModel
import id.berkas.core.CapturePage
import id.berkas.core.DocumentLink
import java.io.File

/**
 * Capture through the camera app at full resolution into a private cache file (CameraX's
 * ImageCapture, or ML Kit's document scanner where Google Play services exist, hand over JPEG
 * bytes the same way); the core orients, crops, downsizes and judges it, and the readability
 * message shows before the document is kept. The cache file is deleted once read.
 */
@Composable
fun DocumentsScreen(nip: String, vm: DocumentsViewModel, modifier: Modifier) {
    val state by vm.state.collectAsStateWithLifecycle()
    val context = LocalContext.current
    var pages by remember { mutableStateOf<List<CapturePage>>(emptyList()) }
    val shot = remember { File(context.cacheDir, "capture.jpg") }
    val uri: Uri = remember { FileProvider.getUriForFile(context, "${context.packageName}.capture", shot) }
    val camera = rememberLauncherForActivityResult(ActivityResultContracts.TakePicture()) { taken ->
        if (taken && shot.exists()) {
            pages = listOf(CapturePage(shot.readBytes(), null))
            shot.delete()
            vm.check(pages)
        }
    }
    LaunchedEffect(nip) { vm.load(nip) }
    LazyColumn(modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        item { Button(onClick = { camera.launch(uri) }) { Text(stringResource(R.string.documents_capture)) } }
        state.preview?.let { p ->
            item {
                state.warnings.forEach { Text(it, color = MaterialTheme.colorScheme.error) }
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    Button(onClick = {
                        vm.save(nip, "889", DocumentLink.DataUtama, pages, p.verdict == "flagged")
                        // Core holds a large document for Wi-Fi; the rest goes now.
                        SyncWorker.request(context)
                    }) {
                        Text(stringResource(if (p.verdict == "flagged") R.string.documents_keep_anyway else R.string.save))
                    }
                    OutlinedButton(onClick = { camera.launch(uri) }) { Text(stringResource(R.string.documents_retake)) }
                }
            }
        }
        state.error?.let { item { Text(it, color = MaterialTheme.colorScheme.error) } }
        items(state.documents) { d ->
            Text("${d.jenis ?: d.idRefDokumen} · ${d.mime} · ${d.size / 1024} KB" + (d.decision?.let { " · $it" } ?: ""))
            d.decisionReason?.let { Text(it, color = MaterialTheme.colorScheme.error) }
            // Held for Wi-Fi (a large document on mobile data): the ASN may send it now.
            if (d.upload == "pending" && d.size > 1_000_000uL) {
                OutlinedButton(onClick = { vm.sendNow(d.id); SyncWorker.request(context) }) { Text(stringResource(R.string.send_now)) }
            }
        }
    }
}
