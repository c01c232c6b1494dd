// The independent reference: EMA-cross with a 0.2 % take-profit / 0.15 % stop bracket written as a plain loop over
// the real BTCUSDT 1m file (no engine, venue or domain code), against the whole stack (`runBacktest`: data ->
// SimulatedVenue -> Engine -> ema-cross) configured with the same semantics. They must agree trade for trade.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseBacktestConfig } from '../../src/backtest/backtest-config.js';
import { runBacktest } from '../../src/backtest/run-backtest.js';
import { loadRegistry } from '../../src/data/spec-files.js';
import { SimulatedVenue } from '../../src/venues/simulated/simulated-venue.js';
import { sharedData } from '../support/shared-data.js';

const KLINES = 'binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz';
const FUNDING = 'binance/futures-um/fundingRate/BTCUSDT-fundingRate-2025-03-06_2025-06-24.csv';
const MARKS = 'binance/futures-um/markPriceKlines/BTCUSDT-markPrice-8h-2025-03-06_2025-06-24.csv';

/**
 * The semantics, as a trader would write them down (BINANCE:BTCUSDT: tick 0.1, lot 0.001 BTC, taker 0.05 %,
 * maker 0.02 %, from specs/binance-usdm.json):
 * - EMA(9) and EMA(21) of closes, each seeded with the SMA of its first N closes, then ema += (x - ema) * 2/(N+1).
 * - At a bar's close, when fast - slow changes sign (from the last non-zero sign) and no position or entry is
 *   open: buy on an up-cross, sell on a down-cross, floor(1000 USDT / (close x 0.001)) lots, at the next bar's open.
 * - Exits from the fill price P (ticks): target round(P x 1.002), stop round(P x 0.9985) for a long (mirrored for a
 *   short), rounded half away from zero. The target is a limit (maker) that fills only when price trades through it;
 *   the stop a stop-market (taker) that fills at the stop, or at the open when a bar opens beyond it.
 * - Inside a bar the stop is checked before the target (stop-first), on the entry bar too.
 * - Fees: notional x rate, rounded up to 1e-8 USDT. Funding: at each settlement time, at the first bar opening at or
 *   after it, -(signed notional at the mark) x rate, rounded down to 1e-8 USDT; the mark is the open of the 8 h
 *   mark-price kline starting at the settlement's minute (Binance stamps settlements a few ms late), rounded to the
 *   0.1 tick (the bar's open where there is none).
 */
interface RefTrade {
  side: 'long' | 'short';
  entryTimeMs: number;
  exitTimeMs: number;
  entryTicks: number;
  exitTicks: number;
  netUnits: number;
  exitReason: 'take-profit' | 'stop-loss';
}

/** 0.1 USDT tick x 0.001 BTC lot = 0.0001 USDT = 10,000 units of 1e-8 USDT. */
const UNITS_PER_TICK_LOT = 10_000;
const TAKER = 0.0005;
const MAKER = 0.0002;

/** Rounds x (units) up, treating float noise within 1e-6 units as an exact integer. */
const ceilUnits = (x: number): number => (Math.abs(x - Math.round(x)) < 1e-6 ? Math.round(x) : Math.ceil(x));
const floorUnits = (x: number): number => (Math.abs(x - Math.round(x)) < 1e-6 ? Math.round(x) : Math.floor(x));
/** round(p x num / den), half away from zero, exactly (integers below 2^53). */
const roundRatio = (p: number, num: number, den: number): number => {
  const q = Math.floor((p * num) / den);
  const r = p * num - q * den;
  return 2 * r >= den ? q + 1 : q;
};

function readCsv(path: string): number[][] {
  const text = path.endsWith('.gz') ? gunzipSync(readFileSync(path)).toString('utf8') : readFileSync(path, 'utf8');
  return text.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
}

function referenceLoop(): { trades: RefTrade[]; balanceUnits: number } {
  const rows = readCsv(sharedData(KLINES));
  const funding = readCsv(sharedData(FUNDING)).filter((r) => r[0]! >= rows[0]![0]!);
  const markAt = new Map(readCsv(sharedData(MARKS)).map((r) => [r[0]!, Math.round(r[1]! * 10)]));
  const t = rows.map((r) => r[0]!);
  const o = rows.map((r) => Math.round(r[1]! * 10));
  const h = rows.map((r) => Math.round(r[2]! * 10));
  const l = rows.map((r) => Math.round(r[3]! * 10));
  const c = rows.map((r) => Math.round(r[4]! * 10));
  const closes = rows.map((r) => r[4]!);
  const trades: RefTrade[] = [];
  let balance = 10_000 * 1e8;
  let f = 0;
  let sumFast = 0;
  let sumSlow = 0;
  let fast = 0;
  let slow = 0;
  let previousSign = 0;
  let pending = 0; // +lots / -lots of an entry decided at the last close
  let lots = 0; // signed position
  let entryTicks = 0;
  let entryTime = 0;
  let tp = 0;
  let sl = 0;
  let tripUnits = 0;
  const exit = (i: number, price: number, reason: RefTrade['exitReason'], rate: number): void => {
    const gross = lots * (price - entryTicks) * UNITS_PER_TICK_LOT;
    const fee = ceilUnits(Math.abs(lots) * price * UNITS_PER_TICK_LOT * rate);
    tripUnits += gross - fee;
    balance += gross - fee;
    trades.push({ side: lots > 0 ? 'long' : 'short', entryTimeMs: entryTime, exitTimeMs: t[i]!, entryTicks, exitTicks: price, netUnits: tripUnits, exitReason: reason });
    lots = 0;
  };
  const restOfBar = (i: number): void => {
    const long = lots > 0;
    if (long ? l[i]! <= sl : h[i]! >= sl) exit(i, sl, 'stop-loss', TAKER);
    else if (long ? h[i]! > tp : l[i]! < tp) exit(i, tp, 'take-profit', MAKER);
  };
  for (let i = 0; i < rows.length; i++) {
    while (f < funding.length && funding[f]![0]! <= t[i]!) {
      if (lots !== 0) {
        const flow = floorUnits(-lots * (markAt.get(Math.floor(funding[f]![0]! / 60_000) * 60_000) ?? o[i]!) * UNITS_PER_TICK_LOT * funding[f]![1]!);
        tripUnits += flow;
        balance += flow;
      }
      f++;
    }
    if (lots !== 0) {
      const long = lots > 0;
      if (long ? o[i]! <= sl : o[i]! >= sl) exit(i, o[i]!, 'stop-loss', TAKER);
      else if (long ? o[i]! > tp : o[i]! < tp) exit(i, tp, 'take-profit', MAKER);
      else restOfBar(i);
    } else if (pending !== 0) {
      lots = pending;
      pending = 0;
      entryTicks = o[i]!;
      entryTime = t[i]!;
      const fee = ceilUnits(Math.abs(lots) * entryTicks * UNITS_PER_TICK_LOT * TAKER);
      tripUnits = -fee;
      balance -= fee;
      tp = lots > 0 ? roundRatio(entryTicks, 1002, 1000) : roundRatio(entryTicks, 998, 1000);
      sl = lots > 0 ? roundRatio(entryTicks, 9985, 10000) : roundRatio(entryTicks, 10015, 10000);
      restOfBar(i);
    }
    const x = closes[i]!;
    const n = i + 1;
    if (n <= 9) sumFast += x;
    if (n === 9) fast = sumFast / 9;
    else if (n > 9) fast = (x - fast) * (2 / 10) + fast;
    if (n <= 21) sumSlow += x;
    if (n === 21) slow = sumSlow / 21;
    else if (n > 21) slow = (x - slow) * (2 / 22) + slow;
    if (n < 21) continue;
    const diff = fast - slow;
    const sign = diff > 0 ? 1 : diff < 0 ? -1 : 0;
    const up = previousSign < 0 && sign > 0;
    const down = previousSign > 0 && sign < 0;
    if (sign !== 0) previousSign = sign;
    if ((up || down) && lots === 0 && pending === 0) {
      const size = Math.floor(1e7 / c[i]!);
      pending = up ? size : -size;
    }
  }
  return { trades, balanceUnits: balance };
}

describe('the engine against a plain loop on real BTCUSDT 1m bars', () => {
  it('makes the same trades (count, times, sides, prices, exit reasons) and the same P&L to 1e-8 USDT', async () => {
    const venue = new SimulatedVenue({ instruments: [{ spec: loadRegistry().get('BINANCE:BTCUSDT') }] });
    expect(venue.capabilities.bracketExitsFromFill, 'the simulated venue prices bracket exits from the fill').toBe(true);
    const ref = referenceLoop();
    const config = parseBacktestConfig({ strategy: 'ema-cross', instrument: 'BINANCE:BTCUSDT', data: sharedData(KLINES), fundingFile: sharedData(FUNDING), markFile: sharedData(MARKS) });
    const run = await runBacktest(config, { registry: loadRegistry(), cacheDir: '/nonexistent-cache' });
    const got = run.result.trips.map((tr) => ({
      side: tr.side,
      entryTimeMs: tr.entryTimeMs,
      exitTimeMs: tr.exitTimeMs,
      entryTicks: Math.round(tr.entryPrice * 10),
      exitTicks: Math.round(tr.exitPrice * 10),
      netUnits: tr.netPnl,
      exitReason: tr.exitReason,
    }));
    expect(ref.trades.length, 'the reference makes a meaningful number of trades').toBeGreaterThan(1000);
    const firstDiff = got.findIndex((g, i) => JSON.stringify(g) !== JSON.stringify(ref.trades[i]));
    expect(firstDiff === -1 ? undefined : { index: firstDiff, engine: got[firstDiff], reference: ref.trades[firstDiff] }, 'the first trade that differs').toBeUndefined();
    expect(got.length, 'trade count').toBe(ref.trades.length);
    expect(run.result.ledger.balanceMoney, 'final balance: start + realised - fees + funding, open position included').toBe(ref.balanceUnits);
    expect(run.summary.funding, 'funding was charged').not.toBe(0);
  });
});
