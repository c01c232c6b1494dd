// Speed of the whole simulated venue (commands, fill model, account, fees, funding and liquidation checks, events to
// a sink) on real data: BTCUSDT 1m bars tiled to ~1 M with the real funding history, (a) a quiet venue with no
// orders, (b) an always-in-the-market long bracket (TP 0.2 %, stop 0.15 %), with the independent plain loop of the
// golden test as the reference (trade count must agree); and LTCUSDT trades tiled to ~1 M replayed with one resting
// limit, by the venue alone and by the full engine (driveTrades, a strategy reading every trade). Median of 5 runs; garbage collections counted during one more run (0 = nothing allocated that needed one).
// Run: npx tsc -p tsconfig.build.json && node --expose-gc dist/bench/sim-venue.js
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseDecimal } from '../src/core/decimal.js';
import { gridFromStep, type Lots, type Ticks } from '../src/core/grid.js';
import type { InstrumentSpec } from '../src/domain/instrument.js';
import type { OrderSpec } from '../src/domain/order.js';
import type { TickBarColumns } from '../src/venues/simulated/bar-fill-model.js';
import { SimulatedVenue } from '../src/venues/simulated/simulated-venue.js';
import type { TickTradeColumns } from '../src/venues/simulated/trade-fill-model.js';
import type { VenueEvent } from '../src/venues/venue.js';
import { z } from 'zod';
import type { Money } from '../src/core/money.js';
import { driveTrades } from '../src/backtest/drive.js';
import type { LoadedTrades } from '../src/backtest/load-trades.js';
import { Engine, type EngineBars, type EngineTrades } from '../src/engine/engine.js';
import { defineStrategy, type StrategyDefinition } from '../src/engine/strategy.js';

const TARGET = 1_000_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function sharedDataDir(): string {
  if (process.env.MICROFUT_SHARED_DATA) return process.env.MICROFUT_SHARED_DATA;
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data');
}

function rows(relative: string): number[][] {
  const path = resolve(sharedDataDir(), relative);
  const raw = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return text.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
}

function spec(symbol: string, tick: string): InstrumentSpec {
  return {
    id: `BINANCE:${symbol}`,
    venue: 'BINANCE',
    symbol,
    ccxtSymbol: `${symbol}:USDT`,
    description: 'bench instrument (BTCUSDT-like terms)',
    base: 'X',
    quote: 'USDT',
    settle: 'USDT',
    contractType: 'linear',
    contractSize: parseDecimal('1')!,
    tick: gridFromStep(tick)!,
    lot: gridFromStep('0.001')!,
    minQtyLots: 1,
    margin: { kind: 'tiered', maxLeverage: 125, brackets: [{ bracket: 1, notionalFloor: 0, notionalCap: Number.POSITIVE_INFINITY, maintRate: 0.004, cum: 0, maxLeverage: 125 }] },
    fees: { maker: 0.0002, taker: 0.0005 },
    liquidationFeeRate: 0.0125,
    funding: { kind: 'periodic', intervalHours: 8 },
    expiry: { kind: 'perpetual' },
    source: { url: 'https://example.invalid/bench', note: 'bench', retrieved: '2025-01-01' },
  };
}

interface TiledBars extends TickBarColumns {
  readonly n: number;
  readonly funding: { readonly timeMs: Float64Array; readonly rate: Float64Array };
}

function loadBars(): TiledBars {
  const r = rows('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');
  const f = rows('binance/futures-um/fundingRate/BTCUSDT-fundingRate-2025-03-06_2025-06-24.csv').filter((x) => x[0]! > r[0]![0]! && x[0]! <= r[r.length - 1]![0]!);
  const m = r.length;
  const laps = Math.max(1, Math.round(TARGET / m));
  const n = laps * m;
  const span = r[m - 1]![0]! - r[0]![0]! + 60_000;
  const col = (k: number, scale: number): Float64Array => Float64Array.from({ length: n }, (_, i) => Math.round(r[i % m]![k]! * scale));
  return {
    n,
    openTimeMs: Float64Array.from({ length: n }, (_, i) => r[i % m]![0]! + Math.floor(i / m) * span),
    openTicks: col(1, 10),
    highTicks: col(2, 10),
    lowTicks: col(3, 10),
    closeTicks: col(4, 10),
    funding: {
      timeMs: Float64Array.from({ length: laps * f.length }, (_, i) => f[i % f.length]![0]! + Math.floor(i / f.length) * span),
      rate: Float64Array.from({ length: laps * f.length }, (_, i) => f[i % f.length]![1]!),
    },
  };
}

interface Outcome {
  readonly trades: number;
  readonly events: number;
}

function quietVenue(bars: TiledBars): Outcome {
  const venue = new SimulatedVenue({ instruments: [{ spec: spec('BTCUSDT', '0.1'), funding: bars.funding }] });
  let events = 0;
  venue.connect({ onVenueEvent: () => events++ });
  for (let i = 0; i < bars.n; i++) venue.onBar(0, bars, i);
  return { trades: 0, events };
}

/** The driver: whenever flat at a close, a market entry with a TP limit and a stop from that close (golden-test prices). */
function bracketVenue(bars: TiledBars): Outcome {
  // A balance the fees of 70 k round trips cannot exhaust, so no entry is refused for margin.
  const venue = new SimulatedVenue({ instruments: [{ spec: spec('BTCUSDT', '0.1'), funding: bars.funding }], config: { startingBalance: '1000000' } });
  let flat = true;
  let trades = 0;
  let events = 0;
  venue.connect({
    onVenueEvent: (e: VenueEvent) => {
      events++;
      if (e.type === 'OrderFilled' && e.clientId.charCodeAt(0) !== 101) {
        flat = true;
        trades++;
      }
    },
  });
  let k = 0;
  for (let i = 0; i < bars.n; i++) {
    venue.onBar(0, bars, i);
    if (!flat) continue;
    const c = bars.closeTicks[i]!;
    k++;
    const instrument = 'BINANCE:BTCUSDT';
    const qtyLots = 10 as Lots;
    const entry: OrderSpec = { instrument, qtyLots, clientId: `e${k}`, action: 'buy', effect: 'open-or-reduce', type: 'market' };
    const takeProfit: OrderSpec = { instrument, qtyLots, clientId: `t${k}`, action: 'sell', effect: 'reduce-only', type: 'limit', limitTicks: Math.floor((c * 1002 + 500) / 1000) as Ticks, timeInForce: 'GTC' };
    const stopLoss: OrderSpec = { instrument, qtyLots, clientId: `s${k}`, action: 'sell', effect: 'reduce-only', type: 'stop-market', triggerTicks: Math.floor((c * 9985 + 5000) / 10000) as Ticks };
    venue.send({ type: 'SubmitBracket', tsLocal: bars.openTimeMs[i]! + 59_999, bracket: { entry, takeProfit, stopLoss } });
    flat = false;
  }
  return { trades, events };
}

/** One long held all run with a resting bracket far outside the data's range: the steady path of a backtest. */
function restingBracketVenue(bars: TiledBars): Outcome {
  const venue = new SimulatedVenue({ instruments: [{ spec: spec('BTCUSDT', '0.1'), funding: bars.funding }] });
  let events = 0;
  venue.connect({ onVenueEvent: () => events++ });
  const instrument = 'BINANCE:BTCUSDT';
  const qtyLots = 10 as Lots;
  venue.send({
    type: 'SubmitBracket',
    tsLocal: bars.openTimeMs[0]!,
    bracket: {
      entry: { instrument, qtyLots, clientId: 'e', action: 'buy', effect: 'open-or-reduce', type: 'market' },
      takeProfit: { instrument, qtyLots, clientId: 't', action: 'sell', effect: 'reduce-only', type: 'limit', limitTicks: 10_000_000 as Ticks, timeInForce: 'GTC' },
      stopLoss: { instrument, qtyLots, clientId: 's', action: 'sell', effect: 'reduce-only', type: 'stop-market', triggerTicks: 10_000 as Ticks },
    },
  });
  for (let i = 0; i < bars.n; i++) venue.onBar(0, bars, i);
  return { trades: 0, events };
}

/** The golden test's plain loop without funding and fees: the trade count reference. */
function plainLoop(bars: TiledBars): Outcome {
  let trades = 0;
  let state = 0; // 0 flat, 1 pending, 2 long
  let tp = 0;
  let sl = 0;
  for (let i = 0; i < bars.n; i++) {
    const o = bars.openTicks[i]!;
    const h = bars.highTicks[i]!;
    const l = bars.lowTicks[i]!;
    if (state === 1) {
      state = 2;
      if (tp <= o || o <= sl || l <= sl || h > tp) state = 0;
    } else if (state === 2) {
      if (o > tp || o <= sl || l <= sl || h > tp) state = 0;
    }
    if (state === 0 && i > 0 && (tp !== 0 || sl !== 0)) trades++;
    if (state === 0) {
      const c = bars.closeTicks[i]!;
      tp = Math.floor((c * 1002 + 500) / 1000);
      sl = Math.floor((c * 9985 + 5000) / 10000);
      state = 1;
    }
  }
  return { trades, events: 0 };
}

function loadTrades(): TickTradeColumns & { readonly n: number } {
  const r = rows('binance/spot/aggTrades/LTCUSDT-aggTrades-2025-06-21_2025-06-22.csv.gz');
  const m = r.length;
  const laps = Math.max(1, Math.round(TARGET / m));
  const n = laps * m;
  const span = r[m - 1]![0]! - r[0]![0]! + 1;
  return {
    n,
    timeMs: Float64Array.from({ length: n }, (_, i) => r[i % m]![0]! + Math.floor(i / m) * span),
    priceTicks: Float64Array.from({ length: n }, (_, i) => Math.round(r[i % m]![1]! * 100)),
    qtyLots: Float64Array.from({ length: n }, (_, i) => r[i % m]![2]! * 1000),
  };
}

function tradeReplay(trades: TickTradeColumns & { readonly n: number }): Outcome {
  const venue = new SimulatedVenue({ instruments: [{ spec: spec('LTCUSDT', '0.01') }], config: { fill: { kind: 'trades', queue: 'none', slippageTicks: 0 } } });
  let events = 0;
  venue.connect({ onVenueEvent: () => events++ });
  const order: OrderSpec = { clientId: 'rest', instrument: 'BINANCE:LTCUSDT', action: 'buy', qtyLots: 1000 as Lots, effect: 'open-or-reduce', type: 'limit', limitTicks: 1000 as Ticks, timeInForce: 'GTC' };
  venue.send({ type: 'SubmitOrder', order, tsLocal: trades.timeMs[0]! });
  for (let i = 0; i < trades.n; i++) venue.onTrade(0, trades, i);
  return { trades: 0, events };
}

/** One-minute bars of the tiled tape (the strategy's bars under --fill trades): OHLC floats and ticks, base volume. */
function tapeBars(trades: TickTradeColumns & { readonly n: number }): EngineBars {
  const first = Math.floor(trades.timeMs[0]! / 60_000);
  const count = Math.floor(trades.timeMs[trades.n - 1]! / 60_000) - first + 1;
  const col = (): Float64Array => new Float64Array(count);
  const b = { length: count, openTimeMs: col(), open: col(), high: col(), low: col(), close: col(), volume: col(), openTicks: col(), highTicks: col(), lowTicks: col(), closeTicks: col() };
  let last = trades.priceTicks[0]!;
  let j = 0;
  for (let k = 0; k < count; k++) {
    const end = (first + k + 1) * 60_000;
    let o = last;
    let h = last;
    let l = last;
    let v = 0;
    for (let seen = false; j < trades.n && trades.timeMs[j]! < end; j++) {
      const p = trades.priceTicks[j]!;
      if (!seen) o = h = l = p;
      seen = true;
      if (p > h) h = p;
      if (p < l) l = p;
      v += trades.qtyLots[j]! / 1000;
      last = p;
    }
    b.openTimeMs[k] = (first + k) * 60_000;
    b.openTicks[k] = o;
    b.highTicks[k] = h;
    b.lowTicks[k] = l;
    b.closeTicks[k] = last;
    b.open[k] = o / 100;
    b.high[k] = h / 100;
    b.low[k] = l / 100;
    b.close[k] = last / 100;
    b.volume[k] = v;
  }
  return b;
}

/** A strategy that reads every trade and rests one buy limit far below the market from the first trade on. */
const tapeReader = defineStrategy({
  name: 'tape-reader',
  params: z.object({}),
  data: { bars: '1m' },
  create(ctx) {
    // In a typed array: a float kept in a closure variable is boxed on every write.
    const sum = new Float64Array(2);
    return {
      onTrade(t) {
        sum[0]! += t.price + t.qty + (t.isBuyerMaker ? 1 : 0);
        if (sum[1] === 0) {
          sum[1] = 1;
          ctx.orders.limit({ action: 'buy', price: 10, qty: 1 });
        }
        if (sum[0] === -1) throw new Error('unreachable: keeps the sum alive');
      },
    };
  },
});

/**
 * The full engine on the tape, as `microfut backtest --fill trades` drives it (driveTrades): every trade to the
 * venue (one resting limit) and then to the strategy's onTrade, bars closing as the tape passes their end.
 */
function engineTradeReplay(trades: TickTradeColumns & { readonly n: number }, tape: { readonly bars: EngineBars; readonly floats: EngineTrades & { readonly length: number } }): Outcome {
  const s = spec('LTCUSDT', '0.01');
  const venue = new SimulatedVenue({ instruments: [{ spec: s }], config: { fill: { kind: 'trades', queue: 'none', slippageTicks: 0 } } });
  const engine = new Engine({ venue, instruments: [s], bars: tape.bars, barIntervalMs: 60_000, strategy: tapeReader as unknown as StrategyDefinition, params: {}, startingBalance: 1e12 as Money, seed: 1, runId: 'bench', source: 'backtest' });
  const data = { bars: tape.bars, intervalMs: 60_000, funding: undefined, files: [], verify: [], warnings: [], trades: tape.floats, tickTrades: trades } as unknown as LoadedTrades;
  driveTrades(venue, engine, data, undefined);
  const r = engine.finish();
  return { trades: r.trips.length, events: r.log.length };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Garbage collections (minor and major) that ran during `fn`, counted by a gc PerformanceObserver. */
async function gcsDuring(fn: () => Outcome): Promise<number> {
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    count += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  (globalThis as { gc?: () => void }).gc?.();
  // Observer entries arrive asynchronously: let the forced gc's entry through before counting.
  await new Promise((r) => setTimeout(r, 100));
  count = 0;
  fn();
  await new Promise((r) => setTimeout(r, 100));
  observer.disconnect();
  return count;
}

async function measure(count: number, fn: () => Outcome): Promise<{ perSecond: number; outcome: Outcome; gcs: number }> {
  let outcome = fn();
  const rates: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    outcome = fn();
    rates.push(count / ((performance.now() - t0) / 1000));
  }
  return { perSecond: median(rates), outcome, gcs: await gcsDuring(fn) };
}

async function main(): Promise<void> {
  const bars = loadBars();
  const trades = loadTrades();
  const floats: EngineTrades & { readonly length: number } = {
    length: trades.n,
    timeMs: trades.timeMs,
    price: Float64Array.from(trades.priceTicks, (p) => p / 100),
    qty: Float64Array.from(trades.qtyLots, (q) => q / 1000),
    // The tape's side column is not parsed here (rows() reads numbers); the strategy only reads the flag.
    isBuyerMaker: new Uint8Array(trades.n),
  };
  const tape = { bars: tapeBars(trades), floats };
  console.log(`${bars.n} bars (real BTCUSDT 1m 2025-05-04..06-24, tiled, ${bars.funding.timeMs.length} real funding settlements), ${trades.n} trades (real LTCUSDT aggTrades, tiled); median of ${RUNS}\n`);
  const rows: [string, Awaited<ReturnType<typeof measure>>][] = [
    ['plain loop (reference, no fees)', await measure(bars.n, () => plainLoop(bars))],
    ['venue, no orders', await measure(bars.n, () => quietVenue(bars))],
    ['venue, long held with a resting bracket', await measure(bars.n, () => restingBracketVenue(bars))],
    ['venue, always-in bracket (a round trip every 14 bars)', await measure(bars.n, () => bracketVenue(bars))],
    ['venue, trade tape + resting limit', await measure(trades.n, () => tradeReplay(trades))],
    ['engine + venue + strategy onTrade, trade tape + resting limit (driveTrades)', await measure(trades.n, () => engineTradeReplay(trades, tape))],
  ];
  console.log('| run | events/s (M) | round trips | venue events | GCs in one run (incl. building the venue) |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name, r] of rows) console.log(`| ${name} | ${(r.perSecond / 1e6).toFixed(2)} | ${r.outcome.trades} | ${r.outcome.events} | ${r.gcs} |`);
  const ref = rows[0]![1].outcome.trades;
  const got = rows[3]![1].outcome.trades;
  console.log(`\nround trips: venue ${got}, plain loop ${ref}: ${got === ref ? 'agree' : 'DISAGREE'}`);
}

await main();
