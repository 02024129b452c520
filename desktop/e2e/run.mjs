// End to end: the real desktop app under Xvfb, driven through tauri-driver and WebKitWebDriver,
// against a real `berkas-server demo`. A facilitator (fas-a) signs in, finds an ASN, accepts the
// document of that ASN's correction, returns the field with a reason, syncs; the ASN's CLI
// profile then sees the return and the reason. Screenshots of the main screens go to
// $BERKAS_E2E_SHOTS. Run by scripts/test.sh (which starts Xvfb and tauri-driver).
import { remote } from "webdriverio";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";

const target = process.env.BERKAS_TARGET ?? "target/debug";
const shots = process.env.BERKAS_E2E_SHOTS ?? join(target, "e2e-screenshots");
const password = "e2e-berkas";
mkdirSync(shots, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "berkas-e2e-"));

function waitFor(file, pattern, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      // not written yet
    }
    const m = text.match(pattern);
    if (m) return m;
    if (Date.now() > end) throw new Error(`timed out waiting for ${pattern} in ${file}`);
    execFileSync("sleep", ["0.1"]);
  }
}

// The hub, with a log to read its address and an ASN's NIP from.
const hubLog = join(work, "hub.log");
const hub = spawn("bash", ["-c", `exec ${target}/berkas-server demo --data ${work}/hub --listen 127.0.0.1:0 --password ${password} --per-unit 3 > ${hubLog} 2>&1`]);
const url = waitFor(hubLog, /^berkas-server listening on (.*)$/m)[1];

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
cli("form", "submit", draft.id);
cli("sync");

const driver = await remote({
  hostname: "127.0.0.1",
  port: 4444,
  logLevel: "warn",
  capabilities: {
    browserName: "wry",
    "wdio:enforceWebDriverClassic": true,
    "tauri:options": { application: `${target}/berkas-desktop`, args: ["--profile", join(work, "desktop")] },
  },
});

// WebKit paints after the DOM settles; a screenshot taken at once can show the previous frame.
const shot = async (name) => {
  await driver.pause(600);
  await driver.saveScreenshot(join(shots, name));
};

try {
  await driver.setWindowSize(1280, 800).catch(() => {});
  // Sign in: the first screen speaks Indonesian.
  await (await driver.$("#server")).setValue(url);
  await (await driver.$("#user")).setValue("fas-a");
  await (await driver.$("#password")).setValue("salah");
  await (await driver.$("#signin")).click();
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
  await shot("03-rincian-asn.png");
  // The document viewer: the bytes come from the hub on demand and show as an image.
  await (await driver.$("[data-view-doc]")).click();
  const image = await driver.$("#document-image");
  await image.waitForDisplayed({ timeout: 20000 });
  await driver.waitUntil(async () => (await driver.execute((el) => el.naturalWidth, image)) > 0, { timeout: 10000 });
  await image.scrollIntoView();
  await shot("03b-dokumen.png");

  // The verification queue: accept the document, return the field with a reason.
  await (await driver.$("#nav-queue")).click();
  const request = await driver.$(`[data-request="${draft.id}"]`);
  await request.waitForDisplayed({ timeout: 10000 });
  const acceptDoc = await driver.$("[data-accept-doc]");
  await acceptDoc.click();
  await request.click();
  const reason = await driver.$('[data-reason="tempat_lahir"]');
  await reason.waitForDisplayed({ timeout: 10000 });
  await shot("04-antrean-verifikasi.png");
  await reason.setValue("Tulis sesuai akta kelahiran: Mataram");
  await (await driver.$('[data-return="tempat_lahir"]')).click();
  await driver.waitUntil(async () => !(await (await driver.$('[data-return="tempat_lahir"]')).isExisting()), { timeout: 10000 });
  await shot("05-dikembalikan.png");

  // Reports: the completeness chart and verification progress.
  await (await driver.$("#nav-reports")).click();
  await (await driver.$("svg rect")).waitForDisplayed({ timeout: 10000 });
  await shot("05b-laporan.png");

  // Sync, then the ASN's CLI sees the return and its reason.
  await (await driver.$("#nav-sync")).click();
  await (await driver.$("#sync-now")).click();
  await driver.waitUntil(async () => (await (await driver.$("#sync-now")).isEnabled()), { timeout: 30000 });
  await shot("06-sinkronisasi.png");
  cli("sync");
  const status = JSON.parse(cli("form", "status", draft.id, "--json"));
  assert.equal(status.status, "RETURNED");
  assert.match(status.status_reason, /Mataram/);
  assert.equal(status.keputusan.tempat_lahir.putusan, "KEMBALIKAN");
  console.log(`e2e: fas-a returned tempat_lahir of ${nip} in the desktop app; the ASN's CLI shows: ${status.status_reason}`);
} finally {
  await driver.deleteSession().catch(() => {});
  hub.kill();
}
