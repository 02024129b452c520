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

/** One month's bars of the year-ahead chart: each kind's height as a share of the tallest. */
export interface MonthBars {
  period: string;
  heights: number[];
  values: number[];
}

export function grouped(periods: string[], series: number[][], maxHeight: number): MonthBars[] {
  const max = Math.max(1, ...series.flat());
  return periods.map((period, i) => {
    const values = series.map((s) => s[i] ?? 0);
    return { period, values, heights: values.map((v) => Math.round((v / max) * maxHeight)) };
  });
}

/** A chart as a PNG picture: the SVG drawn on a white canvas at `scale`. */
export async function svgPng(svg: SVGSVGElement, scale = 2): Promise<Uint8Array> {
  const xml = new XMLSerializer().serializeToString(svg);
  const width = svg.width.baseVal.value;
  const height = svg.height.baseVal.value;
  const img = new Image();
  await new Promise<void>((ok, fail) => {
    img.onload = () => ok();
    img.onerror = () => fail(new Error("the chart could not be drawn"));
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(xml);
  });
  const canvas = document.createElement("canvas");
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil(height * scale);
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no canvas");
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0, width, height);
  const blob = await new Promise<Blob>((ok, fail) =>
    canvas.toBlob((b) => (b ? ok(b) : fail(new Error("the chart could not be saved"))), "image/png"),
  );
  return new Uint8Array(await blob.arrayBuffer());
}
