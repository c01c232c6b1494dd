import { describe, expect, it } from 'vitest';
import { equityAtBarCloses, periodReturns } from './equity-curve.js';

const DAY = 86_400_000;
const MIN = 60_000;

describe('period returns', () => {
  it('closes each UTC day at its last sample and carries a quiet day forward', () => {
    // Samples: day 0 at 00:00 (100) and 12:00 (110); nothing on day 1; day 2 at 06:00 (99).
    const curve = { timeMs: Float64Array.from([0, DAY / 2, 2 * DAY + 6 * 3_600_000]), equity: Float64Array.from([100, 110, 99]) };
    const r = periodReturns(curve, DAY);
    expect(Array.from(r.closes), 'start, day 0, day 1 (carried), day 2').toEqual([100, 110, 110, 99]);
    expect(r.returns[0]).toBeCloseTo(0.1, 15);
    expect(r.returns[1], 'a day without samples did not change equity').toBe(0);
    expect(r.returns[2]).toBeCloseTo(-0.1, 15);
    expect(Array.from(r.periodStartMs)).toEqual([0, DAY, 2 * DAY]);
    expect(r.wipedOut).toBe(false);
  });

  it('stamps bar-close equity with the bar’s last millisecond, so the 23:59 bar closes its own day', () => {
    const open = Float64Array.from([DAY - 2 * MIN, DAY - MIN, DAY]);
    const curve = equityAtBarCloses(open, MIN, Float64Array.from([100, 105, 90]));
    expect(curve.timeMs[1], '23:59:59.999').toBe(DAY - 1);
    expect(Array.from(periodReturns(curve, DAY).closes), 'day 0 closes at 105, day 1 at 90').toEqual([100, 105, 90]);
  });

  it('marks a curve that closed a period at or below zero as wiped out', () => {
    const r = periodReturns({ timeMs: Float64Array.from([0, DAY, 2 * DAY]), equity: Float64Array.from([100, 0, 5]) }, DAY);
    // Closes: start 100, day 0 100, day 1 0, day 2 5.
    expect(r.wipedOut).toBe(true);
    expect(r.returns[1], 'falling to zero is -100 %').toBe(-1);
    expect(r.returns[2], 'no return is measured from a zero balance').toBe(0);
  });
});
