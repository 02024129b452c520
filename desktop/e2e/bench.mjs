// The list in the real WebView with a large unit: `berkas-server demo` with N ASN per unit
// (BERKAS_BENCH_ROWS, default 10000), fas-a signs in and syncs, then the page reports how long
// the list took from the command to the first painted rows, each keystroke of a search to
// its painted result, and a jump to the end of the list to its painted rows. The baseline,
// measured in the same page in the same run, is the `pegawai_list` command alone (IPC and
// JSON, nothing drawn). Run under Xvfb beside tauri-driver, like run.mjs:
//   DISPLAY=:97 BERKAS_TARGET=target/release node desktop/e2e/bench.mjs
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { password, session, signIn, startHub } from "./harness.mjs";

const n = Number(process.env.BERKAS_BENCH_ROWS ?? 10000);
const work = mkdtempSync(join(tmpdir(), "berkas-bench-"));
const { url, hub } = startHub(work, n, 600000);
const driver = await session(join(work, "desktop"));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  await driver.setWindowSize(1280, 800).catch(() => {});
  const syncStart = Date.now();
  await signIn(driver, url, "fas-a", password);
  const list = await driver.$("#pegawai-list");
  await list.waitForExist({ timeout: 600000 });
  await driver.waitUntil(async () => Number(await list.getAttribute("data-paint-ms")) > 0, { timeout: 60000 });
  const signInSync = Date.now() - syncStart;
  const paint = Number(await list.getAttribute("data-paint-ms"));
  const load = Number(await list.getAttribute("data-load-ms"));
  const rows = await driver.$$("[data-nip]").length;

  // The baseline: the command alone, five times in the page.
  const command = [];
  for (let i = 0; i < 5; i++) {
    command.push(
      await driver.executeAsync((done) => {
        const t = performance.now();
        window.__TAURI_INTERNALS__.invoke("pegawai_list", { unit: null }).then((r) => done([performance.now() - t, r.length]));
      }),
    );
  }
  const commandMs = median(command.map((c) => c[0]));
  const listed = command[0][1];

  // A search typed a key at a time: each keystroke's filter-to-paint time.
  const search = await driver.$("#search");
  const word = (await (await driver.$("[data-nip] .nama")).getText()).split(" ")[0].toLowerCase();
  const keys = [];
  const updates = [];
  for (const ch of word) {
    const before = await list.getAttribute("data-filter-ms");
    await search.addValue(ch);
    await driver.waitUntil(async () => (await list.getAttribute("data-filter-ms")) !== before, { timeout: 10000 }).catch(() => {});
    keys.push(Number(await list.getAttribute("data-filter-ms")));
    updates.push(Number(await list.getAttribute("data-filter-update-ms")));
  }
  // What two frames cost on this display when nothing changes (Xvfb paints in software).
  const idle = [];
  for (let i = 0; i < 5; i++) {
    idle.push(
      await driver.executeAsync((done) => {
        const t = performance.now();
        requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t)));
      }),
    );
  }
  const frames = median(idle);
  // And what painting the smallest change costs: one word of the header rewritten.
  const tiny = [];
  for (let i = 0; i < 5; i++) {
    tiny.push(
      await driver.executeAsync((i, done) => {
        const el = document.querySelector("nav strong");
        const t = performance.now();
        el.textContent = i % 2 ? "Berkas" : "Berkas ";
        requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t)));
      }, i),
    );
  }
  const smallest = median(tiny);
  const found = await driver.$$("[data-nip]").length;
  await search.clearValue();

  // A jump to the end of the list: the virtual window paints the last rows.
  const jump = await driver.executeAsync((done) => {
    const el = document.getElementById("pegawai-list");
    const t = performance.now();
    el.scrollTop = el.scrollHeight;
    requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t)));
  });
  const last = await (await driver.$$("[data-nip]")).at(-1)?.getAttribute("data-nip");

  console.log(`desktop webview bench: ${listed} ASN of UNIT-A (sign-in and first sync ${(signInSync / 1000).toFixed(1)} s)`);
  console.log(`  list command alone (IPC + JSON, median of 5): ${commandMs.toFixed(1)} ms`);
  console.log(`  first rows painted: ${paint} ms after the command started (${(paint / commandMs).toFixed(2)}x the command alone); rows indexed by ${load} ms; ${rows} row elements in the DOM`);
  console.log(`  two frames of an unchanged page on this display: ${frames.toFixed(1)} ms; the smallest change painted: ${smallest.toFixed(1)} ms (Xvfb paints in software)`);
  console.log(`  search "${word}", a keystroke at a time: filter and DOM update median ${median(updates).toFixed(1)} ms (max ${Math.max(...updates).toFixed(1)}); painted median ${median(keys).toFixed(1)} ms, ${(median(keys) / smallest).toFixed(2)}x the smallest change painted (${found} shown at the end)`);
  console.log(`  jump to the end of the list: ${Number(jump).toFixed(1)} ms to paint (last row shown: ${last === undefined ? "none" : "yes"})`);
} finally {
  await driver.deleteSession().catch(() => {});
  hub.kill();
}
