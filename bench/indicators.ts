// Indicator speed on real BTCUSDT 1m bars tiled to 5 M: microfut batch and streaming side by side with
// trading-signals, technicalindicators, @ixjb94/indicators, indicatorts and talib, medians of several runs of CPU
// time, then the allocation check of every streaming indicator. Prints markdown tables; exits 1 when an
// allocation-free loop allocated. Run: npm run bench:indicators.
import { createRequire } from 'node:module';
import { atrBatch } from '../src/indicators/atr.js';
import { emaBatch } from '../src/indicators/ema.js';
import type { BarColumns } from '../src/indicators/indicator.js';
import { rsiBatch } from '../src/indicators/rsi.js';
import { stochasticBatch } from '../src/indicators/stochastic.js';
import { vwapBatch } from '../src/indicators/vwap.js';
import { runAllocationChecks } from './indicator-allocation.js';
import { COLUMNS, consume, headlineLoops, loadTiled, sinkValue, warm, type Column, type Loops } from './indicator-loops.js';

const require = createRequire(import.meta.url);
const BARS = 5_000_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** The slow JS libraries allocate an object or array per value; they run on a 1 M prefix to keep the run short. */
const SLOW_BARS = 1_000_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Median throughput in M values per second of `fn`, which processes `count` values per call, from the CPU time
 * of this process (user + system, all its threads, so a library's parallel GC work counts against it). The
 * machine is shared: wall time would charge other processes' time slices to whichever loop was running.
 */
function measure(count: number, fn: () => unknown, runs = RUNS): number {
  consume(fn());
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.cpuUsage();
    consume(fn());
    const d = process.cpuUsage(t0);
    rates.push(count / ((d.user + d.system) / 1e6) / 1e6);
  }
  return median(rates);
}

type Rates = Partial<Record<Column, number>>;

interface TradingSignals {
  EMA: new (p: number) => { add(x: number): number | null };
  RSI: new (p: number) => { add(x: number): number | null };
  ATR: new (p: number) => { add(x: { high: number; low: number; close: number }): number | null };
  StochasticOscillator: new (o: { kPeriod: number; kSlowingPeriod: number; dPeriod: number }) => { add(x: { high: number; low: number; close: number }): { stochK: number } | null };
  VWAP: new () => { add(x: { high: number; low: number; close: number; volume: number }): number | null };
}

/**
 * trading-signals' streaming loops, through its public `add` as its callers use it. Its ATR, stochastic and
 * VWAP take a candle object per bar, and the stochastic and VWAP keep a reference to it, so each bar is a new
 * object (reusing one would corrupt their windows). Its VWAP is cumulative from the first bar (no session
 * anchor), so it does less work than ours.
 */
function tradingSignalsLoops(bars: ReturnType<typeof loadTiled>): Loops {
  const ts = require('trading-signals') as TradingSignals;
  const { high, low, close, volume } = bars;
  return {
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
    stoch: (count) => {
      const s = new ts.StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 3, dPeriod: 3 });
      let acc = 0;
      for (let i = 0; i < count; i++) acc += s.add({ high: high[i]!, low: low[i]!, close: close[i]! })?.stochK ?? 0;
      return acc;
    },
    vwap: (count) => {
      const v = new ts.VWAP();
      let acc = 0;
      for (let i = 0; i < count; i++) acc += v.add({ high: high[i]!, low: low[i]!, close: close[i]!, volume: volume[i]! }) ?? 0;
      return acc;
    },
  };
}

/** The first `count` bars, as views on the same buffers. */
function prefix(bars: BarColumns, count: number): BarColumns {
  return {
    openTimeMs: bars.openTimeMs.subarray(0, count),
    open: bars.open.subarray(0, count),
    high: bars.high.subarray(0, count),
    low: bars.low.subarray(0, count),
    close: bars.close.subarray(0, count),
    volume: bars.volume.subarray(0, count),
  };
}

async function main(): Promise<void> {
  const bars = loadTiled(BARS);
  const out = new Float64Array(BARS);
  const out2 = new Float64Array(BARS);
  const scratch = new Float64Array(BARS);
  const { close, high, low, volume } = bars;
  const loops = headlineLoops(bars);

  const rows: { name: string; rates: Rates }[] = [];
  const row = (name: string, rates: Rates): Rates => {
    rows.push({ name, rates });
    return rates;
  };
  const measureAll = (set: Loops, count: number, runs = RUNS): Rates => {
    const rates: Rates = {};
    for (const c of COLUMNS) {
      const fn = set[c];
      if (fn === undefined) continue;
      warm(fn);
      rates[c] = measure(count, () => fn(count), runs);
    }
    return rates;
  };

  const slowStoch = { kind: 'slow', kPeriod: 14, kSmoothing: 3, dPeriod: 3 } as const;
  // Batch calls over the first `count` bars, so they can be warmed like the streaming loops: measured cold, the
  // first 5 M-bar call of vwapBatch ran in on-stack-replacement code and stayed there (100 M/s instead of 168).
  const batch: Loops = {
    ema: (count) => (emaBatch(close.subarray(0, count), 8, out), out[count - 1]!),
    rsi: (count) => (rsiBatch(close.subarray(0, count), 14, out), out[count - 1]!),
    atr: (count) => (atrBatch(prefix(bars, count), 14, out), out[count - 1]!),
    stoch: (count) => (stochasticBatch(prefix(bars, count), slowStoch, out, out2, scratch), out[count - 1]!),
    vwap: (count) => (vwapBatch(prefix(bars, count), { anchor: { kind: 'utc-day' } }, [out]), out[count - 1]!),
  };
  row('microfut batch (Float64Array)', measureAll(batch, BARS));
  const plain = row('microfut streaming: add(x) / addHLC / addBar, then stableValue', measureAll(loops.plain, BARS));
  const used = row('microfut streaming: add(x) / addHLC / addBar, result used', measureAll(loops.used, BARS));
  row('microfut streaming: add(bar object), result used', measureAll(loops.barObject, BARS));
  const tsRates = row('trading-signals 8 (streaming add; VWAP cumulative, no anchor)', measureAll(tradingSignalsLoops(bars), SLOW_BARS, 3));

  const closeArr = Array.from(close.subarray(0, SLOW_BARS));
  const highArr = Array.from(high.subarray(0, SLOW_BARS));
  const lowArr = Array.from(low.subarray(0, SLOW_BARS));
  const volumeArr = Array.from(volume.subarray(0, SLOW_BARS));

  const ti = require('technicalindicators') as Record<'EMA' | 'RSI' | 'ATR' | 'Stochastic' | 'VWAP', { calculate(o: Record<string, unknown>): unknown }>;
  row('technicalindicators (batch, arrays; STOCH fast 14/3, VWAP cumulative)', {
    ema: measure(SLOW_BARS, () => ti.EMA.calculate({ period: 8, values: closeArr }), 3),
    rsi: measure(SLOW_BARS, () => ti.RSI.calculate({ period: 14, values: closeArr }), 3),
    atr: measure(SLOW_BARS, () => ti.ATR.calculate({ period: 14, high: highArr, low: lowArr, close: closeArr }), 3),
    stoch: measure(SLOW_BARS, () => ti.Stochastic.calculate({ period: 14, signalPeriod: 3, high: highArr, low: lowArr, close: closeArr }), 3),
    vwap: measure(SLOW_BARS, () => ti.VWAP.calculate({ high: highArr, low: lowArr, close: closeArr, volume: volumeArr }), 3),
  });

  const ixjb = new (require('@ixjb94/indicators') as { IndicatorsSync: new () => Record<string, (...a: unknown[]) => unknown> }).IndicatorsSync();
  row('@ixjb94/indicators (batch, arrays)', {
    ema: measure(SLOW_BARS, () => ixjb.ema!(closeArr, 8)),
    rsi: measure(SLOW_BARS, () => ixjb.rsi!(closeArr, 14)),
    atr: measure(SLOW_BARS, () => ixjb.atr!(highArr, lowArr, closeArr, 14)),
    stoch: measure(SLOW_BARS, () => ixjb.stoch!(highArr, lowArr, closeArr, 14, 3, 3)),
  });

  const its = require('indicatorts') as Record<string, (...a: unknown[]) => unknown>;
  row('indicatorts (batch, arrays; STOCH fast 14/3)', {
    ema: measure(SLOW_BARS, () => its.ema!(closeArr, { period: 8 })),
    rsi: measure(SLOW_BARS, () => its.rsi!(closeArr, { period: 14 })),
    atr: measure(SLOW_BARS, () => its.atr!(highArr, lowArr, closeArr, { period: 14 })),
    stoch: measure(SLOW_BARS, () => its.stoch!(highArr, lowArr, closeArr, { kPeriod: 14, dPeriod: 3 })),
  });

  const talib = require('talib') as { execute(p: Record<string, unknown>): unknown };
  const tal = (name: string, extra: Record<string, unknown>): (() => unknown) => () => talib.execute({ name, startIdx: 0, endIdx: SLOW_BARS - 1, ...extra });
  const hlc = { high: highArr, low: lowArr, close: closeArr };
  row('talib 1.1.6 binding (batch, arrays)', {
    ema: measure(SLOW_BARS, tal('EMA', { inReal: closeArr, optInTimePeriod: 8 }), 3),
    rsi: measure(SLOW_BARS, tal('RSI', { inReal: closeArr, optInTimePeriod: 14 }), 3),
    atr: measure(SLOW_BARS, tal('ATR', { ...hlc, optInTimePeriod: 14 }), 3),
    stoch: measure(SLOW_BARS, tal('STOCH', { ...hlc, optInFastK_Period: 14, optInSlowK_Period: 3, optInSlowK_MAType: 0, optInSlowD_Period: 3, optInSlowD_MAType: 0 }), 3),
  });

  const fmt = (x: number | undefined): string => (x === undefined ? '-' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const ratio = (ours: number | undefined, theirs: number | undefined): string => (ours === undefined || theirs === undefined ? '-' : `${(ours / theirs).toFixed(1)}x`);
  console.log(`BTCUSDT 1m bars tiled to ${BARS / 1e6} M (slow libraries: first ${SLOW_BARS / 1e6} M); median of ${RUNS} runs (3 for the slowest);`);
  console.log('M values per CPU second of this process, higher is better. STOCH is the slow 14/3/3 unless the row says otherwise.\n');
  console.log('| implementation | EMA(8) | RSI(14) | ATR(14) | STOCH(14,3,3) | session VWAP |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.name} | ${COLUMNS.map((c) => fmt(r.rates[c])).join(' | ')} |`);
  console.log(`| streaming (stableValue) / trading-signals | ${COLUMNS.map((c) => ratio(plain[c], tsRates[c])).join(' | ')} |`);
  console.log(`| streaming (result used) / trading-signals | ${COLUMNS.map((c) => ratio(used[c], tsRates[c])).join(' | ')} |`);
  console.log('\nC -O2 reference (issue 4): EMA8 405, RSI14 178, ATR14 122, session VWAP 259 M/s; target batch >= 50 % of those, streaming >= 10x trading-signals.\n');

  // BENCH_SKIP_ALLOCATION=1 prints the speed table only (the allocation check takes a few minutes).
  const failed = process.env.BENCH_SKIP_ALLOCATION === '1' ? [] : runAllocationChecks(BARS);
  if (failed.length > 0) {
    console.log(`\nFAILED: these loops must not allocate but had scavenges: ${failed.join('; ')}`);
    process.exitCode = 1;
  }
  if (sinkValue() === 0.5) console.log('');
}

await main();
