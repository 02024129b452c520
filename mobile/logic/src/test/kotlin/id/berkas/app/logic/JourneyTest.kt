package id.berkas.app.logic

// The ASN's week offline, on the host JVM: a real hub process (BERKAS_SERVER_BIN) this test
// stops and starts again on the same address, a facilitator on the berkas CLI (BERKAS_CLI_BIN),
// and "the app" restarted as new view-models over the same profile directory and key store.

import id.berkas.core.CapturePage
import id.berkas.core.DocumentLink
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import java.io.File
import java.util.concurrent.TimeUnit

class JourneyTest {
    private val serverBin = System.getenv("BERKAS_SERVER_BIN") ?: error("BERKAS_SERVER_BIN is not set")
    private val cliBin = System.getenv("BERKAS_CLI_BIN") ?: error("BERKAS_CLI_BIN is not set")
    private val password = "pekan-luring"

    @get:Rule
    val temp = TemporaryFolder()
    private var hub: Process? = null

    @After
    fun stopHub() {
        hub?.destroy()
        hub?.waitFor(10, TimeUnit.SECONDS)
    }

    /** Starts `berkas-server demo` on [listen]; the URL and an ASN (NIP, unit) it seeded. */
    private fun startHub(data: File, listen: String): Triple<String, String, String> {
        val p = ProcessBuilder(serverBin, "demo", "--data", data.path, "--listen", listen, "--password", password, "--per-unit", "2")
            .redirectErrorStream(true).start()
        hub = p
        val lines = p.inputStream.bufferedReader()
        var nip = ""
        var unit = ""
        while (true) {
            val line = lines.readLine() ?: error("the hub ended before listening")
            Regex("^for example: ASN (\\d+) \\((.+)\\)").find(line)?.let { nip = it.groupValues[1]; unit = it.groupValues[2] }
            if (line.startsWith("berkas-server listening on ")) {
                Thread { while (lines.readLine() != null) { } }.apply { isDaemon = true }.start()
                return Triple(line.removePrefix("berkas-server listening on ").trim(), nip, unit)
            }
        }
    }

    private fun cli(profile: File, vararg args: String, input: String? = null): String {
        val p = ProcessBuilder(listOf(cliBin, "--profile", profile.path) + args).redirectErrorStream(true).start()
        input?.let { p.outputStream.bufferedWriter().use { w -> w.write(it) } } ?: p.outputStream.close()
        val out = p.inputStream.bufferedReader().readText()
        assertTrue("berkas ${args.joinToString(" ")}: $out", p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0)
        return out
    }

    /** The unit's facilitator on the `berkas` CLI: a profile in [name], signed in and synced. */
    private fun facilitator(name: String, url: String, unit: String): File {
        val fas = temp.newFolder(name)
        cli(fas, "init", "--secret-store", "file")
        cli(fas, "login", "--server", url, "--user", if (unit == "UNIT-A") "fas-a" else "fas-b", "--password-stdin", input = "$password\n")
        cli(fas, "sync")
        return fas
    }

    /** The NIPs of [unit] as the facilitator's profile lists them. */
    private fun staffOf(fas: File, unit: String): List<String> =
        Regex("\"nip\"\\s*:\\s*\"(\\d{18})\"").findAll(cli(fas, "--json", "pegawai", "list", "--unit", unit))
            .map { it.groupValues[1] }.toList()

    private fun page(line: String): ByteArray {
        val img = java.awt.image.BufferedImage(1240, 1754, java.awt.image.BufferedImage.TYPE_INT_RGB)
        val g = img.createGraphics()
        g.color = java.awt.Color(250, 250, 247)
        g.fillRect(0, 0, img.width, img.height)
        g.color = java.awt.Color(20, 20, 20)
        g.font = java.awt.Font(java.awt.Font.SERIF, java.awt.Font.PLAIN, 30)
        var y = 120
        while (y < img.height - 100) { g.drawString(line, 90, y); y += 48 }
        g.dispose()
        val out = java.io.ByteArrayOutputStream()
        javax.imageio.ImageIO.write(img, "jpg", out)
        return out.toByteArray()
    }

    /** The app as launched: a repository over the profile dir, and its view-models. */
    private inner class App(dir: File, keys: MemoryKeys, scope: kotlinx.coroutines.CoroutineScope) {
        val repo = BerkasRepository(dir, keys)
        val session = SessionViewModel(repo, scope)
        val layanan = LayananViewModel(repo, scope)
        val sync = SyncViewModel(repo, scope)
    }

    @Test
    fun aWeekOffline() = runBlocking {
        val data = temp.newFolder("hub")
        val (url, nip, unit) = startHub(data, "127.0.0.1:0")
        val fas = facilitator("fas", url, unit)

        val dir = File(temp.root, "phone")
        val keys = MemoryKeys()
        // First launch: sign in, sync.
        var app = App(dir, keys, this)
        app.session.start().join()
        assertEquals(Screen.SignIn, app.session.state.value.screen)
        LoginViewModel(app.repo, this).login(url, nip, password).join()
        app.sync.sync().join()
        assertEquals(null, app.sync.state.value.error)

        // The hub goes away; the app restarts with no signal and opens on the record.
        hub!!.destroy(); hub!!.waitFor(10, TimeUnit.SECONDS)
        app = App(dir, keys, this)
        app.session.start().join()
        assertEquals(Screen.Home(nip), app.session.state.value.screen)

        // The picker: what applies, and why the rest does not.
        app.layanan.load(nip).join()
        val offered = app.layanan.state.value.offered.map { it.id }
        assertTrue(offered.containsAll(listOf("koreksi_data_utama", "pemutakhiran_kontak")))
        val jf = app.layanan.state.value.notOffered.first { it.id == "kp_jf" }
        assertEquals("layanan.jf_only", jf.reasonCode)
        assertTrue(jf.reason!!.contains("fungsional"))

        // A correction of data utama with a three-page document captured from its checklist item.
        app.layanan.choose("koreksi_data_utama").join()
        app.layanan.change("gelar_belakang", "S.Kom").join()
        val item = app.layanan.state.value.papers.first { it.required }
        assertEquals("missing", item.state)
        app.layanan.capture(item.id, (1..3).map { CapturePage(page("IJAZAH SARJANA KOMPUTER HALAMAN $it"), null) }, true).join()
        val captured = app.layanan.state.value.papers.first { it.id == item.id }
        assertEquals("captured", captured.state)
        assertEquals(3u, captured.documents.single().pages)
        app.layanan.submit().join()
        val correction = app.layanan.state.value.request!!
        assertEquals("SUBMITTED", correction.status)

        // A contact update, the app killed mid-draft: the answer typed before is still there.
        app.layanan.choose("pemutakhiran_kontak").join()
        app.layanan.change("no_hp", "081298765432").join()
        app = App(dir, keys, this)
        app.session.start().join()
        app.layanan.load(nip).join()
        val draft = app.layanan.state.value.offered.first { it.id == "pemutakhiran_kontak" }.openRequest
        assertNotNull("the draft survived the kill", draft)
        app.layanan.choose("pemutakhiran_kontak").join()
        assertEquals("+6281298765432", app.layanan.state.value.inputs.first { it.name == "no_hp" }.value)
        app.layanan.submit().join()
        assertEquals(emptyList<String>(), app.layanan.state.value.missing)

        // The hub comes back where the phone knows it: one sync sends everything.
        val (again, _, _) = startHub(data, url.removePrefix("http://"))
        assertEquals(url, again)
        app.sync.sync().join()
        assertEquals(null, app.sync.state.value.error)
        assertEquals(0uL, app.sync.state.value.last!!.refused)
        assertEquals(0uL, (app.repo.session() as Outcome.Ok).value.outbox)

        // The facilitator returns the correction: a reason on the field (which returns the
        // request) and on the document.
        val docId = captured.documents.single().id
        cli(fas, "sync")
        cli(fas, "verify", "field", correction.id, "gelar_belakang", "kembalikan", "--reason", "Gelar belum sesuai ijazah")
        cli(fas, "verify", "doc", docId, "dikembalikan", "--reason", "Halaman 2 buram")
        cli(fas, "sync")

        // The next sync brings the news; the ASN sees each reason where it stands, answers.
        app.sync.sync().join()
        val notice = app.sync.state.value.notices.single()
        assertEquals(listOf("returned", correction.id), listOf(notice.kind, notice.opens))
        assertTrue(notice.text, notice.text.isNotBlank())
        app.layanan.open(notice.opens).join()
        val returned = app.layanan.state.value
        assertEquals("Gelar belum sesuai ijazah", returned.fieldReasons["gelar_belakang"])
        val paper = returned.papers.first { it.id == item.id }
        assertEquals("returned", paper.state)
        assertEquals("Halaman 2 buram", paper.reason)
        assertTrue(returned.history.map { it.status }.containsAll(listOf("SUBMITTED", "RETURNED")))
        app.layanan.change("gelar_belakang", "S.Kom.").join()
        app.layanan.capture(item.id, (1..3).map { CapturePage(page("IJAZAH SARJANA KOMPUTER ULANG $it"), null) }, true).join()
        app.layanan.submit().join()
        assertEquals("RESUBMITTED", app.layanan.state.value.request!!.status)
        app.sync.sync().join()
        val newDoc = app.layanan.state.value.papers.first { it.id == item.id }.documents.first { it.id != docId }.id

        // Approved (every field decided): the record holds the approved value, and the hub
        // signs a receipt.
        cli(fas, "sync")
        cli(fas, "verify", "field", correction.id, "gelar_belakang", "setuju")
        cli(fas, "verify", "doc", newDoc, "diterima")
        cli(fas, "sync")
        app.sync.sync().join()
        assertEquals(listOf("approved"), app.sync.state.value.notices.map { it.kind })
        val record = RecordViewModel(app.repo, this)
        record.load(nip).join()
        val gelar = record.state.value.record!!.dataUtama.first { it.name == "gelar_belakang" }
        assertEquals("S.Kom.", gelar.value)
        val requests = RequestsViewModel(app.repo, this)
        requests.receipt(correction.id, File(temp.root, "tanda-terima.pdf")).join()
        assertNotNull(requests.state.value.error ?: "", requests.state.value.receipt)
        assertFalse(app.sync.state.value.signInAgain)

        // A document found not authentic: a written warning on the ASN's record, told at the
        // next sync and shown on the record.
        val docs = DocumentsViewModel(app.repo, this)
        docs.save(nip, "889", DocumentLink.DataUtama, listOf(CapturePage(page("SK CPNS NOMOR 800/999/2010"), null)), true).join()
        val fake = docs.state.value.saved!!.id
        app.sync.sync().join()
        cli(fas, "sync")
        cli(fas, "verify", "doc", fake, "tidak-asli", "--reason", "Cap dan tanda tangan tidak sesuai")
        cli(fas, "sync")
        app.sync.sync().join()
        assertEquals(listOf("teguran"), app.sync.state.value.notices.map { it.kind })
        record.load(nip).join()
        assertEquals("Cap dan tanda tangan tidak sesuai", record.state.value.teguran.single().reason)
        assertEquals("synced", record.state.value.syncState)
    }

    /** Rekon mandiri: the BKD reconciles this ASN's contact data from a file; the phone shows
     *  the new number and go.id address after its next sync, with who validated it and the
     *  rekon as its source. */
    @Test
    fun aReconciliationReachesThePhone() = runBlocking {
        val (url, nip, _) = startHub(temp.newFolder("hub-rekon"), "127.0.0.1:0")
        val app = App(File(temp.root, "phone-rekon"), MemoryKeys(), this)
        app.session.start().join()
        LoginViewModel(app.repo, this).login(url, nip, password).join()
        app.sync.sync().join()

        val admin = temp.newFolder("admin")
        cli(admin, "init", "--secret-store", "file")
        cli(admin, "login", "--server", url, "--user", "admin", "--password-stdin", input = "$password\n")
        cli(admin, "sync")
        val file = File(temp.root, "rekon.csv")
        file.writeText("NIP;Email go.id;Nomor HP\n$nip;rekon.kt@bkd.demo.go.id;0813-5555-0001\n")
        // The file was made after the hub was seeded.
        val tomorrow = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1).toString()
        val preview = cli(admin, "--json", "rekon", "preview", file.path, "--tanggal", tomorrow)
        val batch = Regex("\"batch\"\\s*:\\s*\"([^\"]+)\"").find(preview)!!.groupValues[1]
        cli(admin, "rekon", "apply", batch)
        cli(admin, "sync")

        app.sync.sync().join()
        assertEquals(null, app.sync.state.value.error)
        val record = RecordViewModel(app.repo, this)
        record.load(nip).join()
        val fields = record.state.value.record!!.dataUtama.associateBy { it.name }
        assertEquals("+6281355550001", fields.getValue("no_hp").value)
        assertEquals("rekon.kt@bkd.demo.go.id", fields.getValue("email_gov").value)
        assertEquals("rekon.kt@bkd.demo.go.id", fields.getValue("email_gov_valid").value)
        assertEquals("admin", fields.getValue("email_gov_valid_oleh").value)
        assertTrue(fields.getValue("rekon_terakhir").value.contains("admin"))
        assertEquals("Rekon mandiri terakhir", fields.getValue("rekon_terakhir").label)
    }

    /** The helpdesk from the phone: a ticket opened offline reaches the unit's facilitator
     *  (here the CLI), who asks for a document; the phone shows the question with the clock
     *  paused, the ASN's reply reopens it, the facilitator resolves it, the ASN rates it once.
     *  "Lupa password" answers in words without an account. */
    @Test
    fun aQuestionToTheHelpdesk() = runBlocking {
        val (url, nip, unit) = startHub(temp.newFolder("hub-helpdesk"), "127.0.0.1:0")
        val app = App(File(temp.root, "phone-helpdesk"), MemoryKeys(), this)
        app.session.start().join()
        LoginViewModel(app.repo, this).login(url, nip, password).join()
        app.sync.sync().join()
        val fas = facilitator("fas-helpdesk", url, unit)

        val help = HelpdeskViewModel(app.repo, this)
        help.load(nip).join()
        assertTrue(help.state.value.categories.any { it.id == "LUPA_PASSWORD" && it.tujuan == "BKD" })
        help.ask(nip, "DATA_TIDAK_SESUAI", "", "Tempat lahir salah.").join()
        assertTrue(help.state.value.error!!.contains("judul", ignoreCase = true) || help.state.value.error!!.contains("title"))
        help.ask(nip, "DATA_TIDAK_SESUAI", "Tempat lahir salah", "Tertulis Bandung, seharusnya Bantul.").join()
        val opened = help.state.value.current!!
        assertEquals("BARU", opened.status)
        assertEquals("Menunggu sinkronisasi", help.clockText(opened))
        app.sync.sync().join()

        cli(fas, "sync")
        val list = cli(fas, "--json", "tiket", "list")
        assertTrue(list, list.contains(opened.nomor))
        cli(fas, "tiket", "balas", opened.id, "--isi", "Mohon lampirkan akta kelahiran.", "--status", "MENUNGGU_PEMOHON")
        cli(fas, "sync")

        app.sync.sync().join()
        val told = app.sync.state.value.notices.first { it.kind == "tiket" }
        assertEquals(opened.id, told.opens)
        assertEquals("Mohon lampirkan akta kelahiran.", told.text)
        help.open(opened.id).join()
        val asked = help.state.value.current!!
        assertEquals("MENUNGGU_PEMOHON", asked.status)
        assertTrue(asked.paused)
        assertEquals("Menunggu jawaban Anda", help.clockText(asked))
        assertEquals("Mohon lampirkan akta kelahiran.", asked.steps.last().isi)
        help.reply(opened.id, "Sudah saya unggah di Dokumen.").join()
        assertEquals("DIPROSES", help.state.value.current!!.status)
        app.sync.sync().join()

        cli(fas, "sync")
        cli(fas, "tiket", "balas", opened.id, "--isi", "Sudah diperbaiki.", "--status", "SELESAI")
        cli(fas, "sync")
        app.sync.sync().join()
        help.open(opened.id).join()
        assertEquals("SELESAI", help.state.value.current!!.status)
        help.rate(opened.id, 5, "Cepat dan jelas").join()
        assertEquals(5L, help.state.value.current!!.rating)
        help.rate(opened.id, 1, null).join()
        assertEquals("Anda sudah memberi penilaian.", help.state.value.error)
        app.sync.sync().join()
        assertEquals(null, app.sync.state.value.error)

        // "Lupa password" from the sign-in screen: an answer in words, data matching or not.
        val login = LoginViewModel(app.repo, this)
        login.forgot(url, nip, "1901-01-01", "3201010101010001").join()
        assertTrue(login.state.value.notice.orEmpty(), login.state.value.notice.orEmpty().contains("helpdesk"))
        login.forgot(url, nip, "1901", "3201").join()
        assertEquals("NIP 18 angka, NIK 16 angka, tanggal lahir TTTT-BB-HH.", login.state.value.error)
    }

    /** A fix as Android's `Location` gives it, taken at [at] on the phone's clock. */
    private fun fix(lat: Double, lon: Double, at: java.time.Instant, mock: Boolean = false) =
        id.berkas.core.LocationFix(lat, lon, 12.0, "fused", mock, at.toEpochMilli(), null)

    /** A WIB wall-clock time (UTC+7) on [day], computed here. */
    private fun wib(day: java.time.LocalDate, h: Int, m: Int): java.time.Instant =
        day.atTime(h, m).toInstant(java.time.ZoneOffset.ofHours(7))

    @Test
    fun aDayWorkingFromHome() = runBlocking {
        val (url, nip, unit) = startHub(temp.newFolder("hub-presence"), "127.0.0.1:0")
        val fas = facilitator("fas-presence", url, unit)
        val staff = staffOf(fas, unit)
        val other = staff.first { it != nip }

        // The last working day before today in WIB: every report time of it has passed.
        var day = java.time.LocalDate.now(java.time.ZoneOffset.ofHours(7)).minusDays(1)
        while (day.dayOfWeek == java.time.DayOfWeek.SATURDAY || day.dayOfWeek == java.time.DayOfWeek.SUNDAY) day = day.minusDays(1)
        val homes = mapOf(nip to (-6.1201 to 106.1503), other to (-6.3012 to 106.6519))
        val phones = mutableMapOf<String, PresenceViewModel>()
        for (who in listOf(nip, other)) {
            val app = App(File(temp.root, "phone-presence-$who"), MemoryKeys(), this)
            app.session.start().join()
            LoginViewModel(app.repo, this).login(url, who, password).join()
            app.sync.sync().join()
            val presence = PresenceViewModel(app.repo, this)
            val (lat, lon) = homes.getValue(who)
            presence.setPlace(who, fix(lat, lon, java.time.Instant.now()), "Jl. Melati 3").join()
            assertEquals(lat, presence.state.value.place!!.lat, 1e-6)
            // Offline all day: one fix at each report time; the second ASN's 11.30 fix is mocked.
            for ((h, m) in listOf(7 to 5, 11 to 10, 15 to 15)) {
                val mocked = who == other && h == 11
                presence.checkIn(who, fix(lat + 0.0002, lon, wib(day, h, m), mocked), day.toString()).join()
                assertEquals(null, presence.state.value.error)
            }
            val today = presence.state.value.checkIns
            assertEquals(listOf("07:30", "11:30", "15:30"), today.map { it.reportTime })
            assertTrue(today.none { it.sent })
            if (who == other) {
                assertEquals("Lokasi palsu terdeteksi", presence.flagText(today[1]).single())
                assertTrue(presence.state.value.notice!!, presence.state.value.notice!!.startsWith("Laporan jam 15:30 dicatat"))
            }
            // Leaving home needs its reason, in words.
            presence.leaveHome(who, fix(lat, lon, wib(day, 9, 0)), " ", day.toString()).join()
            assertEquals("Tulis alasan keluar rumah (makan, kesehatan, keselamatan); atasan Anda diberi tahu.", presence.state.value.error)
            app.sync.sync().join()
            assertEquals(null, app.sync.state.value.error)
            app.sync.sync().join()
            presence.load(who, day.toString()).join()
            assertTrue(presence.state.value.checkIns.all { it.sent && "terlambat_sinkron" in it.flags })
            phones[who] = presence
        }

        // The facilitator's recaps: the 07.30 one as it stood at 07.31 knew nothing; made now,
        // both are at home, the late sync and the mock flagged.
        cli(fas, "sync")
        val early = cli(fas, "--json", "presensi", "rekap", "--unit", unit, "--date", day.toString(), "--window", "07:30",
            "--as-of", wib(day, 7, 31).toString())
        val where = { json: String, code: String -> Regex("\"keberadaan\"\\s*:\\s*\"$code\"").findAll(json).count() }
        assertEquals(early, staff.size, where(early, "TIDAK_LAPOR"))
        val noon = cli(fas, "--json", "presensi", "rekap", "--unit", unit, "--date", day.toString(), "--window", "11:30")
        assertEquals(noon, 2, where(noon, "DI_RUMAH"))
        assertEquals(2, Regex("terlambat_sinkron").findAll(noon).count())
        // The mocked fix is the second ASN's: their line, up to the next one, carries the flag.
        val theirs = noon.substring(noon.indexOf("\"$other\"")).substringBefore("\"nip\"")
        assertTrue(theirs, theirs.contains("\"DI_RUMAH\"") && theirs.contains("lokasi_palsu"))
        assertEquals(1, Regex("lokasi_palsu").findAll(noon).count())
    }

    @Test
    fun anAtasanDecidesTheDaysActivities() = runBlocking {
        // The demo's example ASN is the first of their unit, the atasan langsung of the unit's others.
        val (url, boss, unit) = startHub(temp.newFolder("hub-aktivitas"), "127.0.0.1:0")
        val fas = facilitator("fas-aktivitas", url, unit)
        val report = staffOf(fas, unit).first { it != boss }
        val today = java.time.LocalDate.now(java.time.ZoneOffset.ofHours(7))
        val (day1, day2) = today.minusDays(2).toString() to today.minusDays(1).toString()

        val phone = App(File(temp.root, "phone-aktivitas"), MemoryKeys(), this)
        phone.session.start().join()
        LoginViewModel(phone.repo, this).login(url, report, password).join()
        phone.sync.sync().join()
        val mine = ActivityViewModel(phone.repo, this)
        mine.load(report, day1).join()
        mine.add(report, "", "Memverifikasi usul").join()
        assertEquals("Sebutkan rencana kinerja SKP atau tugas tambahannya.", mine.state.value.error)
        mine.add(report, "Pemutakhiran data kepegawaian", "Memverifikasi usul kenaikan pangkat", "Usul terverifikasi", "12", "berkas", "150").join()
        mine.add(report, "Pemutakhiran data kepegawaian", "Memutakhirkan data SKP", menit = "90").join()
        assertEquals(2, mine.state.value.activities.size)
        mine.submit(report).join()
        assertTrue(mine.state.value.activities.all { it.status == "DIAJUKAN" })
        assertEquals("Diajukan ke atasan; terkirim saat sinkronisasi.", mine.state.value.notice)
        mine.load(report, day2).join()
        mine.add(report, "Rekap kehadiran", "Menyusun rekap kehadiran WFH", menit = "60", tambahan = true).join()
        mine.submit(report).join()
        // On day 2 the report also left home to see a doctor, told to the atasan with the reason.
        val presence = PresenceViewModel(phone.repo, this)
        presence.leaveHome(report, fix(-6.1301, 106.1503, wib(today.minusDays(1), 12, 10)), "Berobat ke puskesmas", day2).join()
        assertEquals(null, presence.state.value.error)
        phone.sync.sync().join()
        assertEquals(null, phone.sync.state.value.error)

        // The atasan on their own phone sees where the report was and why they left home.
        val atasanPresence = App(File(temp.root, "phone-atasan-hadir"), MemoryKeys(), this)
        atasanPresence.session.start().join()
        LoginViewModel(atasanPresence.repo, this).login(url, boss, password).join()
        val reports = PresenceViewModel(atasanPresence.repo, this)
        reports.loadReports(day2).join()
        val seen = reports.state.value.reports.single { it.nip == report }
        assertEquals(listOf("Berobat ke puskesmas"), seen.checkIns.filter { it.izinKeluar }.map { it.alasan })
        assertTrue(reports.reportSummary(seen), reports.reportSummary(seen).contains("izin keluar: Berobat ke puskesmas"))
        assertEquals(-6.1301, seen.checkIns.single().lat, 1e-6)
        // The report is nobody's atasan: nothing to see from their phone.
        presence.loadReports(day2).join()
        assertTrue(presence.state.value.reports.isEmpty())
        assertEquals(null, presence.state.value.error)

        // The atasan on their own phone: two days wait; one approved, one returned with a reason.
        val atasan = App(File(temp.root, "phone-atasan"), MemoryKeys(), this)
        atasan.session.start().join()
        LoginViewModel(atasan.repo, this).login(url, boss, password).join()
        val decide = ActivityViewModel(atasan.repo, this)
        decide.loadWaiting().join()
        assertEquals(listOf(day1 to 2, day2 to 1), decide.state.value.waiting.filter { it.nip == report }.map { it.tanggal to it.activities.size })
        decide.giveBack(report, day2, "  ").join()
        assertEquals("Tulis alasan pengembalian agar pegawai bisa memperbaikinya.", decide.state.value.error)
        decide.approve(report, day1).join()
        assertEquals("Disetujui atasan", decide.state.value.notice)
        decide.giveBack(report, day2, "Lampirkan rekap yang disusun.").join()
        assertEquals("Dikembalikan atasan", decide.state.value.notice)
        assertTrue(decide.state.value.waiting.none { it.nip == report })

        // The ASN's phone after its sync.
        phone.sync.sync().join()
        mine.load(report, day1).join()
        assertTrue(mine.state.value.activities.all { it.status == "DISETUJUI" && it.diputusOleh == boss })
        mine.load(report, day2).join()
        val back = mine.state.value.activities.single()
        assertEquals("DIKEMBALIKAN" to "Lampirkan rekap yang disusun.", back.status to back.alasan)
        assertEquals("Dikembalikan atasan", mine.statusText(back.status))
    }
}

