/** Bars for a small SVG chart: each value's width as a share of the largest, and a label. */
export interface Bar {
  label: string;
  value: number;
  width: number;
}

export function bars(labels: string[], values: number[], maxWidth: number): Bar[] {
  const max = Math.max(1, ...values);
  return labels.map((label, i) => ({ label, value: values[i] ?? 0, width: Math.round(((values[i] ?? 0) / max) * maxWidth) }));
}

/** The share of decided work, as a whole percent; 100 when nothing was ever asked. */
export function donePercent(decided: number, waiting: number): number {
  const total = decided + waiting;
  return total === 0 ? 100 : Math.round((decided / total) * 100);
}
