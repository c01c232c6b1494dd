// VWAP from individual trades, anchored like the bar VWAP (UTC day by default): the exact traded VWAP that bar
// VWAPs approximate. Pure; takes plain numbers (time, price, qty), never venue types; no allocation per trade.
import { InputError } from '../core/errors.js';
import type { StreamingIndicator } from './indicator.js';
import { periodAt, validateAnchor, type PeriodAnchor } from './vwap.js';

/** One trade: exchange time in epoch ms, price in the quote currency, quantity in the base asset (or lots). */
export interface TradeInput {
  readonly timeMs: number;
  readonly price: number;
  readonly qty: number;
}

/**
 * Trade VWAP = sum(price x qty) / sum(qty) over the trades of the current anchor period; outputs
 * ['vwap', 'stdev', 'volume'] where stdev is the quantity-weighted standard deviation of trade prices about the
 * VWAP (population form, as for the bar VWAP bands) and volume the period's traded quantity. Lookback 0.
 * Trades must come in time order; `replace` revises the last trade (e.g. a corrected print).
 */
export class TradeVwap implements StreamingIndicator<TradeInput> {
  readonly outputNames = ['vwap', 'stdev', 'volume'] as const;
  readonly lookback = 0;
  private readonly anchor: PeriodAnchor;
  private n = 0;
  private startMs = Infinity;
  private endMs = -Infinity;
  private ref = 0;
  private sumQ = 0;
  private sumDq = 0;
  private sumD2q = 0;
  private readonly saved = new Float64Array(6);

  constructor(anchor: PeriodAnchor = { kind: 'utc-day' }) {
    this.anchor = validateAnchor('trade VWAP', anchor);
  }

  get count(): number {
    return this.n;
  }
  get isStable(): boolean {
    return this.sumQ > 0;
  }
  get value(): number | undefined {
    return this.sumQ > 0 ? this.ref + this.sumDq / this.sumQ : undefined;
  }
  /** The VWAP as a plain number for allocation-free hot loops; meaningful only while isStable (0 before). */
  get stableValue(): number {
    return this.sumQ > 0 ? this.ref + this.sumDq / this.sumQ : 0;
  }
  /** Start of the current anchor period in epoch ms; undefined before the first trade in a period. */
  get periodStartMs(): number | undefined {
    return Number.isFinite(this.startMs) ? this.startMs : undefined;
  }

  output(index: number): number | undefined {
    if (!(this.sumQ > 0)) return undefined;
    switch (index) {
      case 0:
        return this.ref + this.sumDq / this.sumQ;
      case 1: {
        const mean = this.sumDq / this.sumQ;
        const variance = this.sumD2q / this.sumQ - mean * mean;
        return variance > 0 ? Math.sqrt(variance) : 0;
      }
      case 2:
        return this.sumQ;
      default:
        return undefined;
    }
  }

  add(trade: TradeInput): number | undefined {
    if (!(trade.qty >= 0) || !Number.isFinite(trade.price)) {
      throw new InputError('INVALID_DATA', 'trade VWAP trade', `price ${trade.price} and qty ${trade.qty} are not a finite price and a quantity >= 0`, 'drop or fix the malformed trade before feeding it');
    }
    const s = this.saved;
    s[0] = this.startMs;
    s[1] = this.endMs;
    s[2] = this.ref;
    s[3] = this.sumQ;
    s[4] = this.sumDq;
    s[5] = this.sumD2q;
    this.n++;
    const t = trade.timeMs;
    if (t >= this.endMs || t < this.startMs) {
      const period = periodAt(this.anchor, t);
      if (period === undefined) {
        this.startMs = Infinity;
        this.endMs = -Infinity;
        this.sumQ = 0;
        return undefined;
      }
      this.startMs = period.startMs;
      this.endMs = period.endMs;
      // Prices are summed as offsets from the period's first trade, so the variance keeps its digits.
      this.ref = trade.price;
      this.sumQ = 0;
      this.sumDq = 0;
      this.sumD2q = 0;
    }
    const d = trade.price - this.ref;
    this.sumQ += trade.qty;
    this.sumDq += d * trade.qty;
    this.sumD2q += d * d * trade.qty;
    return this.value;
  }

  replace(trade: TradeInput): number | undefined {
    if (this.n === 0) return this.add(trade);
    const s = this.saved;
    this.startMs = s[0]!;
    this.endMs = s[1]!;
    this.ref = s[2]!;
    this.sumQ = s[3]!;
    this.sumDq = s[4]!;
    this.sumD2q = s[5]!;
    this.n--;
    return this.add(trade);
  }

  reset(): void {
    this.n = 0;
    this.startMs = Infinity;
    this.endMs = -Infinity;
    this.ref = 0;
    this.sumQ = 0;
    this.sumDq = 0;
    this.sumD2q = 0;
  }
}
