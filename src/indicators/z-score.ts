// Rolling z-score: how many standard deviations the latest input is from the mean of the last N inputs, streaming
// and batch. Must never allocate per update, and never divide by a zero deviation.
import { requireBatchBuffers, requireInteger, type ScalarIndicator } from './indicator.js';
import { RollingStdDev, rollingStdDevBatch } from './rolling-std-dev.js';

/**
 * z = (x - mean) / sd over the last N inputs including x, with the population deviation of `RollingStdDev`
 * (TA-Lib STDDEV arithmetic); lookback N - 1. A flat window (sd 0) gives z = 0: the input sits at the mean.
 * Not a TA-Lib function; it is the definition TradingView users write as (src - ta.sma(src, N)) / ta.stdev(src, N).
 */
export class ZScore implements ScalarIndicator {
  readonly outputNames = ['zScore'] as const;
  readonly lookback: number;
  private readonly sd: RollingStdDev;
  private current = 0;
  private savedCurrent = 0;

  constructor(period: number) {
    this.sd = new RollingStdDev(requireInteger('z-score period', period, 2));
    this.lookback = this.sd.lookback;
  }

  get count(): number {
    return this.sd.count;
  }
  get isStable(): boolean {
    return this.sd.isStable;
  }
  get value(): number | undefined {
    return this.sd.isStable ? this.current : undefined;
  }
  /** The primary output as a plain number, for allocation-free hot loops; meaningful only while isStable (0 before). */
  get stableValue(): number {
    return this.current;
  }
  output(index: number): number | undefined {
    return index === 0 ? this.value : undefined;
  }

  add(x: number): number | undefined {
    this.savedCurrent = this.current;
    this.sd.add(x);
    return this.update(x);
  }

  replace(x: number): number | undefined {
    if (this.sd.count === 0) return this.add(x);
    this.current = this.savedCurrent;
    this.sd.replace(x);
    return this.update(x);
  }

  /**
   * z of `x` once the window is full. Reads the deviation and mean as plain numbers (stableValue, stableMean):
   * passing the `number | undefined` results along, as this did before, boxed two doubles per update whenever V8
   * kept one of these small calls out of line.
   */
  private update(x: number): number | undefined {
    const sd = this.sd;
    if (!sd.isStable) return undefined;
    const dev = sd.stableValue;
    this.current = dev === 0 ? 0 : (x - sd.stableMean) / dev;
    return this.current;
  }

  reset(): void {
    this.sd.reset();
    this.current = 0;
  }
}

/**
 * Batch z-score into `out` (NaN for the first N - 1 indices); same arithmetic as `ZScore`. `scratch` (at least
 * as long as the input) holds the window means; it is allocated once per call when not given.
 */
export function zScoreBatch(input: Float64Array, period: number, out: Float64Array, scratch?: Float64Array): void {
  requireInteger('z-score period', period, 2);
  const n = input.length;
  requireBatchBuffers('z-score', n, [out]);
  const means = scratch ?? new Float64Array(n);
  requireBatchBuffers('z-score scratch', n, [means]);
  rollingStdDevBatch(input, period, out, means);
  for (let i = period - 1; i < n; i++) {
    const sd = out[i]!;
    out[i] = sd === 0 ? 0 : (input[i]! - means[i]!) / sd;
  }
}
