// Rolling VWAP over the last N bars (streaming and batch): no anchor, the window slides one bar at a time.
// Pure; must never allocate per update, and batch must equal streaming bit for bit.
import { barColumnsLength, requireBatchBuffers, requireInteger, type BarColumns, type BarIndicator, type BarInput } from './indicator.js';
import { sourcePrice, type PriceSource } from './vwap.js';

/**
 * Rolling VWAP(N) = sum(price x volume) / sum(volume) over the last N bars, price from `source` (default hlc3).
 * Lookback N - 1. The running sums are rebuilt from the window every N bars (when the ring wraps), so float drift
 * from subtracting old bars never outlives one window. Undefined while the window has no volume at all.
 */
export class RollingVwap implements BarIndicator {
  readonly outputNames = ['vwap'] as const;
  readonly lookback: number;
  private readonly period: number;
  private readonly source: PriceSource;
  private readonly pv: Float64Array;
  private readonly vol: Float64Array;
  private head = 0;
  private sumPv = 0;
  private sumV = 0;
  private n = 0;
  private savedHead = 0;
  private savedSumPv = 0;
  private savedSumV = 0;
  private savedPv = 0;
  private savedVol = 0;

  constructor(period: number, source: PriceSource = 'hlc3') {
    this.period = requireInteger('rolling VWAP period', period, 1);
    this.lookback = period - 1;
    this.source = source;
    this.pv = new Float64Array(period);
    this.vol = new Float64Array(period);
  }

  get count(): number {
    return this.n;
  }
  get isStable(): boolean {
    return this.n > this.lookback && this.sumV > 0;
  }
  get value(): number | undefined {
    return this.isStable ? this.sumPv / this.sumV : undefined;
  }
  /** The VWAP as a plain number for allocation-free hot loops; meaningful only while isStable (0 before). */
  get stableValue(): number {
    return this.isStable ? this.sumPv / this.sumV : 0;
  }
  output(index: number): number | undefined {
    return index === 0 ? this.value : undefined;
  }

  add(bar: BarInput): number | undefined {
    const h = this.head;
    this.savedHead = h;
    this.savedSumPv = this.sumPv;
    this.savedSumV = this.sumV;
    this.savedPv = this.pv[h]!;
    this.savedVol = this.vol[h]!;
    this.n++;
    const p = sourcePrice(this.source, bar.open, bar.high, bar.low, bar.close);
    const next = step(this.pv, this.vol, h, p * bar.volume, bar.volume, this.sumPv, this.sumV);
    this.sumPv = next.sumPv;
    this.sumV = next.sumV;
    this.head = h + 1 === this.period ? 0 : h + 1;
    return this.value;
  }

  replace(bar: BarInput): number | undefined {
    if (this.n === 0) return this.add(bar);
    this.head = this.savedHead;
    this.sumPv = this.savedSumPv;
    this.sumV = this.savedSumV;
    this.pv[this.head] = this.savedPv;
    this.vol[this.head] = this.savedVol;
    this.n--;
    return this.add(bar);
  }

  reset(): void {
    this.pv.fill(0);
    this.vol.fill(0);
    this.head = 0;
    this.sumPv = 0;
    this.sumV = 0;
    this.n = 0;
  }
}

/** Scratch result of one window step; a module constant, so stepping allocates nothing. */
const stepResult = { sumPv: 0, sumV: 0 };

/**
 * Replaces slot `h` of the window with (pv, v) and returns the new sums. When `h` is the last slot the sums are
 * rebuilt from the window in slot order, bounding float drift; the streaming and batch forms share this.
 */
function step(pvs: Float64Array, vols: Float64Array, h: number, pv: number, v: number, sumPv: number, sumV: number): typeof stepResult {
  sumPv = sumPv - pvs[h]! + pv;
  sumV = sumV - vols[h]! + v;
  pvs[h] = pv;
  vols[h] = v;
  if (h === pvs.length - 1) {
    sumPv = 0;
    sumV = 0;
    for (let i = 0; i < pvs.length; i++) {
      sumPv += pvs[i]!;
      sumV += vols[i]!;
    }
  }
  stepResult.sumPv = sumPv;
  stepResult.sumV = sumV;
  return stepResult;
}

/** Batch rolling VWAP(N) into `out` (NaN where the streaming form is undefined); the same arithmetic as `RollingVwap`. */
export function rollingVwapBatch(bars: BarColumns, period: number, source: PriceSource, out: Float64Array): void {
  requireInteger('rolling VWAP period', period, 1);
  const n = barColumnsLength('rolling VWAP', bars);
  requireBatchBuffers('rolling VWAP', n, [out]);
  const pvs = new Float64Array(period);
  const vols = new Float64Array(period);
  let sumPv = 0;
  let sumV = 0;
  let h = 0;
  for (let i = 0; i < n; i++) {
    const p = sourcePrice(source, bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!);
    const v = bars.volume[i]!;
    const next = step(pvs, vols, h, p * v, v, sumPv, sumV);
    sumPv = next.sumPv;
    sumV = next.sumV;
    h = h + 1 === period ? 0 : h + 1;
    out[i] = i >= period - 1 && sumV > 0 ? sumPv / sumV : NaN;
  }
}
