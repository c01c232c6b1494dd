import { describe, expect, it } from 'vitest';
import { ByteCursor } from './byte-cursor.js';

function cursor(line: string): ByteCursor {
  const buf = Buffer.from(line, 'latin1');
  const c = new ByteCursor();
  c.reset(buf, 0, buf.length);
  return c;
}

describe('ByteCursor', () => {
  it('reads the fields of a kline row in order and ends exactly at the last one', () => {
    const c = cursor('1746372780000,95505.4,95505.5,95502.7,95502.7,16.536');
    expect(c.epochMs()).toBe(1746372780000);
    expect([c.num(), c.num(), c.num(), c.num(), c.num()]).toEqual([95505.4, 95505.5, 95502.7, 95502.7, 16.536]);
    expect(c.atEnd(), 'all six fields consumed').toBe(true);
  });

  it('tells seconds, ms, µs and ns apart by digit count and returns ms', () => {
    const ms = 1680652700423;
    for (const [text, digits] of [
      ['1680652700', 10],
      ['1680652700423', 13],
      ['1680652700423575', 16],
      ['1680652700423575123', 19],
    ] as const) {
      const c = cursor(text);
      const got = c.epochMs();
      expect(c.lastDigits).toBe(digits);
      expect(got, `${text} in ms`).toBe(digits === 10 ? 1680652700000 : ms);
    }
  });

  it('floors ns to µs without losing digits beyond 2^53', () => {
    // 1723161254087891268 ns > 2^53; the µs value 1723161254087891 is exact.
    expect(cursor('1723161254087891268').epochUs()).toBe(1723161254087891);
  });

  it('returns NaN and marks the field for a non-numeric price', () => {
    const c = cursor('1746372780000,95505.4x,1');
    c.epochMs();
    expect(c.num()).toBeNaN();
    expect(c.failedAt, 'the bad field starts at byte 14').toBe(14);
  });

  it('reports a missing field as not at end or NaN', () => {
    const c = cursor('1,2,3');
    expect([c.num(), c.num(), c.num()]).toEqual([1, 2, 3]);
    expect(c.num(), 'a fourth field does not exist').toBeNaN();
  });

  it('sees a trailing comma as one more (empty) field', () => {
    const c = cursor('1,2,');
    c.num();
    c.num();
    expect(c.atEnd(), 'an empty third field remains').toBe(false);
  });
});
