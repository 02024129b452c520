// `npx vitest bench --run`: filtering a 10,000-ASN unit per keystroke, beside a naive filter
// (lower-casing every row on every keystroke) measured in the same run.
import { bench, describe } from "vitest";
import type { PegawaiRow } from "../bindings";
import { filterRows, indexRows, noFilter } from "./filter";
import { visibleWindow } from "./virtual";

const first = ["Budi", "Siti", "Agus", "Dewi", "Rina", "Joko", "Sri", "Ahmad", "Nur", "Putu"];
const last = ["Santoso", "Aminah", "Wijaya", "Lestari", "Hidayat", "Saputra", "Kurniawan", "Rahayu"];
const rows: PegawaiRow[] = Array.from({ length: 10_000 }, (_, i) => ({
  nip: `19${70 + (i % 28)}0${1 + (i % 9)}1${i % 3}20${10 + (i % 10)}01${String(1000 + i).slice(-4)}`,
  nama: `${first[i % first.length]} ${last[(i * 7) % last.length]} ${i}`,
  unit: "UNIT-A",
  golongan: "32",
  completeness: i % 101,
}));
const keys = indexRows(rows);
const queries = ["b", "bu", "bud", "budi", "budi s", "budi sa", "2015", "siti am"];

describe("filter 10,000 rows, 8 keystrokes", () => {
  bench("Berkas (indexed once)", () => {
    for (const q of queries) filterRows(rows, keys, { ...noFilter(), text: q });
  });
  bench("naive (lower-case per row per keystroke)", () => {
    for (const q of queries) {
      const ql = q.toLowerCase();
      rows.filter((r) => `${r.nama} ${r.nip}`.toLowerCase().includes(ql));
    }
  });
});

describe("prepare a 10,000-row list", () => {
  bench("index the rows", () => {
    indexRows(rows);
  });
  bench("window for a scroll position", () => {
    visibleWindow(rows.length, 32, 123_456, 640);
  });
});
