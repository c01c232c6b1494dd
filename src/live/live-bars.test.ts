// Live bars from a real capture's trades, one at a time, against the batch resampler (src/data/resample.ts
// tradesToTimeBars) on the same trades: the reference is the backtest's own bar builder.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { gridFromStep } from '../core/grid.js';
import { TradeBuilder } from '../data/columns.js';
import { tradesToTimeBars } from '../data/resample.js';
import { sharedData } from '../../test/support/shared-data.js';
import { LiveBarBuilder, LiveBars } from './live-bars.js';

const CAPTURE = sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2024-08-08T2354.txt.gz');

function captureTrades(): { timeMs: number[]; price: number[]; qty: number[] } {
  const out = { timeMs: [] as number[], price: [] as number[], qty: [] as number[] };
  for (const line of gunzipSync(readFileSync(CAPTURE)).toString('utf8').split('\n')) {
    if (!line.includes('@trade"')) continue;
    const d = (JSON.parse(line.slice(line.indexOf(' ') + 1)) as { data: { T: number; p: string; q: string; X?: string } }).data;
    out.timeMs.push(d.T);
    out.price.push(Number(d.p));
    out.qty.push(Number(d.q));
  }
  return out;
}

describe('LiveBarBuilder', () => {
  const t = captureTrades();
  const tick = gridFromStep('0.1')!;

  test('closes the same 1m bars as the batch resampler, each only once a later trade or the clock passes its end', () => {
    const bars = new LiveBars(100);
    const closedAt: number[] = [];
    let now = 0;
    const builder = new LiveBarBuilder(bars, 60_000, tick, (i) => closedAt.push(now - (bars.openTimeMs[i]! + 60_000)));
    for (let i = 0; i < t.timeMs.length; i++) {
      now = t.timeMs[i]!;
      builder.onTrade(now, t.price[i]!, t.qty[i]!);
    }
    now = t.timeMs.at(-1)! + 60_000;
    builder.closeUntil(now);
    const n = t.timeMs.length;
    const tape = new TradeBuilder(false);
    for (let i = 0; i < n; i++) tape.push(t.timeMs[i]!, t.price[i]!, t.qty[i]!, false);
    const ref = tradesToTimeBars(tape.finish(), 60_000);
    expect(bars.count, 'same number of bars').toBe(ref.length);
    for (let i = 0; i < ref.length; i++) {
      expect([bars.openTimeMs[i], bars.open[i], bars.high[i], bars.low[i], bars.close[i]], `bar ${i} OHLC`).toEqual([ref.openTimeMs[i], ref.open[i], ref.high[i], ref.low[i], ref.close[i]]);
      expect(bars.volume[i], `bar ${i} volume`).toBeCloseTo(ref.volume[i]!, 9);
      expect(bars.closeTicks[i], 'close in ticks of 0.1').toBe(Math.round(ref.close[i]! * 10));
    }
    expect(closedAt.every((late) => late >= 0), 'no bar closes before its end time').toBe(true);
  });

  test('does not close a bar while its minute is still running', () => {
    const bars = new LiveBars(4);
    const builder = new LiveBarBuilder(bars, 60_000, tick, () => undefined);
    builder.onTrade(120_500, 100, 1);
    expect(builder.closeUntil(179_999), '1 ms before the end').toBe(false);
    expect(builder.closeUntil(180_000), 'at the end').toBe(true);
    expect(bars.count).toBe(1);
  });
});
