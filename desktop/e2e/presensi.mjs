// End to end, WFH presence: the real desktop app under Xvfb against a real `berkas-server
// demo`. An ASN's phone (here a CLI profile) sets its work-from-home place and reports at 11.10
// WIB of the last working day from a mock location, offline, then syncs; the unit's
// facilitator opens the Kehadiran WFH screen, picks that day and 11.30, and sees the ASN at
// home with the mock location and the late sync flagged, the rest of the unit not reported,
// and confirms the ASN's place; the same recap as it stood on that day knew nothing of it. The
// BKD admin then sees the daily recap across every unit and has the hub sign it. Run by
// scripts/test.sh after helpdesk.mjs.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { password, phoneSide, session, signIn, startHub, target } from "./harness.mjs";

const shots = process.env.BERKAS_E2E_SHOTS ?? join(target, "e2e-screenshots");
mkdirSync(shots, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "berkas-e2e-presensi-"));
const { url, hub } = startHub(work, 2);
const { asn, nip, staff } = phoneSide(work, url);

// The last Monday-Friday before today in WIB: its report times have passed.
const wibToday = new Date(Date.now() + 7 * 3600e3);
let d = new Date(Date.UTC(wibToday.getUTCFullYear(), wibToday.getUTCMonth(), wibToday.getUTCDate()) - 86400e3);
while ([0, 6].includes(d.getUTCDay())) d = new Date(d.getTime() - 86400e3);
const day = d.toISOString().slice(0, 10);
asn("", "presensi", "tempat", "--nip", nip, "--lat", "-6.1201", "--lon", "106.1503", "--alamat", "Jl. Melati 3");
asn("", "presensi", "check-in", "--nip", nip, "--lat", "-6.1202", "--lon", "106.1503", "--akurasi", "12", "--mock",
  "--waktu", `${day}T11:10:00+07:00`);
asn("", "sync");

const row = `tr[data-nip="${nip}"]`;
const set = (selector, value, event) =>
  driver.execute((s, v, e) => {
    const el = document.querySelector(s);
    el.value = v;
    el.dispatchEvent(new Event(e, { bubbles: true }));
  }, selector, value, event);
let driver = await session(join(work, "desktop-fas"));
let passed = false;
try {
  await driver.setWindowSize(1280, 900).catch(() => {});
  await signIn(driver, url, "fas-a", password);
  await (await driver.$("#nav-sync")).waitForDisplayed({ timeout: 30000 });
  await (await driver.$("#nav-sync")).click();
  await (await driver.$("#sync-now")).click();
  await driver.pause(1500);
  await (await driver.$("#nav-presensi")).click();
  await (await driver.$("#presensi-load")).waitForDisplayed({ timeout: 30000 });
  await driver.waitUntil(async () => (await driver.execute(() => document.querySelector("#presensi-unit").value)) !== "", { timeout: 10000 });
  await set("#presensi-unit", "UNIT-A", "change");
  await set("#presensi-date", day, "input");
  await set("#presensi-window", "11:30", "change");
  await (await driver.$("#presensi-load")).click();
  await (await driver.$(row)).waitForDisplayed({ timeout: 20000 });
  await driver.waitUntil(async () => (await (await driver.$(row)).getAttribute("data-where")) === "DI_RUMAH", { timeout: 20000 });
  const flags = await driver.execute((r) => Array.from(document.querySelectorAll(`${r} [data-flag]`)).map((e) => e.dataset.flag), row);
  assert.deepEqual(flags, ["lokasi_palsu", "terlambat_sinkron"]);
  assert.match(await (await driver.$(row)).getText(), /lokasi palsu/);
  const others = await driver.execute(() =>
    Array.from(document.querySelectorAll("#presensi-table tbody tr")).map((tr) => [tr.dataset.nip, tr.dataset.where]),
  );
  assert.equal(others.length, staff.length, "every ASN of the unit has a line");
  assert.ok(others.filter(([n]) => n !== nip).every(([, w]) => w === "TIDAK_LAPOR"), JSON.stringify(others));
  // Everyone works from home: nobody is at the office, and the office minimum says so.
  const minimum = await driver.$("#presensi-minimum");
  assert.equal(await minimum.getAttribute("data-met"), "false");
  assert.match(await minimum.getText(), /TIDAK terpenuhi: Administrator 0\/1, Pengawas 0\/3/);
  await driver.saveScreenshot(join(shots, "14-presensi-rekap.png"));

  // The ASN's place waits for the facilitator's confirmation; confirmed, it says so.
  await (await driver.$(`${row} button.confirm-place`)).click();
  await driver.waitUntil(async () => (await (await driver.$(row)).getText()).includes("tempat WFH terkonfirmasi"), { timeout: 20000 });

  // The recap the OPD sends the BKD: a PDF and an XLSX the hub signs, in the downloads folder.
  await (await driver.$("#presensi-export")).click();
  await driver.waitUntil(async () => /rekap-wfh-UNIT-A-.*\.pdf/.test(await (await driver.$("section")).getText()), { timeout: 30000 });

  // As it stood on that day (the report reached the hub only today): not reported.
  await set("#presensi-asof", `${day}T12:00`, "input");
  await (await driver.$("#presensi-load")).click();
  await driver.waitUntil(async () => (await (await driver.$(row)).getAttribute("data-where")) === "TIDAK_LAPOR", { timeout: 20000 });

  // The BKD: the daily recap across every unit from the hub, signed for the governor.
  await driver.deleteSession();
  driver = await session(join(work, "desktop-admin"));
  await driver.setWindowSize(1280, 900).catch(() => {});
  await signIn(driver, url, "admin", password);
  await (await driver.$("#nav-presensi")).waitForDisplayed({ timeout: 30000 });
  await (await driver.$("#nav-presensi")).click();
  await driver.waitUntil(async () => (await driver.execute(() => !!document.querySelector('#presensi-unit option[value="*"]'))), { timeout: 20000 });
  await set("#presensi-unit", "*", "change");
  await set("#presensi-date", day, "input");
  await set("#presensi-window", "11:30", "change");
  await (await driver.$("#presensi-load")).click();
  await (await driver.$("#presensi-bkd")).waitForDisplayed({ timeout: 20000 });
  const bkd = await driver.execute(() =>
    Array.from(document.querySelectorAll("#presensi-bkd tbody tr")).map((tr) => [tr.dataset.unit, tr.children[1].textContent.trim(), tr.dataset.met]),
  );
  assert.deepEqual(bkd.map(([u]) => u), ["UNIT-A", "UNIT-B"], JSON.stringify(bkd));
  assert.equal(bkd[0][1], "1", "the ASN at home in UNIT-A");
  assert.ok(bkd.every(([, , met]) => met === "false"), "nobody at the office anywhere: the minimum is missed in every unit");
  await driver.saveScreenshot(join(shots, "15-presensi-bkd.png"));
  await (await driver.$("#presensi-export")).click();
  await driver.waitUntil(async () => /rekap-wfh-bkd-.*\.pdf/.test(await (await driver.$("section")).getText()), { timeout: 30000 });

  console.log(`e2e presensi: ${nip}'s mocked 11.10 report of ${day} shows at home and flagged; as of that day, not reported; the BKD's recap of every unit signed`);
  passed = true;
} finally {
  await driver.deleteSession().catch(() => {});
  hub.kill();
  if (passed) rmSync(work, { recursive: true, force: true, maxRetries: 5 });
  else console.error(`e2e presensi: the run's profiles and hub data are kept in ${work}`);
}
