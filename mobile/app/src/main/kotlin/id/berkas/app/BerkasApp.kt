package id.berkas.app

import android.app.Application
import androidx.work.Constraints
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.NetworkType
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import id.berkas.app.logic.BerkasRepository
import java.io.File
import java.util.concurrent.TimeUnit

/** One repository for the process; background sync every few hours when a network is there. */
class BerkasApp : Application() {
    lateinit var repository: BerkasRepository
        private set

    override fun onCreate() {
        super.onCreate()
        repository = BerkasRepository(File(noBackupFilesDir, "profile"), KeystoreKeyStore(this))
        val periodic = PeriodicWorkRequestBuilder<SyncWorker>(4, TimeUnit.HOURS)
            .setConstraints(Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build())
            .build()
        WorkManager.getInstance(this).enqueueUniquePeriodicWork("berkas-sync", ExistingPeriodicWorkPolicy.KEEP, periodic)
    }
}
