// End to end, rekon mandiri: the real desktop app under Xvfb against a real `berkas-server
// demo`. A facilitator previews an OPD's file and is told only the BKD applies it; the BKD
// admin previews the same file (a row of every kind), applies it and syncs; the ASN's phone
// (here a CLI profile) shows the new number and the go.id address validated by the instansi.
// Run by scripts/test.sh after admin.mjs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { password, session, signIn, startHub, target } from "./harness.mjs";

const shots = process.env.BERKAS_E2E_SHOTS ?? join(target, "e2e-screenshots");
mkdirSync(shots, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "berkas-e2e-rekon-"));
const { url, hub } = startHub(work, 3);
const berkas = (profile, input, ...args) =>
  execFileSync(`${target}/berkas`, ["--profile", join(work, profile), ...args], { input, stdio: ["pipe", "pipe", "pipe"] }).toString();

// Two ASN of UNIT-A, found by the facilitator's CLI; the first one's phone is a CLI profile.
berkas("fas-a", password, "init", "--secret-store", "file");
berkas("fas-a", password, "login", "--server", url, "--user", "fas-a", "--password-stdin");
berkas("fas-a", password, "sync");
const unitA = JSON.parse(berkas("fas-a", password, "pegawai", "list", "--unit", "UNIT-A", "--json")).map((p) => p.nip);
const asn = (input, ...args) => berkas("asn", input, ...args);
asn(password, "init", "--secret-store", "file");
asn(password, "login", "--server", url, "--user", unitA[0], "--password-stdin");
asn(password, "sync");

// The OPD's file: a new address and number, an address that is not go.id, a broken NIP.
const file = join(work, "rekon-unit-a.csv");
writeFileSync(
  file,
  `NIP;Nama;Email go.id;Email pribadi;Nomor HP\n` +
    `${unitA[0]};;rekon.e2e@bkd.demo.go.id;;0813-7777-0001\n` +
    `${unitA[1]};;orang@gmail.com;;\n` +
    `12345;;x@bkd.demo.go.id;;\n`,
);
// The file was made after the hub was seeded (a record changed after the file's date keeps
// its newer value).
const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);

async function previewFile(driver) {
  await (await driver.$("#nav-rekon")).waitForDisplayed({ timeout: 30000 });
  await (await driver.$("#nav-rekon")).click();
  const input = await driver.$("#rekon-file");
  await input.waitForExist({ timeout: 10000 });
  await input.setValue(file);
  await driver.execute((d) => {
    const el = document.querySelector("#rekon-date");
    el.value = d;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, tomorrow);
  await (await driver.$("#rekon-preview")).click();
  await (await driver.$("#rekon-rows")).waitForDisplayed({ timeout: 20000 });
  return driver.execute(() =>
    Object.fromEntries(
      Array.from(document.querySelectorAll("#rekon-rows tr[data-line]")).map((r) => [r.getAttribute("data-line"), r.className]),
    ),
  );
}

let driver = await session(join(work, "desktop-fas"));
let passed = false;
try {
  await driver.setWindowSize(1280, 900).catch(() => {});
  // The facilitator: the preview, and no apply button.
  await signIn(driver, url, "fas-a", password);
  const seen = await previewFile(driver);
  assert.match(seen["2"], /v-new|v-changed/, `line 2: ${seen["2"]}`);
  assert.match(seen["3"], /v-invalid/);
  assert.match(seen["4"], /v-invalid/);
  assert.ok(await (await driver.$("#rekon-admin-only")).isDisplayed(), "the facilitator is told only the BKD applies");
  assert.equal(await (await driver.$("#rekon-apply-all")).isExisting(), false);
  await driver.deleteSession();

  // The BKD admin applies it and syncs.
  driver = await session(join(work, "desktop-admin"));
  await driver.setWindowSize(1280, 900).catch(() => {});
  await signIn(driver, url, "admin", password);
  await previewFile(driver);
  await driver.pause(600);
  await driver.saveScreenshot(join(shots, "12-rekon-pratinjau.png"));
  await (await driver.$("#rekon-apply-all")).click();
  const notice = await driver.$("#rekon-notice");
  await notice.waitForDisplayed({ timeout: 20000 });
  assert.match(await notice.getText(), /1 rekaman diubah, 1 email go.id divalidasi/);
  // The report to BKN: the workbook and its summary signed by the server.
  await (await driver.$("#rekon-report")).scrollIntoView();
  await (await driver.$("#rekon-report")).click();
  await driver.waitUntil(async () => /\.pdf/.test(await (await driver.$("#rekon-notice")).getText()), { timeout: 30000 });
  const saved = await (await driver.$("#rekon-notice")).getText();
  assert.match(saved, /laporan-rekon-bkn-semua-.*\.xlsx, .*ringkasan-rekon-bkn-semua-.*\.pdf/);
  const pdf = saved.match(/(\/\S*ringkasan-rekon-bkn-\S*\.pdf)/)[1];
  berkas("fas-a", "", "signature", "key");
  const verified = berkas("fas-a", "", "--json", "signature", "verify", pdf);
  assert.equal(JSON.parse(verified).kind, "rekon");
  await (await driver.$("#nav-sync")).click();
  await (await driver.$("#sync-now")).click();

  // The ASN's phone after its next sync (the desktop's sync may still be under way).
  const shown = () => {
    asn("", "sync");
    return JSON.parse(asn("", "pegawai", "show", unitA[0], "--json"));
  };
  await driver.waitUntil(async () => shown().data_utama.values.no_hp === "+6281377770001", { timeout: 30000, interval: 1000 });
  const record = shown();
  assert.equal(record.data_utama.values.no_hp, "+6281377770001");
  assert.equal(record.data_utama.values.email_gov, "rekon.e2e@bkd.demo.go.id");
  assert.equal(record.data_utama.values.email_gov_valid, "rekon.e2e@bkd.demo.go.id");
  assert.equal(record.data_utama.values.email_gov_valid_oleh, "admin");

  console.log(`e2e rekon: fas-a previewed and could not apply; the admin applied and saved the report with its signed summary; ${unitA[0]}'s phone shows the new contact data`);
  passed = true;
} finally {
  await driver.deleteSession().catch(() => {});
  hub.kill();
  if (passed) rmSync(work, { recursive: true, force: true, maxRetries: 5 });
  else console.error(`e2e rekon: the run's profiles and hub data are kept in ${work}`);
}
