import { expect, test } from "vitest";
import { bars, donePercent } from "./chart";

test("bars scale to the largest value", () => {
  const b = bars(["a", "b", "c"], [5, 10, 0], 200);
  expect(b.map((x) => x.width)).toEqual([100, 200, 0]);
  expect(bars(["a"], [0], 200)[0].width).toBe(0);
});

test("progress is the decided share, whole percent", () => {
  expect(donePercent(1, 2)).toBe(33);
  expect(donePercent(0, 0)).toBe(100);
  expect(donePercent(0, 4)).toBe(0);
});
