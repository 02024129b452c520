// The verification queue in the real WebView with many waiting requests: `berkas-server demo`
// with N kartu pegawai requests submitted by N ASN of UNIT-A (BERKAS_BENCH_REQUESTS, default
// 1000), fas-a signs in and syncs, opens the queue, and moves through it by keyboard (j). The
// page reports how long the queue took from the command to painted, and each move from the
// key to the next request painted (its checklist fetched). The baseline, measured in the same
// page in the same run, is the commands alone (`verification_queue`; `verification_lines` and
// `request_papers` for one request). Run under Xvfb beside tauri-driver, like run.mjs:
//   DISPLAY=:98 BERKAS_TARGET=target/debug node desktop/e2e/bench-queue.mjs
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { password, session, signIn, startHub } from "./harness.mjs";

const n = Number(process.env.BERKAS_BENCH_REQUESTS ?? 1000);
const moves = Number(process.env.BERKAS_BENCH_MOVES ?? 30);
const work = mkdtempSync(join(tmpdir(), "berkas-bench-queue-"));
const { url, hub } = startHub(work, n, 600000, `--requests ${n}`);
const driver = await session(join(work, "desktop"));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

try {
  await driver.setWindowSize(1280, 800).catch(() => {});
  const start = Date.now();
  await signIn(driver, url, "fas-a", password);
  await (await driver.$("#nav-queue")).waitForDisplayed({ timeout: 600000 });
  const signInSync = Date.now() - start;
  await (await driver.$("#nav-queue")).click();
  const count = await driver.$("#queue-count");
  await count.waitForExist({ timeout: 120000 });
  await driver.waitUntil(async () => Number(await count.getAttribute("data-load-ms")) > 0, { timeout: 120000 });
  const load = Number(await count.getAttribute("data-load-ms"));
  const waiting = await driver.$$("[data-request]").length;

  // The baseline: the commands alone, in the page.
  const timed = (command, args) =>
    driver.executeAsync((command, args, done) => {
      const t = performance.now();
      window.__TAURI_INTERNALS__.invoke(command, args).then(() => done(performance.now() - t));
    }, command, args);
  const queueAlone = [];
  for (let i = 0; i < 5; i++) queueAlone.push(await timed("verification_queue", {}));
  const first = await (await driver.$("[data-request]")).getAttribute("data-request");
  const openAlone = [];
  for (let i = 0; i < 5; i++) {
    openAlone.push((await timed("verification_lines", { id: first })) + (await timed("request_papers", { id: first })));
  }

  // Through the queue by keyboard: each j opens the next request.
  const opens = [];
  for (let i = 0; i < moves; i++) {
    const before = Number(await count.getAttribute("data-opened"));
    await driver.keys("j");
    await driver.waitUntil(async () => Number(await count.getAttribute("data-opened")) > before, { timeout: 30000 });
    opens.push(Number(await count.getAttribute("data-open-ms")));
  }

  const q = median(queueAlone);
  const o = median(openAlone);
  console.log(`desktop queue bench: ${waiting} waiting requests in fas-a's queue (sign-in and first sync ${(signInSync / 1000).toFixed(1)} s)`);
  console.log(`  queue command alone (IPC + JSON, median of 5): ${q.toFixed(1)} ms`);
  console.log(`  queue painted: ${load} ms after the command started (${(load / q).toFixed(2)}x the command alone)`);
  console.log(`  open one request, commands alone (lines + papers, median of 5): ${o.toFixed(1)} ms`);
  console.log(`  next request by keyboard, ${moves} moves: median ${median(opens).toFixed(1)} ms, p95 ${p95(opens).toFixed(1)} ms painted (${(median(opens) / o).toFixed(2)}x the commands alone)`);
  rmSync(work, { recursive: true, force: true, maxRetries: 5 });
} finally {
  await driver.deleteSession().catch(() => {});
  hub.kill();
}
