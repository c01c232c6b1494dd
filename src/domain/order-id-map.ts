// A map keyed by client order id for the few working orders of an engine or a venue, with Map's semantics for get,
// has, set, delete and values (insertion order). Small maps are two arrays scanned in order: a backtest adds and
// removes a few orders per trade, and a Map rehashes (allocates a new table) on that churn. Plain data structure;
// must never know what its values mean.

/** Entries kept in the arrays; past this the map moves to a Map for good (grid strategies with many orders). */
const SMALL = 16;

export class OrderIdMap<V> {
  private readonly keys: string[] = [];
  private readonly vals: V[] = [];
  private big: Map<string, V> | undefined = undefined;

  get(id: string): V | undefined {
    if (this.big !== undefined) return this.big.get(id);
    const i = this.keys.indexOf(id);
    return i < 0 ? undefined : this.vals[i];
  }

  has(id: string): boolean {
    return this.big !== undefined ? this.big.has(id) : this.keys.includes(id);
  }

  set(id: string, value: V): void {
    if (this.big !== undefined) {
      this.big.set(id, value);
      return;
    }
    const i = this.keys.indexOf(id);
    if (i >= 0) {
      this.vals[i] = value;
      return;
    }
    if (this.keys.length === SMALL) {
      this.big = new Map();
      for (let k = 0; k < SMALL; k++) this.big.set(this.keys[k]!, this.vals[k]!);
      this.big.set(id, value);
      this.keys.length = 0;
      this.vals.length = 0;
      return;
    }
    this.keys.push(id);
    this.vals.push(value);
  }

  /** Forgets `id`, keeping the others in insertion order; false when it was not there. */
  delete(id: string): boolean {
    if (this.big !== undefined) return this.big.delete(id);
    const keys = this.keys;
    const vals = this.vals;
    const i = keys.indexOf(id);
    if (i < 0) return false;
    // Shifted by hand: splice would allocate the array of removed elements.
    for (let k = i + 1; k < keys.length; k++) {
      keys[k - 1] = keys[k]!;
      vals[k - 1] = vals[k]!;
    }
    keys.pop();
    vals.pop();
    return true;
  }

  /** Number of entries. */
  get size(): number {
    return this.big !== undefined ? this.big.size : this.keys.length;
  }

  /** The values in insertion order (a copy: for snapshots and cancel-all, not the per-order path). */
  values(): V[] {
    return this.big !== undefined ? [...this.big.values()] : this.vals.slice();
  }
}
