package id.berkas.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
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
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import id.berkas.app.R
import id.berkas.app.logic.LoginViewModel

@Composable
fun LoginScreen(vm: LoginViewModel, onSignedIn: (String) -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    var server by remember { mutableStateOf("https://") }
    var user by remember { mutableStateOf("") }
    var password by remember { mutableStateOf("") }
    LaunchedEffect(state.role) { if (state.role != null) onSignedIn(state.user) }
    Column(Modifier.padding(24.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Text(stringResource(R.string.login_title), style = MaterialTheme.typography.headlineSmall)
        OutlinedTextField(server, { server = it }, label = { Text(stringResource(R.string.login_server)) },
            singleLine = true, modifier = Modifier.fillMaxWidth(), keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Uri))
        OutlinedTextField(user, { user = it }, label = { Text(stringResource(R.string.login_user)) },
            singleLine = true, modifier = Modifier.fillMaxWidth(), keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number))
        OutlinedTextField(password, { password = it }, label = { Text(stringResource(R.string.login_password)) },
            singleLine = true, modifier = Modifier.fillMaxWidth(), visualTransformation = PasswordVisualTransformation())
        state.error?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        Button(onClick = { vm.login(server, user, password) }, enabled = !state.busy) {
            Text(stringResource(R.string.login_button))
        }
        // Forgot the password: no account needed; the helpdesk checks and sends a code.
        var forgot by remember { mutableStateOf(false) }
        var born by remember { mutableStateOf("") }
        var nik by remember { mutableStateOf("") }
        var code by remember { mutableStateOf("") }
        var fresh by remember { mutableStateOf("") }
        Button(onClick = { forgot = !forgot }) { Text(stringResource(R.string.login_forgot)) }
        if (forgot) {
            OutlinedTextField(born, { born = it }, label = { Text(stringResource(R.string.login_birth)) },
                singleLine = true, modifier = Modifier.fillMaxWidth())
            OutlinedTextField(nik, { nik = it }, label = { Text(stringResource(R.string.login_nik)) },
                singleLine = true, modifier = Modifier.fillMaxWidth(), keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number))
            Button(onClick = { vm.forgot(server, user, born, nik) }, enabled = !state.busy) {
                Text(stringResource(R.string.login_forgot_send))
            }
            state.notice?.let { Text(it) }
            // The code that arrived by e-mail or SMS, and the new password the ASN chooses.
            OutlinedTextField(code, { code = it }, label = { Text(stringResource(R.string.login_code)) },
                singleLine = true, modifier = Modifier.fillMaxWidth())
            OutlinedTextField(fresh, { fresh = it }, label = { Text(stringResource(R.string.login_new_password)) },
                singleLine = true, modifier = Modifier.fillMaxWidth(), visualTransformation = PasswordVisualTransformation())
            Button(onClick = { vm.loginWithCode(server, user, code, fresh) }, enabled = !state.busy && code.isNotBlank() && fresh.isNotEmpty()) {
                Text(stringResource(R.string.login_with_code))
            }
        }
    }
}
