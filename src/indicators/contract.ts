// The one contract every streaming indicator passes, as plain checks a test file runs (so this module needs no
// test framework): warm-up length, replace == recompute, batch == streaming to the last bit, reset, no NaN.
// Must never weaken a comparison: every value is compared with Object.is, never with a tolerance.
import type { BarColumns, BarIndicator, BarInput, BatchOutputs, ScalarIndicator, StreamingIndicator } from './indicator.js';

/** How to build and batch-run one indicator configuration under test. */
export type IndicatorContractCase =
  | {
      readonly name: string;
      readonly kind: 'scalar';
      /** The warm-up length from an independent source (TA-Lib's lookback formula, or a hand count). */
      readonly expectedLookback: number;
      create(): ScalarIndicator;
      /** Runs the batch form over `closes`, writing one buffer per output. */
      batch(closes: Float64Array, outputs: BatchOutputs): void;
    }
  | {
      readonly name: string;
      readonly kind: 'bar';
      readonly expectedLookback: number;
      create(): BarIndicator;
      batch(bars: BarColumns, outputs: BatchOutputs): void;
    };

/** One named check; `run` throws an Error whose message says what differed and where. */
export interface ContractCheck {
  readonly title: string;
  run(): void;
}

/** The bar at index `i` of `bars` as an object (allocates: for tests only). */
export function barAt(bars: BarColumns, i: number): BarInput {
  return {
    openTimeMs: at(bars.openTimeMs, i),
    open: at(bars.open, i),
    high: at(bars.high, i),
    low: at(bars.low, i),
    close: at(bars.close, i),
    volume: at(bars.volume, i),
  };
}

function at(column: Float64Array, i: number): number {
  const v = column[i];
  if (v === undefined) throw new Error(`bar index ${i} is outside the ${column.length} bars given to the contract`);
  return v;
}

/**
 * A bar that differs from bar `i` in every price and in volume (still high >= low), used as the provisional
 * value that `replace` must fully undo. Moves by `factor` (e.g. 1.003).
 */
function perturbedBar(bars: BarColumns, i: number, factor: number): BarInput {
  const b = barAt(bars, i);
  // Widen the range whichever side of 1 the factor is on, so that low <= open, close <= high still holds.
  const widen = factor >= 1 ? factor : 1 / factor;
  return {
    openTimeMs: b.openTimeMs,
    open: b.open * factor,
    high: b.high * widen * widen,
    low: b.low / widen / widen,
    close: b.close * factor,
    volume: b.volume * factor + 1,
  };
}

/** Adapts a case to one calling convention: feed bar i (add or replace) and read its outputs. */
interface Driver {
  readonly indicator: StreamingIndicator<unknown>;
  add(i: number): number | undefined;
  addPerturbed(i: number, factor: number): number | undefined;
  replace(i: number): number | undefined;
  replacePerturbed(i: number, factor: number): number | undefined;
}

function driver(c: IndicatorContractCase, bars: BarColumns): Driver {
  if (c.kind === 'scalar') {
    const ind = c.create();
    return {
      indicator: ind,
      add: (i) => ind.add(at(bars.close, i)),
      addPerturbed: (i, f) => ind.add(at(bars.close, i) * f),
      replace: (i) => ind.replace(at(bars.close, i)),
      replacePerturbed: (i, f) => ind.replace(at(bars.close, i) * f),
    };
  }
  const ind = c.create();
  return {
    indicator: ind,
    add: (i) => ind.add(barAt(bars, i)),
    addPerturbed: (i, f) => ind.add(perturbedBar(bars, i, f)),
    replace: (i) => ind.replace(barAt(bars, i)),
    replacePerturbed: (i, f) => ind.replace(perturbedBar(bars, i, f)),
  };
}

function describe(v: number | undefined): string {
  return v === undefined ? 'undefined' : Object.is(v, -0) ? '-0' : String(v);
}

/** Streams every bar through a fresh indicator and returns outputs[o][i] (undefined before warm-up). */
function streamAll(c: IndicatorContractCase, bars: BarColumns): (number | undefined)[][] {
  const d = driver(c, bars);
  const names = d.indicator.outputNames;
  const out: (number | undefined)[][] = names.map(() => []);
  for (let i = 0; i < bars.close.length; i++) {
    const primary = d.add(i);
    for (let o = 0; o < names.length; o++) out[o]![i] = d.indicator.output(o);
    const plain = (d.indicator as { readonly stableValue?: number }).stableValue;
    if (plain !== undefined && primary !== undefined && !Object.is(plain, primary)) {
      throw new Error(`${c.name}: stableValue is ${describe(plain)} at bar ${i} but add() returned ${describe(primary)}`);
    }
    if (!Object.is(primary, d.indicator.value) || !Object.is(primary, d.indicator.output(0))) {
      throw new Error(`${c.name}: add() returned ${describe(primary)} at bar ${i} but value is ${describe(d.indicator.value)}`);
    }
  }
  return out;
}

function sameOutputs(c: IndicatorContractCase, what: string, i: number, ind: StreamingIndicator<unknown>, expected: (number | undefined)[][]): void {
  for (let o = 0; o < ind.outputNames.length; o++) {
    const want = expected[o]![i];
    const got = ind.output(o);
    if (!Object.is(want, got)) {
      throw new Error(`${c.name}: ${what} at bar ${i}, output ${ind.outputNames[o]}: expected ${describe(want)} (fresh stream), got ${describe(got)}`);
    }
  }
}

/**
 * The contract checks for one indicator configuration over real bars (use at least a few hundred, and more
 * than the warm-up). Every indicator module's test runs these, e.g.
 * `for (const check of indicatorContract(c, bars)) it(check.title, check.run)`.
 */
export function indicatorContract(c: IndicatorContractCase, bars: BarColumns): ContractCheck[] {
  const n = bars.close.length;
  let cached: (number | undefined)[][] | undefined;
  const reference = (): (number | undefined)[][] => (cached ??= streamAll(c, bars));

  return [
    {
      title: `${c.name}: is undefined for exactly the first ${c.expectedLookback} inputs, then defined`,
      run() {
        const d = driver(c, bars);
        if (d.indicator.lookback !== c.expectedLookback) {
          throw new Error(`${c.name}: lookback is ${d.indicator.lookback}, the reference formula gives ${c.expectedLookback}`);
        }
        if (n <= c.expectedLookback) throw new Error(`${c.name}: give the contract more than ${c.expectedLookback} bars`);
        for (let i = 0; i < n; i++) {
          const v = d.add(i);
          const warm = i >= c.expectedLookback;
          if (d.indicator.isStable !== warm) throw new Error(`${c.name}: isStable is ${d.indicator.isStable} after ${i + 1} inputs`);
          if (d.indicator.count !== i + 1) throw new Error(`${c.name}: count is ${d.indicator.count} after ${i + 1} adds`);
          for (let o = 0; o < d.indicator.outputNames.length; o++) {
            if ((d.indicator.output(o) === undefined) === warm) {
              throw new Error(`${c.name}: output ${d.indicator.outputNames[o]} is ${describe(d.indicator.output(o))} after ${i + 1} inputs`);
            }
          }
          if ((v === undefined) === warm) throw new Error(`${c.name}: add returned ${describe(v)} after ${i + 1} inputs`);
        }
      },
    },
    {
      title: `${c.name}: never yields NaN or an infinity once stable`,
      run() {
        const ref = reference();
        ref.forEach((series, o) =>
          series.forEach((v, i) => {
            if (v !== undefined && !Number.isFinite(v)) throw new Error(`${c.name}: output ${o} at bar ${i} is ${describe(v)}`);
          }),
        );
      },
    },
    {
      title: `${c.name}: replace gives exactly what a fresh stream with the revised input gives`,
      run() {
        const ref = reference();
        const d = driver(c, bars);
        d.replace(0);
        if (d.indicator.count !== 1) throw new Error(`${c.name}: replace before any add must act as add (count ${d.indicator.count})`);
        sameOutputs(c, 'replace before any add', 0, d.indicator, ref);
        for (let i = 1; i < n; i++) {
          d.addPerturbed(i, 1.003);
          if (i % 2 === 0) d.replacePerturbed(i, 0.997);
          const v = d.replace(i);
          if (d.indicator.count !== i + 1) throw new Error(`${c.name}: count is ${d.indicator.count} after ${i + 1} adds and some replaces`);
          if (!Object.is(v, ref[0]![i])) throw new Error(`${c.name}: replace returned ${describe(v)} at bar ${i}, fresh stream ${describe(ref[0]![i])}`);
          sameOutputs(c, 'add(provisional) then replace(final)', i, d.indicator, ref);
        }
      },
    },
    {
      title: `${c.name}: batch output equals the streaming values bit for bit (NaN only in the warm-up)`,
      run() {
        const ref = reference();
        const outputs = ref.map(() => new Float64Array(n).fill(12345.678));
        if (c.kind === 'scalar') c.batch(bars.close, outputs);
        else c.batch(bars, outputs);
        outputs.forEach((buf, o) => {
          for (let i = 0; i < n; i++) {
            const want = ref[o]![i];
            const got = buf[i]!;
            if (want === undefined ? !Number.isNaN(got) : !Object.is(want, got)) {
              throw new Error(`${c.name}: batch output ${o} at bar ${i} is ${describe(got)}, streaming gives ${describe(want)}`);
            }
          }
        });
      },
    },
    {
      title: `${c.name}: reset returns to the fresh state and gives the same values again`,
      run() {
        const ref = reference();
        const d = driver(c, bars);
        for (let i = 0; i < Math.min(n, c.expectedLookback + 50); i++) d.add(i);
        d.indicator.reset();
        if (d.indicator.count !== 0 || d.indicator.isStable || d.indicator.value !== undefined) {
          throw new Error(`${c.name}: after reset count=${d.indicator.count}, isStable=${d.indicator.isStable}, value=${describe(d.indicator.value)}`);
        }
        for (let i = 0; i < n; i++) {
          d.add(i);
          sameOutputs(c, 'after reset', i, d.indicator, ref);
        }
      },
    },
  ];
}

