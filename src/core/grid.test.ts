import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countFromFloat, countFromText, formatCount, gridFromStep, type Grid } from './grid.js';

const grid = (step: string): Grid => {
  const g = gridFromStep(step);
  if (!g) throw new Error(`bad step ${step}`);
  return g;
};

describe('grid', () => {
  it('parses a price on the tick grid exactly', () => {
    const r = countFromText('61720.01', grid('0.01'), 'exact');
    expect(r).toEqual({ ok: true, value: 6172001 });
  });

  it('refuses a price off the grid in exact mode and names the neighbours', () => {
    const r = countFromText('70000.05', grid('0.1'), 'exact');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ kind: 'off-grid', below: '70000', above: '70000.1' });
  });

  it('rounds sizes toward zero and prices as asked', () => {
    expect(countFromText('0.0719', grid('0.001'), 'toward-zero')).toEqual({ ok: true, value: 71 });
    expect(countFromText('-0.0719', grid('0.001'), 'toward-zero')).toEqual({ ok: true, value: -71 });
    expect(countFromText('69300.04', grid('0.1'), 'ceil')).toEqual({ ok: true, value: 693001 });
    expect(countFromText('69300.05', grid('0.1'), 'nearest')).toEqual({ ok: true, value: 693001 });
    expect(countFromText('5', grid('0.5'), 'exact')).toEqual({ ok: true, value: 10 });
  });

  it('absorbs float noise when converting a computed float to ticks', () => {
    expect(countFromFloat(61720.01, grid('0.01'), 'floor')).toBe(6172001);
    expect(countFromFloat(0.1 + 0.2, grid('0.1'), 'exact')).toBe(3);
    expect(countFromFloat(0.35, grid('0.1'), 'exact')).toBeUndefined();
  });

  it('round-trips format and parse at any tick size (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -12, max: 4 }),
        fc.constantFrom(1, 2, 5, 25),
        fc.integer({ min: -1e12, max: 1e12 }),
        (exp, mant, count) => {
          const g = grid(`${mant}e${exp}`);
          const text = formatCount(count, g);
          const back = countFromText(text, g, 'exact');
          return back.ok && back.value === count;
        },
      ),
    );
  });
});

describe('countFromFloat at large magnitudes', () => {
  it('floors and ceils a real fraction correctly far above a million ticks', () => {
    const g = grid('1');
    expect(countFromFloat(5e8 + 0.4, g, 'floor'), 'a 0.4 fraction is not float noise').toBe(5e8);
    expect(countFromFloat(5e8 + 0.4, g, 'ceil')).toBe(5e8 + 1);
    expect(countFromFloat(69300.00000000001, grid('0.1'), 'ceil'), 'noise from 70000 x 0.99 is absorbed').toBe(693000);
  });
});
