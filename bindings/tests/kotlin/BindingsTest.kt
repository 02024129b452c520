// The generated Kotlin bindings on the host JVM against the host build of the library, and a
// real berkas-server on loopback (BERKAS_HUB_URL, BERKAS_HUB_PASSWORD and one ASN's NIP in
// BERKAS_HUB_NIP, from the hub that scripts/test.sh starts): what the Android app's
// repositories will do.

import id.berkas.core.BerkasException
import id.berkas.core.BerkasProfile
import id.berkas.core.CancelHandle
import id.berkas.core.CapturePage
import id.berkas.core.DocumentLink
import id.berkas.core.KeyStore
import id.berkas.core.SyncListener
import id.berkas.core.parseNip
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import java.util.concurrent.ConcurrentHashMap

/** Stands in for the Android Keystore-backed store of the app. */
class MapKeys : KeyStore {
    val items = ConcurrentHashMap<String, ByteArray>()
    override fun get(name: String): ByteArray? = items[name]
    override fun put(name: String, value: ByteArray): Boolean { items[name] = value; return true }
    override fun delete(name: String) { items.remove(name) }
    override fun describe(): String = "kotlin map"
}

class BindingsTest {
    private val hub: String = System.getenv("BERKAS_HUB_URL") ?: error("BERKAS_HUB_URL is not set")
    private val password: String = System.getenv("BERKAS_HUB_PASSWORD") ?: error("BERKAS_HUB_PASSWORD is not set")

    // Each test's profiles are removed after it, so repeated runs do not fill the disk.
    @get:Rule
    val temp = TemporaryFolder()

    private fun newProfile(name: String, keys: KeyStore = MapKeys()): BerkasProfile {
        val dir = temp.newFolder().toPath().resolve(name)
        return BerkasProfile.create(dir.toString(), "kotlin", keys)
    }

    private fun code(block: () -> Unit): String {
        try {
            block()
        } catch (e: BerkasException.Failed) {
            return e.code
        }
        fail("expected a BerkasException")
        return ""
    }

    @Test
    fun profileKeyLivesInTheAppsStoreAndIsNeededToOpen() {
        val keys = MapKeys()
        val dir = temp.newFolder().toPath().resolve("p").toString()
        val p = BerkasProfile.create(dir, "kotlin", keys)
        assertTrue(p.schemaVersion() >= 5u)
        assertEquals(1, keys.items.size)
        assertEquals(32, keys.items.values.first().size)
        p.close()
        assertEquals(0uL, BerkasProfile.open(dir, keys).countPegawai())
        assertEquals("profile.key_missing", code { BerkasProfile.open(dir, MapKeys()) })
    }

    @Test
    fun nipIsDecodedAndAMalformedOneNamesTheProblem() {
        val f = parseNip("198503122010011002")
        assertEquals(listOf("pns", "1985-03-12", "M"), listOf(f.kind, f.birthDate, f.sex))
        assertTrue(code { parseNip("1985031220100110") }.startsWith("nip."))
    }

    @Test
    fun loginSyncEditAndSeeTheChangeOnAnotherDevice() = runBlocking {
        val laptop = newProfile("laptop")
        assertEquals("auth.invalid_credentials", code { runBlocking { laptop.login(hub, "admin", "wrong", null) } })
        assertEquals("admin", laptop.login(hub, "admin", password, null))
        val phases = mutableListOf<String>()
        val listener = object : SyncListener {
            override fun onProgress(phase: String, items: ULong, bytes: ULong) { synchronized(phases) { phases.add(phase) } }
        }
        val first = laptop.sync(false, listener, CancelHandle())
        assertTrue("pulled ${first.pulled}", first.pulled > 0uL)
        assertTrue(phases.contains("pull"))
        val count = laptop.countPegawai()
        assertTrue(count > 0uL)

        val nip = System.getenv("BERKAS_HUB_NIP") ?: error("BERKAS_HUB_NIP is not set")
        assertTrue(laptop.recordJson(nip).contains(nip))
        assertEquals(listOf("jabatan_nama"), laptop.editPegawai(nip, mapOf("jabatan_nama" to "Analis SDM Aparatur (Kotlin)")))
        assertEquals("pending", laptop.recordSyncState(nip))
        val pushed = laptop.sync(false, null, CancelHandle())
        assertEquals(1uL, pushed.applied)
        assertTrue(laptop.outbox().isEmpty())

        // A document captured here (a page drawn with AWT, as a camera would hand it over).
        val doc = laptop.addDocument(nip, "889", DocumentLink.DataUtama, listOf(CapturePage(pagePhoto(), null)), "sk-cpns.jpg", false)
        assertEquals("readable", doc.verdict)
        assertEquals("image/jpeg", doc.mime)
        assertTrue(laptop.documentThumbnail(doc.id) != null)
        val withDoc = laptop.sync(false, null, CancelHandle())
        assertEquals(1uL, withDoc.blobsUploaded)
        assertEquals("refused: ${laptop.outbox()}", 0uL, withDoc.refused)
        assertEquals(1uL, withDoc.applied)
        // A layanan request: refused while its documents are missing, with their codes.
        assertTrue(laptop.layananList().any { it.id == "kartu_pegawai" })
        val usulan = laptop.createUsulan(nip, "karis_karsu", emptyMap())
        val missing = try { laptop.submitUsulan(usulan); fail("submitted without documents"); emptyList<String>() }
            catch (e: BerkasException.Failed) { e.fields }
        assertTrue(missing.toString(), missing.isNotEmpty() && missing.all { it.endsWith("usulan.missing_document") })
        assertEquals("DRAFT", laptop.usulan(usulan).status)
        assertTrue(laptop.layananChecklist(nip, "karis_karsu", emptyMap(), usulan).any { it.status == "kurang" })

        // Not an image: refused with a code the UI can word.
        assertEquals("doc.unsupported", code { laptop.checkDocument(listOf(CapturePage("catatan".toByteArray(), null))) })

        val desk = newProfile("desk")
        desk.login(hub, "admin", password, null)
        desk.sync(false, null, CancelHandle())
        assertTrue(desk.recordJson(nip).contains("Analis SDM Aparatur (Kotlin)"))
        val seen = desk.documents(nip).single { it.id == doc.id }
        assertEquals(doc.sha256, seen.sha256)

        // A cancelled sync says so and keeps what it had.
        val cancel = CancelHandle()
        cancel.cancel()
        assertEquals("sync.cancelled", code { runBlocking { newProfileLoggedIn().sync(false, null, cancel) } })
    }

    /** A typeset page as a JPEG, like a phone camera's output (AWT, headless). */
    private fun pagePhoto(): ByteArray {
        val img = java.awt.image.BufferedImage(1240, 1754, java.awt.image.BufferedImage.TYPE_INT_RGB)
        val g = img.createGraphics()
        g.color = java.awt.Color(250, 250, 247)
        g.fillRect(0, 0, img.width, img.height)
        g.color = java.awt.Color(20, 20, 20)
        g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON)
        g.font = java.awt.Font(java.awt.Font.SERIF, java.awt.Font.PLAIN, 30)
        val line = "KEPUTUSAN BUPATI NOMOR 800/123/BKPSDM/2026 TENTANG PENGANGKATAN CPNS"
        var y = 120
        while (y < img.height - 100) { g.drawString(line, 90, y); y += 48 }
        g.dispose()
        val out = java.io.ByteArrayOutputStream()
        javax.imageio.ImageIO.write(img, "jpg", out)
        return out.toByteArray()
    }

    @Test
    fun aDocumentTheHubSignedIsCheckedOfflineAndAChangeIsNamed() = runBlocking {
        // A daftar nominatif the facilitator's CLI had signed by the same hub (scripts/test.sh).
        val path = System.getenv("BERKAS_SIGNED_PDF") ?: error("BERKAS_SIGNED_PDF is not set")
        val pdf = java.io.File(path).readBytes()
        val phone = newProfile("signed")
        val nip = System.getenv("BERKAS_HUB_NIP") ?: error("BERKAS_HUB_NIP is not set")
        phone.login(hub, nip, password, null)
        assertEquals("signature.no_key", code { phone.verifySigned(pdf, null) })
        assertEquals(64, phone.fetchSigningKey().length)
        val signed = phone.verifySigned(pdf, null)
        assertEquals("nominatif", signed.kind)
        assertEquals("Daftar nominatif UNIT-A", signed.title)
        val changed = pdf.copyOf()
        changed[pdf.size / 3] = (changed[pdf.size / 3].toInt() xor 1).toByte()
        assertEquals("signature.content_changed", code { phone.verifySigned(changed, null) })
        assertEquals("signature.none", code { phone.verifySigned("a,b\n".toByteArray(), null) })

        // The hub's receipt of a request the ASN submitted from here.
        phone.sync(false, null, CancelHandle())
        for (jenis in listOf("887", "pas_foto")) {
            phone.addDocument(nip, jenis, DocumentLink.DataUtama, listOf(CapturePage(pagePhoto(), null)), "$jenis.jpg", false)
        }
        val usulan = phone.createUsulan(nip, "kartu_pegawai", emptyMap())
        phone.submitUsulan(usulan)
        val early = try { phone.signedReceipt(usulan); fail("a receipt before the hub had the request"); emptyList<String>() }
            catch (e: BerkasException.Failed) { e.fields }
        assertEquals(listOf("usulan: signature.not_synced"), early)
        assertEquals(0uL, phone.sync(false, null, CancelHandle()).refused)
        val receipt = phone.verifySigned(phone.signedReceipt(usulan), null)
        assertEquals("tanda_terima", receipt.kind)
        assertTrue(receipt.title, receipt.title.endsWith(usulan))
    }

    private suspend fun newProfileLoggedIn(): BerkasProfile {
        val p = newProfile("cancelled")
        p.login(hub, "admin", password, null)
        return p
    }
}
