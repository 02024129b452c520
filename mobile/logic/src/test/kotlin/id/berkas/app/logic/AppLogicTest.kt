package id.berkas.app.logic

// The app's logic (repositories and view-models over the generated bindings) on the host JVM,
// against a real berkas-server on loopback started by scripts/test.sh: BERKAS_HUB_URL,
// BERKAS_HUB_PASSWORD, an ASN's NIP in BERKAS_HUB_NIP, and BERKAS_KT_MARK, a file where the
// phone number saved here is written for the CLI to find on another profile.

import id.berkas.core.CancelHandle
import id.berkas.core.CapturePage
import id.berkas.core.DocumentLink
import id.berkas.core.KeyStore
import id.berkas.core.SyncListener
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import java.io.File
import java.util.concurrent.ConcurrentHashMap

/** Stands in for the Android Keystore-backed store. */
class MemoryKeys : KeyStore {
    private val items = ConcurrentHashMap<String, ByteArray>()
    override fun get(name: String): ByteArray? = items[name]
    override fun put(name: String, value: ByteArray): Boolean { items[name] = value; return true }
    override fun delete(name: String) { items.remove(name) }
    override fun describe(): String = "test memory"
}

class AppLogicTest {
    private val hub = System.getenv("BERKAS_HUB_URL") ?: error("BERKAS_HUB_URL is not set")
    private val password = System.getenv("BERKAS_HUB_PASSWORD") ?: error("BERKAS_HUB_PASSWORD is not set")
    private val nip = System.getenv("BERKAS_HUB_NIP") ?: error("BERKAS_HUB_NIP is not set")

    // Each test's profiles are removed after it, so repeated runs do not fill the disk.
    @get:Rule
    val temp = TemporaryFolder()

    private fun repo(name: String) = BerkasRepository(temp.newFolder().resolve(name), MemoryKeys())

    @Test
    fun aWholeActionRefusedAsBadInputSpeaksOfItsOwnReason() {
        val refused = Problem("invalid", mapOf("profile" to "sync.local_records"))
        assertEquals(Messages.text("sync.local_records", Lang.ID), refused.message(Lang.ID))
        assertTrue(refused.message(Lang.EN).contains("imported"))
        val two = Problem("invalid", mapOf("nik" to "nik.length", "email" to "field.required"))
        assertEquals(Messages.text("invalid", Lang.EN), two.message(Lang.EN))
    }

    @Test
    fun signInProblemsAreWordedInBothLanguages() = runBlocking {
        val vm = LoginViewModel(repo("login"), this)
        vm.login("ftp://hub", nip, "x").join()
        assertTrue(vm.state.value.error!!.contains("https://"))
        vm.login(hub, nip, "salah-sekali").join()
        assertEquals(Messages.text("auth.invalid_credentials", Lang.ID), vm.state.value.error)
        assertTrue(vm.state.value.error!!.contains("kata sandi"))
        vm.lang = Lang.EN
        vm.login(hub, nip, "salah-sekali").join()
        assertEquals("Wrong NIP/username or password.", vm.state.value.error)
        vm.login(hub, nip, password).join()
        assertEquals("personal", vm.state.value.role)
        assertNull(vm.state.value.error)
    }

    @Test
    fun anAsnKeepsTheirRecordUpToDateFromThePhone() = runBlocking {
        val repo = repo("phone")
        LoginViewModel(repo, this).login(hub, nip, password).join()
        val sync = SyncViewModel(repo, this)
        sync.sync().join()
        assertNull(sync.state.value.error)
        assertTrue("pulled ${sync.state.value.last}", sync.state.value.last!!.pulled > 0uL)

        val record = RecordViewModel(repo, this)
        record.load(nip).join()
        val r = record.state.value.record!!
        assertEquals(nip, r.nip)
        assertTrue(r.nama.isNotBlank())
        assertTrue(r.completeness.toInt() in 0..100)
        assertTrue(record.state.value.ownFields.any { it.name == "no_hp" })
        assertTrue("official data is not the ASN's to edit", r.dataUtama.single { it.name == "tgl_lahir" }.own.not())
        // The view-model offers no edit of an official field: what it offers is what the
        // server accepts from an ASN (the same authorization table in core).
        val offered = record.state.value.ownFields.map { it.name }.toSet()
        assertTrue("offered: $offered", offered.containsAll(listOf("no_hp", "alamat", "email", "nik")))
        for (official in listOf("nama", "tgl_lahir", "gol_ruang_akhir_id", "jabatan_nama", "nip_baru", "unit", "tmt_cpns")) {
            assertTrue("$official is offered for editing", official !in offered)
        }
        assertTrue(r.dataUtama.filter { it.editable }.all { it.own })

        // A bad NIK is named under its field, in Indonesian; nothing is stored.
        val contact = ContactViewModel(repo, this)
        contact.save(nip, mapOf("nik" to "12345")).join()
        assertEquals(Messages.text("nik.length", Lang.ID), contact.state.value.fieldErrors["nik"])
        assertNull(contact.state.value.saved)
        val digits = (1000..9999).random()
        contact.save(nip, mapOf("no_hp" to "0812-3456-$digits")).join()
        assertEquals("APPLIED", contact.state.value.saved?.status)
        record.load(nip).join()
        val phone = record.state.value.record!!.dataUtama.single { it.name == "no_hp" }.value
        assertEquals("+628123456$digits", phone)
        assertEquals("pending", record.state.value.syncState)
        sync.sync().join()
        assertNull(sync.state.value.error)
        assertTrue(sync.state.value.problems.isEmpty())
        System.getenv("BERKAS_KT_MARK")?.let { File(it).writeText(phone) }

        // A request refused with what is missing, worded; a capture checked before it is kept.
        val requests = RequestsViewModel(repo, this)
        requests.start(nip, "karis_karsu", emptyMap()).join()
        val id = requests.state.value.current!!.id
        requests.submit(nip, id).join()
        assertTrue(requests.state.value.missing.toString(), requests.state.value.missing.isNotEmpty())
        assertTrue(requests.state.value.missing.all { it.startsWith(Messages.text("usulan.missing_document", Lang.ID)) })
        assertEquals("Draf", requests.statusText(requests.state.value.current!!).substringBefore(" ("))
        val docs = DocumentsViewModel(repo, this)
        docs.check(listOf(CapturePage("bukan foto".toByteArray(), null))).join()
        assertEquals(Messages.text("doc.unsupported", Lang.ID), docs.state.value.error)
        docs.check(listOf(CapturePage(blurredPage(), null))).join()
        assertEquals("flagged", docs.state.value.preview?.verdict)
        assertTrue(docs.state.value.warnings.toString(), docs.state.value.warnings.isNotEmpty())
    }

    @Test
    fun aLosingEditShowsAsAConflictWithBothValuesAndACancelKeepsWhatWasDone() = runBlocking {
        val phone = repo("phone2")
        val tablet = repo("tablet")
        for (r in listOf(phone, tablet)) {
            LoginViewModel(r, this).login(hub, nip, password).join()
            SyncViewModel(r, this).sync().join()
        }
        ContactViewModel(phone, this).save(nip, mapOf("alamat" to "Jl. Melati 1 (ponsel)")).join()
        Thread.sleep(5)
        ContactViewModel(tablet, this).save(nip, mapOf("alamat" to "Jl. Melati 2 (tablet)")).join()
        SyncViewModel(tablet, this).sync().join()
        val sync = SyncViewModel(phone, this)
        sync.sync().join()
        val c = sync.state.value.conflicts.firstOrNull { it.field == "alamat" }
        assertNotNull("the phone's losing edit is shown: ${sync.state.value.conflicts}", c)
        assertEquals("Jl. Melati 1 (ponsel)", c!!.mine)
        assertEquals("Jl. Melati 2 (tablet)", c.theirs)
        sync.dismiss(c.id).join()
        assertTrue(sync.state.value.conflicts.none { it.id == c.id })

        val cancelled = CancelHandle()
        cancelled.cancel()
        sync.sync(cancelled).join()
        assertEquals(Messages.text("sync.cancelled", Lang.ID), sync.state.value.error)
        assertEquals(false, sync.state.value.running)

        // Cancelled mid-way, as the user taps "Batalkan" once the upload has begun: what was
        // pushed stays pushed, the pull waits for the next sync.
        ContactViewModel(phone, this).save(nip, mapOf("alamat" to "Jl. Melati 3 (ponsel)")).join()
        val handle = CancelHandle()
        val cancelOnFirstProgress = object : SyncListener {
            override fun onProgress(phase: String, items: ULong, bytes: ULong) = handle.cancel()
        }
        val r = phone.sync(cancelOnFirstProgress, handle)
        assertEquals("sync.cancelled", (r as Outcome.Failed).problem.code)
        assertTrue("the edit went out before the cancel", (phone.outbox() as Outcome.Ok).value.isEmpty())
        SyncViewModel(tablet, this).sync().join()
        val seen = (tablet.record(nip) as Outcome.Ok).value.dataUtama.single { it.name == "alamat" }.value
        assertEquals("Jl. Melati 3 (ponsel)", seen)
        sync.sync().join()
        assertNull(sync.state.value.error)
    }

    @Test
    fun theRecordReadsInNamesOfflineAfterARestart() = runBlocking {
        val dir = temp.newFolder().resolve("names")
        val keys = MemoryKeys()
        val repo = BerkasRepository(dir, keys)
        LoginViewModel(repo, this).login(hub, nip, password).join()
        val sync = SyncViewModel(repo, this)
        sync.sync().join()
        assertNull(sync.state.value.error)
        // A restart with no server: a new repository over the same profile. The reference
        // tables came with the one sync, so every code reads as its name.
        val again = BerkasRepository(dir, keys)
        val record = RecordViewModel(again, this)
        record.load(nip).join()
        val r = record.state.value.record!!
        val gol = r.dataUtama.single { it.name == "gol_ruang_akhir_id" }
        assertTrue(gol.display, gol.display.contains("/") && gol.display != gol.value && gol.warning == null)
        assertTrue(r.dataUtama.single { it.name == "jenis_kelamin" }.display in setOf("Laki-laki", "Perempuan"))
        assertTrue("named, not marked: ${r.dataUtama.filter { it.warning != null }}", r.dataUtama.none { it.warning != null && it.value.isNotEmpty() })
        assertEquals("-", r.dataUtama.first { it.value.isEmpty() }.display)
        record.lang = Lang.EN
        record.load(nip).join()
        val en = record.state.value.record!!
        assertEquals("Religion", en.dataUtama.single { it.name == "agama_id" }.label)
        assertTrue(en.dataUtama.single { it.name == "jenis_kelamin" }.display in setOf("Male", "Female"))
    }

    @Test
    fun aRefusalTheAppHasNoWordsForIsWordedByTheCore() {
        val p = Problem("doc.too_large_for_hub", words = mapOf(Lang.ID to "berkas 48 MB melebihi batas 40 MB dari server", Lang.EN to "the document is 48 MB; the hub accepts at most 40 MB"))
        assertEquals("berkas 48 MB melebihi batas 40 MB dari server", p.message(Lang.ID))
        assertTrue(p.message(Lang.EN).contains("40 MB"))
        assertEquals(Messages.text("sync.network", Lang.ID), Problem("sync.network", words = mapOf(Lang.ID to "x")).message(Lang.ID))
    }

    @Test
    fun aSubmittedRequestGetsTheServersSignedReceipt() = runBlocking {
        val repo = repo("receipt")
        LoginViewModel(repo, this).login(hub, nip, password).join()
        SyncViewModel(repo, this).sync().join()
        for (type in listOf("887", "pas_foto")) {
            val added = repo.addDocument(nip, type, DocumentLink.DataUtama, listOf(CapturePage(jpeg(page()), null)), false)
            assertTrue(added.toString(), added is Outcome.Ok)
        }
        val requests = RequestsViewModel(repo, this)
        requests.start(nip, "kartu_pegawai", emptyMap()).join()
        val id = requests.state.value.current!!.id
        requests.submit(nip, id).join()
        assertEquals(listOf<String>(), requests.state.value.missing)
        val file = temp.newFolder().resolve("tanda-terima.pdf")
        requests.receipt(id, file).join()
        assertEquals(Messages.text("signature.not_synced", Lang.ID), requests.state.value.error)
        assertTrue("nothing is saved before the server has the request", !file.exists())
        SyncViewModel(repo, this).sync().join()
        requests.receipt(id, file).join()
        assertNull(requests.state.value.error)
        assertEquals("tanda_terima", requests.state.value.receipt?.kind)
        val saved = file.readBytes()
        assertEquals("%PDF-", String(saved, 0, 5, Charsets.ISO_8859_1))
        val changed = saved.copyOf().also { it[it.size / 3] = (it[it.size / 3].toInt() xor 1).toByte() }
        val checked = repo.checkSigned(changed, null)
        assertEquals("signature.content_changed", (checked as Outcome.Failed).problem.code)
    }

    /** A typeset page (AWT, headless). */
    @Test
    fun theLanguageIsKeptAndSigningOutWarnsWhileChangesWait() = runBlocking {
        val dir = temp.newFolder().resolve("lang")
        val keys = MemoryKeys()
        val repo = BerkasRepository(dir, keys)
        LoginViewModel(repo, this).login(hub, nip, password).join()
        SyncViewModel(repo, this).sync().join()
        val session = SessionViewModel(repo, this, systemLang = Lang.ID)
        session.start().join()
        assertEquals(Screen.Home(nip), session.state.value.screen)
        session.setLanguage(Lang.EN).join()
        // The app again, the system still in Indonesian: the choice holds.
        val again = SessionViewModel(BerkasRepository(dir, keys), this, systemLang = Lang.ID)
        again.start().join()
        assertEquals(Lang.EN, again.state.value.lang)

        // A change not yet sent: signing out warns, with the count; anyway signs out.
        ContactViewModel(repo, this).save(nip, mapOf("email" to "asn.keluar@example.com")).join()
        val waiting = (repo.session() as Outcome.Ok).value.outbox
        assertTrue("waiting $waiting", waiting > 0uL)
        again.signOut().join()
        assertTrue(again.state.value.signOutWarning!!.startsWith("$waiting change"))
        assertEquals(Screen.Home(nip), again.state.value.screen)
        again.signOut(anyway = true).join()
        assertEquals(Screen.SignIn, again.state.value.screen)
        assertEquals(null, again.state.value.signOutWarning)
        // The change still waits for the same account's next sign-in.
        assertEquals(waiting, (repo.session() as Outcome.Ok).value.outbox)
    }

    @Test
    fun aDocumentTheRecordHoldsIsReusedForANewRequestWithoutANewUpload() = runBlocking {
        val repo = repo("reuse")
        LoginViewModel(repo, this).login(hub, nip, password).join()
        val sync = SyncViewModel(repo, this)
        sync.sync().join()
        val docs = DocumentsViewModel(repo, this)
        docs.save(nip, "889", DocumentLink.DataUtama, listOf(CapturePage(jpeg(page()), null)), true).join()
        val held = docs.state.value.saved!!
        sync.sync().join()
        assertEquals(1uL, sync.state.value.last!!.blobsUploaded)

        val layanan = LayananViewModel(repo, this)
        layanan.load(nip).join()
        layanan.choose("koreksi_data_utama").join()
        layanan.change("gelar_depan", "Dr.").join()
        val item = layanan.state.value.papers.first { it.required }
        assertTrue(layanan.state.value.reusable.any { it.id == held.id })
        layanan.reuse(item.id, held.id).join()
        val paper = layanan.state.value.papers.first { it.id == item.id }
        assertEquals(held.sha256, paper.documents.single().sha256)
        assertEquals("uploaded", paper.state)
        layanan.submit().join()
        assertEquals("SUBMITTED", layanan.state.value.request!!.status)
        sync.sync().join()
        assertEquals(0uL, sync.state.value.last!!.refused)
        assertEquals("the same bytes go up once", 0uL, sync.state.value.last!!.blobsUploaded)
    }

    @Test
    fun theFourCornersMoveWithinThePhotoAndNeverFoldThePage() {
        val crop = PageCrop(1000, 1400)
        assertNull("the whole photo needs no crop", crop.page(ByteArray(1)).crop)
        assertTrue(crop.move(0, 80f, 120f))
        assertTrue(crop.move(2, 2000f, 1390f))
        assertEquals(Corner(1000f, 1390f), crop.corners[2])
        // Top-left dragged past bottom-right would fold the page: refused, nothing moves.
        assertFalse(crop.move(0, 1000f, 1395f))
        assertEquals(Corner(80f, 120f), crop.corners[0])
        assertEquals(listOf(80f, 120f, 1000f, 0f, 1000f, 1390f, 0f, 1400f), crop.page(ByteArray(1)).crop)
        // Corners the camera found that are not a page are not taken.
        val bad = PageCrop(100, 100, listOf(Corner(0f, 0f), Corner(100f, 100f), Corner(100f, 0f), Corner(0f, 100f)))
        assertNull(bad.page(ByteArray(1)).crop)
    }

    @Test
    fun aCroppedCaptureIsCheckedBeforeItIsSavedAndCoreStraightensIt() = runBlocking {
        val repo = repo("crop")
        LoginViewModel(repo, this).login(hub, nip, password).join()
        SyncViewModel(repo, this).sync().join()
        val layanan = LayananViewModel(repo, this)
        layanan.load(nip).join()
        layanan.choose("koreksi_data_utama").join()
        val item = layanan.state.value.papers.first { it.required }
        // The page photographed on a dark table; the ASN drags the corners onto the paper.
        val photo = java.awt.image.BufferedImage(1600, 2000, java.awt.image.BufferedImage.TYPE_INT_RGB)
        val g = photo.createGraphics()
        g.color = java.awt.Color(40, 35, 30)
        g.fillRect(0, 0, photo.width, photo.height)
        g.drawImage(page(), 180, 120, 1240, 1754, null)
        g.dispose()
        val crop = PageCrop(photo.width, photo.height)
        assertTrue(crop.move(0, 180f, 120f) && crop.move(1, 1420f, 120f) && crop.move(2, 1420f, 1874f) && crop.move(3, 180f, 1874f))
        val before = layanan.state.value.papers.first { it.id == item.id }.documents.map { it.id }
        layanan.check(item.id, listOf(crop.page(jpeg(photo)))).join()
        val preview = layanan.state.value.preview!!
        assertEquals(item.id, preview.item)
        // Straightened to the page: the paper's proportions (A4), not the photo's with the table.
        val ratio = preview.width.toDouble() / preview.height
        assertTrue("kept ${preview.width}x${preview.height}", kotlin.math.abs(ratio - 1240.0 / 1754) < 0.03)
        layanan.capture(preview.item, preview.pages, preview.flagged).join()
        assertNull(layanan.state.value.preview)
        val after = layanan.state.value.papers.first { it.id == item.id }.documents.map { it.id }
        assertEquals(before.size + 1, after.size)
    }

    private fun page(): java.awt.image.BufferedImage {
        val img = java.awt.image.BufferedImage(1240, 1754, java.awt.image.BufferedImage.TYPE_INT_RGB)
        val g = img.createGraphics()
        g.color = java.awt.Color(250, 250, 247)
        g.fillRect(0, 0, img.width, img.height)
        g.color = java.awt.Color(20, 20, 20)
        g.font = java.awt.Font(java.awt.Font.SERIF, java.awt.Font.PLAIN, 30)
        var y = 120
        while (y < img.height - 100) { g.drawString("SURAT KEPUTUSAN NOMOR 800/123/2026", 90, y); y += 48 }
        g.dispose()
        return img
    }

    private fun jpeg(img: java.awt.image.BufferedImage): ByteArray {
        val out = java.io.ByteArrayOutputStream()
        javax.imageio.ImageIO.write(img, "jpg", out)
        return out.toByteArray()
    }

    /** A page photographed out of focus (AWT, headless). */
    private fun blurredPage(): ByteArray {
        val img = page()
        val k = 25
        // EDGE_NO_OP: a zero-filled edge would be a sharp black frame.
        val kernel = java.awt.image.Kernel(k, k, FloatArray(k * k) { 1f / (k * k) })
        return jpeg(java.awt.image.ConvolveOp(kernel, java.awt.image.ConvolveOp.EDGE_NO_OP, null).filter(img, null))
    }
}
