// What the end-to-end run and the WebView benchmark share: a real `berkas-server demo`, and the
// real app in a WebDriver session through tauri-driver (started by scripts/test.sh).
import { remote } from "webdriverio";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const target = process.env.BERKAS_TARGET ?? "target/debug";
export const password = "e2e-berkas";

/** Waits until `file` matches `pattern`; returns the match. */
export function waitFor(file, pattern, ms = 20000) {
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

/** The SIASN reference tables beside the repository, which the hub serves to the app. */
const referensi = fileURLToPath(new URL("../../../shared/data/siasn-referensi", import.meta.url));

/** A demo hub with `perUnit` ASN in each unit, serving the SIASN reference tables (so the app
 *  names every code); resolves its URL and the process. */
export function startHub(work, perUnit, ms = 20000, extra = "") {
  const log = join(work, "hub.log");
  const refs = existsSync(referensi) ? `--referensi ${referensi}` : "";
  const hub = spawn("bash", ["-c", `exec ${target}/berkas-server demo --data ${work}/hub --listen 127.0.0.1:0 --password ${password} --per-unit ${perUnit} ${refs} ${extra} > ${log} 2>&1`]);
  const url = waitFor(log, /^berkas-server listening on (.*)$/m, ms)[1];
  return { url, hub };
}

/** The phone side of a run, as CLI profiles under `work`: `berkas(profile, stdin, ...args)`, the
 *  unit's facilitator `fas-a` and UNIT-A's first ASN (`asn(stdin, ...args)`, `nip`) signed in to
 *  the hub at `url` and synced, and the unit's staff as the facilitator lists them. */
export function phoneSide(work, url) {
  const berkas = (profile, input, ...args) =>
    execFileSync(`${target}/berkas`, ["--profile", join(work, profile), ...args], { input, stdio: ["pipe", "pipe", "pipe"] }).toString();
  berkas("fas-a", password, "init", "--secret-store", "file");
  berkas("fas-a", password, "login", "--server", url, "--user", "fas-a", "--password-stdin");
  berkas("fas-a", password, "sync");
  const staff = JSON.parse(berkas("fas-a", password, "pegawai", "list", "--unit", "UNIT-A", "--json"));
  const nip = staff[0].nip;
  const asn = (input, ...args) => berkas("asn", input, ...args);
  asn(password, "init", "--secret-store", "file");
  asn(password, "login", "--server", url, "--user", nip, "--password-stdin");
  asn(password, "sync");
  return { berkas, asn, nip, staff };
}

/** The app on the profile in `dir`; a second session on the same dir is a restart. */
export const session = (dir) =>
  remote({
    hostname: "127.0.0.1",
    port: 4444,
    logLevel: "warn",
    capabilities: {
      browserName: "wry",
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: `${target}/berkas-desktop`, args: ["--profile", dir] },
    },
  });

/** Signs in through the form. */
export async function signIn(driver, url, user, pass) {
  await (await driver.$("#server")).setValue(url);
  await (await driver.$("#user")).setValue(user);
  await (await driver.$("#password")).setValue(pass);
  await (await driver.$("#signin")).click();
}
