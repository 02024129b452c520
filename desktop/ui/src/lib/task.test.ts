import { describe, expect, test } from "vitest";
import { commandErrorText } from "./i18n";
import { runTask } from "./task";

function recorder() {
  const seen: string[] = [];
  return {
    seen,
    view: { busy: (on: boolean) => seen.push(on ? "busy" : "idle"), error: (t: string) => seen.push(`error:${t}`) },
  };
}

describe("runTask", () => {
  test("a command that succeeds clears the last error and gives its value", async () => {
    const r = recorder();
    expect(await runTask(async () => 7, "id", r.view)).toBe(7);
    expect(r.seen).toEqual(["busy", "error:", "idle"]);
  });

  test("a refused command shows its words and gives undefined", async () => {
    const r = recorder();
    const refused = { code: "bad_document", message: "row 3: the NIP has 17 digits", fields: [] };
    const value = await runTask(() => Promise.reject(refused), "en", r.view);
    expect(value).toBeUndefined();
    expect(r.seen).toEqual(["busy", "error:", `error:${commandErrorText(refused, "en")}`, "idle"]);
  });

  test("with detail, a refused file also names its row", async () => {
    const r = recorder();
    const refused = { code: "bad_document", message: "row 3: the NIP has 17 digits", fields: [] };
    await runTask(() => Promise.reject(refused), "en", r.view, true);
    expect(r.seen[2]).toContain("row 3: the NIP has 17 digits");
  });
});
