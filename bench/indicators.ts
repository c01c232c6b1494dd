// Indicator speed on real BTCUSDT 1m bars tiled to 5 M: microfut batch and streaming side by side with
// trading-signals, technicalindicators, @ixjb94/indicators, indicatorts and talib, medians of several runs, plus an
// allocation check around the streaming loops. Prints a markdown table. Run: npm run bench:indicators.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { PerformanceObserver, constants, performance, type PerformanceEntry } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Atr, atrBatch } from '../src/indicators/atr.js';
import { Ema, emaBatch } from '../src/indicators/ema.js';
import type { BarColumns } from '../src/indicators/indicator.js';
import { Rsi, rsiBatch } from '../src/indicators/rsi.js';
import { Vwap, vwapBatch } from '../src/indicators/vwap.js';

const require = createRequire(import.meta.url);
const BARS = 5_000_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** The slow JS libraries allocate an object or array per value; they run on a 1 M prefix to keep the run short. */
const SLOW_BARS = 1_000_000;

function sharedDataDir(): string {
  if (process.env.MICROFUT_SHARED_DATA) return process.env.MICROFUT_SHARED_DATA;
  // dist/bench/indicators.js or bench/indicators.ts: the repo root is one or two levels up, ../shared beside it.
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

/** Real 1m bars, tiled to `n` with time shifted forward each lap so the series stays in time order. */
function loadTiled(n: number): BarColumns {
  const file = resolve(sharedDataDir(), 'binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');
  const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n').slice(1);
  const m = lines.length;
  const cols = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(n));
  const base = lines.map((l) => l.split(',').map(Number));
  const spanMs = base[m - 1]![0]! - base[0]![0]! + 60_000;
  for (let i = 0; i < n; i++) {
    const row = base[i % m]!;
    const lap = Math.floor(i / m);
    cols[0]![i] = row[0]! + lap * spanMs;
    for (let c = 1; c < 6; c++) cols[c]![i] = row[c]!;
  }
  const [openTimeMs, open, high, low, close, volume] = cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  return { openTimeMs, open, high, low, close, volume };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Runs a streaming loop many times on a short prefix, so that V8 optimises it from its entry. Without this the
 * first long calls run in on-stack-replacement code, whose loop still boxes doubles (one HeapNumber per bar):
 * that, not the indicators, caused the scavenges an earlier version of this benchmark reported.
 */
function warm(loop: Loop): void {
  for (let r = 0; r < 200; r++) sink += loop(20_000);
}

/** Median throughput in M values per second of `fn`, which processes `count` values per call. */
function measure(count: number, fn: () => unknown, runs = RUNS): number {
  consume(fn());
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    consume(fn());
    rates.push(count / ((performance.now() - t0) / 1000) / 1e6);
  }
  return median(rates);
}

/** Start times of young-generation collections (scavenges), the ones a per-update allocation would cause. */
const scavenges: number[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (((e as PerformanceEntry & { detail?: { kind?: number } }).detail)?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges.push(e.startTime);
}).observe({ entryTypes: ['gc'] });
const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Heap growth (between full gcs) and young-generation collections (scavenges) in each of three passes of `loop`
 * over `count` bars. The loop is warmed after the first gc: a forced full gc drops the loop's optimised code,
 * and until V8 has compiled it again the loop runs in code that boxes doubles (a HeapNumber per bar), which
 * would be charged to the indicator. Three passes show whether any scavenge is a one-off of that re-tiering.
 */
async function allocationCheck(loop: Loop, count: number): Promise<{ heapGrowthKiB: number; gcsPerPass: number[] }> {
  gc?.();
  const before = process.memoryUsage().heapUsed;
  warm(loop);
  const gcsPerPass: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    sink += loop(count);
    const t1 = performance.now();
    // GC entries arrive asynchronously; let them land, then count the scavenges that started inside the loop.
    await new Promise((r) => setTimeout(r, 50));
    gcsPerPass.push(scavenges.filter((t) => t >= t0 && t <= t1).length);
  }
  gc?.();
  return { heapGrowthKiB: Math.round((process.memoryUsage().heapUsed - before) / 1024), gcsPerPass };
}

let sink = 0;
/** Keeps results observable so the JIT cannot drop the work that produced them. */
function consume(result: unknown): void {
  if (typeof result === 'number') sink += result;
}

type Column = 'ema' | 'rsi' | 'atr' | 'vwap';
/** A streaming loop over the first `count` bars; it takes the count so it can be warmed up on short runs. */
type Loop = (count: number) => number;
type Loops = Partial<Record<Column, Loop>>;

/**
 * The streaming loops, one closure per indicator and calling style. Each keeps its sum in a local: writing a
 * double to a captured variable would allocate a HeapNumber per bar and hide the indicator's own (zero)
 * allocation. Every loop returns a number so the JIT cannot drop the work.
 */
function streamingLoops(bars: BarColumns): { plain: Loops; used: Loops; barObject: Loops } {
  const { openTimeMs, open, high, low, close, volume } = bars;
  // Number entry points, result read through isStable / stableValue (no boxing of a `number | undefined`).
  const plain: Loops = {
    ema: (count) => {
      const e = new Ema(8);
      let acc = 0;
      for (let i = 0; i < count; i++) {
        e.add(close[i]!);
        if (e.isStable) acc += e.stableValue;
      }
      return acc;
    },
    rsi: (count) => {
      const r = new Rsi(14);
      let acc = 0;
      for (let i = 0; i < count; i++) {
        r.add(close[i]!);
        if (r.isStable) acc += r.stableValue;
      }
      return acc;
    },
    atr: (count) => {
      const a = new Atr(14);
      let acc = 0;
      for (let i = 0; i < count; i++) {
        a.addHLC(high[i]!, low[i]!, close[i]!);
        if (a.isStable) acc += a.stableValue;
      }
      return acc;
    },
    vwap: (count) => {
      const v = new Vwap({ anchor: { kind: 'utc-day' } });
      let acc = 0;
      for (let i = 0; i < count; i++) {
        v.addBar(openTimeMs[i]!, open[i]!, high[i]!, low[i]!, close[i]!, volume[i]!);
        if (v.isStable) acc += v.stableValue;
      }
      return acc;
    },
  };
  // Number entry points, the `number | undefined` result used, as trading-signals' callers use theirs.
  const used: Loops = {
    ema: (count) => {
      const e = new Ema(8);
      let acc = 0;
      for (let i = 0; i < count; i++) acc += e.add(close[i]!) ?? 0;
      return acc;
    },
    rsi: (count) => {
      const r = new Rsi(14);
      let acc = 0;
      for (let i = 0; i < count; i++) acc += r.add(close[i]!) ?? 0;
      return acc;
    },
    atr: (count) => {
      const a = new Atr(14);
      let acc = 0;
      for (let i = 0; i < count; i++) acc += a.addHLC(high[i]!, low[i]!, close[i]!) ?? 0;
      return acc;
    },
    vwap: (count) => {
      const v = new Vwap({ anchor: { kind: 'utc-day' } });
      let acc = 0;
      for (let i = 0; i < count; i++) acc += v.addBar(openTimeMs[i]!, open[i]!, high[i]!, low[i]!, close[i]!, volume[i]!) ?? 0;
      return acc;
    },
  };
  // The BarInput entry point, with one mutable bar object reused for every bar (the documented pattern).
  const barObject: Loops = {
    atr: (count) => {
      const a = new Atr(14);
      const bar = { openTimeMs: 0.5, open: 0.5, high: 0.5, low: 0.5, close: 0.5, volume: 0.5 };
      let acc = 0;
      for (let i = 0; i < count; i++) {
        bar.high = high[i]!;
        bar.low = low[i]!;
        bar.close = close[i]!;
        acc += a.add(bar) ?? 0;
      }
      return acc;
    },
    vwap: (count) => {
      const v = new Vwap({ anchor: { kind: 'utc-day' } });
      const bar = { openTimeMs: 0.5, open: 0.5, high: 0.5, low: 0.5, close: 0.5, volume: 0.5 };
      let acc = 0;
      for (let i = 0; i < count; i++) {
        bar.openTimeMs = openTimeMs[i]!;
        bar.open = open[i]!;
        bar.high = high[i]!;
        bar.low = low[i]!;
        bar.close = close[i]!;
        bar.volume = volume[i]!;
        acc += v.add(bar) ?? 0;
      }
      return acc;
    },
  };
  return { plain, used, barObject };
}

const COLUMNS: readonly Column[] = ['ema', 'rsi', 'atr', 'vwap'];

async function main(): Promise<void> {
  const bars = loadTiled(BARS);
  const out = new Float64Array(BARS);
  const { close, high, low } = bars;
  const loops = streamingLoops(bars);

  const rows: { name: string; rates: Partial<Record<Column, number>> }[] = [];
  const row = (name: string, rates: Partial<Record<Column, number>>): Partial<Record<Column, number>> => {
    rows.push({ name, rates });
    return rates;
  };
  const measureAll = (set: Loops): Partial<Record<Column, number>> => {
    const rates: Partial<Record<Column, number>> = {};
    for (const c of COLUMNS) {
      const fn = set[c];
      if (fn === undefined) continue;
      warm(fn);
      rates[c] = measure(BARS, () => fn(BARS));
    }
    return rates;
  };

  row('microfut batch (Float64Array)', {
    ema: measure(BARS, () => emaBatch(close, 8, out)),
    rsi: measure(BARS, () => rsiBatch(close, 14, out)),
    atr: measure(BARS, () => atrBatch(bars, 14, out)),
    vwap: measure(BARS, () => vwapBatch(bars, { anchor: { kind: 'utc-day' } }, [out])),
  });
  const plain = row('microfut streaming: add(x) / addHLC / addBar, then stableValue', measureAll(loops.plain));
  const used = row('microfut streaming: add(x) / addHLC / addBar, result used', measureAll(loops.used));
  row('microfut streaming: add(bar object), result used', measureAll(loops.barObject));

  const ts = require('trading-signals') as {
    EMA: new (p: number) => { add(x: number): number | null };
    RSI: new (p: number) => { add(x: number): number | null };
    ATR: new (p: number) => { add(x: { high: number; low: number; close: number }): number | null };
  };
  const tsLoops: Loops = {
    ema: (count) => {
      const e = new ts.EMA(8);
      let acc = 0;
      for (let i = 0; i < count; i++) acc += e.add(close[i]!) ?? 0;
      return acc;
    },
    rsi: (count) => {
      const r = new ts.RSI(14);
      let acc = 0;
      for (let i = 0; i < count; i++) acc += r.add(close[i]!) ?? 0;
      return acc;
    },
    atr: (count) => {
      const a = new ts.ATR(14);
      let acc = 0;
      for (let i = 0; i < count; i++) acc += a.add({ high: high[i]!, low: low[i]!, close: close[i]! }) ?? 0;
      return acc;
    },
  };
  const tsRates: Partial<Record<Column, number>> = {};
  for (const c of COLUMNS) {
    const fn = tsLoops[c];
    if (fn === undefined) continue;
    warm(fn);
    tsRates[c] = measure(SLOW_BARS, () => fn(SLOW_BARS), 3);
  }
  row('trading-signals 8 (streaming add, same warm-up)', tsRates);

  const closeArr = Array.from(close.subarray(0, SLOW_BARS));
  const highArr = Array.from(high.subarray(0, SLOW_BARS));
  const lowArr = Array.from(low.subarray(0, SLOW_BARS));

  const ti = require('technicalindicators') as {
    EMA: { calculate(o: { period: number; values: number[] }): number[] };
    RSI: { calculate(o: { period: number; values: number[] }): number[] };
    ATR: { calculate(o: { period: number; high: number[]; low: number[]; close: number[] }): number[] };
  };
  row('technicalindicators (batch, arrays)', {
    ema: measure(SLOW_BARS, () => ti.EMA.calculate({ period: 8, values: closeArr }), 3),
    rsi: measure(SLOW_BARS, () => ti.RSI.calculate({ period: 14, values: closeArr }), 3),
    atr: measure(SLOW_BARS, () => ti.ATR.calculate({ period: 14, high: highArr, low: lowArr, close: closeArr }), 3),
  });

  const ixjb = new (require('@ixjb94/indicators') as { IndicatorsSync: new () => Record<string, (...a: unknown[]) => number[]> }).IndicatorsSync();
  row('@ixjb94/indicators (batch, arrays)', {
    ema: measure(SLOW_BARS, () => ixjb.ema!(closeArr, 8)),
    rsi: measure(SLOW_BARS, () => ixjb.rsi!(closeArr, 14)),
    atr: measure(SLOW_BARS, () => ixjb.atr!(highArr, lowArr, closeArr, 14)),
  });

  const its = require('indicatorts') as Record<string, (...a: unknown[]) => unknown>;
  row('indicatorts (batch, arrays)', {
    ema: measure(SLOW_BARS, () => its.ema!(closeArr, { period: 8 })),
    rsi: measure(SLOW_BARS, () => its.rsi!(closeArr, { period: 14 })),
    atr: measure(SLOW_BARS, () => its.atr!(highArr, lowArr, closeArr, { period: 14 })),
  });

  const talib = require('talib') as { execute(p: Record<string, unknown>): unknown };
  const tal = (name: string, extra: Record<string, unknown>): (() => unknown) => () =>
    talib.execute({ name, startIdx: 0, endIdx: SLOW_BARS - 1, optInTimePeriod: name === 'EMA' ? 8 : 14, ...extra });
  row('talib 1.1.6 binding (batch, arrays)', {
    ema: measure(SLOW_BARS, tal('EMA', { inReal: closeArr }), 3),
    rsi: measure(SLOW_BARS, tal('RSI', { inReal: closeArr }), 3),
    atr: measure(SLOW_BARS, tal('ATR', { high: highArr, low: lowArr, close: closeArr }), 3),
  });

  const fmt = (x: number | undefined): string => (x === undefined ? '-' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const ratio = (ours: number | undefined, theirs: number | undefined): string => (ours === undefined || theirs === undefined ? '-' : `${(ours / theirs).toFixed(1)}x`);
  console.log(`BTCUSDT 1m bars tiled to ${BARS / 1e6} M (slow libraries: first ${SLOW_BARS / 1e6} M); median of ${RUNS} runs (3 for the slowest); M values per second, higher is better.\n`);
  console.log('| implementation | EMA(8) | RSI(14) | ATR(14) | session VWAP |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.name} | ${COLUMNS.map((c) => fmt(r.rates[c])).join(' | ')} |`);
  console.log(`| streaming (stableValue) / trading-signals | ${COLUMNS.map((c) => ratio(plain[c], tsRates[c])).join(' | ')} |`);
  console.log(`| streaming (result used) / trading-signals | ${COLUMNS.map((c) => ratio(used[c], tsRates[c])).join(' | ')} |`);
  console.log('\nC -O2 reference (issue 4): EMA8 405, RSI14 178, ATR14 122, session VWAP 259 M/s; target batch >= 50 % of those, streaming >= 10x trading-signals.\n');

  if (gc === undefined) {
    console.log('allocation check skipped: run with node --expose-gc');
    return;
  }
  // Fresh closures, warmed on short runs like the measured ones (inside allocationCheck), then one 5 M-bar pass each.
  const fresh = streamingLoops(bars);
  console.log(`| streaming loop over ${BARS / 1e6} M bars | heap growth after gc (KiB) | scavenges in passes 1 / 2 / 3 |`);
  console.log('| --- | ---: | ---: |');
  const checks: [string, Loop | undefined][] = [];
  for (const c of COLUMNS) {
    checks.push([`${c.toUpperCase()}: number entry, then stableValue`, fresh.plain[c]]);
    checks.push([`${c.toUpperCase()}: number entry, result used`, fresh.used[c]]);
    checks.push([`${c.toUpperCase()}: add(bar object), result used`, fresh.barObject[c]]);
  }
  for (const [name, fn] of checks) {
    if (fn === undefined) continue;
    const r = await allocationCheck(fn, BARS);
    console.log(`| ${name} | ${r.heapGrowthKiB} | ${r.gcsPerPass.join(' / ')} |`);
  }
  console.log('\nNo allocation per update means 0 scavenges: 5 M updates allocating even 8 bytes each would fill the young generation');
  console.log('several times. "result used" loops box the `number | undefined` that add returns (a V8 HeapNumber per call,');
  console.log('even when add is inlined); hot loops that must not allocate read isStable / stableValue instead.');
  if (sink === 0.5) console.log('');
}

await main();
