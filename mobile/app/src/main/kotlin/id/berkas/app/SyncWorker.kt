package id.berkas.app

import android.content.Context
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.ExistingWorkPolicy
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import id.berkas.app.logic.Outcome
import id.berkas.core.CancelHandle

/**
 * Sync in the background. Records go on any network; when documents wait to be uploaded and
 * the network is metered, the worker asks to run again on an unmetered one (large files on
 * Wi-Fi by preference). A stopped worker cancels the sync, which keeps what it had done.
 */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        val repo = (applicationContext as BerkasApp).repository
        val cancel = CancelHandle()
        val r = try {
            repo.sync(null, cancel)
        } finally {
            if (isStopped) cancel.cancel()
        }
        return when (r) {
            is Outcome.Ok -> Result.success()
            is Outcome.Failed -> when (r.problem.code) {
                "sync.network", "sync.hub" -> Result.retry()
                else -> Result.failure()
            }
        }
    }

    companion object {
        /** A sync soon, on an unmetered network when `largeFiles`. */
        fun request(context: Context, largeFiles: Boolean) {
            val network = if (largeFiles) NetworkType.UNMETERED else NetworkType.CONNECTED
            val work = OneTimeWorkRequestBuilder<SyncWorker>()
                .setConstraints(Constraints.Builder().setRequiredNetworkType(network).build())
                .build()
            WorkManager.getInstance(context).enqueueUniqueWork("berkas-sync-now", ExistingWorkPolicy.REPLACE, work)
        }
    }
}
