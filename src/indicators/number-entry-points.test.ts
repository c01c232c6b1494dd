import { describe, expect, it } from 'vitest';
import { BTC_1M, loadKlines } from '../../test/support/kline-columns.js';
import { Adx } from './adx.js';
import { Atr } from './atr.js';
import { barAt } from './contract.js';
import type { BarIndicator } from './indicator.js';
import { Stochastic } from './stochastic.js';
import { TrueRange } from './true-range.js';
import { Vwap } from './vwap.js';

// The number entry points (addHLC / replaceHLC, addBar / replaceBar) are the hot-loop form of add(bar) and
// replace(bar); the contract suite checks add(bar), so this checks that both forms give the same bits.
const bars = loadKlines(BTC_1M, 4000);

interface HlcIndicator extends BarIndicator {
  addHLC(high: number, low: number, close: number): number | undefined;
  replaceHLC(high: number, low: number, close: number): number | undefined;
}

const hlcCases: [string, () => HlcIndicator][] = [
  ['ATR(14)', () => new Atr(14)],
  ['ATR(14) tradingview', () => new Atr(14, 'tradingview')],
  ['true range', () => new TrueRange()],
  ['ADX(14)', () => new Adx(14)],
  ['STOCH(14,3,3)', () => new Stochastic({ kind: 'slow', kPeriod: 14, kSmoothing: 3, dPeriod: 3 })],
  ['STOCHF(5,3)', () => new Stochastic({ kind: 'fast', kPeriod: 5, dPeriod: 3 })],
];

/** Every output of `a` and `b` is the same number (or both undefined), by Object.is. */
function expectSameOutputs(label: string, i: number, a: BarIndicator, b: BarIndicator): void {
  for (let o = 0; o < a.outputNames.length; o++) {
    const x = a.output(o);
    const y = b.output(o);
    if (!Object.is(x, y)) throw new Error(`${label}: output ${a.outputNames[o]} at bar ${i} is ${String(y)} from numbers, ${String(x)} from the bar object`);
  }
}

describe('number entry points equal the bar-object entry points bit for bit (4 000 BTCUSDT 1m bars)', () => {
  for (const [name, create] of hlcCases) {
    it(`${name}: addHLC and replaceHLC give what add and replace give`, () => {
      const viaBar = create();
      const viaNumbers = create();
      for (let i = 0; i < bars.length; i++) {
        const bar = barAt(bars, i);
        // Every third bar first arrives provisional (10 lower) and is then revised, as a live open bar is.
        if (i % 3 === 0) {
          viaBar.add({ ...bar, high: bar.high - 10, close: bar.close - 10 });
          viaNumbers.addHLC(bar.high - 10, bar.low, bar.close - 10);
          expect(viaNumbers.replaceHLC(bar.high, bar.low, bar.close), `${name} replace at bar ${i}`).toBe(viaBar.replace(bar));
        } else {
          expect(viaNumbers.addHLC(bar.high, bar.low, bar.close), `${name} add at bar ${i}`).toBe(viaBar.add(bar));
        }
        expectSameOutputs(name, i, viaBar, viaNumbers);
      }
      expect(viaNumbers.isStable, `${name} warms up within 4 000 bars`).toBe(true);
    });
  }

  it('VWAP: addBar and replaceBar give what add and replace give, bands included', () => {
    const viaBar = new Vwap({ anchor: { kind: 'session', startHourUtc: 13 }, bandMultipliers: [1, 2] });
    const viaNumbers = new Vwap({ anchor: { kind: 'session', startHourUtc: 13 }, bandMultipliers: [1, 2] });
    for (let i = 0; i < bars.length; i++) {
      const b = barAt(bars, i);
      if (i % 3 === 0) {
        viaBar.add({ ...b, volume: b.volume * 2 });
        viaNumbers.addBar(b.openTimeMs, b.open, b.high, b.low, b.close, b.volume * 2);
        expect(viaNumbers.replaceBar(b.openTimeMs, b.open, b.high, b.low, b.close, b.volume), `replace at bar ${i}`).toBe(viaBar.replace(b));
      } else {
        expect(viaNumbers.addBar(b.openTimeMs, b.open, b.high, b.low, b.close, b.volume), `add at bar ${i}`).toBe(viaBar.add(b));
      }
      expectSameOutputs('VWAP', i, viaBar, viaNumbers);
    }
  });
});
