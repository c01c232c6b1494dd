// The streaming loops the indicator benchmark times and checks for allocation, and the tiled real bars they run
// on. Each loop is its own function literal, so every call site in it sees one indicator class (a shared loop
// body would go megamorphic, stop inlining and box its doubles); a loop must never allocate by itself.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Atr } from '../src/indicators/atr.js';
import { Ema } from '../src/indicators/ema.js';
import type { BarColumns } from '../src/indicators/indicator.js';
import { Rsi } from '../src/indicators/rsi.js';
import { Stochastic } from '../src/indicators/stochastic.js';
import { Vwap } from '../src/indicators/vwap.js';

/** A streaming loop over the first `count` bars; it takes the count so it can be warmed up on short runs. */
export type Loop = (count: number) => number;
/** The benchmark's columns, the indicators the issue sets speed targets for (stochastic and VWAP added). */
export type Column = 'ema' | 'rsi' | 'atr' | 'stoch' | 'vwap';
export const COLUMNS: readonly Column[] = ['ema', 'rsi', 'atr', 'stoch', 'vwap'];
export type Loops = Partial<Record<Column, Loop>>;

let sink = 0;
/** Keeps results observable so the JIT cannot drop the work that produced them. */
export function consume(result: unknown): void {
  if (typeof result === 'number') sink += result;
}
/** The accumulated results; printing depends on it so nothing is dead code. */
export function sinkValue(): number {
  return sink;
}

/**
 * Runs a streaming loop many times on short prefixes, so that V8 optimises it from its entry with complete type
 * feedback. The steps matter (found with --trace-opt --trace-deopt): V8 gives a function its feedback vector
 * only after several calls, so a long first call records nothing for the code before its loop (the `new` of the
 * indicator, when the loop built one); the function was then compiled with no feedback there, deoptimised on its next call, and from then
 * on every call ran in on-stack-replacement code, whose loop boxes doubles (one HeapNumber per bar). Tiny calls
 * first, then calls long enough to pass every warm-up branch (a day of bars for pivots), then long ones.
 */
export function warm(loop: Loop): void {
  for (let r = 0; r < 50; r++) sink += loop(2);
  for (let r = 0; r < 300; r++) sink += loop(3_000);
  for (let r = 0; r < 200; r++) sink += loop(20_000);
}

/**
 * A loop over one indicator built outside it: each call resets the indicator instead of constructing one, as a
 * strategy's bar handler would. Built inside the loop function, the constructor chain was a candidate for
 * inlining too, and when TurboFan took it first (the order varied from run to run) the budget left no room for
 * `addHLC`, which then stayed a call that boxed its three prices and its result (4-9 scavenges a pass instead of
 * 0, in about one run in four). `body` is called from this one shared closure, so it is never inlined into it.
 */
export function bound<T extends { reset(): void }>(indicator: T, body: (indicator: T, count: number) => number): Loop {
  return (count) => {
    indicator.reset();
    return body(indicator, count);
  };
}

function sharedDataDir(): string {
  if (process.env.MICROFUT_SHARED_DATA) return process.env.MICROFUT_SHARED_DATA;
  // dist/bench/*.js or bench/*.ts: the repo root is one or two levels up, ../shared beside it.
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

/** Real BTCUSDT 1m bars, tiled to `n` with time shifted forward each lap so the series stays in time order. */
export function loadTiled(n: number): BarColumns {
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

const SLOW_STOCH = { kind: 'slow', kPeriod: 14, kSmoothing: 3, dPeriod: 3 } as const;
const UTC_DAY = { anchor: { kind: 'utc-day' } } as const;

/**
 * The loops of the five columns in three calling styles: number entry points with the result read through
 * isStable / stableValue (no `number | undefined` to box), the same with the returned value used, and the
 * BarInput entry point with one mutable bar object reused for every bar (the documented pattern).
 */
export function headlineLoops(bars: BarColumns): { plain: Loops; used: Loops; barObject: Loops } {
  const { openTimeMs, open, high, low, close, volume } = bars;
  const plain: Loops = {
    ema: bound(new Ema(8), (e, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) {
        e.add(close[i]!);
        if (e.isStable) acc += e.stableValue;
      }
      return acc;
    }),
    rsi: bound(new Rsi(14), (r, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) {
        r.add(close[i]!);
        if (r.isStable) acc += r.stableValue;
      }
      return acc;
    }),
    atr: bound(new Atr(14), (a, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) {
        a.addHLC(high[i]!, low[i]!, close[i]!);
        if (a.isStable) acc += a.stableValue;
      }
      return acc;
    }),
    stoch: bound(new Stochastic(SLOW_STOCH), (s, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) {
        s.addHLC(high[i]!, low[i]!, close[i]!);
        if (s.isStable) acc += s.stableValue;
      }
      return acc;
    }),
    vwap: bound(new Vwap(UTC_DAY), (v, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) {
        v.addBar(openTimeMs[i]!, open[i]!, high[i]!, low[i]!, close[i]!, volume[i]!);
        if (v.isStable) acc += v.stableValue;
      }
      return acc;
    }),
  };
  const used: Loops = {
    ema: bound(new Ema(8), (e, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) acc += e.add(close[i]!) ?? 0;
      return acc;
    }),
    rsi: bound(new Rsi(14), (r, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) acc += r.add(close[i]!) ?? 0;
      return acc;
    }),
    atr: bound(new Atr(14), (a, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) acc += a.addHLC(high[i]!, low[i]!, close[i]!) ?? 0;
      return acc;
    }),
    stoch: bound(new Stochastic(SLOW_STOCH), (s, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) acc += s.addHLC(high[i]!, low[i]!, close[i]!) ?? 0;
      return acc;
    }),
    vwap: bound(new Vwap(UTC_DAY), (v, count) => {
      let acc = 0;
      for (let i = 0; i < count; i++) acc += v.addBar(openTimeMs[i]!, open[i]!, high[i]!, low[i]!, close[i]!, volume[i]!) ?? 0;
      return acc;
    }),
  };
  const barObject: Loops = {
    atr: bound(new Atr(14), (a, count) => {
      const bar = { openTimeMs: 0.5, open: 0.5, high: 0.5, low: 0.5, close: 0.5, volume: 0.5 };
      let acc = 0;
      for (let i = 0; i < count; i++) {
        bar.high = high[i]!;
        bar.low = low[i]!;
        bar.close = close[i]!;
        acc += a.add(bar) ?? 0;
      }
      return acc;
    }),
    stoch: bound(new Stochastic(SLOW_STOCH), (s, count) => {
      const bar = { openTimeMs: 0.5, open: 0.5, high: 0.5, low: 0.5, close: 0.5, volume: 0.5 };
      let acc = 0;
      for (let i = 0; i < count; i++) {
        bar.high = high[i]!;
        bar.low = low[i]!;
        bar.close = close[i]!;
        acc += s.add(bar) ?? 0;
      }
      return acc;
    }),
    vwap: bound(new Vwap(UTC_DAY), (v, count) => {
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
    }),
  };
  return { plain, used, barObject };
}
