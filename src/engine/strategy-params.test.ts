import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import emaCross from '../strategies/ema-cross.js';
import { describeParams, paramTexts, parseParams } from './strategy-params.js';

describe('strategy parameters', () => {
  it('describes each parameter with its default, range and description, for sweeps', () => {
    const fast = describeParams(emaCross.params).find((p) => p.name === 'fast');
    expect(fast).toEqual({ name: 'fast', type: 'integer', default: 9, min: 1, max: 1000, description: 'period of the fast EMA, in bars' });
    expect(describeParams(emaCross.params).find((p) => p.name === 'sides')).toMatchObject({ type: 'enum', values: ['both', 'long', 'short'] });
  });

  it('reads key=value texts as the schema types them and fills the defaults', () => {
    expect(parseParams(emaCross.params, paramTexts(['fast=5', 'slow = 50', 'sides=long']))).toEqual({ fast: 5, slow: 50, tpPct: 0.2, slPct: 0.15, notional: 1000, sides: 'long' });
  });

  it('refuses unknown names, non-numbers and values out of range, naming the parameter and the range', () => {
    const fails = (texts: string[]): InputError => {
      try {
        parseParams(emaCross.params, paramTexts(texts));
      } catch (e) {
        if (e instanceof InputError) return e;
      }
      throw new Error(`${texts.join(' ')} was accepted`);
    };
    expect(fails(['speed=3']).message).toMatch(/--param speed: is not a parameter.*fast, slow/);
    expect(fails(['fast=abc']).message).toMatch(/--param fast: "abc" is not a number/);
    expect(fails(['fast=0']).message).toMatch(/--param fast.*from 1 to 1000/);
    expect(fails(['fast=30', 'slow=20']).message, 'the cross-field rule').toMatch(/fast must be shorter than slow/);
    expect(() => paramTexts(['fast']), 'not key=value').toThrow(/--param: "fast" is not key=value/);
  });
});
