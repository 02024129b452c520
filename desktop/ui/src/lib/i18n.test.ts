import { describe, expect, test } from "vitest";
import { commandErrorText, errorText } from "./i18n";

describe("commandErrorText", () => {
  test("a whole action refused as bad input speaks of its own reason", () => {
    const e = { code: "invalid", fields: [{ code: "sync.local_records" }] };
    expect(commandErrorText(e, "id")).toBe(errorText("sync.local_records", "id"));
    expect(commandErrorText(e, "en")).toContain("imported");
  });

  test("several problems, or one without words, keep the error's own code", () => {
    const two = { code: "invalid", fields: [{ code: "nip.taken" }, { code: "forbidden.field" }] };
    expect(commandErrorText(two, "en")).toBe(errorText("invalid", "en"));
    const unknown = { code: "invalid", fields: [{ code: "no.such.code" }] };
    expect(commandErrorText(unknown, "en")).toBe(errorText("invalid", "en"));
    const hub = { code: "auth.invalid_credentials", fields: [] };
    expect(commandErrorText(hub, "id")).toBe(errorText("auth.invalid_credentials", "id"));
  });
});
