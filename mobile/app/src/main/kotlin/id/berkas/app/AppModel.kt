package id.berkas.app

import android.app.Application
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.SavedStateHandle
import androidx.lifecycle.viewModelScope
import id.berkas.app.logic.ActivityViewModel
import id.berkas.app.logic.ContactViewModel
import id.berkas.app.logic.DocumentsViewModel
import id.berkas.app.logic.Lang
import id.berkas.app.logic.LayananViewModel
import id.berkas.app.logic.LoginViewModel
import id.berkas.app.logic.PresenceViewModel
import id.berkas.app.logic.RecordViewModel
import id.berkas.app.logic.RequestsViewModel
import id.berkas.app.logic.HelpdeskViewModel
import id.berkas.app.logic.SessionViewModel
import id.berkas.app.logic.SyncViewModel
import java.util.Locale

/**
 * The app's logic objects (plain Kotlin in `mobile/logic`, tested on the JVM) held by one
 * androidx ViewModel: they outlive a rotation, and their coroutines run in [viewModelScope],
 * so turning the phone neither cancels a sync nor signs the ASN out. What must survive the
 * process being killed (the request on screen) is in [SavedStateHandle]; drafts are in the
 * profile itself, saved at every change.
 */
class AppModel(application: Application, private val saved: SavedStateHandle) : AndroidViewModel(application) {
    private val repo = (application as BerkasApp).repository
    private val systemLang = if (Locale.getDefault().language == "en") Lang.EN else Lang.ID

    val session = SessionViewModel(repo, viewModelScope, systemLang)
    val login = LoginViewModel(repo, viewModelScope, systemLang)
    val record = RecordViewModel(repo, viewModelScope, systemLang)
    val contact = ContactViewModel(repo, viewModelScope, systemLang)
    val documents = DocumentsViewModel(repo, viewModelScope, systemLang)
    val requests = RequestsViewModel(repo, viewModelScope, systemLang)
    val layanan = LayananViewModel(repo, viewModelScope, systemLang)
    val helpdesk = HelpdeskViewModel(repo, viewModelScope, systemLang)
    val presence = PresenceViewModel(repo, viewModelScope, systemLang)
    val activity = ActivityViewModel(repo, viewModelScope, systemLang)
    val sync = SyncViewModel(repo, viewModelScope, systemLang)

    /** The request on screen (from the list or a notification), kept across process death. */
    var openRequest: String?
        get() = saved.get<String>(OPEN_REQUEST)
        set(value) { saved[OPEN_REQUEST] = value }

    init {
        session.start()
    }

    /** The language of every screen, kept in the profile, apart from the system's. */
    fun setLanguage(lang: Lang) {
        session.setLanguage(lang)
        login.lang = lang
        record.lang = lang
        contact.lang = lang
        documents.lang = lang
        requests.lang = lang
        layanan.lang = lang
        helpdesk.lang = lang
        presence.lang = lang
        activity.lang = lang
        sync.lang = lang
    }

    companion object {
        const val OPEN_REQUEST = "usulan"
    }
}
