import type { PegawaiRow } from "../bindings";

/** What the ASN list can be narrowed by. */
export interface ListFilter {
  /** Part of a name or NIP; case and extra spaces do not matter. */
  text: string;
  /** Only records whose completeness is below this score (0-100), when set. */
  belowCompleteness: number | null;
  /** Only these NIPs (pending verification, due for KP/KGB/pensiun), when set. */
  only: Set<string> | null;
}

export const noFilter = (): ListFilter => ({ text: "", belowCompleteness: null, only: null });

function fold(s: string): string {
  return s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
}

/** A search key per row, computed once per list load so that each keystroke is one pass. */
export function indexRows(rows: PegawaiRow[]): string[] {
  return rows.map((r) => `${fold(r.nama)} ${r.nip}`);
}

/** The rows that pass `f`, in list order. Digits alone match the NIP wherever they occur. */
export function filterRows(rows: PegawaiRow[], keys: string[], f: ListFilter): PegawaiRow[] {
  const words = fold(f.text).split(" ").filter((w) => w.length > 0);
  const out: PegawaiRow[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (f.belowCompleteness !== null && r.completeness >= f.belowCompleteness) continue;
    if (f.only !== null && !f.only.has(r.nip)) continue;
    const key = keys[i];
    if (words.every((w) => key.includes(w))) out.push(r);
  }
  return out;
}
