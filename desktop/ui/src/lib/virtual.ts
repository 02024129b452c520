/**
 * The window of a virtualised list: which rows to render for a scroll position, with a few
 * rows of overscan, so that 10,000 rows cost as much as the 30 on screen.
 */
export interface Window {
  first: number;
  last: number;
  /** Space above the first rendered row, in pixels. */
  before: number;
  /** Space below the last rendered row, in pixels. */
  after: number;
}

export function visibleWindow(count: number, rowHeight: number, scrollTop: number, viewport: number, overscan = 8): Window {
  if (count <= 0 || rowHeight <= 0) return { first: 0, last: -1, before: 0, after: 0 };
  const top = Math.max(0, Math.min(scrollTop, count * rowHeight));
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(count - 1, Math.ceil((top + Math.max(viewport, 0)) / rowHeight) + overscan);
  return { first, last, before: first * rowHeight, after: (count - 1 - last) * rowHeight };
}
