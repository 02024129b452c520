import { expect, test } from "vitest";
import { visibleWindow } from "./virtual";

test("the top of a 10,000-row list renders the screenful and the overscan only", () => {
  const w = visibleWindow(10_000, 32, 0, 640, 8);
  expect([w.first, w.last, w.before]).toEqual([0, 28, 0]);
  expect(w.after).toBe((10_000 - 1 - 28) * 32);
});

test("scrolled to the middle, the spacers keep the total height", () => {
  const w = visibleWindow(10_000, 32, 160_000, 640, 8);
  expect(w.first).toBe(5000 - 8);
  expect(w.last).toBe(5020 + 8);
  expect(w.before + (w.last - w.first + 1) * 32 + w.after).toBe(10_000 * 32);
});

test("past the end and on an empty list nothing breaks", () => {
  const end = visibleWindow(100, 32, 1e9, 640);
  expect(end.last).toBe(99);
  expect(end.before + (end.last - end.first + 1) * 32 + end.after).toBe(100 * 32);
  expect(visibleWindow(0, 32, 0, 640).last).toBe(-1);
});
