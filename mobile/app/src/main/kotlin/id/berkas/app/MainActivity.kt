package id.berkas.app

import android.content.Intent
import android.content.res.Configuration
import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.viewModels
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.DropdownMenu
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableIntStateOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalConfiguration
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import id.berkas.app.logic.Lang
import id.berkas.app.logic.Screen
import id.berkas.app.ui.DocumentsScreen
import id.berkas.app.ui.LayananScreen
import id.berkas.app.ui.LoginScreen
import id.berkas.app.ui.RecordScreen
import id.berkas.app.ui.RequestsScreen
import id.berkas.app.ui.HelpdeskScreen
import id.berkas.app.ui.PresenceScreen
import id.berkas.app.ui.SettingsSection
import id.berkas.app.ui.SyncScreen
import java.util.Locale

/**
 * One activity. It opens on the profile's own session, offline too (core knows it without a
 * network); the sign-in form only when there is none. The logic lives in [AppModel], which a
 * rotation keeps; a notification's request id arrives as an extra and is kept in its saved state.
 */
class MainActivity : ComponentActivity() {
    private val model: AppModel by viewModels()

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        intent?.getStringExtra(AppModel.OPEN_REQUEST)?.let { model.openRequest = it }
        setContent {
            val session by model.session.state.collectAsStateWithLifecycle()
            Localized(session.lang) {
                MaterialTheme {
                    when (val screen = session.screen) {
                        null -> {}
                        Screen.SignIn -> LoginScreen(model.login) { model.session.recheck() }
                        is Screen.Home -> Main(screen.nip ?: session.username.orEmpty(), model)
                    }
                }
            }
        }
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        intent.getStringExtra(AppModel.OPEN_REQUEST)?.let { model.openRequest = it }
    }
}

/** The app's words in the language chosen in it, whatever the system's. */
@Composable
private fun Localized(lang: Lang, content: @Composable () -> Unit) {
    val base = LocalContext.current
    val config = Configuration(LocalConfiguration.current).apply { setLocale(Locale(lang.name.lowercase())) }
    val context = base.createConfigurationContext(config)
    CompositionLocalProvider(LocalContext provides context, LocalConfiguration provides config) { content() }
}

@Composable
private fun Main(nip: String, model: AppModel) {
    var tab by rememberSaveable { mutableIntStateOf(if (model.openRequest != null) 1 else 0) }
    val sync by model.sync.state.collectAsStateWithLifecycle()
    // The hub ended the session (revoked): back to the sign-in form, records kept.
    LaunchedEffect(sync.signInAgain) { if (sync.signInAgain) model.session.recheck() }
    val session by model.session.state.collectAsStateWithLifecycle()
    if (session.presenceOnly) {
        PresenceOnly(nip, model)
        return
    }
    // Four errands in the bar and the rest behind "Lainnya": seven labels do not fit a phone.
    val primary = listOf(0 to R.string.tab_record, 1 to R.string.tab_layanan, 2 to R.string.tab_requests, 5 to R.string.tab_presence)
    val more = listOf(3 to R.string.tab_documents, 4 to R.string.tab_helpdesk, 6 to R.string.tab_sync)
    var moreOpen by remember { mutableStateOf(false) }
    Scaffold(bottomBar = {
        NavigationBar {
            primary.forEach { (i, label) ->
                NavigationBarItem(selected = tab == i, onClick = { tab = i }, icon = {}, label = { Text(stringResource(label)) })
            }
            val inMore = more.firstOrNull { it.first == tab }
            NavigationBarItem(
                selected = inMore != null,
                onClick = { moreOpen = true },
                icon = {
                    Box {
                        DropdownMenu(expanded = moreOpen, onDismissRequest = { moreOpen = false }) {
                            more.forEach { (i, label) ->
                                DropdownMenuItem(text = { Text(stringResource(label)) }, onClick = { tab = i; moreOpen = false })
                            }
                        }
                    }
                },
                label = { Text(stringResource(inMore?.second ?: R.string.tab_more)) },
            )
        }
    }) { padding ->
        val m = Modifier.padding(padding)
        when (tab) {
            0 -> RecordScreen(nip, model.record, model.contact, m)
            1 -> LayananScreen(nip, model.layanan, model.openRequest, m)
            2 -> RequestsScreen(nip, model.requests, m)
            3 -> DocumentsScreen(nip, model.documents, m)
            4 -> HelpdeskScreen(nip, model.helpdesk, m)
            5 -> PresenceScreen(nip, model.presence, model.activity, m)
            else -> Column(m) {
                SyncScreen(model.sync, Modifier)
                SettingsSection(model.session) { model.setLanguage(it) }
            }
        }
    }
}

/** A PPNPN's presence-only account: their check-ins and place, and the sync. */
@Composable
private fun PresenceOnly(nip: String, model: AppModel) {
    var tab by rememberSaveable { mutableIntStateOf(0) }
    Scaffold(bottomBar = {
        NavigationBar {
            listOf(R.string.tab_presence, R.string.tab_sync).forEachIndexed { i, label ->
                NavigationBarItem(selected = tab == i, onClick = { tab = i }, icon = {}, label = { Text(stringResource(label)) })
            }
        }
    }) { padding ->
        val m = Modifier.padding(padding)
        when (tab) {
            0 -> PresenceScreen(nip, model.presence, model.activity, m, activities = false)
            else -> Column(m) {
                SyncScreen(model.sync, Modifier)
                SettingsSection(model.session) { model.setLanguage(it) }
            }
        }
    }
}
