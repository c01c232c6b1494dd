// The indicator benchmark's allocation check: every streaming indicator runs over the tiled bars in its
// allocation-free calling pattern, each in a fresh Node process, and young-generation collections (scavenges)
// during the run are counted. Must never count a scavenge that the loop itself, not the indicator, could cause.
import { spawnSync } from 'node:child_process';
import { PerformanceObserver, constants, performance, type PerformanceEntry } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Adx } from '../src/indicators/adx.js';
import { Atr } from '../src/indicators/atr.js';
import { BollingerBands } from '../src/indicators/bollinger-bands.js';
import type { BarColumns } from '../src/indicators/indicator.js';
import { Macd } from '../src/indicators/macd.js';
import { PercentileRank } from '../src/indicators/percentile-rank.js';
import { PivotPoints } from '../src/indicators/pivots.js';
import { RollingStdDev } from '../src/indicators/rolling-std-dev.js';
import { RollingVwap } from '../src/indicators/rolling-vwap.js';
import { Sma } from '../src/indicators/sma.js';
import { Stochastic } from '../src/indicators/stochastic.js';
import { TradeVwap } from '../src/indicators/trade-vwap.js';
import { TrueRange } from '../src/indicators/true-range.js';
import { VolumeProfile } from '../src/indicators/volume-profile.js';
import { Wma } from '../src/indicators/wma.js';
import { ZScore } from '../src/indicators/z-score.js';
import { bound, COLUMNS, consume, headlineLoops, loadTiled, warm, type Loop } from './indicator-loops.js';

/** One loop to check; `mustNotAllocate` is false for the loops that use the boxed `number | undefined` result. */
interface Check {
  readonly name: string;
  readonly loop: Loop;
  readonly mustNotAllocate: boolean;
}

/**
 * The indicators beyond the five headline columns, each in its allocation-free pattern: number entry point (or
 * one reused input object where the indicator takes only objects), result read through isStable / stableValue.
 * Each loop is its own function literal so that its `add` call site sees one class.
 */
function otherIndicatorLoops(bars: BarColumns): Record<string, Loop> {
  const { openTimeMs, open, high, low, close, volume } = bars;
  return {
    'SMA(20)': bound(new Sma(20), (x, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) {
        x.add(close[i]!);
        if (x.isStable) acc += x.stableValue;
      }
      return acc;
    }),
    'WMA(20)': bound(new Wma(20), (x, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) {
        x.add(close[i]!);
        if (x.isStable) acc += x.stableValue;
      }
      return acc;
    }),
    'Bollinger(20, 2)': bound(new BollingerBands({ period: 20 }), (x, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) {
        x.add(close[i]!);
        if (x.isStable) acc += x.stableValue;
      }
      return acc;
    }),
    'std dev(20)': bound(new RollingStdDev(20), (x, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) {
        x.add(close[i]!);
        if (x.isStable) acc += x.stableValue;
      }
      return acc;
    }),
    'z-score(20)': bound(new ZScore(20), (x, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) {
        x.add(close[i]!);
        if (x.isStable) acc += x.stableValue;
      }
      return acc;
    }),
    'percentile rank(100)': bound(new PercentileRank(100), (x, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) {
        x.add(close[i]!);
        if (x.isStable) acc += x.stableValue;
      }
      return acc;
    }),
    'MACD(12, 26, 9)': bound(new Macd({ fast: 12, slow: 26, signal: 9 }), (x, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) {
        x.add(close[i]!);
        if (x.isStable) acc += x.stableValue;
      }
      return acc;
    }),
    'true range': bound(new TrueRange(), (x, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) {
        x.addHLC(high[i]!, low[i]!, close[i]!);
        if (x.isStable) acc += x.stableValue;
      }
      return acc;
    }),
    'ATR(14) tradingview': bound(new Atr(14, 'tradingview'), (x, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) {
        x.addHLC(high[i]!, low[i]!, close[i]!);
        if (x.isStable) acc += x.stableValue;
      }
      return acc;
    }),
    'STOCHF(14, 3)': bound(new Stochastic({ kind: 'fast', kPeriod: 14, dPeriod: 3 }), (x, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) {
        x.addHLC(high[i]!, low[i]!, close[i]!);
        if (x.isStable) acc += x.stableValue;
      }
      return acc;
    }),
    'ADX(14)': bound(new Adx(14), (x, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) {
        x.addHLC(high[i]!, low[i]!, close[i]!);
        if (x.isStable) acc += x.stableValue;
      }
      return acc;
    }),
    'rolling VWAP(20), add(bar)': bound(new RollingVwap(20), (x, count) => {
      const bar = { openTimeMs: 0.5, open: 0.5, high: 0.5, low: 0.5, close: 0.5, volume: 0.5 };
      let acc = 0;
      for (let i = 0; i < count; i++) {
        bar.open = open[i]!;
        bar.high = high[i]!;
        bar.low = low[i]!;
        bar.close = close[i]!;
        bar.volume = volume[i]!;
        x.add(bar);
        if (x.isStable) acc += x.stableValue;
      }
      return acc;
    }),
    'trade VWAP, add(trade)': bound(new TradeVwap(), (x, count) => {
      const trade = { timeMs: 0.5, price: 0.5, qty: 0.5 };
      let acc = 0;
      for (let i = 0; i < count; i++) {
        trade.timeMs = openTimeMs[i]!;
        trade.price = close[i]!;
        trade.qty = volume[i]!;
        x.add(trade);
        if (x.isStable) acc += x.stableValue;
      }
      return acc;
    }),
    'pivots classic, add(bar)': bound(new PivotPoints({ method: 'classic' }), (x, count) => {
      const bar = { openTimeMs: 0.5, open: 0.5, high: 0.5, low: 0.5, close: 0.5, volume: 0.5 };
      let stable = 0;
      for (let i = 0; i < count; i++) {
        bar.openTimeMs = openTimeMs[i]!;
        bar.open = open[i]!;
        bar.high = high[i]!;
        bar.low = low[i]!;
        bar.close = close[i]!;
        x.add(bar);
        if (x.isStable) stable++;
      }
      return stable;
    }),
    'volume profile (session, 50 ticks), add(bar)': bound(new VolumeProfile({ tickSize: '0.1', bucketTicks: 50 }), (x, count) => {
      const bar = { openTimeMs: 0.5, open: 0.5, high: 0.5, low: 0.5, close: 0.5, volume: 0.5 };
      let stable = 0;
      for (let i = 0; i < count; i++) {
        bar.openTimeMs = openTimeMs[i]!;
        bar.open = open[i]!;
        bar.high = high[i]!;
        bar.low = low[i]!;
        bar.close = close[i]!;
        bar.volume = volume[i]!;
        x.add(bar);
        if (x.isStable) stable++;
      }
      return stable;
    }),
  };
}

/** Start times of young-generation collections (scavenges), the ones a per-update allocation would cause. */
const scavenges: number[] = [];
function observeScavenges(): void {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges.push(e.startTime);
    }
  }).observe({ entryTypes: ['gc'] });
}

/**
 * Heap growth (between full gcs) and scavenges in each of three passes of `loop` over `count` bars. The loop is
 * warmed after the first gc: a forced full gc drops the loop's optimised code, and until V8 has compiled it
 * again the loop runs in code that boxes doubles, which would be charged to the indicator.
 */
async function allocationCheck(gc: () => void, loop: Loop, count: number): Promise<{ heapGrowthKiB: number; gcsPerPass: number[] }> {
  gc();
  const before = process.memoryUsage().heapUsed;
  warm(loop);
  const gcsPerPass: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    consume(loop(count));
    const t1 = performance.now();
    // GC entries arrive asynchronously; let them land, then count the scavenges that started inside the loop.
    await new Promise((r) => setTimeout(r, 50));
    gcsPerPass.push(scavenges.filter((t) => t >= t0 && t <= t1).length);
  }
  gc();
  return { heapGrowthKiB: Math.round((process.memoryUsage().heapUsed - before) / 1024), gcsPerPass };
}

/** Every check, built over `bars` (the names and flags do not depend on the bars). */
function allChecks(bars: BarColumns): Check[] {
  const headline = headlineLoops(bars);
  const checks: Check[] = [];
  for (const c of COLUMNS) {
    const label = c === 'stoch' ? 'STOCH(14, 3, 3)' : c === 'vwap' ? 'session VWAP' : c.toUpperCase();
    const plain = headline.plain[c];
    const used = headline.used[c];
    const barObject = headline.barObject[c];
    if (plain !== undefined) checks.push({ name: `${label}: number entry, then stableValue`, loop: plain, mustNotAllocate: true });
    if (used !== undefined) checks.push({ name: `${label}: number entry, result used`, loop: used, mustNotAllocate: false });
    if (barObject !== undefined) checks.push({ name: `${label}: add(bar object), result used`, loop: barObject, mustNotAllocate: false });
  }
  for (const [name, loop] of Object.entries(otherIndicatorLoops(bars))) checks.push({ name: `${name}, then stableValue / isStable`, loop, mustNotAllocate: true });
  return checks;
}

interface CheckResult {
  readonly heapGrowthKiB: number;
  readonly gcsPerPass: number[];
}

/**
 * Prints the allocation table for every streaming indicator and returns the names of the loops that must not
 * allocate but had a scavenge in any pass (empty when all is well). 5 M updates allocating even one 12-byte
 * HeapNumber each fill the 16 MB young generation several times, so 0 scavenges means no per-update allocation.
 * Each check runs in its own process: in one shared process the loops run before a check change V8's inlining
 * decisions for it (the same ATR loop measured 5 or 17 scavenges a pass depending on what ran first), which
 * would make the table depend on its own order.
 */
export function runAllocationChecks(count: number): string[] {
  const empty = new Float64Array(0);
  const checks = allChecks({ openTimeMs: empty, open: empty, high: empty, low: empty, close: empty, volume: empty });
  console.log(`| streaming loop over ${count / 1e6} M bars (one process each) | must not allocate | heap growth after gc (KiB) | scavenges in passes 1 / 2 / 3 |`);
  console.log('| --- | --- | ---: | ---: |');
  const failed: string[] = [];
  for (const check of checks) {
    const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--check', check.name, String(count)], { encoding: 'utf8' });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !line.startsWith('{')) throw new Error(`allocation check "${check.name}" failed: ${child.stderr.trim() || line}`);
    const r = JSON.parse(line) as CheckResult;
    if (check.mustNotAllocate && r.gcsPerPass.some((g) => g > 0)) failed.push(check.name);
    console.log(`| ${check.name} | ${check.mustNotAllocate ? 'yes' : 'no'} | ${r.heapGrowthKiB} | ${r.gcsPerPass.join(' / ')} |`);
  }
  console.log('\n"result used" loops box the `number | undefined` that add returns (a V8 HeapNumber per call, even when add is');
  console.log('inlined); hot loops that must not allocate read isStable / stableValue instead. Those are the loops marked "yes".');
  return failed;
}

/** Child mode: `--check <name> <count>` runs one check on freshly loaded bars and prints its result as JSON. */
async function runOneCheck(name: string, count: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the allocation check needs node --expose-gc');
  const check = allChecks(loadTiled(count)).find((c) => c.name === name);
  if (check === undefined) throw new Error(`no allocation check named "${name}"`);
  observeScavenges();
  console.log(JSON.stringify(await allocationCheck(gc, check.loop, count)));
}

if (process.argv[2] === '--check' && process.argv[1] === fileURLToPath(import.meta.url)) {
  await runOneCheck(process.argv[3] ?? '', Number(process.argv[4]));
}
