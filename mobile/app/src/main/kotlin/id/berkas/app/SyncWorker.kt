package id.berkas.app

import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.net.ConnectivityManager
import androidx.core.app.NotificationCompat
import androidx.core.app.NotificationManagerCompat
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.ExistingWorkPolicy
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import id.berkas.app.logic.Lang
import id.berkas.app.logic.Notice
import id.berkas.app.logic.Outcome
import id.berkas.core.CancelHandle
import java.util.Locale

/**
 * Sync in the background, one per trigger. The phone tells core which network it is on: records
 * and requests go on any network, large documents wait for an unmetered one (core's policy,
 * unless the ASN sent one now). What the sync brought the ASN (a request returned, approved ...)
 * becomes a notification that opens the request. A stopped worker cancels the sync, which keeps
 * what it had done.
 */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        val repo = (applicationContext as BerkasApp).repository
        val connectivity = applicationContext.getSystemService(ConnectivityManager::class.java)
        val metered = connectivity?.isActiveNetworkMetered ?: true
        val cancel = CancelHandle()
        val r = try {
            repo.sync(null, cancel, metered)
        } finally {
            if (isStopped) cancel.cancel()
        }
        return when (r) {
            is Outcome.Ok -> {
                val lang = when ((repo.language() as? Outcome.Ok)?.value) {
                    "en" -> Lang.EN
                    "id" -> Lang.ID
                    else -> if (Locale.getDefault().language == "en") Lang.EN else Lang.ID
                }
                r.value.news.forEach { notify(Notice.of(it, lang)) }
                // Documents held for Wi-Fi: once more when an unmetered network is there.
                if (r.value.blobsHeld > 0uL) request(applicationContext, unmetered = true)
                Result.success()
            }
            is Outcome.Failed -> when (r.problem.code) {
                "sync.network", "sync.hub" -> Result.retry()
                else -> Result.failure()
            }
        }
    }

    private fun notify(n: Notice) {
        val context = applicationContext
        val manager = context.getSystemService(NotificationManager::class.java)
        manager?.createNotificationChannel(NotificationChannel(CHANNEL, context.getString(R.string.notify_channel), NotificationManager.IMPORTANCE_DEFAULT))
        val open = Intent(context, MainActivity::class.java).putExtra(AppModel.OPEN_REQUEST, n.opens)
            .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK or Intent.FLAG_ACTIVITY_CLEAR_TOP)
        val tap = PendingIntent.getActivity(context, n.opens.hashCode(), open, PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT)
        val note = NotificationCompat.Builder(context, CHANNEL)
            .setSmallIcon(android.R.drawable.stat_notify_sync)
            .setContentTitle(n.title)
            .setContentText(n.text)
            .setContentIntent(tap)
            .setAutoCancel(true)
            .build()
        // Without the permission (Android 13+, declined) the news waits in the app.
        if (NotificationManagerCompat.from(context).areNotificationsEnabled()) {
            try {
                NotificationManagerCompat.from(context).notify(n.opens.hashCode(), note)
            } catch (e: SecurityException) {
                // Declined at the last moment: the app shows the news when opened.
            }
        }
    }

    companion object {
        private const val CHANNEL = "berkas-news"

        /** A sync soon. A trigger while one waits joins it (KEEP): one sync carries every change
         *  made until it runs; none replaces another. [unmetered]: the run for held documents. */
        fun request(context: Context, unmetered: Boolean = false) {
            val network = if (unmetered) NetworkType.UNMETERED else NetworkType.CONNECTED
            val work = OneTimeWorkRequestBuilder<SyncWorker>()
                .setConstraints(Constraints.Builder().setRequiredNetworkType(network).build())
                .build()
            val name = if (unmetered) "berkas-sync-wifi" else "berkas-sync-now"
            WorkManager.getInstance(context).enqueueUniqueWork(name, ExistingWorkPolicy.KEEP, work)
        }
    }
}
