import { describe, expect, it } from 'vitest';
import { gridFromStep } from '../../core/grid.js';
import { InputError } from '../../core/errors.js';
import { decimalFlag, enumFlag, moneyFlag, percentFlag, priceFlag, requireOne } from './flags.js';

const thrown = (f: () => unknown): InputError => {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
};

describe('flag parsing', () => {
  it('parses decimals exactly, never through a float', () => {
    expect(decimalFlag('--x', '0.1', { expected: 'a number' })).toEqual({ units: 1n, scale: 1 });
    expect(moneyFlag('--equity', '5000.12345678', 'equity')).toBe(500012345678);
  });

  it('reads "1" and "1%" as one percent and refuses above 100', () => {
    expect(percentFlag('--risk-pct', '1%', { what: 'risk' })).toEqual({ units: 1n, scale: 0 });
    const e = thrown(() => percentFlag('--risk-pct', '150', { what: 'risk' }));
    expect(e.input).toBe('--risk-pct');
    expect(e.code).toBe('OUT_OF_RANGE');
  });

  it('refuses money with more than 8 decimals instead of rounding it', () => {
    expect(thrown(() => moneyFlag('--equity', '1.000000001', 'equity')).problem).toMatch(/more than 8 decimals/);
  });

  it('names the nearest grid prices for an off-grid price', () => {
    const e = thrown(() => priceFlag('--entry', '70001', gridFromStep('5')!));
    expect(e.message).toBe('--entry: 70001 is not a multiple of the step 5 (nearest: 70000 or 70005). Use a price on the 5 tick grid, e.g. 70000 or 70005');
  });

  it('lists the allowed words for an enum and accepts any case', () => {
    expect(enumFlag('--side', 'LONG', ['long', 'short'] as const)).toBe('long');
    expect(thrown(() => enumFlag('--side', 'up', ['long', 'short'] as const)).fix).toBe('Pass one of: long, short');
  });

  it('requires exactly one of two flags', () => {
    expect(thrown(() => requireOne('--stop', true, '--stop-pct', true, 'fix')).code).toBe('CONFLICTING_OPTIONS');
    expect(thrown(() => requireOne('--stop', false, '--stop-pct', false, 'fix')).code).toBe('MISSING_OPTION');
  });
});
