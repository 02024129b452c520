import { describe, expect, test } from "vitest";
import type { PegawaiRow } from "../bindings";
import { filterRows, indexRows, noFilter } from "./filter";

const rows: PegawaiRow[] = [
  { nip: "198503122010011002", nama: "Budi Santoso", unit: "UNIT-A", golongan: "32", completeness: 80 },
  { nip: "199001012015012003", nama: "Siti Aminah", unit: "UNIT-A", golongan: "31", completeness: 45 },
  { nip: "197712252005011001", nama: "Dédi  Kurniawan", unit: "UNIT-A", golongan: "41", completeness: 100 },
];
const keys = indexRows(rows);
const nips = (r: PegawaiRow[]) => r.map((x) => x.nip);

describe("the ASN list filter", () => {
  test("no filter keeps every row in order", () => {
    expect(nips(filterRows(rows, keys, noFilter()))).toEqual(nips(rows));
  });
  test("words of a name match in any case, accents and extra spaces ignored", () => {
    expect(nips(filterRows(rows, keys, { ...noFilter(), text: "  dedi KURNIA " }))).toEqual(["197712252005011001"]);
    expect(nips(filterRows(rows, keys, { ...noFilter(), text: "siti budi" }))).toEqual([]);
  });
  test("digits match anywhere in the NIP", () => {
    expect(nips(filterRows(rows, keys, { ...noFilter(), text: "2015012" }))).toEqual(["199001012015012003"]);
  });
  test("completeness and a set of NIPs narrow further, together with the text", () => {
    const f = { text: "", belowCompleteness: 90, only: new Set(["198503122010011002", "197712252005011001"]) };
    expect(nips(filterRows(rows, keys, f))).toEqual(["198503122010011002"]);
  });
});
