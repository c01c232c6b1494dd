// The highest (or lowest) of the last N values in amortised O(1) per value, with a one-step undo so indicators
// can revise the open bar. A monotonic deque in preallocated rings; must never allocate after construction, and
// never takes or returns a double through a call (see pushAt).

/**
 * Sliding-window maximum or minimum over the last `period` pushed values (a monotonic deque: each value enters
 * and leaves the deque once, so a push costs amortised O(1); the classic "ascending minima" technique, e.g.
 * https://www.geeksforgeeks.org/sliding-window-maximum-maximum-of-all-subarrays-of-size-k/). The extreme is one of
 * the pushed values, unchanged, so it equals a scan of the window to the last bit.
 *
 * `undo()` restores the state before the last `push` in O(1): a push only moves the two deque ends and writes one
 * slot, so saving the ends and that slot is enough. One level of undo, as `replace` needs.
 */
export class SlidingExtreme {
  private readonly period: number;
  /** +1 for the maximum, -1 for the minimum: the minimum is kept as the maximum of the negated values. */
  private readonly sign: number;
  /** Deque entries as rings of capacity `period`: the push number of each entry and its value. */
  private readonly at: Float64Array;
  private readonly values: Float64Array;
  private head = 0;
  private size = 0;
  private pushes = 0;
  private savedHead = 0;
  private savedSize = 0;
  private savedSlot = 0;
  private savedAt = 0;
  private savedValue = 0;
  private current = 0;
  private savedCurrent = 0;

  /** `period` >= 1 values in the window; `kind` 'max' for the highest, 'min' for the lowest. */
  constructor(period: number, kind: 'max' | 'min') {
    this.period = period;
    this.sign = kind === 'max' ? 1 : -1;
    this.at = new Float64Array(period);
    this.values = new Float64Array(period);
  }

  /** The extreme of the last `period` values pushed (of all of them while fewer were pushed); 0 before any push. */
  get value(): number {
    return this.current;
  }

  /**
   * Adds `source[index]` as the newest value; the value pushed `period` pushes ago leaves the window. The value
   * comes by slot, not as an argument: when V8 does not inline this call into a caller's loop, a double argument
   * would be boxed into a new HeapNumber on every bar, while a typed array and an index pass as they are.
   */
  pushAt(source: Float64Array, index: number): void {
    const x = source[index]!;
    const cap = this.period;
    let head = this.head;
    let size = this.size;
    this.savedHead = head;
    this.savedSize = size;
    this.savedCurrent = this.current;
    const t = ++this.pushes;
    if (size > 0 && this.at[head]! <= t - cap) {
      head = head + 1 === cap ? 0 : head + 1;
      size--;
    }
    // Drop the entries that can never be the extreme again: older and no better than x. `tail` walks back from
    // the newest entry; the ring wraps with a compare, not a modulo, in this per-bar loop. One loop serves both
    // kinds (values are stored times `sign`), which keeps push small enough for V8 to inline into callers.
    const values = this.values;
    const v = this.sign * x;
    let tail = head + size - 1;
    if (tail >= cap) tail -= cap;
    while (size > 0 && values[tail]! <= v) {
      size--;
      tail = tail === 0 ? cap - 1 : tail - 1;
    }
    const slot = tail + 1 === cap ? 0 : tail + 1;
    this.savedSlot = slot;
    this.savedAt = this.at[slot]!;
    this.savedValue = values[slot]!;
    this.at[slot] = t;
    values[slot] = v;
    this.head = head;
    this.size = size + 1;
    // Negation is exact, so the minimum comes back as the very value that was pushed.
    this.current = this.sign * values[head]!;
  }

  /** Undoes the last push exactly (call at most once after each push). */
  undo(): void {
    this.head = this.savedHead;
    this.size = this.savedSize;
    this.at[this.savedSlot] = this.savedAt;
    this.values[this.savedSlot] = this.savedValue;
    this.current = this.savedCurrent;
    this.pushes--;
  }

  reset(): void {
    this.head = 0;
    this.size = 0;
    this.pushes = 0;
    this.current = 0;
  }
}
