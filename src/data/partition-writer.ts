// Builds one month's cache partition from parts of rows without holding the month in memory: each column is appended
// to a spill file in the import's staging generation and the partition is assembled from the spills once the month is
// complete. Must never hold more than one part, except to merge with a month already cached (that month is read whole).
import { closeSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { InvariantError } from '../core/errors.js';
import { allocate, bytesPerValue, type ColumnArray, type ColumnType, stageStreamedPartition, typeOf } from './cache-format.js';
import type { SeriesTransaction } from './cache-generation.js';
import { type CacheSeries, planMonth, type WriteResult, writePlan } from './cache.js';
import { compactPrices } from './price-units.js';

const COPY_BLOCK_BYTES = 1 << 20;
const INT32_MAX = 2 ** 31 - 1;
const MAX_PRICE_SCALE = 15;

interface Spill {
  readonly path: string;
  readonly fd: number;
  readonly type: ColumnType;
  bytes: number;
}

/**
 * Appends parts of one UTC month and writes its partition on `finish`. Trades: each part's `priceUnits` (at that
 * part's own scale) are spilled as the exact doubles they stand for, and the month is stored at the largest scale
 * of its parts, which writes every price of the month exactly (a price exact at scale s is exact at any larger one).
 */
export class PartitionWriter {
  private readonly spills = new Map<string, Spill>();
  private length = 0;
  private priceScale = -1;
  private closed = false;

  constructor(
    readonly month: string,
    private readonly tx: SeriesTransaction,
    private readonly series: CacheSeries,
  ) {}

  /** Appends rows [from, to) of `cols` (every part must carry the same columns); `priceScale` for trades. */
  append(cols: Readonly<Record<string, ColumnArray>>, from: number, to: number, priceScale: number | undefined): void {
    for (const [name, column] of Object.entries(cols)) {
      let rows = column.subarray(from, to);
      let spillName = name;
      if (name === 'priceUnits' && priceScale !== undefined) {
        const divisor = 10 ** priceScale;
        const prices = new Float64Array(rows.length);
        for (let i = 0; i < rows.length; i++) prices[i] = (rows[i] as number) / divisor;
        rows = prices;
        spillName = 'price';
      }
      const spill = this.spillFor(spillName, typeOf(rows));
      writeSync(spill.fd, Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength));
      spill.bytes += rows.byteLength;
    }
    if (priceScale !== undefined) this.priceScale = Math.max(this.priceScale, priceScale);
    this.length += to - from;
  }

  /**
   * Writes the month into the staging generation: assembled straight from the spills, or merged with the cached
   * month (see planMonth) when one exists and `replace` is not set. Removes the spills.
   */
  finish(meta: Readonly<Record<string, unknown>>, replace: boolean): WriteResult {
    try {
      const cachedPath = this.tx.committedPath(this.month);
      if (cachedPath !== undefined && !replace) {
        const { cols, priceScale } = this.readSpills();
        return writePlan(this.tx, this.series, planMonth(cachedPath, this.series, this.month, cols, this.length, priceScale), meta);
      }
      return this.assemble(meta);
    } finally {
      this.closeSpills();
      this.removeSpills();
    }
  }

  /** Drops the spills (the staging generation is removed by the transaction's abort anyway). */
  discard(): void {
    this.closeSpills();
    this.removeSpills();
  }

  private spillFor(name: string, type: ColumnType): Spill {
    let s = this.spills.get(name);
    if (s === undefined) {
      const path = `${this.tx.stagePath(this.month)}.spill-${name}`;
      s = { path, fd: openSync(path, 'w+'), type, bytes: 0 };
      this.spills.set(name, s);
    } else if (s.type !== type) {
      throw new InvariantError(`column ${name} to keep its type ${s.type} in every part`, type);
    }
    return s;
  }

  private closeSpills(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.spills.values()) closeSync(s.fd);
  }

  private removeSpills(): void {
    for (const s of this.spills.values()) rmSync(s.path, { force: true });
  }

  /** The month's columns in memory (for a merge), prices compacted as TradeBuilder does. */
  private readSpills(): { cols: Record<string, ColumnArray>; priceScale: number | undefined } {
    const cols: Record<string, ColumnArray> = {};
    let priceScale: number | undefined;
    for (const [name, s] of this.spills) {
      const a = allocate(s.type, s.bytes / bytesPerValue(s.type));
      readInto(s, Buffer.from(a.buffer, a.byteOffset, a.byteLength), 0);
      if (name === 'price') {
        const { units, scale } = compactPrices(a as Float64Array);
        cols.priceUnits = units;
        priceScale = scale;
      } else cols[name] = a;
    }
    return { cols, priceScale };
  }

  /** Writes the partition column by column from the spills, converting trade prices to the month's units. */
  private assemble(meta: Readonly<Record<string, unknown>>): WriteResult {
    const prices = this.spills.get('price');
    const units = prices === undefined ? undefined : this.priceLayout(prices);
    const specs = [...this.spills].map(([name, s]) =>
      name === 'price' && units !== undefined
        ? { name: 'priceUnits', type: units.type, byteLength: this.length * bytesPerValue(units.type) }
        : { name, type: s.type, byteLength: s.bytes },
    );
    const path = this.tx.stagePath(this.month);
    const extra = units === undefined ? {} : { priceScale: units.scale };
    const fullMeta = { ...meta, month: this.month, ...extra };
    const tmp = stageStreamedPartition(path, this.series, this.length, specs, fullMeta, (fd, entry) => {
      const s = this.spills.get(entry.name === 'priceUnits' && units !== undefined ? 'price' : entry.name) as Spill;
      if (entry.name === 'priceUnits' && units !== undefined) copyPrices(s, fd, entry.offset, units);
      else copySpill(s, fd, entry.offset);
    });
    renameSync(tmp, path);
    return { month: this.month, path, rows: this.length, alreadyCached: 0 };
  }

  /**
   * The month's price units: the largest part scale, Int32 when every unit fits, else Float64; prices no scale up to
   * 15 writes exactly keep their doubles at scale 0 (compactPrices' rule). One pass over the spill, checking each price.
   */
  private priceLayout(s: Spill): { scale: number; type: ColumnType; raw: boolean } {
    const scale = Math.max(0, this.priceScale);
    const divisor = 10 ** scale;
    let maxUnits = 0;
    let exact = scale <= MAX_PRICE_SCALE;
    forEachPrice(s, (p) => {
      const u = Math.round(p * divisor);
      if (u / divisor !== p) exact = false;
      const a = Math.abs(u);
      if (a > maxUnits) maxUnits = a;
    });
    if (!exact || maxUnits >= 2 ** 53) return { scale: 0, type: 'f64', raw: true };
    return { scale, type: maxUnits <= INT32_MAX ? 'i32' : 'f64', raw: false };
  }
}

function readInto(s: Spill, target: Buffer, position: number): void {
  let done = 0;
  while (done < target.length) {
    const n = readSync(s.fd, target, done, target.length - done, position + done);
    if (n === 0) throw new InvariantError(`spill ${s.path} to hold the ${s.bytes} bytes written`, `${position + done}`);
    done += n;
  }
}

function copySpill(s: Spill, fd: number, offset: number): void {
  const block = Buffer.allocUnsafe(Math.min(COPY_BLOCK_BYTES, Math.max(8, s.bytes)));
  for (let at = 0; at < s.bytes; at += block.length) {
    const n = Math.min(block.length, s.bytes - at);
    readInto(s, block.subarray(0, n), at);
    writeSync(fd, block, 0, n, offset + at);
  }
}

function forEachPrice(s: Spill, visit: (p: number) => void): void {
  const block = new Float64Array(COPY_BLOCK_BYTES / 8);
  const bytes = Buffer.from(block.buffer);
  for (let at = 0; at < s.bytes; at += bytes.length) {
    const n = Math.min(bytes.length, s.bytes - at);
    readInto(s, bytes.subarray(0, n), at);
    for (let i = 0; i < n / 8; i++) visit(block[i] as number);
  }
}

function copyPrices(s: Spill, fd: number, offset: number, layout: { scale: number; type: ColumnType; raw: boolean }): void {
  const block = new Float64Array(COPY_BLOCK_BYTES / 8);
  const bytes = Buffer.from(block.buffer);
  const out = allocate(layout.type, block.length);
  const divisor = 10 ** layout.scale;
  const width = bytesPerValue(layout.type);
  let row = 0;
  for (let at = 0; at < s.bytes; at += bytes.length) {
    const n = Math.min(bytes.length, s.bytes - at);
    readInto(s, bytes.subarray(0, n), at);
    const rows = n / 8;
    for (let i = 0; i < rows; i++) out[i] = layout.raw ? (block[i] as number) : Math.round((block[i] as number) * divisor);
    writeSync(fd, Buffer.from(out.buffer, 0, rows * width), 0, rows * width, offset + row * width);
    row += rows;
  }
}
