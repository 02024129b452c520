// End to end: the real desktop app under Xvfb, driven through tauri-driver and WebKitWebDriver,
// against a real `berkas-server demo`. A facilitator (fas-a) signs in, finds an ASN, accepts the
// document of that ASN's correction, returns the field with a reason, syncs; the ASN's CLI
// profile then sees the return and the reason. A kartu pegawai request (no fields: papers
// only) is returned as a whole with a reason, corrected by the ASN and approved in the app. Screenshots of the main screens go to
// $BERKAS_E2E_SHOTS. Run by scripts/test.sh (which starts Xvfb and tauri-driver).
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { password, session as open, signIn, startHub, target } from "./harness.mjs";

const shots = process.env.BERKAS_E2E_SHOTS ?? join(target, "e2e-screenshots");
mkdirSync(shots, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "berkas-e2e-"));
const { url, hub } = startHub(work, 3);

// The ASN proposes a correction with a supporting document from their own CLI profile.
const cli = (...args) => execFileSync(`${target}/berkas`, ["--profile", join(work, "asn"), ...args], { input: password }).toString();
const fas = (...args) => execFileSync(`${target}/berkas`, ["--profile", join(work, "fas-cli"), ...args], { input: password }).toString();
fas("init", "--secret-store", "file");
fas("login", "--server", url, "--user", "fas-a", "--password-stdin");
fas("sync");
const unit = JSON.parse(fas("pegawai", "list", "--unit", "UNIT-A", "--json"));
const nip = unit[1].nip;
const nama = unit[1].nama;
const nik = JSON.parse(fas("pegawai", "show", nip, "--json")).data_utama.values.nik;
cli("init", "--secret-store", "file");
cli("login", "--server", url, "--user", nip, "--password-stdin");
cli("sync");
const draft = JSON.parse(cli("form", "fill", "koreksi_data_utama", "--nip", nip, "--set", "tempat_lahir=Kota Mataram", "--json"));
const page = join(work, "page.jpg");
execFileSync("vips", ["text", join(work, "t.png"), "SURAT KETERANGAN TEMPAT LAHIR NOMOR 474/123/2026", "--dpi", "300", "--width", "1800"]);
execFileSync("vips", ["invert", join(work, "t.png"), `${page}[Q=90]`]);
cli("doc", "add", "--nip", nip, "--type", "dokumen_pendukung", "--usulan", draft.id, "--keep", page);
// A second supporting document of two pages: the pipeline makes one PDF of them.
const page2 = join(work, "page2.jpg");
execFileSync("vips", ["text", join(work, "t2.png"), "HALAMAN KEDUA: KUTIPAN AKTA KELAHIRAN", "--dpi", "300", "--width", "1800"]);
execFileSync("vips", ["invert", join(work, "t2.png"), `${page2}[Q=90]`]);
cli("doc", "add", "--nip", nip, "--type", "dokumen_pendukung", "--usulan", draft.id, "--keep", page, page2);
cli("form", "submit", draft.id);
// An ordinary layanan with no fields to verify: a kartu pegawai, its papers on the record.
const kp = JSON.parse(cli("form", "fill", "kartu_pegawai", "--nip", nip, "--json"));
cli("doc", "add", "--nip", nip, "--type", "887", "--keep", page);
cli("doc", "add", "--nip", nip, "--type", "pas_foto", "--keep", page2);
cli("form", "submit", kp.id);
cli("sync");
// The facilitator's CLI shows it too: the request and its papers, to decide as a whole.
fas("sync");
assert.match(fas("verify", "show", kp.id), /Pas foto/);

// The app on its own profile; a second session is a restart.
const session = () => open(join(work, "desktop"));
let driver = await session();

// WebKit paints after the DOM settles; a screenshot taken at once can show the previous frame.
const shot = async (name) => {
  await driver.pause(600);
  await driver.saveScreenshot(join(shots, name));
};

let passed = false;
try {
  await driver.setWindowSize(1280, 800).catch(() => {});
  // Sign in: the first screen speaks Indonesian.
  await signIn(driver, url, "fas-a", "salah");
  const err = await driver.$("#login-error");
  await err.waitForDisplayed({ timeout: 20000 });
  assert.match(await err.getText(), /kata sandi salah/i);
  await shot("01-masuk-gagal.png");
  await (await driver.$("#password")).clearValue();
  await (await driver.$("#password")).setValue(password);
  await (await driver.$("#signin")).click();

  // The unit's list; find the ASN by name.
  const search = await driver.$("#search");
  await search.waitForDisplayed({ timeout: 30000 });
  await driver.$(`[data-nip="${nip}"]`).waitForDisplayed({ timeout: 20000 });
  assert.equal(await driver.$$("[data-nip]").length > 1, true, "the unit's rows are listed");
  await shot("02-daftar-asn.png");
  // A NIK finds its ASN through the full-text index; then a part of the name.
  await search.setValue(nik);
  await driver.waitUntil(async () => (await driver.$$("[data-nip]").length) === 1, { timeout: 10000 });
  assert.equal(await (await driver.$("[data-nip]")).getAttribute("data-nip"), nip);
  await search.clearValue();
  await search.setValue(nama.split(" ")[0]);
  const row = await driver.$(`[data-nip="${nip}"]`);
  await row.waitForDisplayed({ timeout: 10000 });
  await row.click();
  await (await driver.$("#detail-name")).waitForDisplayed({ timeout: 10000 });
  assert.match(await (await driver.$("#detail-name")).getText(), new RegExp(nama.split(" ")[0]));
  // Names, not codes: the golongan reads as ruang and pangkat, the date in words, no code marked
  // unknown (the hub served the reference tables at the first sync).
  assert.match(await (await driver.$('td[data-field="gol_ruang_akhir_id"]')).getText(), /^[IV]+\/[a-e] \p{L}/u);
  assert.match(await (await driver.$('td[data-field="tgl_lahir"]')).getText(), /^\d{1,2} \p{L}+ \d{4}$/u);
  assert.equal((await driver.$$("td.warn")).length, 0, "a code shown without its name");
  await shot("03-rincian-asn.png");
  // The hub's trail of the record: the ASN's own write of the correction, in words.
  await (await driver.$("#load-hub-audit")).click();
  const trail = await driver.$("#hub-audit");
  await trail.waitForDisplayed({ timeout: 20000 });
  assert.match(await trail.getText(), /mengubah/);
  // The document viewer: the bytes come from the hub on demand and show as an image.
  await (await driver.$('[data-view-doc][data-mime="image/jpeg"]')).click();
  const image = await driver.$("#document-image");
  await image.waitForDisplayed({ timeout: 20000 });
  await driver.waitUntil(async () => (await driver.execute((el) => el.naturalWidth, image)) > 0, { timeout: 10000 });
  await image.scrollIntoView();
  await shot("03b-dokumen.png");
  // A PDF is drawn by pdf.js, page by page, with dark text on the white page.
  await (await driver.$('[data-view-doc][data-mime="application/pdf"]')).click();
  const pdf = await driver.$("#document-pdf");
  await driver.waitUntil(async () => (await pdf.getAttribute("data-drawn")) === "1", { timeout: 20000 });
  const inked = (el) => {
    const d = el.getContext("2d").getImageData(0, 0, el.width, el.height).data;
    let dark = 0;
    for (let i = 0; i < d.length; i += 16) if (d[i] < 100) dark++;
    return dark;
  };
  assert.ok((await driver.execute(inked, pdf)) > 100, "the PDF's first page shows its text");
  assert.match(await (await driver.$("#pdf-page")).getText(), /1 dari 2/);
  await (await driver.$("#pdf-next")).click();
  await driver.waitUntil(async () => (await pdf.getAttribute("data-drawn")) === "2", { timeout: 20000 });
  await pdf.scrollIntoView();
  await shot("03c-dokumen-pdf.png");

  // The verification queue: accept the document, return the field with a reason.
  await (await driver.$("#nav-queue")).click();
  const request = await driver.$(`[data-request="${draft.id}"]`);
  await request.waitForDisplayed({ timeout: 10000 });
  const acceptDoc = await driver.$("[data-accept-doc]");
  const accepted = await acceptDoc.getAttribute("data-accept-doc");
  await acceptDoc.click();
  // It took: the document leaves the queue (its decision is checked on the ASN's side below).
  await driver.waitUntil(async () => !(await (await driver.$(`[data-accept-doc="${accepted}"]`)).isExisting()), { timeout: 10000 });
  await request.click();
  const reason = await driver.$('[data-reason="tempat_lahir"]');
  await reason.waitForDisplayed({ timeout: 10000 });
  await shot("04-antrean-verifikasi.png");
  await reason.setValue("Tulis sesuai akta kelahiran: Mataram");
  await (await driver.$('[data-return="tempat_lahir"]')).click();
  await driver.waitUntil(async () => !(await (await driver.$('[data-return="tempat_lahir"]')).isExisting()), { timeout: 10000 });
  await shot("05-dikembalikan.png");

  // The kartu pegawai: named in words, its papers listed, returned as a whole with a reason.
  const kpRequest = await driver.$(`[data-request="${kp.id}"]`);
  await kpRequest.waitForDisplayed({ timeout: 10000 });
  assert.match(await kpRequest.getText(), /Kartu pegawai/i);
  assert.doesNotMatch(await kpRequest.getText(), /SUBMITTED|kartu_pegawai/);
  await kpRequest.click();
  await (await driver.$('[data-paper="pas_foto"]')).waitForDisplayed({ timeout: 10000 });
  await (await driver.$(`[data-request-reason="${kp.id}"]`)).setValue("Pas foto harus berlatar merah");
  await shot("05a-kartu-pegawai.png");
  await (await driver.$('[data-decide="RETURNED"]')).click();
  await driver.waitUntil(async () => !(await (await driver.$(`[data-request="${kp.id}"]`)).isExisting()), { timeout: 10000 });

  // Reports: the completeness chart and verification progress.
  await (await driver.$("#nav-reports")).click();
  await (await driver.$("svg rect")).waitForDisplayed({ timeout: 10000 });
  // One unit chosen: the year ahead of due proposals, units side by side; the chart saved as
  // the PNG the page drew and its data as XLSX.
  await (await driver.$("#report-unit")).selectByAttribute("value", "UNIT-A");
  await (await driver.$("#outlook-table")).waitForDisplayed({ timeout: 20000 });
  await (await driver.$("#units-chart")).waitForDisplayed({ timeout: 10000 });
  await shot("05b-laporan.png");
  const savedPath = async (ext) => {
    await driver.waitUntil(async () => (await (await driver.$("#export-saved")).getText()).endsWith(ext), { timeout: 20000 });
    return (await (await driver.$("#export-saved")).getText()).replace(/^\S+ \S+ /, "");
  };
  await (await driver.$('[data-png="outlook-chart"]')).click();
  const png = readFileSync(await savedPath(".png"));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "a PNG picture");
  assert.ok(png.length > 2000, "the chart was drawn, not an empty canvas");
  await (await driver.$("#report-xlsx")).click();
  const xlsx = readFileSync(await savedPath(".xlsx"));
  assert.equal(xlsx.subarray(0, 2).toString(), "PK", "an XLSX workbook");

  // Sync, then the ASN's CLI sees the return and its reason.
  await (await driver.$("#nav-sync")).click();
  await (await driver.$("#sync-now")).click();
  await driver.waitUntil(async () => (await (await driver.$("#sync-now")).isEnabled()), { timeout: 30000 });
  await shot("06-sinkronisasi.png");

  // The ASN reads the reason, adds a new photo and resubmits; fas-a approves it in the app.
  cli("sync");
  const kpReturned = JSON.parse(cli("form", "status", kp.id, "--json"));
  assert.equal(kpReturned.status, "RETURNED");
  assert.match(kpReturned.status_reason, /berlatar merah/);
  cli("doc", "add", "--nip", nip, "--type", "pas_foto", "--keep", page);
  cli("form", "submit", kp.id);
  cli("sync");
  await (await driver.$("#sync-now")).click();
  await driver.waitUntil(async () => (await (await driver.$("#sync-now")).isEnabled()), { timeout: 30000 });
  await (await driver.$("#nav-queue")).click();
  const again = await driver.$(`[data-request="${kp.id}"]`);
  await again.waitForDisplayed({ timeout: 10000 });
  await again.click();
  await (await driver.$('[data-decide="APPROVED"]')).click();
  await driver.waitUntil(async () => !(await (await driver.$(`[data-request="${kp.id}"]`)).isExisting()), { timeout: 10000 });
  await (await driver.$("#nav-sync")).click();
  await (await driver.$("#sync-now")).click();
  await driver.waitUntil(async () => (await (await driver.$("#sync-now")).isEnabled()), { timeout: 30000 });
  cli("sync");
  assert.equal(JSON.parse(cli("form", "status", kp.id, "--json")).status, "APPROVED", "the ASN sees the approval");

  // Two changes the hub refuses (ASN's own phone numbers, edited on this laptop's profile from
  // the CLI): on the sync screen one is retried (refused again) and both are discarded.
  const laptop = (...args) => execFileSync(`${target}/berkas`, ["--profile", join(work, "desktop"), ...args], { stdio: ["pipe", "pipe", "pipe"] }).toString();
  laptop("pegawai", "edit", nip, "--set", "no_hp=081311112222");
  laptop("pegawai", "edit", unit[0].nip, "--set", "no_hp=081311113333");
  await (await driver.$("#nav-sync")).click();
  await (await driver.$("#sync-now")).click();
  await driver.waitUntil(async () => (await driver.$$("[data-problem]").length) === 2, { timeout: 30000 });
  await shot("06b-ditolak-server.png");
  const problems = await driver.$$("[data-problem]");
  const first = await problems[0].getAttribute("data-problem");
  const second = await problems[1].getAttribute("data-problem");
  await (await driver.$(`[data-retry="${first}"]`)).click();
  await driver.waitUntil(async () => (await driver.$$("[data-problem]").length) === 1, { timeout: 10000 });
  await (await driver.$("#sync-now")).click();
  await driver.waitUntil(async () => (await driver.$$("[data-problem]").length) === 2, { timeout: 30000 });
  await (await driver.$(`[data-discard="${second}"]`)).click();
  await driver.waitUntil(async () => (await driver.$$("[data-problem]").length) === 1, { timeout: 10000 });
  await (await driver.$(`[data-discard="${first}"]`)).click();
  await driver.waitUntil(async () => (await driver.$$("[data-problem]").length) === 0, { timeout: 10000 });
  assert.equal(JSON.parse(laptop("outbox", "list", "--json")).length, 0, "nothing waits after both are discarded");

  // Settings: English and a 5-minute background sync, kept across a restart that opens
  // signed in; then back to Indonesian.
  await (await driver.$("#nav-settings")).click();
  await (await driver.$("#settings-account")).waitForDisplayed({ timeout: 10000 });
  assert.match(await (await driver.$("#settings-account")).getText(), /fas-a/);
  await (await driver.$("#settings-sync")).selectByAttribute("value", "5");
  await (await driver.$("#settings-language")).selectByAttribute("value", "en");
  await driver.waitUntil(async () => (await (await driver.$("#nav-settings")).getText()) === "Settings", { timeout: 10000 });
  await shot("07-pengaturan-en.png");
  cli("sync");
  const status = JSON.parse(cli("form", "status", draft.id, "--json"));
  assert.equal(status.status, "RETURNED");
  assert.match(status.status_reason, /Mataram/);
  assert.equal(status.keputusan.tempat_lahir.putusan, "KEMBALIKAN");
  const decided = JSON.parse(cli("doc", "show", accepted, "--json"));
  assert.equal(decided.verifikasi?.putusan, "DITERIMA", `the accepted document on the ASN's side: ${JSON.stringify(decided)}`);
  await driver.deleteSession();
  driver = await session();
  const list = await driver.$("#search");
  await list.waitForDisplayed({ timeout: 30000 });
  assert.equal(await (await driver.$("#nav-settings")).getText(), "Settings", "the restart keeps English and the session");
  await (await driver.$("#nav-settings")).click();
  await driver.waitUntil(async () => (await (await driver.$("#settings-sync")).getValue()) === "5", { timeout: 10000 });
  await (await driver.$("#settings-language")).selectByAttribute("value", "id");
  await driver.waitUntil(async () => (await (await driver.$("#nav-settings")).getText()) === "Pengaturan", { timeout: 10000 });
  console.log(`e2e: fas-a returned tempat_lahir of ${nip} in the desktop app; the ASN's CLI shows: ${status.status_reason}`);
  passed = true;
} finally {
  await driver.deleteSession().catch(() => {});
  hub.kill();
  // The profiles and the hub's data are kept only when the run failed, to look into.
  if (passed) rmSync(work, { recursive: true, force: true, maxRetries: 5 });
  else console.error(`e2e: the run's profiles and hub data are kept in ${work}`);
}
