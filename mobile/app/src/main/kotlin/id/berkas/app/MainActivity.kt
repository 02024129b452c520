package id.berkas.app

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.foundation.layout.padding
import androidx.compose.ui.res.stringResource
import id.berkas.app.logic.ContactViewModel
import id.berkas.app.logic.DocumentsViewModel
import id.berkas.app.logic.Lang
import id.berkas.app.logic.LoginViewModel
import id.berkas.app.logic.RecordViewModel
import id.berkas.app.logic.RequestsViewModel
import id.berkas.app.logic.SyncViewModel
import id.berkas.app.ui.DocumentsScreen
import id.berkas.app.ui.LoginScreen
import id.berkas.app.ui.RecordScreen
import id.berkas.app.ui.RequestsScreen
import id.berkas.app.ui.SyncScreen
import java.util.Locale

class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val repo = (application as BerkasApp).repository
        val lang = if (Locale.getDefault().language == "en") Lang.EN else Lang.ID
        setContent {
            MaterialTheme {
                val scope = rememberCoroutineScope()
                var nip by remember { mutableStateOf<String?>(null) }
                val login = remember { LoginViewModel(repo, scope, lang) }
                if (nip == null) {
                    LoginScreen(login) { user -> nip = user }
                } else {
                    Main(
                        nip!!,
                        remember { RecordViewModel(repo, scope, lang) },
                        remember { ContactViewModel(repo, scope, lang) },
                        remember { DocumentsViewModel(repo, scope, lang) },
                        remember { RequestsViewModel(repo, scope, lang) },
                        remember { SyncViewModel(repo, scope, lang) },
                    )
                }
            }
        }
    }
}

@Composable
private fun Main(
    nip: String,
    record: RecordViewModel,
    contact: ContactViewModel,
    documents: DocumentsViewModel,
    requests: RequestsViewModel,
    sync: SyncViewModel,
) {
    var tab by remember { mutableStateOf(0) }
    val tabs = listOf(R.string.tab_record, R.string.tab_documents, R.string.tab_requests, R.string.tab_sync)
    Scaffold(bottomBar = {
        NavigationBar {
            tabs.forEachIndexed { i, label ->
                NavigationBarItem(selected = tab == i, onClick = { tab = i }, icon = {}, label = { Text(stringResource(label)) })
            }
        }
    }) { padding ->
        val m = Modifier.padding(padding)
        when (tab) {
            0 -> RecordScreen(nip, record, contact, m)
            1 -> DocumentsScreen(nip, documents, m)
            2 -> RequestsScreen(nip, requests, m)
            else -> SyncScreen(sync, m)
        }
    }
}
