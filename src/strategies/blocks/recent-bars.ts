// The last N bars a pattern looks back on (open, high, low, close, volume), kept in preallocated rings because the
// engine's BarView is rewritten every bar. Must never allocate after construction.
import type { BarView } from '../../engine/strategy.js';

export class RecentBars {
  readonly capacity: number;
  private readonly o: Float64Array;
  private readonly h: Float64Array;
  private readonly l: Float64Array;
  private readonly c: Float64Array;
  private readonly v: Float64Array;
  private next = 0;
  /** Bars pushed so far (all of them, not only those still kept). */
  count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.o = new Float64Array(capacity);
    this.h = new Float64Array(capacity);
    this.l = new Float64Array(capacity);
    this.c = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
  }

  push(bar: BarView): void {
    const i = this.next;
    this.o[i] = bar.open;
    this.h[i] = bar.high;
    this.l[i] = bar.low;
    this.c[i] = bar.close;
    this.v[i] = bar.volume;
    this.next = i + 1 === this.capacity ? 0 : i + 1;
    this.count++;
  }

  /** True when `n` bars can be read back (ago 0 .. n - 1). */
  has(n: number): boolean {
    return n <= this.capacity && n <= this.count;
  }

  private slot(ago: number): number {
    if (ago < 0 || ago >= this.capacity || ago >= this.count) throw new RangeError(`bar ${ago} ago is not kept (capacity ${this.capacity}, pushed ${this.count})`);
    const s = this.next - 1 - ago;
    return s < 0 ? s + this.capacity : s;
  }

  open(ago: number): number {
    return this.o[this.slot(ago)]!;
  }
  high(ago: number): number {
    return this.h[this.slot(ago)]!;
  }
  low(ago: number): number {
    return this.l[this.slot(ago)]!;
  }
  close(ago: number): number {
    return this.c[this.slot(ago)]!;
  }
  volume(ago: number): number {
    return this.v[this.slot(ago)]!;
  }

  /** Highest high of bars `from` .. `to` ago (inclusive, from <= to). */
  highest(from: number, to: number): number {
    let x = -Infinity;
    for (let a = from; a <= to; a++) x = Math.max(x, this.high(a));
    return x;
  }

  /** Lowest low of bars `from` .. `to` ago (inclusive). */
  lowest(from: number, to: number): number {
    let x = Infinity;
    for (let a = from; a <= to; a++) x = Math.min(x, this.low(a));
    return x;
  }

  /** Mean volume of bars `from` .. `to` ago (inclusive). */
  meanVolume(from: number, to: number): number {
    let s = 0;
    for (let a = from; a <= to; a++) s += this.volume(a);
    return s / (to - from + 1);
  }
}
