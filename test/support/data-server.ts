// A local stand-in for data.binance.vision, for tests only: serves the real files in ../shared/data in the archive's
// directory layout (one UTC day or month per zip, plus .CHECKSUM), on 127.0.0.1 only, with switchable faults.
// It must never invent values: every CSV row it serves is a row of a shared-data file, byte for byte.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { crc32, deflateRawSync, gunzipSync } from 'node:zlib';
import { visionPath, type VisionInterval, type VisionKind, type VisionMarket, type VisionPeriod } from '../../src/data/binance-vision.js';
import { SHARED_DATA } from './shared-data.js';

/**
 * A fault the server injects into responses whose path contains `match` (".CHECKSUM" paths included for status-500
 * and drop), for the next `times` matching requests (default: all of them):
 * - `wrong-checksum`: the .CHECKSUM names a digest that is not the zip's;
 * - `truncate`: announces the full Content-Length, sends half of the body, then drops the connection;
 * - `status-500`: answers HTTP 500;
 * - `drop`: closes the connection without answering;
 * - `stall`: sends the headers and half of the body, then goes silent with the connection open.
 */
export interface FaultRule {
  readonly kind: 'wrong-checksum' | 'truncate' | 'status-500' | 'drop' | 'stall';
  readonly match: string;
  times?: number;
}

export interface DataServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (pass it as --base-url). */
  readonly url: string;
  /** Every request path, in arrival order. */
  readonly requests: string[];
  /** Faults in force; tests push and clear rules between steps. */
  readonly faults: FaultRule[];
  /** The zip the server serves for an archive path (for golden comparisons), or undefined when it has none. */
  zipFor(path: string): Buffer | undefined;
  close(): Promise<void>;
}

interface Source {
  readonly market: VisionMarket;
  readonly kind: VisionKind;
  readonly symbol: string;
  readonly interval: VisionInterval | undefined;
  readonly file: string;
}

interface LoadedSource {
  readonly header: string | undefined;
  /** Row lines exactly as stored, and the first field of each (the open time or funding time, ms). */
  readonly lines: readonly string[];
  readonly timesMs: Float64Array;
}

const INTERVAL_MS: Readonly<Record<string, number>> = { '1m': 60_000, '5m': 300_000, '1h': 3_600_000, '8h': 28_800_000 };
const MARKET_DIRS: Readonly<Record<string, VisionMarket>> = { 'futures-um': 'um', spot: 'spot' };
const KIND_DIRS: readonly VisionKind[] = ['klines', 'markPriceKlines', 'fundingRate'];
const NAME_RE: Readonly<Record<string, RegExp>> = {
  klines: /^([A-Z0-9]+)-(\d+[mhd])-\d{4}-\d{2}(?:-\d{2}_\d{4}-\d{2}-\d{2})?\.csv(?:\.gz)?$/,
  markPriceKlines: /^([A-Z0-9]+)-markPrice-(\d+[mhd])-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv(?:\.gz)?$/,
  fundingRate: /^([A-Z0-9]+)-fundingRate-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv(?:\.gz)?$/,
};

function scanSources(root: string): Source[] {
  const out: Source[] = [];
  for (const [dir, market] of Object.entries(MARKET_DIRS)) {
    for (const kind of KIND_DIRS) {
      let names: string[];
      try {
        names = readdirSync(join(root, 'binance', dir, kind));
      } catch {
        continue;
      }
      for (const name of names) {
        const m = NAME_RE[kind]?.exec(name);
        if (!m) continue;
        const interval = kind === 'fundingRate' ? undefined : (m[2] as VisionInterval);
        out.push({ market, kind, symbol: m[1] ?? '', interval, file: join(root, 'binance', dir, kind, name) });
      }
    }
  }
  return out;
}

function loadSource(file: string): LoadedSource {
  const raw = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const all = text.split('\n').filter((l) => l.length > 0);
  const hasHeader = all.length > 0 && !/^\d/.test(all[0] ?? '');
  const lines = hasHeader ? all.slice(1) : all;
  const timesMs = new Float64Array(lines.length);
  lines.forEach((l, i) => (timesMs[i] = Number(l.slice(0, l.indexOf(',')))));
  return { header: hasHeader ? all[0] : undefined, lines, timesMs };
}

const PATH_RE = /^\/data\/(futures\/um|futures\/cm|spot)\/(daily|monthly)\/([A-Za-z]+)\/([A-Z0-9_]+)\/(?:([0-9a-z]+)\/)?([^/]+\.zip)(\.CHECKSUM)?$/;

/** The [start, end) span in ms of a daily (`YYYY-MM-DD`) or monthly (`YYYY-MM`) file name date. */
function spanOf(period: VisionPeriod, date: string): { readonly startMs: number; readonly endMs: number } | undefined {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(date);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  if (period === 'daily') {
    if (m[3] === undefined) return undefined;
    const startMs = Date.UTC(y, mo, Number(m[3]));
    return { startMs, endMs: startMs + 86_400_000 };
  }
  if (m[3] !== undefined) return undefined;
  return { startMs: Date.UTC(y, mo, 1), endMs: Date.UTC(y, mo + 1, 1) };
}

/**
 * A minimal single-entry zip (PKWARE APPNOTE 6.3.x, sections 4.3.7 local file header, 4.3.12 central directory
 * header, 4.3.16 end of central directory record): one deflated entry, sizes and CRC-32 in the local header
 * (no data descriptor), no extra fields, DOS timestamp = the file's first UTC day at 00:00.
 */
export function writeZip(entryName: string, content: Buffer, dayMs: number): Buffer {
  const data = deflateRawSync(content);
  const name = Buffer.from(entryName, 'utf8');
  const d = new Date(dayMs);
  const dosDate = ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
  local.writeUInt16LE(0, 6); // flags
  local.writeUInt16LE(8, 8); // method: deflate
  local.writeUInt16LE(0, 10); // time
  local.writeUInt16LE(dosDate, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(name.length, 26);
  local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4); // version made by
  central.writeUInt16LE(20, 6); // version needed
  central.writeUInt16LE(0, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt16LE(0, 12);
  central.writeUInt16LE(dosDate, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(name.length, 28);
  // extra length, comment length, disk number, internal and external attributes: all 0 (bytes 30..41)
  central.writeUInt32LE(0, 42); // offset of the local header
  const centralOffset = local.length + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8); // entries on this disk
  end.writeUInt16LE(1, 10); // entries in total
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

/**
 * Starts the server on 127.0.0.1 and a free port. Serves klines (any interval present), markPriceKlines and
 * fundingRate of Binance USD-M (`futures/um`) and spot from `root` (default ../shared/data): a daily or monthly file
 * exists only when a shared file covers that whole UTC day or month. Rows are written exactly as stored in the shared
 * file, with the shared file's header line for futures (data.binance.vision futures CSVs carry a header; spot CSVs
 * do not). The shared 6-column kline files therefore come out as 6-column CSVs: the server never invents the
 * columns they lack.
 */
export async function startDataServer(root: string = SHARED_DATA): Promise<DataServer> {
  const sources = scanSources(root);
  const loaded = new Map<string, LoadedSource>();
  const zips = new Map<string, Buffer | null>();
  const requests: string[] = [];
  const faults: FaultRule[] = [];

  const load = (s: Source): LoadedSource => {
    let l = loaded.get(s.file);
    if (!l) {
      l = loadSource(s.file);
      loaded.set(s.file, l);
    }
    return l;
  };

  const buildZip = (path: string): Buffer | undefined => {
    const m = PATH_RE.exec(path.startsWith('/') ? path : `/${path}`);
    if (!m || m[7] !== undefined) return undefined;
    const market: VisionMarket = m[1] === 'spot' ? 'spot' : m[1] === 'futures/um' ? 'um' : 'cm';
    const period = m[2] as VisionPeriod;
    const kind = m[3] as VisionKind;
    const symbol = m[4] ?? '';
    const interval = m[5] as VisionInterval | undefined;
    const fileName = m[6] ?? '';
    const stem = fileName.slice(0, -'.zip'.length);
    const date = stem.slice(period === 'daily' ? -10 : -7);
    const span = spanOf(period, date);
    if (!span || visionPath(market, kind, symbol, interval, period, date).fileName !== fileName) return undefined;
    const stepMs = interval === undefined ? 0 : INTERVAL_MS[interval];
    if (stepMs === undefined) return undefined;
    for (const s of sources) {
      if (s.market !== market || s.kind !== kind || s.symbol !== symbol || s.interval !== interval) continue;
      const src = load(s);
      const n = src.timesMs.length;
      const first = src.timesMs[0] ?? Infinity;
      const last = src.timesMs[n - 1] ?? -Infinity;
      // Candles: the source must hold the span's first and last candle. Funding: a settlement before and after it.
      const covered = stepMs > 0 ? first <= span.startMs && last >= span.endMs - stepMs : first < span.startMs && last >= span.endMs;
      if (!covered) continue;
      const rows: string[] = [];
      for (let i = 0; i < n; i++) {
        const t = src.timesMs[i] ?? 0;
        if (t >= span.startMs && t < span.endMs) rows.push(src.lines[i] ?? '');
      }
      const header = market !== 'spot' && src.header !== undefined ? [src.header] : [];
      const csv = Buffer.from(`${[...header, ...rows].join('\n')}\n`, 'utf8');
      return writeZip(fileName.replace(/\.zip$/, '.csv'), csv, span.startMs);
    }
    return undefined;
  };

  const zipFor = (path: string): Buffer | undefined => {
    const key = path.startsWith('/') ? path : `/${path}`;
    if (!zips.has(key)) zips.set(key, buildZip(key) ?? null);
    return zips.get(key) ?? undefined;
  };

  /** The first rule in force for this request; body faults apply to zips only, wrong-checksum to .CHECKSUM only. */
  const takeFault = (path: string): FaultRule['kind'] | undefined => {
    const isChecksum = path.endsWith('.CHECKSUM');
    for (const f of faults) {
      if (!path.includes(f.match)) continue;
      if ((f.kind === 'wrong-checksum') !== isChecksum && f.kind !== 'status-500' && f.kind !== 'drop') continue;
      if (f.times !== undefined) {
        if (f.times <= 0) continue;
        f.times -= 1;
      }
      return f.kind;
    }
    return undefined;
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    requests.push(path);
    const fault = takeFault(path);
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault === 'status-500') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error (injected)');
      return;
    }
    const isChecksum = path.endsWith('.CHECKSUM');
    const zip = zipFor(isChecksum ? path.slice(0, -'.CHECKSUM'.length) : path);
    if (req.method !== 'GET' || !zip) {
      res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    if (isChecksum) {
      const name = path.slice(path.lastIndexOf('/') + 1, -'.CHECKSUM'.length);
      let hex = createHash('sha256').update(zip).digest('hex');
      if (fault === 'wrong-checksum') hex = createHash('sha256').update('not the file').digest('hex');
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${hex}  ${name}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(zip.length) });
    if (fault === 'truncate') {
      res.write(zip.subarray(0, zip.length >> 1), () => req.socket.destroy());
      return;
    }
    if (fault === 'stall') {
      res.write(zip.subarray(0, zip.length >> 1));
      return;
    }
    res.end(zip);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    faults,
    zipFor,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
