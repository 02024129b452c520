// End to end, the helpdesk: the real desktop app under Xvfb against a real `berkas-server
// demo`. An ASN's phone (here a CLI profile) opens a ticket and syncs; the unit's facilitator
// finds it in the Helpdesk queue with its 2x24 h clock, asks the requester for a document (the
// clock pauses), and syncs; the phone shows the question and the paused ticket; the requester
// replies; the facilitator resolves it, and the report counts it.
// Run by scripts/test.sh after rekon.mjs.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { password, phoneSide, session, signIn, startHub, target } from "./harness.mjs";

const shots = process.env.BERKAS_E2E_SHOTS ?? join(target, "e2e-screenshots");
mkdirSync(shots, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "berkas-e2e-helpdesk-"));
const { url, hub } = startHub(work, 2);
const { asn, nip } = phoneSide(work, url);
const opened = JSON.parse(
  asn("", "--json", "tiket", "buat", "--nip", nip, "--kategori", "DATA_TIDAK_SESUAI", "--judul", "Tanggal lahir salah",
    "--isi", "Tanggal lahir saya tercatat keliru."),
);
asn("", "sync");

const row = `tr[data-tiket="${opened.nomor}"]`;
let driver = await session(join(work, "desktop-fas"));
let passed = false;
try {
  await driver.setWindowSize(1280, 900).catch(() => {});
  await signIn(driver, url, "fas-a", password);
  await (await driver.$("#nav-helpdesk")).waitForDisplayed({ timeout: 30000 });
  await (await driver.$("#nav-helpdesk")).click();
  await (await driver.$(row)).waitForDisplayed({ timeout: 30000 });
  assert.match(await (await driver.$(row)).getText(), /sisa 4\dj/, "the ticket shows the time left of its 2x24 h");
  await (await driver.$(`${row} td`)).click();
  await (await driver.$("#tiket-text")).waitForDisplayed({ timeout: 10000 });
  await (await driver.$("#tiket-text")).setValue("Mohon unggah akta kelahiran.");
  await (await driver.$("#tiket-ask")).click();
  await driver.waitUntil(async () => (await (await driver.$("#tiket-detail")).getAttribute("data-status")) === "MENUNGGU_PEMOHON", { timeout: 20000 });
  assert.match(await (await driver.$("#tiket-detail")).getText(), /dijeda \(menunggu pemohon\)/);
  await driver.saveScreenshot(join(shots, "13-helpdesk-tiket.png"));
  await (await driver.$("#nav-sync")).click();
  await (await driver.$("#sync-now")).click();

  // The phone after its next sync: the question, and the ticket waiting for its requester.
  const shown = () => {
    asn("", "sync");
    return JSON.parse(asn("", "--json", "tiket", "show", opened.id));
  };
  await driver.waitUntil(async () => shown().sla.status === "MENUNGGU_PEMOHON", { timeout: 30000, interval: 1000 });
  const t = shown();
  assert.equal(t.steps.at(-1).isi, "Mohon unggah akta kelahiran.");
  assert.equal(t.sla.paused, true);
  // The requester's reply reopens it; the facilitator sees it and resolves it.
  asn("", "tiket", "balas", opened.id, "--isi", "Sudah saya unggah.");
  asn("", "sync");
  await (await driver.$("#nav-sync")).click();
  await (await driver.$("#sync-now")).click();
  await driver.pause(1500);
  await (await driver.$("#nav-helpdesk")).click();
  await (await driver.$(row)).waitForDisplayed({ timeout: 30000 });
  await driver.waitUntil(async () => {
    await (await driver.$(`${row} td`)).click();
    return (await (await driver.$("#tiket-detail")).getAttribute("data-status")) === "DIPROSES";
  }, { timeout: 30000, interval: 1000 });
  await (await driver.$("#tiket-text")).setValue("Tanggal lahir sudah diperbaiki.");
  await (await driver.$("#tiket-resolve")).click();
  await driver.waitUntil(async () => (await (await driver.$("#tiket-detail")).getAttribute("data-status")) === "SELESAI", { timeout: 20000 });
  await (await driver.$("#tiket-report")).click();
  const counted = await driver.$('tr[data-report="UNIT-A/DATA_TIDAK_SESUAI"]');
  await counted.waitForDisplayed({ timeout: 10000 });
  const cells = await driver.execute(() =>
    Array.from(document.querySelectorAll('tr[data-report="UNIT-A/DATA_TIDAK_SESUAI"] td')).map((td) => td.textContent.trim()),
  );
  // Received 1, answered 1, answered within 2x24 h 1.
  assert.deepEqual(cells.slice(0, 5), ["UNIT-A", "DATA_TIDAK_SESUAI", "1", "1", "1"]);

  console.log(`e2e helpdesk: ${opened.nomor} from the phone reached fas-a, was asked, answered on the phone, resolved and counted`);
  passed = true;
} finally {
  await driver.deleteSession().catch(() => {});
  hub.kill();
  if (passed) rmSync(work, { recursive: true, force: true, maxRetries: 5 });
  else console.error(`e2e helpdesk: the run's profiles and hub data are kept in ${work}`);
}
