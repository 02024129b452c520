// End to end, the due list: the real desktop app under Xvfb against a real `berkas-server demo`.
// A facilitator opens "gaji berkala" for the first month in which someone of the unit is due a
// KGB (found here by the facilitator's CLI), sees that ASN with the row of the gaji pokok table
// and its amount, as the CLI gives it, and drafts the proposal. Run by scripts/test.sh.
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { password, session, signIn, startHub, target } from "./harness.mjs";

const shots = process.env.BERKAS_E2E_SHOTS ?? join(target, "e2e-screenshots");
mkdirSync(shots, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "berkas-e2e-due-"));
// Enough ASN that some are young: the first few of the demo are near or past their BUP.
const { url, hub } = startHub(work, 30);
const fas = (...args) =>
  execFileSync(`${target}/berkas`, ["--profile", join(work, "fas-cli"), ...args], { input: password, stdio: ["pipe", "pipe", "pipe"] }).toString();
fas("init", "--secret-store", "file");
fas("login", "--server", url, "--user", "fas-a", "--password-stdin");
fas("sync");

const months = Array.from({ length: 36 }, (_, i) => {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + 1 + i);
  return d.toISOString().slice(0, 7);
});
let kgb = null;
for (const m of months) {
  const due = JSON.parse(fas("due", "kgb", "--period", m, "--json")).due;
  if (due.length) {
    kgb = { period: m, entry: due[0] };
    break;
  }
}
assert.ok(kgb, "someone of UNIT-A is due a KGB within three years");
assert.match(kgb.entry.reason, /gaji pokok Rp[\d.]+ \(baris MKG \d+ PP 5\/2024\), dari Rp[\d.]+ \(MKG \d+\)/);

let driver = await session(join(work, "desktop"));
let passed = false;
try {
  await driver.setWindowSize(1280, 900).catch(() => {});
  await signIn(driver, url, "fas-a", password);
  await (await driver.$("#nav-due")).waitForDisplayed({ timeout: 30000 });
  await (await driver.$("#nav-due")).click();
  await (await driver.$("#due-kind")).selectByAttribute("value", "kgb");
  await driver.execute((p) => {
    const input = document.getElementById("due-period");
    input.value = p;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }, kgb.period);
  // The first sync after sign-in may still be bringing the unit's records.
  const row = await driver.$(`[data-due="${kgb.entry.nip}"]`);
  await driver.waitUntil(
    async () => {
      await (await driver.$("#due-show")).click();
      return row.isExisting();
    },
    { timeout: 30000, interval: 1000 },
  );
  const shown = await row.getText();
  assert.ok(shown.includes(kgb.entry.reason), `the app gives the CLI's reason: ${shown}`);
  assert.ok(shown.includes(kgb.entry.nama));
  await driver.pause(600);
  await driver.saveScreenshot(join(shots, "16-kgb.png"));

  // The proposal drafted from the list.
  await (await driver.$("#due-draft")).click();
  const drafted = await driver.$(`[data-proposal="${kgb.entry.nip}"]`);
  await drafted.waitForDisplayed({ timeout: 10000 });
  assert.match(await drafted.getText(), /KGB/);

  console.log(`e2e due: fas-a sees ${kgb.entry.nip} due a KGB in ${kgb.period} (${kgb.entry.reason}) and drafts the proposal`);
  passed = true;
} finally {
  await driver.deleteSession().catch(() => {});
  hub.kill();
  if (passed) rmSync(work, { recursive: true, force: true, maxRetries: 5 });
  else console.error(`e2e due: the run's profiles and hub data are kept in ${work}`);
}
