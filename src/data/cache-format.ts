// The on-disk format of one cache partition ("MFCOL1"): an 8-byte magic, a little-endian u32 header length, a
// JSON header, then each column's raw little-endian bytes at an 8-byte-aligned offset. Written to a temp file
// and renamed, so a reader never sees half a partition. Must never be read without checking magic and size.
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { InputError } from '../core/errors.js';

const MAGIC = Buffer.from('MFCOL1\n\0', 'latin1');
const PREFIX_BYTES = 12;
/**
 * Version 2 stores trades compactly (`priceUnits` i32 + `priceScale` in meta, `signedQty`); other series are laid
 * out as in version 1, so version 1 bars, funding, quotes and mark prices are still read. Version 1 trades are
 * refused by cache.ts with a re-import message.
 */
export const CACHE_FORMAT_VERSION = 2;
const READABLE_VERSIONS: readonly number[] = [1, 2];

export type ColumnType = 'f64' | 'i32' | 'u8' | 'u32';

/** Which series a partition holds (cache.ts maps each to its time, key and default columns). */
export type CacheSeries = 'bars' | 'trades' | 'funding' | 'bookTicker' | 'markPrice' | 'bookDepth';

export interface ColumnEntry {
  readonly name: string;
  readonly type: ColumnType;
  /** Byte offset from the start of the file (a multiple of 8). */
  readonly offset: number;
  readonly byteLength: number;
}

/** What a partition holds; `meta` is free-form provenance (source file, gaps, kind, interval). */
export interface PartitionHeader {
  readonly version: number;
  readonly series: string;
  readonly length: number;
  readonly fileBytes: number;
  readonly columns: readonly ColumnEntry[];
  readonly meta: Readonly<Record<string, unknown>>;
}

export type ColumnArray = Float64Array | Int32Array | Uint8Array | Uint32Array;

export function typeOf(a: ColumnArray): ColumnType {
  return a instanceof Float64Array ? 'f64' : a instanceof Int32Array ? 'i32' : a instanceof Uint32Array ? 'u32' : 'u8';
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/**
 * Writes `columns` (all of `length` rows) to `path` atomically: temp file in the same directory, fsync, rename.
 * On any failure the temp file is removed and nothing is left at `path` that was not there before.
 */
export function writePartition(
  path: string,
  series: string,
  length: number,
  columns: Readonly<Record<string, ColumnArray>>,
  meta: Readonly<Record<string, unknown>>,
): void {
  const tmp = stagePartition(path, series, length, columns, meta);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Writes a partition to a fsynced temp file beside `path` and returns the temp path; the caller renames it onto
 * `path` (commit) or removes it.
 */
export function stagePartition(
  path: string,
  series: string,
  length: number,
  columns: Readonly<Record<string, ColumnArray>>,
  meta: Readonly<Record<string, unknown>>,
): string {
  const specs = Object.entries(columns).map(([name, a]) => ({ name, type: typeOf(a), byteLength: a.byteLength }));
  return stageStreamedPartition(path, series, length, specs, meta, (fd, e) => {
    const a = columns[e.name] as ColumnArray;
    writeSync(fd, Buffer.from(a.buffer, a.byteOffset, a.byteLength), 0, a.byteLength, e.offset);
  });
}

/** A column about to be written: its name, type and size in bytes (rows x element size). */
export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly byteLength: number;
}

/**
 * Writes a partition whose column bytes come from `writeColumn` (called once per column with the open temp file
 * and the column's entry; it must write exactly `byteLength` bytes at `offset`), so a column can be copied from a
 * spill file without being held in memory. Temp file beside `path`, fsynced; returns the temp path.
 */
export function stageStreamedPartition(
  path: string,
  series: string,
  length: number,
  specs: readonly ColumnSpec[],
  meta: Readonly<Record<string, unknown>>,
  writeColumn: (fd: number, entry: ColumnEntry) => void,
): string {
  // The header's own length fixes the first offset, which is written inside it: iterate until it is stable.
  let headerBytes = 0;
  let header: PartitionHeader | undefined;
  let json = Buffer.alloc(0);
  for (let attempt = 0; attempt < 4; attempt++) {
    let offset = align8(PREFIX_BYTES + headerBytes);
    const entries: ColumnEntry[] = specs.map((s) => {
      const e = { name: s.name, type: s.type, offset, byteLength: s.byteLength };
      offset = align8(offset + s.byteLength);
      return e;
    });
    header = { version: CACHE_FORMAT_VERSION, series, length, fileBytes: offset, columns: entries, meta };
    json = Buffer.from(JSON.stringify(header), 'utf8');
    if (json.length <= headerBytes) break;
    headerBytes = json.length + 64;
  }
  if (!header) throw new Error('unreachable: header not built');
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(tmp, 'wx');
  try {
    const prefix = Buffer.alloc(PREFIX_BYTES);
    MAGIC.copy(prefix, 0);
    prefix.writeUInt32LE(headerBytes, 8);
    writeSync(fd, prefix, 0, PREFIX_BYTES, 0);
    writeSync(fd, json, 0, json.length, PREFIX_BYTES);
    for (const e of header.columns) writeColumn(fd, e);
    // Extend to the declared size (the last column's padding) so a reader can check it.
    ftruncateSync(fd, header.fileBytes);
    fsyncSync(fd);
    closeSync(fd);
    return tmp;
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Bytes per value of a column type. */
export function bytesPerValue(type: ColumnType): number {
  switch (type) {
    case 'f64':
      return 8;
    case 'i32':
    case 'u32':
      return 4;
    case 'u8':
      return 1;
  }
}

/** Reads and checks a partition's header. */
export function readHeader(path: string, fd: number): PartitionHeader {
  const prefix = Buffer.alloc(PREFIX_BYTES);
  const got = readSync(fd, prefix, 0, PREFIX_BYTES, 0);
  if (got !== PREFIX_BYTES || !prefix.subarray(0, 8).equals(MAGIC)) throw corrupt(path, 'not a microfut cache partition (bad magic)');
  const headerBytes = prefix.readUInt32LE(8);
  const json = Buffer.alloc(headerBytes);
  readSync(fd, json, 0, headerBytes, PREFIX_BYTES);
  let header: PartitionHeader;
  try {
    header = JSON.parse(json.toString('utf8').replace(/\0+$/, '').trimEnd()) as PartitionHeader;
  } catch {
    throw corrupt(path, 'the header is not valid JSON');
  }
  if (!READABLE_VERSIONS.includes(header.version)) throw corrupt(path, `format version ${header.version}, this microfut reads ${READABLE_VERSIONS.join(' and ')}`);
  const size = fstatSync(fd).size;
  if (size < header.fileBytes) throw corrupt(path, `the file has ${size} bytes, its header says ${header.fileBytes}`);
  return header;
}

/**
 * Reads the named columns of a partition into `targets` at row `atRow` (so several months land in one array
 * without a second copy), or into new arrays when no target is given. Returns the arrays read.
 */
export function readColumns(
  path: string,
  fd: number,
  header: PartitionHeader,
  names: readonly string[],
  targets?: Readonly<Record<string, ColumnArray>>,
  atRow = 0,
): Record<string, ColumnArray> {
  const out: Record<string, ColumnArray> = {};
  for (const name of names) {
    const e = header.columns.find((c) => c.name === name);
    if (!e) throw corrupt(path, `column ${name} is missing`);
    const target = targets?.[name] ?? allocate(e.type, header.length);
    const bytesPerRow = target.BYTES_PER_ELEMENT;
    const view = Buffer.from(target.buffer, target.byteOffset + atRow * bytesPerRow, e.byteLength);
    const got = readSync(fd, view, 0, e.byteLength, e.offset);
    if (got !== e.byteLength) throw corrupt(path, `column ${name} is short`);
    out[name] = target;
  }
  return out;
}

export function allocate(type: ColumnType, length: number): ColumnArray {
  switch (type) {
    case 'f64':
      return new Float64Array(length);
    case 'i32':
      return new Int32Array(length);
    case 'u32':
      return new Uint32Array(length);
    case 'u8':
      return new Uint8Array(length);
  }
}

/** Opens a partition for reading; the caller closes the descriptor. */
export function openPartition(path: string): { fd: number; header: PartitionHeader } {
  const fd = openSync(path, 'r');
  try {
    return { fd, header: readHeader(path, fd) };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

function corrupt(path: string, problem: string): InputError {
  return new InputError('INVALID_FILE', path, `corrupt cache partition: ${problem}`, 'delete it and run `microfut data import` again');
}
