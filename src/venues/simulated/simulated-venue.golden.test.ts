// Golden test on real data: the simulated venue against an independent plain loop (no venue code, integer
// arithmetic only) on Binance USD-M BTCUSDT 1m bars, 2025-05-04 .. 2025-06-24 (73k bars, ../shared/data), with the
// real funding-rate history. Strategy: whenever flat at a close, buy 0.01 BTC at the next open with a take-profit
// limit 0.2 % and a stop 0.15 % from that close. Trades (times, prices, reasons), fees, funding and the final
// balance must agree exactly.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import { moneyFromText } from '../../core/money.js';
import type { VenueEvent } from '../venue.js';
import { sharedData } from '../../../test/support/shared-data.js';
import { testSpec } from '../../../test/support/contract-terms.js';
import type { TickBarColumns } from './bar-fill-model.js';
import { SimulatedVenue } from './simulated-venue.js';

const LOTS = 10; // 0.01 BTC at a 0.001 lot
/** Money units per tick-lot (0.1 USDT x 0.001 BTC = 0.0001 USDT = 10,000 units). Taker 0.05 % and maker 0.02 % of that: 5 and 2 units. */
const UNITS = 10_000;
const TAKER_PER_TICK_LOT = 5;
const MAKER_PER_TICK_LOT = 2;

function csv(path: string, gz: boolean): number[][] {
  const text = gz ? gunzipSync(readFileSync(path)).toString('utf8') : readFileSync(path, 'utf8');
  return text.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
}

interface Trade {
  readonly entryMs: number;
  readonly entryTicks: number;
  readonly exitMs: number;
  readonly exitTicks: number;
  readonly reason: 'tp' | 'sl';
}

/** Take-profit and stop in ticks from a close: nearest tick of close x 1.002 and close x 0.9985, ties up (integers only). */
const exits = (close: number): { tp: number; sl: number } => ({ tp: Math.floor((close * 1002 + 500) / 1000), sl: Math.floor((close * 9985 + 5000) / 10000) });

/**
 * The plain loop: the same rules written out directly. At a bar's open: funding due (mark = the open), then the
 * entry (taker, at the open) whose exits start there: a take-profit already at or below the open, or a stop at or
 * above it, fills at the open as taker. A resting take-profit the open has passed fills at its price (maker); a
 * stop the open has passed fills at the open. Inside the bar the stop goes first (low <= stop: at the stop, taker),
 * then the take-profit (high > tp: at the tp, maker).
 */
function plainLoop(bars: TickBarColumns, n: number, funding: { timeMs: Float64Array; rate: Float64Array }) {
  const trades: Trade[] = [];
  let balance = 0;
  let fees = 0;
  let fundingSum = 0;
  let f = 0;
  let state: 'flat' | 'pending' | 'long' = 'flat';
  let tp = 0;
  let sl = 0;
  let entryTicks = 0;
  let entryMs = 0;
  const exit = (ms: number, ticks: number, reason: 'tp' | 'sl', maker: boolean): void => {
    const fee = LOTS * ticks * (maker ? MAKER_PER_TICK_LOT : TAKER_PER_TICK_LOT);
    balance += LOTS * (ticks - entryTicks) * UNITS - fee;
    fees += fee;
    trades.push({ entryMs, entryTicks, exitMs: ms, exitTicks: ticks, reason });
    state = 'flat';
  };
  for (let i = 0; i < n; i++) {
    const t = bars.openTimeMs[i]!;
    const o = bars.openTicks[i]!;
    const h = bars.highTicks[i]!;
    const l = bars.lowTicks[i]!;
    while (f < funding.timeMs.length && funding.timeMs[f]! <= t) {
      if (state === 'long') {
        const amount = Math.floor(-(LOTS * o * UNITS) * funding.rate[f]!);
        balance += amount;
        fundingSum += amount;
      }
      f++;
    }
    if (state === 'pending') {
      const fee = LOTS * o * TAKER_PER_TICK_LOT;
      balance -= fee;
      fees += fee;
      entryTicks = o;
      entryMs = t;
      state = 'long';
      if (tp <= o) exit(t, o, 'tp', false);
      else if (o <= sl) exit(t, o, 'sl', false);
      else if (l <= sl) exit(t, sl, 'sl', false);
      else if (h > tp) exit(t, tp, 'tp', true);
    } else if (state === 'long') {
      if (o > tp) exit(t, tp, 'tp', true);
      else if (o <= sl) exit(t, o, 'sl', false);
      else if (l <= sl) exit(t, sl, 'sl', false);
      else if (h > tp) exit(t, tp, 'tp', true);
    }
    if (state === 'flat') {
      ({ tp, sl } = exits(bars.closeTicks[i]!));
      state = 'pending';
    }
  }
  return { trades, balance, fees, fundingSum };
}

describe('simulated venue: golden run on real BTCUSDT 1m bars', () => {
  it('matches an independent plain loop trade for trade, and in fees, funding and balance to the 1e-8 USDT', () => {
    const rows = csv(sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz'), true);
    const n = rows.length;
    const bars: TickBarColumns = {
      openTimeMs: Float64Array.from(rows, (r) => r[0]!),
      openTicks: Float64Array.from(rows, (r) => Math.round(r[1]! * 10)),
      highTicks: Float64Array.from(rows, (r) => Math.round(r[2]! * 10)),
      lowTicks: Float64Array.from(rows, (r) => Math.round(r[3]! * 10)),
      closeTicks: Float64Array.from(rows, (r) => Math.round(r[4]! * 10)),
    };
    const fundingRows = csv(sharedData('binance/futures-um/fundingRate/BTCUSDT-fundingRate-2025-03-06_2025-06-24.csv'), false).filter(
      (r) => r[0]! > bars.openTimeMs[0]! && r[0]! <= bars.openTimeMs[n - 1]!,
    );
    const funding = { timeMs: Float64Array.from(fundingRows, (r) => r[0]!), rate: Float64Array.from(fundingRows, (r) => r[1]!) };
    const expected = plainLoop(bars, n, funding);

    const venue = new SimulatedVenue({ instruments: [{ spec: testSpec(), funding }] });
    const fills: Extract<VenueEvent, { type: 'OrderFilled' }>[] = [];
    let flat = true;
    let pending = false;
    venue.connect({
      onVenueEvent: (e) => {
        if (e.type !== 'OrderFilled') return;
        fills.push(e);
        if (e.clientId.startsWith('e')) pending = false;
        else flat = true;
      },
    });
    let k = 0;
    for (let i = 0; i < n; i++) {
      venue.onBar(0, bars, i);
      if (flat && !pending) {
        const { tp, sl } = exits(bars.closeTicks[i]!);
        k++;
        const base = { instrument: 'BINANCE:TEST', qtyLots: LOTS as Lots } as const;
        venue.send({
          type: 'SubmitBracket',
          tsLocal: bars.openTimeMs[i]! + 59_999,
          bracket: {
            entry: { ...base, clientId: `e${k}`, action: 'buy', effect: 'open-or-reduce', type: 'market' },
            takeProfit: { ...base, clientId: `t${k}`, action: 'sell', effect: 'reduce-only', type: 'limit', limitTicks: tp as Ticks, timeInForce: 'GTC' },
            stopLoss: { ...base, clientId: `s${k}`, action: 'sell', effect: 'reduce-only', type: 'stop-market', triggerTicks: sl as Ticks },
          },
        });
        flat = false;
        pending = true;
      }
    }
    const trades: Trade[] = [];
    for (let j = 0; j + 1 < fills.length; j += 2) {
      const a = fills[j]!;
      const b = fills[j + 1]!;
      trades.push({ entryMs: a.tsVenue, entryTicks: a.priceTicks, exitMs: b.tsVenue, exitTicks: b.priceTicks, reason: b.clientId.startsWith('t') ? 'tp' : 'sl' });
    }
    expect(expected.trades.length, 'the strategy trades often on 73k bars').toBeGreaterThan(1000);
    expect(trades.length).toBe(expected.trades.length);
    expect(trades, 'trade for trade: entry and exit times, prices and reasons').toEqual(expected.trades);
    const totals = venue.totals();
    expect(totals.fees, 'fees').toBe(expected.fees);
    expect(totals.funding, 'funding from the real rate history').toBe(expected.fundingSum);
    expect(totals.funding, 'some funding was settled').not.toBe(0);
    expect(venue.account.balance, 'final balance').toBe(moneyFromText('10000')! + expected.balance);
  });
});
