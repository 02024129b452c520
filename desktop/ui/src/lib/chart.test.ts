import { expect, test } from "vitest";
import { bars, donePercent, grouped } from "./chart";

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

test("the year-ahead bars share one scale across months and kinds", () => {
  const m = grouped(["2027-01", "2027-02"], [[2, 0], [4, 1]], 100);
  expect(m.map((x) => x.period)).toEqual(["2027-01", "2027-02"]);
  expect(m[0].values).toEqual([2, 4]);
  expect(m[0].heights).toEqual([50, 100]);
  expect(m[1].heights).toEqual([0, 25]);
  expect(grouped(["2027-01"], [[0]], 100)[0].heights).toEqual([0]);
});
