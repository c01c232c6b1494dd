// The highest and the lowest of the last N values together, kept incrementally and rescanned only when the value
// leaving the window was the extreme; with a one-step undo for revising the open bar. Fastest for short windows
// (see SLIDING_RESCAN_MAX_PERIOD). Must never allocate after construction, nor take or return a double by call.

/**
 * The longest window for which `SlidingHighLow` beats the monotonic deque (`SlidingExtreme`). Measured on 5 M real
 * BTCUSDT 1m bars (slow stochastic %K N/3/3, streaming, M bars per CPU second, deque / rescan): N 5 23.5 / 39.8,
 * 14 24.3 / 35.8, 32 25.5 / 33.5, 100 25.6 / 33.3, 160 26.6 / 30.7, 250 27.1 / 28.6, 500 27.4 / 26.5. The rescan
 * also has a worst case of N compares per side and bar (every bar's high lower than the last, for N bars), where
 * the deque is O(1) amortised, so the cut is where the gain falls under about 15 %.
 */
export const SLIDING_RESCAN_MAX_PERIOD = 128;

/**
 * The maximum of the highs and the minimum of the lows of the last `period` bars. A push compares the new value
 * with the current extreme and rescans the window only when the value leaving it was the extreme and the new one
 * does not replace it: about 2/N of the bars on real prices, against two deque pushes with a data-dependent
 * number of pops (a mispredicted branch per bar) for `SlidingExtreme`. The extremes are pushed values, unchanged,
 * so they equal a scan of the window to the last bit (equal values are the same bits, +0 and -0 aside).
 *
 * Empty slots hold -Infinity (highs) and +Infinity (lows), so before `period` pushes the extremes are those of
 * everything pushed; before any push they are -Infinity and +Infinity.
 */
export class SlidingHighLow {
  /** The highest high and the lowest low of the window. */
  highest = -Infinity;
  lowest = Infinity;
  private readonly highs: Float64Array;
  private readonly lows: Float64Array;
  /** The slot the next push writes: the oldest value's. */
  private head = 0;
  private savedHead = 0;
  private savedHighest = -Infinity;
  private savedLowest = Infinity;
  private savedHigh = -Infinity;
  private savedLow = Infinity;

  /** `period` >= 1 bars in the window (validated by the caller). */
  constructor(period: number) {
    this.highs = new Float64Array(period).fill(-Infinity);
    this.lows = new Float64Array(period).fill(Infinity);
  }

  /**
   * Adds the bar whose high is `highSource[highIndex]` and low `lowSource[lowIndex]`; the bar pushed `period`
   * pushes ago leaves the window. The prices come by slot, not as arguments: a double passed to a call V8 does not
   * inline is boxed into a new HeapNumber, a typed array and an index are not.
   */
  pushAt(highSource: Float64Array, highIndex: number, lowSource: Float64Array, lowIndex: number): void {
    const highs = this.highs;
    const lows = this.lows;
    const head = this.head;
    const high = highSource[highIndex]!;
    const low = lowSource[lowIndex]!;
    const outHigh = highs[head]!;
    const outLow = lows[head]!;
    const highest = this.highest;
    const lowest = this.lowest;
    this.savedHead = head;
    this.savedHigh = outHigh;
    this.savedLow = outLow;
    this.savedHighest = highest;
    this.savedLowest = lowest;
    highs[head] = high;
    lows[head] = low;
    this.head = head + 1 === highs.length ? 0 : head + 1;
    // A new value at least as extreme as the window's is the new extreme whatever leaves; otherwise the extreme
    // stays unless it is the value leaving, and only then is the window rescanned.
    if (high >= highest) this.highest = high;
    else if (outHigh === highest) this.rescanHighs();
    if (low <= lowest) this.lowest = low;
    else if (outLow === lowest) this.rescanLows();
  }

  /** Undoes the last push exactly (call at most once after each push). */
  undo(): void {
    const head = this.savedHead;
    this.head = head;
    this.highs[head] = this.savedHigh;
    this.lows[head] = this.savedLow;
    this.highest = this.savedHighest;
    this.lowest = this.savedLowest;
  }

  reset(): void {
    this.highs.fill(-Infinity);
    this.lows.fill(Infinity);
    this.head = 0;
    this.highest = -Infinity;
    this.lowest = Infinity;
  }

  /** Rare (about 1 bar in N), so it stays out of line and leaves `pushAt` small enough to be inlined. */
  private rescanHighs(): void {
    const highs = this.highs;
    let highest = highs[0]!;
    for (let i = 1; i < highs.length; i++) {
      const h = highs[i]!;
      if (h > highest) highest = h;
    }
    this.highest = highest;
  }

  private rescanLows(): void {
    const lows = this.lows;
    let lowest = lows[0]!;
    for (let i = 1; i < lows.length; i++) {
      const l = lows[i]!;
      if (l < lowest) lowest = l;
    }
    this.lowest = lowest;
  }
}
