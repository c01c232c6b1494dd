// Speed of the full backtest engine (strategy API, order objects, bracket, fees, funding and liquidation checks, event
// log kept) on real BTCUSDT 1m bars tiled to ~1 M and ~5 M, against a bare typed-array loop of the same rules and
// grademark 0.3 (npm) in the same run; median of 5 runs after a warm-up of at least 5 M bars; every implementation is
// checked trade for trade. Then the engine's cost per trade (from the two EMA pairs) and its allocation per bar and
// per trade (V8's sampling heap profiler, collected objects included).
// Run: npx tsc -p tsconfig.build.json && node --expose-gc dist/bench/engine.js   (BENCH_RUNS, BENCH_SIZES, BENCH_WARM_BARS to change)
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Money } from '../src/core/money.js';
import { loadRegistry } from '../src/data/spec-files.js';
import { Engine, type EngineBars } from '../src/engine/engine.js';
import type { StrategyDefinition } from '../src/engine/strategy.js';
import { z } from 'zod';
import { defineStrategy } from '../src/engine/strategy.js';
import emaCross from '../src/strategies/ema-cross.js';
import { SimulatedVenue } from '../src/venues/simulated/simulated-venue.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZES = (process.env.BENCH_SIZES ?? '1000000,5000000').split(',').map(Number);
const SPEC = loadRegistry().get('BINANCE:BTCUSDT');
/** BTCUSDT: tick 0.1, lot 0.001: one tick on one lot is 0.0001 USDT = 10,000 units of 1e-8. */
const UNITS_PER_TICK_LOT = 10_000;
const TAKER = SPEC.fees.taker;
const MAKER = SPEC.fees.maker;
/** Starting balance, large enough that no run stops trading for margin (the P&L columns compare the rules, not luck). */
const START_USDT = '1000000';

/** EMA periods: the reference (a trade every ~45 bars) and a slow pair (a trade every ~few thousand bars). */
interface Periods {
  readonly fast: number;
  readonly slow: number;
}
const SCENARIOS: readonly Periods[] = [
  { fast: 9, slow: 21 },
  { fast: 200, slow: 1000 },
];
/** BENCH_PEERS=0 skips grademark and the bare loops' timing (for quick iterations on the engine alone). */
const PEERS = process.env.BENCH_PEERS !== '0';

interface Input {
  readonly bars: EngineBars;
  readonly fundingTimeMs: Float64Array;
  readonly fundingRate: Float64Array;
}

/** Trades as columns, for the trade-for-trade check. */
interface Trades {
  count: number;
  entryTimeMs: number[];
  exitTimeMs: number[];
  entryTicks: number[];
  exitTicks: number[];
  /** Net P&L of the closed trades, USDT (fees applied). */
  netUsdt: number;
}

function sharedDataDir(): string {
  if (process.env.MICROFUT_SHARED_DATA) return process.env.MICROFUT_SHARED_DATA;
  // dist/bench/engine.js -> repo root is two levels up; ../shared/data beside the checkout.
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data');
}

function csv(path: string): number[][] {
  const text = path.endsWith('.gz') ? gunzipSync(readFileSync(path)).toString('utf8') : readFileSync(path, 'utf8');
  return text.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
}

/** Real 1m bars tiled whole laps to about `target` bars, time shifted forward each lap; funding tiled alike. */
function loadTiled(target: number): Input {
  const rows = csv(resolve(sharedDataDir(), 'binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz'));
  const fund = csv(resolve(sharedDataDir(), 'binance/futures-um/fundingRate/BTCUSDT-fundingRate-2025-03-06_2025-06-24.csv'));
  const m = rows.length;
  const laps = Math.max(1, Math.round(target / m));
  const n = laps * m;
  const t0 = rows[0]![0]!;
  const spanMs = rows[m - 1]![0]! - t0 + 60_000;
  const col = (): Float64Array => new Float64Array(n);
  const bars = { length: n, openTimeMs: col(), open: col(), high: col(), low: col(), close: col(), volume: col(), openTicks: col(), highTicks: col(), lowTicks: col(), closeTicks: col() };
  for (let i = 0; i < n; i++) {
    const r = rows[i % m]!;
    bars.openTimeMs[i] = r[0]! + Math.floor(i / m) * spanMs;
    bars.open[i] = r[1]!;
    bars.high[i] = r[2]!;
    bars.low[i] = r[3]!;
    bars.close[i] = r[4]!;
    bars.volume[i] = r[5]!;
    bars.openTicks[i] = Math.round(r[1]! * 10);
    bars.highTicks[i] = Math.round(r[2]! * 10);
    bars.lowTicks[i] = Math.round(r[3]! * 10);
    bars.closeTicks[i] = Math.round(r[4]! * 10);
  }
  const inLap = fund.filter((f) => f[0]! >= t0 && f[0]! < t0 + spanMs);
  const fundingTimeMs = new Float64Array(inLap.length * laps);
  const fundingRate = new Float64Array(inLap.length * laps);
  for (let k = 0; k < fundingTimeMs.length; k++) {
    fundingTimeMs[k] = inLap[k % inLap.length]![0]! + Math.floor(k / inLap.length) * spanMs;
    fundingRate[k] = inLap[k % inLap.length]![1]!;
  }
  return { bars, fundingTimeMs, fundingRate };
}

/**
 * A strategy that reads every field of every bar and never trades: what the engine and the venue allocate per bar,
 * without any strategy's own garbage.
 */
const barReader = defineStrategy({
  name: 'bar-reader',
  params: z.object({}),
  data: { bars: '1m' },
  create() {
    // In a typed array: a float kept in a closure variable is boxed on every write (an allocation of its own).
    const checksum = new Float64Array(1);
    return {
      onBar(bar) {
        checksum[0]! += bar.index + bar.openTimeMs + bar.closeTimeMs + bar.open + bar.high + bar.low + bar.close + bar.volume;
        if (checksum[0] === -1) throw new Error('unreachable: keeps the sum alive');
      },
    };
  },
});

/** The full engine: SimulatedVenue + Engine + the built-in ema-cross, as `microfut backtest` runs it. */
function runMicrofut(input: Input, p: Periods): Trades {
  return runEngine(input, emaCross as unknown as StrategyDefinition, { fast: p.fast, slow: p.slow, tpPct: 0.2, slPct: 0.15, notional: 1000, sides: 'both' });
}

function runEngine(input: Input, strategy: StrategyDefinition, params: Readonly<Record<string, unknown>>): Trades {
  // Funding is checked every bar (the history is given) but charged off, so every implementation has the same P&L.
  const venue = new SimulatedVenue({ instruments: [{ spec: SPEC, funding: { timeMs: input.fundingTimeMs, rate: input.fundingRate } }], config: { funding: 'off', startingBalance: START_USDT } });
  const engine = new Engine({
    venue,
    instruments: [SPEC],
    bars: input.bars,
    barIntervalMs: 60_000,
    strategy,
    params,
    startingBalance: (Number(START_USDT) * 1e8) as Money,
    seed: 1,
    runId: 'bench',
    source: 'backtest',
  });
  const n = input.bars.length;
  for (let i = 0; i < n; i++) {
    venue.onBar(0, input.bars, i);
    engine.onBar(i);
  }
  const r = engine.finish();
  const t: Trades = { count: r.trips.length, entryTimeMs: [], exitTimeMs: [], entryTicks: [], exitTicks: [], netUsdt: 0 };
  for (const trip of r.trips) {
    t.entryTimeMs.push(trip.entryTimeMs);
    t.exitTimeMs.push(trip.exitTimeMs);
    t.entryTicks.push(Math.round(trip.entryPrice * 10));
    t.exitTicks.push(Math.round(trip.exitPrice * 10));
    t.netUsdt += trip.netPnl / 1e8;
  }
  return t;
}

/** EMA cross signals at each close (+1 up-cross, -1 down-cross, 0 none), TA-Lib-seeded EMAs, as ema-cross. */
function signals(close: Float64Array, { fast: FAST, slow: SLOW }: Periods): Int8Array {
  const n = close.length;
  const out = new Int8Array(n);
  let sf = 0;
  let ss = 0;
  let f = 0;
  let s = 0;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const x = close[i]!;
    const k = i + 1;
    if (k <= FAST) sf += x;
    if (k === FAST) f = sf / FAST;
    else if (k > FAST) f = (x - f) * (2 / (FAST + 1)) + f;
    if (k <= SLOW) ss += x;
    if (k === SLOW) s = ss / SLOW;
    else if (k > SLOW) s = (x - s) * (2 / (SLOW + 1)) + s;
    if (k < SLOW) continue;
    const d = f - s;
    const sign = d > 0 ? 1 : d < 0 ? -1 : 0;
    out[i] = prev < 0 && sign > 0 ? 1 : prev > 0 && sign < 0 ? -1 : 0;
    if (sign !== 0) prev = sign;
  }
  return out;
}

const roundRatio = (p: number, num: number, den: number): number => {
  const q = Math.floor((p * num) / den);
  return 2 * (p * num - q * den) >= den ? q + 1 : q;
};

/**
 * The bare typed-array loop of microfut's rules (stop-first, limit through, bracket exits priced from the entry fill
 * and working from it; the rules written out in test/backtest/reference.test.ts), with its EMAs inline.
 */
function runBare(input: Input, p: Periods): Trades {
  const b = input.bars;
  const n = b.length;
  const o = b.openTicks;
  const h = b.highTicks;
  const l = b.lowTicks;
  const c = b.closeTicks;
  const sig = signals(b.close, p);
  const t: Trades = { count: 0, entryTimeMs: [], exitTimeMs: [], entryTicks: [], exitTicks: [], netUsdt: 0 };
  let pending = 0;
  let lots = 0;
  let entry = 0;
  let entryTime = 0;
  let tp = 0;
  let sl = 0;
  let trip = 0;
  const close = (i: number, price: number, rate: number): void => {
    trip += lots * (price - entry) * UNITS_PER_TICK_LOT - Math.ceil(Math.abs(lots) * price * UNITS_PER_TICK_LOT * rate - 1e-6);
    t.count++;
    t.entryTimeMs.push(entryTime);
    t.exitTimeMs.push(b.openTimeMs[i]!);
    t.entryTicks.push(entry);
    t.exitTicks.push(price);
    t.netUsdt += trip / 1e8;
    lots = 0;
  };
  const rest = (i: number): void => {
    if (lots > 0 ? l[i]! <= sl : h[i]! >= sl) close(i, sl, TAKER);
    else if (lots > 0 ? h[i]! > tp : l[i]! < tp) close(i, tp, MAKER);
  };
  const exitsFrom = (p: number): void => {
    tp = lots > 0 ? roundRatio(p, 1002, 1000) : roundRatio(p, 998, 1000);
    sl = lots > 0 ? roundRatio(p, 9985, 10000) : roundRatio(p, 10015, 10000);
  };
  for (let i = 0; i < n; i++) {
    if (lots !== 0) {
      if (lots > 0 ? o[i]! <= sl : o[i]! >= sl) close(i, o[i]!, TAKER);
      else if (lots > 0 ? o[i]! > tp : o[i]! < tp) close(i, tp, MAKER);
      else rest(i);
    } else if (pending !== 0) {
      lots = pending;
      pending = 0;
      entry = o[i]!;
      entryTime = b.openTimeMs[i]!;
      trip = -Math.ceil(Math.abs(lots) * entry * UNITS_PER_TICK_LOT * TAKER - 1e-6);
      exitsFrom(entry);
      rest(i);
    }
    if (sig[i] !== 0 && lots === 0 && pending === 0) {
      pending = sig[i]! * Math.floor(1e7 / c[i]!);
    }
  }
  return t;
}

/**
 * grademark's own fill rules as a bare loop (read from node_modules/grademark/build/lib/backtest.js): entry at the
 * next open; no exit checks on the entry bar; a stop fills at its price whenever low <= stop (no gap rule); the
 * target when high >= target; no new signal on an exit bar. Exits from the fill, on the tick grid.
 */
function runBareGrademarkRules(input: Input, p: Periods): Trades {
  const b = input.bars;
  const n = b.length;
  const sig = signals(b.close, p);
  const t: Trades = { count: 0, entryTimeMs: [], exitTimeMs: [], entryTicks: [], exitTicks: [], netUsdt: 0 };
  let state = 0; // 0 none, 1 enter next bar, 2 in position
  let dir = 0;
  let lots = 0;
  let entry = 0;
  let entryTime = 0;
  let tp = 0;
  let sl = 0;
  for (let i = 0; i < n; i++) {
    if (state === 0) {
      if (sig[i] !== 0) {
        state = 1;
        dir = sig[i]!;
        lots = Math.floor(1e7 / b.closeTicks[i]!);
      }
    } else if (state === 1) {
      entry = b.openTicks[i]!;
      entryTime = b.openTimeMs[i]!;
      tp = dir > 0 ? roundRatio(entry, 1002, 1000) : roundRatio(entry, 998, 1000);
      sl = dir > 0 ? roundRatio(entry, 9985, 10000) : roundRatio(entry, 10015, 10000);
      state = 2;
    } else {
      let exit = 0;
      let rate = 0;
      if (dir > 0 ? b.lowTicks[i]! <= sl : b.highTicks[i]! >= sl) {
        exit = sl;
        rate = TAKER;
      } else if (dir > 0 ? b.highTicks[i]! >= tp : b.lowTicks[i]! <= tp) {
        exit = tp;
        rate = MAKER;
      }
      if (exit !== 0) {
        t.count++;
        t.entryTimeMs.push(entryTime);
        t.exitTimeMs.push(b.openTimeMs[i]!);
        t.entryTicks.push(entry);
        t.exitTicks.push(exit);
        t.netUsdt += (dir * lots * (exit - entry) * UNITS_PER_TICK_LOT - feeUnits(lots, entry, TAKER) - feeUnits(lots, exit, rate)) / 1e8;
        state = 0;
      }
    }
  }
  return t;
}

const feeUnits = (lots: number, ticks: number, rate: number): number => Math.ceil(lots * ticks * UNITS_PER_TICK_LOT * rate - 1e-6);

/** grademark 0.3 from npm over a data-forge DataFrame; fees applied to its trade list afterwards (it has none). */
async function runGrademark(input: Input, p: Periods): Promise<Trades> {
  const { backtest } = (await import('grademark')) as unknown as { backtest: (s: unknown, df: unknown) => GradeTrade[] };
  const { DataFrame } = (await import('data-forge')) as unknown as { DataFrame: new (o: { values: unknown[] }) => unknown };
  const b = input.bars;
  const sig = signals(b.close, p);
  const rows: { time: number; open: number; high: number; low: number; close: number; signal: number; lots: number }[] = new Array(b.length);
  for (let i = 0; i < b.length; i++) {
    rows[i] = { time: b.openTimeMs[i]!, open: b.openTicks[i]!, high: b.highTicks[i]!, low: b.lowTicks[i]!, close: b.closeTicks[i]!, signal: sig[i]!, lots: Math.floor(1e7 / b.closeTicks[i]!) };
  }
  const lotsAt = new Map<number, number>();
  const strategy = {
    entryRule: (enter: (o: { direction: string }) => void, args: { bar: (typeof rows)[number] }) => {
      if (args.bar.signal !== 0) {
        lotsAt.set(args.bar.time + 60_000, args.bar.lots);
        enter({ direction: args.bar.signal > 0 ? 'long' : 'short' });
      }
    },
    exitRule: () => undefined,
    // Distances chosen so that the exits land on the tick grid, as microfut rounds them.
    stopLoss: (a: { entryPrice: number; position: { direction: string } }) =>
      a.position.direction === 'long' ? a.entryPrice - roundRatio(a.entryPrice, 9985, 10000) : roundRatio(a.entryPrice, 10015, 10000) - a.entryPrice,
    profitTarget: (a: { entryPrice: number; position: { direction: string } }) =>
      a.position.direction === 'long' ? roundRatio(a.entryPrice, 1002, 1000) - a.entryPrice : a.entryPrice - roundRatio(a.entryPrice, 998, 1000),
  };
  // grademark closes a position still open at the end as a last trade; microfut reports it apart, so it is dropped.
  const all = backtest(strategy, new DataFrame({ values: rows }));
  const trades = all.length > 0 && all[all.length - 1]!.exitReason === 'finalize' ? all.slice(0, -1) : all;
  const t: Trades = { count: trades.length, entryTimeMs: [], exitTimeMs: [], entryTicks: [], exitTicks: [], netUsdt: 0 };
  for (const tr of trades) {
    const lots = lotsAt.get(tr.entryTime)!;
    const dir = tr.direction === 'long' ? 1 : -1;
    t.entryTimeMs.push(tr.entryTime);
    t.exitTimeMs.push(tr.exitTime);
    t.entryTicks.push(tr.entryPrice);
    t.exitTicks.push(tr.exitPrice);
    const exitRate = tr.exitReason === 'stop-loss' ? TAKER : MAKER;
    t.netUsdt += (dir * lots * (tr.exitPrice - tr.entryPrice) * UNITS_PER_TICK_LOT - feeUnits(lots, tr.entryPrice, TAKER) - feeUnits(lots, tr.exitPrice, exitRate)) / 1e8;
  }
  return t;
}

interface GradeTrade {
  readonly direction: string;
  readonly entryTime: number;
  readonly exitTime: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly exitReason: string;
}

/** The first trade where two lists differ, or undefined when they agree trade for trade. */
function firstDifference(a: Trades, b: Trades): string | undefined {
  const n = Math.max(a.count, b.count);
  for (let i = 0; i < n; i++) {
    const x = [a.entryTimeMs[i], a.exitTimeMs[i], a.entryTicks[i], a.exitTicks[i]];
    const y = [b.entryTimeMs[i], b.exitTimeMs[i], b.entryTicks[i], b.exitTicks[i]];
    if (x.some((v, k) => v !== y[k])) return `trade ${i + 1}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`;
  }
  return undefined;
}

const median = (xs: number[]): number => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;

/**
 * Untimed warm-up before the timed runs: at least this many bars (BENCH_WARM_BARS), so every size is timed at the same
 * JIT state. One warm-up run of ~1 M bars is not enough: a trip every ~700 bars (EMA 200/1000) reaches the optimising
 * compiler's thresholds on the trade path only after ~4 M bars, and until then its runs pay for compiling (on the
 * helper thread, counted in CPU time) and for the unoptimised code: 4-7 M bars/CPU-s for the first runs, 24-27 M once
 * warm. The first run of each implementation is timed too and printed as the cold rate.
 */
const WARM_BARS = Number(process.env.BENCH_WARM_BARS ?? 5_000_000);

interface Measured {
  readonly barsPerSecond: number | undefined;
  readonly barsPerCpuSecond: number | undefined;
  /** The first run in this process for this implementation and input, per CPU-second (the JIT still warming up). */
  readonly coldBarsPerCpuSecond: number;
  readonly trades: Trades;
}

/**
 * Median bars per second over `runs` timed runs after untimed ones covering at least WARM_BARS bars (undefined when
 * `runs` is 0: checked, not timed), by the wall clock and by the process's CPU time (user + system, all threads: the
 * GC's and the compiler's helpers included). On a shared machine the CPU figure is the steadier one: time spent
 * waiting for a core does not count.
 */
async function measure(n: number, fn: () => Trades | Promise<Trades>, runs = RUNS): Promise<Measured> {
  // A full gc first, so one implementation's garbage (grademark's objects) is not collected on another's time.
  (globalThis as { gc?: () => void }).gc?.();
  const c0 = process.cpuUsage();
  let trades = await fn();
  const cold = process.cpuUsage(c0);
  for (let warmed = n; runs > 0 && warmed < WARM_BARS; warmed += n) trades = await fn();
  const rates: number[] = [];
  const cpuRates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const c1 = process.cpuUsage();
    trades = await fn();
    const cpu = process.cpuUsage(c1);
    rates.push(n / ((performance.now() - t0) / 1000));
    cpuRates.push(n / ((cpu.user + cpu.system) / 1e6));
  }
  return {
    barsPerSecond: rates.length === 0 ? undefined : median(rates),
    barsPerCpuSecond: cpuRates.length === 0 ? undefined : median(cpuRates),
    coldBarsPerCpuSecond: n / ((cold.user + cold.system) / 1e6),
    trades,
  };
}

const fmtRate = (r: number | undefined): string => (r === undefined ? 'not timed' : r >= 1e6 ? `${(r / 1e6).toFixed(2)} M` : `${(r / 1e3).toFixed(1)} k`);

/** A node of V8's sampling heap profile: bytes sampled at one allocation site, and its callees. */
interface SampledNode {
  readonly selfSize: number;
  readonly children: readonly SampledNode[];
}

const sampledBytes = (n: SampledNode): number => n.children.reduce((sum, c) => sum + sampledBytes(c), n.selfSize);

/**
 * Bytes `fn` allocates on the JS heap, garbage included: V8's sampling heap profiler (one sample per 512 bytes on
 * average, scaled to an estimate) with objects collected by minor and major GCs kept in the profile.
 */
async function allocatedBytes(fn: () => unknown): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true });
    fn();
    const { profile } = await session.post('HeapProfiler.stopSampling');
    return sampledBytes(profile.head as SampledNode);
  } finally {
    session.disconnect();
  }
}

/**
 * The engine's marginal cost of a trade and of a bar from two runs over the same bars with different trade counts:
 * time (or bytes) = perBar x bars + perTrade x trades, solved for both.
 */
function perBarAndTrade(bars: number, a: { readonly total: number; readonly trades: number }, b: { readonly total: number; readonly trades: number }): { perTrade: number; perBar: number } {
  const perTrade = (a.total - b.total) / (a.trades - b.trades);
  return { perTrade, perBar: (b.total - perTrade * b.trades) / bars };
}

async function main(): Promise<void> {
  if (new SimulatedVenue({ instruments: [{ spec: SPEC }] }).capabilities.bracketExitsFromFill !== true) {
    throw new Error('the bare loop prices bracket exits from the fill: the simulated venue must declare bracketExitsFromFill');
  }
  console.log(`real BTCUSDT 1m bars (2025-05-04..2025-06-24) tiled; EMA cross, bracket TP 0.2 % / SL 0.15 %, 1000 USDT a trade, taker ${TAKER * 100} % / maker ${MAKER * 100} %`);
  console.log(`median of ${RUNS} runs after untimed runs of at least ${WARM_BARS} bars; cold = the first run in the process; node ${process.version}\n`);
  console.log('| bars | strategy | implementation | bars/s (wall) | bars/CPU-s | cold bars/CPU-s | trades | net P&L (USDT) | agrees trade for trade |');
  console.log('| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |');
  const engineRuns: { bars: number; fast: number; seconds: number; trades: number }[] = [];
  for (const size of SIZES) {
    const input = loadTiled(size);
    const n = input.bars.length;
    for (const p of SCENARIOS) {
      const label = `EMA ${p.fast}/${p.slow}`;
      const bare = await measure(n, () => runBare(input, p), PEERS ? RUNS : 0);
      const engine = await measure(n, () => runMicrofut(input, p));
      const bareG = await measure(n, () => runBareGrademarkRules(input, p), PEERS ? RUNS : 0);
      const row = (name: string, m: Measured, agree: string): void =>
        console.log(`| ${n} | ${label} | ${name} | ${fmtRate(m.barsPerSecond)} | ${fmtRate(m.barsPerCpuSecond)} | ${fmtRate(m.coldBarsPerCpuSecond)} | ${m.trades.count} | ${m.trades.netUsdt.toFixed(2)} | ${agree} |`);
      row('bare typed-array loop, microfut rules', bare, 'reference');
      row('**microfut full engine** (venue + engine + ema-cross)', engine, firstDifference(engine.trades, bare.trades) ?? 'yes');
      engineRuns.push({ bars: n, fast: p.fast, seconds: n / engine.barsPerCpuSecond!, trades: engine.trades.count });
      row('bare typed-array loop, grademark rules', bareG, 'reference for grademark');
      if (PEERS && (n <= 2_000_000 || process.env.BENCH_GRADEMARK_ALL === '1')) {
        const grade = await measure(n, () => runGrademark(input, p), n <= 2_000_000 ? RUNS : 1);
        row('grademark 0.3 (npm; fees applied to its trades)', grade, firstDifference(grade.trades, bareG.trades) ?? 'yes');
        console.log(`| ${n} | ${label} | microfut engine / grademark | ${(engine.barsPerSecond! / grade.barsPerSecond!).toFixed(1)}x | ${(engine.barsPerCpuSecond! / grade.barsPerCpuSecond!).toFixed(1)}x |  |  |  |  |`);
      }
    }
  }
  console.log('');
  for (const size of new Set(engineRuns.map((r) => r.bars))) {
    const [a, b] = engineRuns.filter((r) => r.bars === size);
    if (a === undefined || b === undefined) continue;
    const cost = perBarAndTrade(size, { total: a.seconds, trades: a.trades }, { total: b.seconds, trades: b.trades });
    console.log(`engine cost at ${size} bars (CPU time, from the two EMA pairs' medians): ${(cost.perTrade * 1e6).toFixed(2)} µs per round trip, ${(cost.perBar * 1e9).toFixed(1)} ns per bar`);
  }
  const allocInput = loadTiled(1_000_000);
  const allocs: { total: number; trades: number }[] = [];
  for (const p of SCENARIOS) {
    runMicrofut(allocInput, p);
    let trades = 0;
    const bytes = await allocatedBytes(() => (trades = runMicrofut(allocInput, p).count));
    allocs.push({ total: bytes, trades });
    console.log(`allocated in one ${allocInput.bars.length}-bar engine run, EMA ${p.fast}/${p.slow} (${trades} trades): ${(bytes / 1048576).toFixed(1)} MiB`);
  }
  const alloc = perBarAndTrade(allocInput.bars.length, allocs[0]!, allocs[1]!);
  console.log(`allocation per round trip (orders, events, states, the trip record; from the two runs): ${(alloc.perTrade / 1024).toFixed(1)} KiB`);
  // A run's fixed cost (config, venue and engine set-up) cancels out between a one-lap and a 14-lap run.
  const oneLap = loadTiled(1);
  const quietBytes = async (input: Input): Promise<number> => {
    const quiet = (): number => runEngine(input, barReader as unknown as StrategyDefinition, {}).count;
    quiet();
    return allocatedBytes(quiet);
  };
  const small = await quietBytes(oneLap);
  const large = await quietBytes(allocInput);
  console.log(
    `allocation per bar on the steady path (a strategy reading every bar field, no orders; difference of a ${oneLap.bars.length}- and a ${allocInput.bars.length}-bar run): ${((large - small) / (allocInput.bars.length - oneLap.bars.length)).toFixed(2)} bytes (run set-up ${(small / 1024).toFixed(0)} KiB)`,
  );
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    const input = loadTiled(1_000_000);
    runMicrofut(input, SCENARIOS[0]!);
    gc();
    const before = process.memoryUsage().heapUsed;
    runMicrofut(input, SCENARIOS[0]!);
    const after = process.memoryUsage().heapUsed;
    console.log(`\nheap kept after one 1 M-bar engine run (equity curve, event log, trips; no gc in between): ${((after - before) / 1048576).toFixed(1)} MiB`);
  }
}

void main();
