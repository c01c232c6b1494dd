// Merges a month of new rows with the month already cached, on each series' key: identical rows are kept once and a
// row with the same key but other values is refused. Must never change a cached value silently.
import { closeSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { allocate, type CacheSeries, type ColumnArray, openPartition, type PartitionHeader, readColumns, typeOf } from './cache-format.js';
import { rescalePriceUnits } from './price-units.js';

/** The columns that identify a row when merging (equal key = same record); rows are ascending by this key. */
export const KEY_COLUMNS: Record<CacheSeries, readonly string[]> = {
  bars: ['openTimeMs'],
  trades: ['id'],
  funding: ['timeMs'],
  bookTicker: ['updateId'],
  markPrice: ['timeMs'],
  bookDepth: ['timeMs', 'percentage'],
};
/** The decimal scale of a trades partition's `priceUnits`; version 1 trades (float prices) must be re-imported. */
export function priceScaleOf(path: string, header: PartitionHeader): number {
  const scale = header.meta.priceScale;
  if (header.version < 2 || typeof scale !== 'number') {
    throw new InputError(
      'INVALID_FILE',
      path,
      `trades cached by an older microfut (cache format ${header.version}, float prices) cannot be read by this version`,
      'delete this series folder and run `microfut data import` on its files again',
    );
  }
  return scale;
}

export function mergeWithCached(
  path: string,
  series: CacheSeries,
  incomingCols: Record<string, ColumnArray>,
  incomingLength: number,
  incomingScale: number | undefined,
): { cols: Record<string, ColumnArray>; length: number; alreadyCached: number; priceScale: number | undefined } {
  const { fd, header } = openPartition(path);
  let cached: Record<string, ColumnArray>;
  let incoming = incomingCols;
  let priceScale: number | undefined;
  try {
    if (series === 'trades') priceScale = priceScaleOf(path, header);
    cached = readColumns(path, fd, header, header.columns.map((c) => c.name));
  } finally {
    closeSync(fd);
  }
  if (priceScale !== undefined && incomingScale !== undefined && priceScale !== incomingScale) {
    // Compare and store both at the finer step; rescaling is an exact integer product.
    const to = Math.max(priceScale, incomingScale);
    cached = { ...cached, priceUnits: rescalePriceUnits(cached.priceUnits as Int32Array | Float64Array, priceScale, to) };
    incoming = { ...incoming, priceUnits: rescalePriceUnits(incoming.priceUnits as Int32Array | Float64Array, incomingScale, to) };
    priceScale = to;
  }
  const names = Object.keys(incoming).sort();
  const cachedNames = Object.keys(cached).sort();
  if (names.join() !== cachedNames.join()) {
    throw new InputError(
      'CONFLICTING_OPTIONS',
      path,
      `the cached partition has columns ${cachedNames.join(', ')} but the new data has ${names.join(', ')}`,
      'import a file of the same layout, or pass --replace to overwrite the cached month',
    );
  }
  const keyNames = KEY_COLUMNS[series];
  if (!keyNames.every((k) => k in incoming)) {
    throw new InputError('CONFLICTING_OPTIONS', path, 'this month is already cached and the rows carry no id to merge on', 'pass --replace to overwrite it');
  }
  const keyName = keyNames.join(' and ');
  const a = cached[keyNames[0] as string] as Float64Array;
  const b = incoming[keyNames[0] as string] as Float64Array;
  const a2 = keyNames.length > 1 ? (cached[keyNames[1] as string] as Float64Array) : undefined;
  const b2 = keyNames.length > 1 ? (incoming[keyNames[1] as string] as Float64Array) : undefined;
  // Compares the keys of cached row i and incoming row j: < 0, 0 or > 0.
  const order = (i: number, j: number): number => {
    const d = (a[i] as number) - (b[j] as number);
    return d !== 0 || a2 === undefined || b2 === undefined ? d : (a2[i] as number) - (b2[j] as number);
  };
  const out: Record<string, ColumnArray> = {};
  // A column whose two sides differ in type (Int32 vs Float64 price units) is merged as Float64.
  for (const n of names) {
    const t = typeOf(cached[n] as ColumnArray);
    out[n] = allocate(t === typeOf(incoming[n] as ColumnArray) ? t : 'f64', header.length + incomingLength);
  }
  let i = 0;
  let j = 0;
  let k = 0;
  let same = 0;
  const copy = (src: Record<string, ColumnArray>, row: number): void => {
    for (const n of names) (out[n] as ColumnArray)[k] = (src[n] as ColumnArray)[row] as number;
    k++;
  };
  while (i < header.length || j < incomingLength) {
    if (j >= incomingLength || (i < header.length && order(i, j) < 0)) copy(cached, i++);
    else if (i >= header.length || order(i, j) > 0) copy(incoming, j++);
    else {
      for (const n of names) {
        if (!Object.is((cached[n] as ColumnArray)[i], (incoming[n] as ColumnArray)[j])) {
          throw new InputError(
            'INVALID_DATA',
            path,
            `${keyName} ${b[j]}${b2 === undefined ? '' : ` ${b2[j]}`} is cached with ${n} = ${(cached[n] as ColumnArray)[i]} but the new data has ${(incoming[n] as ColumnArray)[j]}`,
            'check which source is right; pass --replace to overwrite the cached month',
          );
        }
      }
      copy(cached, i++);
      j++;
      same++;
    }
  }
  const trimmed: Record<string, ColumnArray> = {};
  for (const n of names) trimmed[n] = (out[n] as ColumnArray).slice(0, k);
  return { cols: trimmed, length: k, alreadyCached: same, priceScale };
}

