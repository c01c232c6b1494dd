import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { BUILT_IN_STRATEGIES } from '../strategies/index.js';
import { runInterval } from './run-backtest.js';

const strategy = (name: string) => BUILT_IN_STRATEGIES.get(name)!;
const refusal = (f: () => unknown): InputError => {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
};

describe('the run interval', () => {
  it("is the strategy's data.bars without --interval, and --interval when the strategy accepts it", () => {
    expect(runInterval(strategy('ema-cross'), { fill: 'bar' })).toBe('1m');
    expect(runInterval(strategy('ema-cross'), { fill: 'bar', interval: '3m' })).toBe('3m');
    expect(runInterval(strategy('dca-builder'), { fill: 'bar', interval: '1m' }), 'its own interval, named').toBe('1m');
  });

  it('refuses an interval the strategy does not accept, naming --interval and the way out', () => {
    const e = refusal(() => runInterval(strategy('basis'), { fill: 'bar', interval: '5m' }));
    expect(e.input).toBe('--interval');
    expect(e.problem).toBe('strategy basis runs on 1m bars only, not 5m');
    expect(e.fix).toMatch(/drop --interval/);
  });

  it('refuses an interval the trade tape cannot make bars of (tradesToTimeBars stops at 1h)', () => {
    expect(runInterval(strategy('ema-cross'), { fill: 'trades', interval: '1h' })).toBe('1h');
    expect(refusal(() => runInterval(strategy('ema-cross'), { fill: 'trades', interval: '4h' })).problem).toMatch(/--fill trades builds bars of up to 1h/);
  });
});
