// ctx.spot and ctx.funding answer only with what was known at the event being handled.
import { describe, expect, it } from 'vitest';
import { FundingSeriesView, SpotSeriesView } from './context-series.js';

const HOUR = 3_600_000;

describe('SpotSeriesView', () => {
  it('answers for closed bars only, and reads 0 (no spot bar yet) as absent', () => {
    let closed = 0;
    const spot = new SpotSeriesView({ source: 's', openTimeMs: Float64Array.from([0, 60, 120]), close: Float64Array.from([0, 10, 11]) }, () => closed);
    expect(spot.close, 'no bar closed yet').toBeUndefined();
    closed = 1;
    expect(spot.close, 'bar 0 has no spot bar before it').toBeUndefined();
    closed = 2;
    expect(spot.close).toBe(10);
    expect(spot.closeAt(60)).toBe(10);
    expect(spot.closeAt(120), 'bar 2 has not closed: its spot close is the future').toBeUndefined();
    closed = 3;
    expect(spot.closeAt(120)).toBe(11);
    expect(spot.closeAt(60), 'a jump back rescans').toBe(10);
    expect(spot.closeAt(90), 'no run bar opened at 90').toBeUndefined();
  });
});

describe('FundingSeriesView', () => {
  it('knows the settlements at or before now, and takes the next one from the history, else from the schedule', () => {
    let now = 0;
    const f = new FundingSeriesView({ length: 2, timeMs: Float64Array.from([8 * HOUR, 16 * HOUR]), rate: Float64Array.from([0.0001, -0.0002]) }, 8 * HOUR, () => now);
    now = 7 * HOUR;
    expect({ rate: f.lastRate, last: f.lastTimeMs, next: f.nextTimeMs }, 'before the first settlement').toEqual({ rate: undefined, last: undefined, next: 8 * HOUR });
    now = 8 * HOUR;
    expect({ rate: f.lastRate, last: f.lastTimeMs, next: f.nextTimeMs }, 'a settlement at now is known').toEqual({ rate: 0.0001, last: 8 * HOUR, next: 16 * HOUR });
    now = 17 * HOUR;
    expect({ rate: f.lastRate, next: f.nextTimeMs }, 'past the history: 00:00 UTC of the next day on the 8 h grid').toEqual({ rate: -0.0002, next: 24 * HOUR });
    now = 9 * HOUR;
    expect(f.lastRate, 'moving back in time forgets the later settlement').toBe(0.0001);
  });

  it('has no next settlement for an instrument without funding and no history', () => {
    const f = new FundingSeriesView(undefined, undefined, () => 5);
    expect({ rate: f.lastRate, next: f.nextTimeMs }).toEqual({ rate: undefined, next: undefined });
  });
});
