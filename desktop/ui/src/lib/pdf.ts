/**
 * PDFs drawn with pdf.js onto a canvas: WebKitGTK shows no PDF inside the app's own pages, and
 * a drawn page is the same on every platform. Loaded only when a PDF is opened, so the list
 * screens do not pay for it.
 */
import type { PDFDocumentProxy } from "pdfjs-dist";

export async function openPdf(bytes: ArrayBuffer): Promise<PDFDocumentProxy> {
  const pdfjs = await import("pdfjs-dist");
  pdfjs.GlobalWorkerOptions.workerSrc = (await import("pdfjs-dist/build/pdf.worker.min.mjs?url")).default;
  // No eval: the app's content security policy forbids it.
  return pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false }).promise;
}

/** Draws page `n` (from 1) to fit `width` CSS pixels, sharp on a high-density screen. */
export async function drawPage(pdf: PDFDocumentProxy, n: number, canvas: HTMLCanvasElement, width: number): Promise<void> {
  const page = await pdf.getPage(n);
  const base = page.getViewport({ scale: 1 });
  const ratio = window.devicePixelRatio || 1;
  const viewport = page.getViewport({ scale: (width / base.width) * ratio });
  canvas.width = Math.floor(viewport.width);
  canvas.height = Math.floor(viewport.height);
  canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no 2d canvas");
  await page.render({ canvasContext: ctx, viewport }).promise;
}
