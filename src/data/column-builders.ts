// Growable typed-array columns (Float64, Uint8) that the per-series builders are made of, and byte accounting.
// Must never allocate one object per row.

/** A growable Float64 column: amortised O(1) push, trimmed copy on finish. */
export class F64Builder {
  private data: Float64Array;
  length = 0;
  constructor(initialCapacity = 1024) {
    this.data = new Float64Array(Math.max(16, initialCapacity));
  }
  push(x: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = x;
  }
  /** The value at row i (i < length). */
  at(i: number): number {
    return this.data[i] as number;
  }
  private grow(): void {
    const next = new Float64Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
  /** Empties the column and keeps its capacity, so a streaming parser reuses one buffer per part. */
  clear(): void {
    this.length = 0;
  }
  /** Keeps only the last `k` rows, moved to the front (a streaming parser's overlap between parts). */
  keepLast(k: number): void {
    const n = Math.min(k, this.length);
    this.data.copyWithin(0, this.length - n, this.length);
    this.length = n;
  }
  /** The filled rows without a copy (valid until the next push). */
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
  /** A right-sized copy, so the builder's slack capacity is not kept alive. */
  finish(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** A growable Uint8 column. */
export class U8Builder {
  private data: Uint8Array;
  length = 0;
  constructor(initialCapacity = 1024) {
    this.data = new Uint8Array(Math.max(16, initialCapacity));
  }
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Uint8Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
  /** The filled rows without a copy (valid until the next push). */
  view(): Uint8Array {
    return this.data.subarray(0, this.length);
  }
  /** Keeps only the last `k` rows, moved to the front. */
  keepLast(k: number): void {
    const n = Math.min(k, this.length);
    this.data.copyWithin(0, this.length - n, this.length);
    this.length = n;
  }
  finish(): Uint8Array {
    return this.data.slice(0, this.length);
  }
}

/** Bytes held by the typed arrays of a column set (for memory accounting in benchmarks and tests). */
export function columnBytes(columns: object): number {
  let bytes = 0;
  for (const v of Object.values(columns)) if (ArrayBuffer.isView(v)) bytes += v.byteLength;
  return bytes;
}

/**
 * Keeps only the last `k` rows of every growable column of a series builder (its own fields and one level of nested
 * objects, e.g. BarBuilder.extras): the overlap a streaming parser carries from one part into the next.
 */
export function keepLastRows(builder: object, k: number): void {
  for (const v of Object.values(builder)) {
    if (v instanceof F64Builder || v instanceof U8Builder) v.keepLast(k);
    else if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
      for (const w of Object.values(v as object)) if (w instanceof F64Builder || w instanceof U8Builder) w.keepLast(k);
    }
  }
}
