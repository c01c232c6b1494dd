// Speed of the simulated venue's bar fill model on real BTCUSDT 1m bars tiled to ~1 M: an always-in-the-market
// long bracket (market entry at the next open, TP 0.2 %, stop 0.15 %), both intrabar rules, median of 5 runs, with a
// bare typed-array loop of the same rules as the reference (trade for trade) and an allocation check.
// Run: npx tsc -p tsconfig.build.json && node --expose-gc dist/bench/bar-fill.js
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Lots, Ticks } from '../src/core/grid.js';
import type { LimitOrder, MarketOrder, StopMarketOrder } from '../src/domain/order.js';
import { BarFillModel, type BarFillConfig, type TickBarColumns } from '../src/venues/simulated/bar-fill-model.js';
import { bracketExitTicks } from '../src/venues/simulated/bracket-prices.js';
import { EVENT_FILL, SimEvents } from '../src/venues/simulated/sim-events.js';
import { SimOrderBook } from '../src/venues/simulated/sim-order-book.js';

const TARGET_BARS = 1_000_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TP_PCT = 0.2;
const SL_PCT = 0.15;
/** BTCUSDT's USD-M tick size is 0.1: prices in ticks are price x 10. */
const TICKS_PER_UNIT = 10;

interface Bars extends TickBarColumns {
  readonly n: number;
}

function sharedDataDir(): string {
  if (process.env.MICROFUT_SHARED_DATA) return process.env.MICROFUT_SHARED_DATA;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 3; i++) {
    dir = resolve(dir, '..');
    try {
      readFileSync(resolve(dir, 'package.json'));
      return resolve(dir, '..', 'shared', 'data');
    } catch {
      continue;
    }
  }
  throw new Error('cannot find the repository root above bench/; set MICROFUT_SHARED_DATA');
}

/** Real 1m bars in ticks, tiled whole laps to about TARGET_BARS with time shifted forward each lap. */
function loadTiled(): Bars {
  const file = resolve(sharedDataDir(), 'binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');
  const rows = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
  const m = rows.length;
  const laps = Math.max(1, Math.round(TARGET_BARS / m));
  const n = laps * m;
  const spanMs = rows[m - 1]![0]! - rows[0]![0]! + 60_000;
  const bars: Bars = { n, openTimeMs: new Float64Array(n), openTicks: new Float64Array(n), highTicks: new Float64Array(n), lowTicks: new Float64Array(n), closeTicks: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const row = rows[i % m]!;
    bars.openTimeMs[i] = row[0]! + Math.floor(i / m) * spanMs;
    bars.openTicks[i] = Math.round(row[1]! * TICKS_PER_UNIT);
    bars.highTicks[i] = Math.round(row[2]! * TICKS_PER_UNIT);
    bars.lowTicks[i] = Math.round(row[3]! * TICKS_PER_UNIT);
    bars.closeTicks[i] = Math.round(row[4]! * TICKS_PER_UNIT);
  }
  return bars;
}

interface Outcome {
  trades: number;
  pnlTicks: number;
}

/**
 * The loop through the model: when flat at a bar's close, submit a market buy arriving at the next open with a
 * reduce-only TP limit and stop placed 0.2 % / 0.15 % from that close. Spec objects are reused, so the steady path
 * allocates nothing per bar or per trade.
 */
function runModel(bars: Bars, config: Partial<BarFillConfig>): Outcome {
  const book = new SimOrderBook(8);
  const model = new BarFillModel(config);
  const out = new SimEvents(16);
  const base = { clientId: 'bench', instrument: 'BINANCE:BTCUSDT', qtyLots: 1 as Lots } as const;
  const entry: MarketOrder = { ...base, type: 'market', action: 'buy', effect: 'open-or-reduce' };
  const tp: { -readonly [K in keyof LimitOrder]: LimitOrder[K] } = { ...base, type: 'limit', action: 'sell', effect: 'reduce-only', limitTicks: 0 as Ticks, timeInForce: 'GTC' };
  const sl: { -readonly [K in keyof StopMarketOrder]: StopMarketOrder[K] } = { ...base, type: 'stop-market', action: 'sell', effect: 'reduce-only', triggerTicks: 0 as Ticks };
  let trades = 0;
  let pnlTicks = 0;
  let entrySlot = 0;
  let tpSlot = 0;
  let slSlot = 0;
  let flat = true;
  const { n, openTimeMs, closeTicks: close } = bars;
  for (let i = 0; i < n; i++) {
    out.clear();
    model.processBarAt(book, bars, i, out);
    for (let e = 0; e < out.count; e++) {
      if (out.kind[e] !== EVENT_FILL) continue;
      const s = out.slot[e]!;
      if (s === entrySlot) pnlTicks -= out.priceTicks[e]!;
      else if (s === tpSlot || s === slSlot) {
        pnlTicks += out.priceTicks[e]!;
        trades++;
        flat = true;
        book.release(entrySlot);
        book.release(tpSlot);
        book.release(slSlot);
      }
    }
    if (flat && i + 1 < n) {
      const c = close[i]!;
      // The same arithmetic as bracketExitTicks, inline: the helper returns an object per call.
      tp.limitTicks = Math.round(c * (1 + TP_PCT / 100)) as Ticks;
      sl.triggerTicks = Math.round(c * (1 - SL_PCT / 100)) as Ticks;
      const arrival = openTimeMs[i + 1]!;
      entrySlot = book.add(entry, arrival);
      tpSlot = book.add(tp, arrival);
      slSlot = book.add(sl, arrival);
      book.bracket(entrySlot, tpSlot, slSlot);
      flat = false;
    }
  }
  return { trades, pnlTicks: flat ? pnlTicks : pnlTicks + close[n - 1]! };
}

/**
 * The same strategy under the stop-first rule as a bare loop over the arrays, written from the rules in
 * docs/fill-models.md and not from the model's code: entry at the next open; exits start there (a stop at or above
 * the open or a TP at or below it fill at the open); a resting stop gapped through fills at the open, a TP limit
 * gapped through at its own price; inside the bar the stop (low <= stop) beats the TP (high > TP).
 */
function runBareLoop(bars: Bars): Outcome {
  const { n, openTicks: open, highTicks: high, lowTicks: low, closeTicks: close } = bars;
  let trades = 0;
  let pnlTicks = 0;
  let inPosition = false;
  let tpTicks = 0;
  let slTicks = 0;
  for (let i = 1; i < n; i++) {
    let exit = 0;
    let exited = false;
    if (!inPosition) {
      const { takeProfitTicks, stopTicks } = bracketExitTicks(close[i - 1]!, true, TP_PCT, SL_PCT);
      tpTicks = takeProfitTicks;
      slTicks = stopTicks;
      pnlTicks -= open[i]!;
      inPosition = true;
      if (tpTicks <= open[i]! || slTicks >= open[i]!) {
        exit = open[i]!;
        exited = true;
      }
    } else if (open[i]! <= slTicks) {
      exit = open[i]!;
      exited = true;
    } else if (open[i]! > tpTicks) {
      exit = tpTicks;
      exited = true;
    }
    if (!exited && low[i]! <= slTicks) {
      exit = slTicks;
      exited = true;
    } else if (!exited && high[i]! > tpTicks) {
      exit = tpTicks;
      exited = true;
    }
    if (exited) {
      pnlTicks += exit;
      trades++;
      inPosition = false;
    }
  }
  return { trades, pnlTicks: inPosition ? pnlTicks + close[n - 1]! : pnlTicks };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function measure(bars: Bars, fn: () => Outcome): { barsPerSecond: number; outcome: Outcome } {
  let outcome = fn();
  const rates: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    outcome = fn();
    rates.push(bars.n / ((performance.now() - t0) / 1000));
  }
  return { barsPerSecond: median(rates), outcome };
}

/** Heap growth over one run after a full gc, in KiB; undefined without --expose-gc. */
function heapGrowthKiB(fn: () => Outcome): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  const before = process.memoryUsage().heapUsed;
  fn();
  const after = process.memoryUsage().heapUsed;
  return Math.round((after - before) / 1024);
}

function main(): void {
  const bars = loadTiled();
  console.log(`${bars.n} bars (real BTCUSDT 1m, 2025-05-04..2025-06-24, tiled), ${RUNS} runs, median\n`);
  const bare = measure(bars, () => runBareLoop(bars));
  const stopFirst = measure(bars, () => runModel(bars, { intrabar: 'stop-first' }));
  const proximity = measure(bars, () => runModel(bars, { intrabar: 'proximity' }));
  const fmt = (x: number): string => `${(x / 1e6).toFixed(1)} M`;
  console.log('| loop | bars/s | round trips | P&L (ticks, 1 lot) | heap growth, one run (KiB) |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  console.log(`| bare typed-array loop (stop-first rules) | ${fmt(bare.barsPerSecond)} | ${bare.outcome.trades} | ${bare.outcome.pnlTicks} | - |`);
  console.log(`| BarFillModel stop-first | ${fmt(stopFirst.barsPerSecond)} | ${stopFirst.outcome.trades} | ${stopFirst.outcome.pnlTicks} | ${heapGrowthKiB(() => runModel(bars, {})) ?? '-'} |`);
  console.log(`| BarFillModel proximity | ${fmt(proximity.barsPerSecond)} | ${proximity.outcome.trades} | ${proximity.outcome.pnlTicks} | ${heapGrowthKiB(() => runModel(bars, { intrabar: 'proximity' })) ?? '-'} |`);
  if (bare.outcome.trades !== stopFirst.outcome.trades || bare.outcome.pnlTicks !== stopFirst.outcome.pnlTicks) {
    console.error('\nstop-first model and the bare loop disagree: the benchmark is not measuring the same strategy');
    process.exitCode = 1;
  }
}

main();
