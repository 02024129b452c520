// End to end, the BKD administrator: the real desktop app under Xvfb against a real
// `berkas-server demo`. The admin creates a facilitator (a one-time code is shown, never a
// password), grants it UNIT-B, issues a reset code for an ASN who forgot their password,
// switches the kartu pegawai layanan off and makes a backup. The ASN trades the code for a new
// password from the CLI and no longer finds kartu pegawai after sync; the new facilitator signs
// in to the app with their code, must choose a password, and sees both units. Run by
// scripts/test.sh after run.mjs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { password, session, signIn, startHub, target } from "./harness.mjs";

const shots = process.env.BERKAS_E2E_SHOTS ?? join(target, "e2e-screenshots");
mkdirSync(shots, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "berkas-e2e-admin-"));
const { url, hub } = startHub(work, 3);
const berkas = (profile, input, ...args) =>
  execFileSync(`${target}/berkas`, ["--profile", join(work, profile), ...args], { input, stdio: ["pipe", "pipe", "pipe"] }).toString();

// An ASN of UNIT-B, found by a facilitator's CLI, whose phone (here a CLI profile) offers
// kartu pegawai today.
berkas("fas-b", password, "init", "--secret-store", "file");
berkas("fas-b", password, "login", "--server", url, "--user", "fas-b", "--password-stdin");
berkas("fas-b", password, "sync");
const unitB = JSON.parse(berkas("fas-b", password, "pegawai", "list", "--unit", "UNIT-B", "--json"));
const nip = unitB[0].nip;
const asn = (input, ...args) => berkas("asn", input, ...args);
asn(password, "init", "--secret-store", "file");
asn(password, "login", "--server", url, "--user", nip, "--password-stdin");
asn(password, "sync");
const offered = () => JSON.parse(asn("", "layanan", "list", "--json")).map((l) => l.id);
assert.ok(offered().includes("kartu_pegawai"), "kartu pegawai is offered before it is switched off");

let driver = await session(join(work, "desktop-admin"));
const shot = async (name) => {
  await driver.pause(600);
  await driver.saveScreenshot(join(shots, name));
};
const codeShown = async () => {
  const code = await driver.$("#issued-code");
  await code.waitForDisplayed({ timeout: 20000 });
  return (await code.getText()).trim();
};

let passed = false;
try {
  await driver.setWindowSize(1280, 900).catch(() => {});
  await signIn(driver, url, "admin", password);
  await (await driver.$("#nav-admin")).waitForDisplayed({ timeout: 30000 });
  await (await driver.$("#nav-admin")).click();
  await (await driver.$('tr[data-user="fas-a"]')).waitForDisplayed({ timeout: 20000 });

  // A new facilitator for UNIT-A: the app shows a one-time code, not a password.
  await (await driver.$("#acc-new-username")).setValue("fas-c");
  await (await driver.$("#acc-new-role")).selectByAttribute("value", "fasilitator");
  await (await driver.$("#acc-new-units")).setValue("UNIT-A");
  await (await driver.$("#acc-create")).click();
  const facilitatorCode = await codeShown();
  assert.match(facilitatorCode, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await shot("08-admin-akun.png");

  // Granted UNIT-B as well.
  const row = await driver.$('tr[data-user="fas-c"]');
  await row.waitForDisplayed({ timeout: 10000 });
  const units = await row.$(".acc-units");
  await units.clearValue();
  await units.setValue("UNIT-A, UNIT-B");
  await (await row.$(".acc-save")).click();
  await (await driver.$("#admin-notice")).waitForDisplayed({ timeout: 10000 });

  // The ASN forgot their password: a reset code for them.
  await (await driver.$(`tr[data-user="${nip}"] .acc-reset`)).click();
  await driver.waitUntil(async () => (await codeShown()) !== facilitatorCode, { timeout: 20000 });
  const asnCode = await codeShown();

  // Kartu pegawai switched off for every device.
  const box = await driver.$('input[data-layanan="kartu_pegawai"]');
  await box.scrollIntoView();
  assert.equal(await box.isSelected(), true);
  await box.click();
  await driver.waitUntil(async () => !(await (await driver.$('input[data-layanan="kartu_pegawai"]')).isSelected()), { timeout: 20000 });
  await shot("09-admin-layanan.png");

  // A backup now: written, read back, and its age shown.
  const pass = await driver.$("#backup-pass");
  await pass.scrollIntoView();
  await pass.setValue("frasa sandi cadangan e2e");
  await (await driver.$("#backup-now")).click();
  await driver.waitUntil(async () => /terbaca utuh/.test(await (await driver.$("#backup-status")).getText()), { timeout: 120000 });
  assert.doesNotMatch(await (await driver.$("#backup-status")).getText(), /TIDAK/);
  await shot("10-admin-cadangan.png");

  // The ASN: the old password is still theirs until the code is used; with the code they
  // choose a new one, and after sync kartu pegawai is no longer offered.
  asn("", "logout");
  asn("sandi-baru-asn-e2e", "login", "--server", url, "--user", nip, "--reset-code", asnCode, "--password-stdin");
  asn("", "sync");
  assert.ok(!offered().includes("kartu_pegawai"), "kartu pegawai is switched off on the ASN's device");
  assert.throws(() => asn(password, "login", "--server", url, "--user", nip, "--password-stdin"), "the old password is gone");

  // The new facilitator signs in to the app with the code and must choose a password.
  await driver.deleteSession();
  driver = await session(join(work, "desktop-fas-c"));
  await driver.setWindowSize(1280, 900).catch(() => {});
  await signIn(driver, url, "fas-c", facilitatorCode);
  await (await driver.$("#new-password")).waitForDisplayed({ timeout: 20000 });
  assert.match(await (await driver.$("#login-error")).getText(), /kata sandi baru/i);
  await (await driver.$("#new-password")).setValue("sandi-fas-c-e2e");
  await (await driver.$("#confirm-password")).setValue("sandi-fas-c-e2e");
  await shot("11-kode-sekali-pakai.png");
  await (await driver.$("#signin")).click();
  await (await driver.$(`[data-nip="${nip}"]`)).waitForDisplayed({ timeout: 30000 });
  const shownUnits = await driver.execute(() =>
    Array.from(document.querySelectorAll("[data-nip]")).map((r) => r.textContent ?? ""),
  );
  assert.ok(shownUnits.some((t) => t.includes("UNIT-A")) && shownUnits.some((t) => t.includes("UNIT-B")), "both units are in reach");

  console.log(`e2e admin: fas-c created and granted UNIT-B, ${nip} reset by code, kartu_pegawai switched off, a backup read back`);
  passed = true;
} finally {
  await driver.deleteSession().catch(() => {});
  hub.kill();
  if (passed) rmSync(work, { recursive: true, force: true, maxRetries: 5 });
  else console.error(`e2e admin: the run's profiles and hub data are kept in ${work}`);
}
