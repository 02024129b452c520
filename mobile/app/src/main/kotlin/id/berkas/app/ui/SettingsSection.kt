package id.berkas.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import id.berkas.app.R
import id.berkas.app.logic.Lang
import id.berkas.app.logic.SessionViewModel

/** The app's language (kept in the profile) and signing out, which warns while changes wait. */
@Composable
fun SettingsSection(session: SessionViewModel, setLanguage: (Lang) -> Unit) {
    val state by session.state.collectAsStateWithLifecycle()
    Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
        Text(stringResource(R.string.language), style = MaterialTheme.typography.titleSmall)
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            OutlinedButton(onClick = { setLanguage(Lang.ID) }, enabled = state.lang != Lang.ID) { Text("Bahasa Indonesia") }
            OutlinedButton(onClick = { setLanguage(Lang.EN) }, enabled = state.lang != Lang.EN) { Text("English") }
        }
        state.signOutWarning?.let {
            Text(it, color = MaterialTheme.colorScheme.error)
            Button(onClick = { session.signOut(anyway = true) }) { Text(stringResource(R.string.sign_out_anyway)) }
        } ?: OutlinedButton(onClick = { session.signOut() }) { Text(stringResource(R.string.sign_out)) }
    }
}
