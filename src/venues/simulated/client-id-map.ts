// A map keyed by client order id for the simulated venue's live orders, with Map's semantics for get, has, set,
// delete and values. Ended ids are forgotten in batches: deleting from a Map one key at a time shrinks and regrows
// its table on almost every order. Must never hold anything but the venue's own bookkeeping.

/** A slot of the map; `ended` stands for a deleted key until the next sweep. */
interface Entry<V> {
  value: V;
  ended: boolean;
}

/** Ended entries kept before one sweep removes them. */
const SWEEP_AFTER = 64;

export class ClientIdMap<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private ended = 0;

  get(id: string): V | undefined {
    const e = this.entries.get(id);
    return e === undefined || e.ended ? undefined : e.value;
  }

  has(id: string): boolean {
    const e = this.entries.get(id);
    return e !== undefined && !e.ended;
  }

  /** Sets `id`; a new or revived id goes last in iteration order, as with Map. */
  set(id: string, value: V): void {
    const e = this.entries.get(id);
    if (e === undefined) {
      this.entries.set(id, { value, ended: false });
    } else if (!e.ended) {
      e.value = value;
    } else {
      this.entries.delete(id);
      this.ended--;
      this.entries.set(id, { value, ended: false });
    }
  }

  /** Forgets `id` (as Map.delete); returns false when it was not there. */
  delete(id: string): boolean {
    const e = this.entries.get(id);
    if (e === undefined || e.ended) return false;
    e.ended = true;
    if (++this.ended >= SWEEP_AFTER) this.sweep();
    return true;
  }

  /** The live values in insertion order (allocates: for snapshots and cancel-all, not the per-order path). */
  values(): V[] {
    const out: V[] = [];
    for (const e of this.entries.values()) if (!e.ended) out.push(e.value);
    return out;
  }

  private sweep(): void {
    for (const [id, e] of this.entries) if (e.ended) this.entries.delete(id);
    this.ended = 0;
  }
}
