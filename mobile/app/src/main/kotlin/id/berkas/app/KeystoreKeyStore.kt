package id.berkas.app

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import id.berkas.core.KeyStore
import java.io.File
import java.security.KeyStore as JavaKeyStore
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The core's secrets (the database key, the document key, sync tokens) wrapped by an AES-GCM
 * key that never leaves the Android Keystore (hardware-backed where the phone has it). The
 * wrapped bytes live in the app's private files; without the Keystore key they are noise.
 */
class KeystoreKeyStore(context: Context) : KeyStore {
    private val dir = File(context.noBackupFilesDir, "berkas-secrets").apply { mkdirs() }
    private val alias = "berkas-wrapping-key"

    private fun wrappingKey(): SecretKey {
        val ks = JavaKeyStore.getInstance("AndroidKeyStore").apply { load(null) }
        (ks.getKey(alias, null) as? SecretKey)?.let { return it }
        val gen = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, "AndroidKeyStore")
        gen.init(
            KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
                .build(),
        )
        return gen.generateKey()
    }

    private fun file(name: String) = File(dir, name.replace(Regex("[^A-Za-z0-9._-]"), "_"))

    override fun get(name: String): ByteArray? {
        val f = file(name)
        if (!f.exists()) return null
        val blob = f.readBytes()
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, wrappingKey(), GCMParameterSpec(128, blob, 0, 12))
        return cipher.doFinal(blob, 12, blob.size - 12)
    }

    override fun put(name: String, value: ByteArray): Boolean {
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, wrappingKey())
        val tmp = File(dir, "${file(name).name}.tmp")
        tmp.writeBytes(cipher.iv + cipher.doFinal(value))
        return tmp.renameTo(file(name))
    }

    override fun delete(name: String) {
        file(name).delete()
    }

    override fun describe(): String = "android-keystore"
}
