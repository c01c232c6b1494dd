// The data.binance.vision file layout: which files exist for a market, kind, symbol and interval, and the plan of
// monthly and daily files that covers a date range. Pure: builds paths and plans only, never touches the network.
import { InputError } from '../core/errors.js';
import { MS_PER_DAY } from '../core/time.js';

/** Binance markets on data.binance.vision: USD-M futures, COIN-M futures, spot. */
export type VisionMarket = 'um' | 'cm' | 'spot';

export type VisionKind =
  | 'klines'
  | 'aggTrades'
  | 'trades'
  | 'bookTicker'
  | 'bookDepth'
  | 'fundingRate'
  | 'markPriceKlines'
  | 'indexPriceKlines'
  | 'premiumIndexKlines'
  | 'metrics';

export type VisionPeriod = 'daily' | 'monthly';

interface KindSpec {
  readonly markets: readonly VisionMarket[];
  readonly hasInterval: boolean;
  readonly daily: boolean;
  readonly monthly: boolean;
}

const FUTURES: readonly VisionMarket[] = ['um', 'cm'];
const ALL: readonly VisionMarket[] = ['um', 'cm', 'spot'];

/**
 * What data.binance.vision publishes per kind. Source: the binance-public-data README and download scripts
 * (https://github.com/binance/binance-public-data, README "What data is available" and docs/DOWNLOAD_SCRIPTS_GUIDE.md):
 * fundingRate is monthly only ("daily not available"); bookDepth and metrics are daily only; every other kind has both.
 * Futures-only kinds are listed under data/futures/{um,cm} and not under data/spot.
 */
export const VISION_KINDS: Readonly<Record<VisionKind, KindSpec>> = {
  klines: { markets: ALL, hasInterval: true, daily: true, monthly: true },
  aggTrades: { markets: ALL, hasInterval: false, daily: true, monthly: true },
  trades: { markets: ALL, hasInterval: false, daily: true, monthly: true },
  bookTicker: { markets: FUTURES, hasInterval: false, daily: true, monthly: true },
  bookDepth: { markets: FUTURES, hasInterval: false, daily: true, monthly: false },
  fundingRate: { markets: FUTURES, hasInterval: false, daily: false, monthly: true },
  markPriceKlines: { markets: FUTURES, hasInterval: true, daily: true, monthly: true },
  indexPriceKlines: { markets: FUTURES, hasInterval: true, daily: true, monthly: true },
  premiumIndexKlines: { markets: FUTURES, hasInterval: true, daily: true, monthly: true },
  metrics: { markets: FUTURES, hasInterval: false, daily: true, monthly: false },
};

export const VISION_MARKETS: readonly VisionMarket[] = ALL;

/**
 * Kline intervals. Daily files exist for 1s..1d only; 3d, 1w and 1mo are monthly only ("1mo" is used instead of
 * "1M" for case-insensitive file systems). 1s exists for spot only. Source: binance-public-data README
 * "Intervals" and python/enums.py DAILY_INTERVALS.
 */
export const VISION_INTERVALS = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1mo'] as const;
export type VisionInterval = (typeof VISION_INTERVALS)[number];
const MONTHLY_ONLY_INTERVALS: ReadonlySet<VisionInterval> = new Set(['3d', '1w', '1mo']);

/** One file of the archive. `date` is `YYYY-MM-DD` for daily files and `YYYY-MM` for monthly ones. */
export interface VisionFile {
  readonly market: VisionMarket;
  readonly kind: VisionKind;
  readonly symbol: string;
  readonly interval: VisionInterval | undefined;
  readonly period: VisionPeriod;
  readonly date: string;
  /** Path below the base URL, e.g. `data/futures/um/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2025-05-05.zip`. */
  readonly path: string;
  readonly fileName: string;
  /** The UTC span the file covers: [startMs, endMs). */
  readonly startMs: number;
  readonly endMs: number;
}

/** What to download: a symbol's kind (and interval) for the UTC days fromDate..toDate inclusive. */
export interface VisionRequest {
  readonly market: VisionMarket;
  readonly kind: VisionKind;
  readonly symbol: string;
  readonly interval: VisionInterval | undefined;
  /** `YYYY-MM-DD`, inclusive. */
  readonly fromDate: string;
  /** `YYYY-MM-DD`, inclusive. */
  readonly toDate: string;
}

const marketDir = (m: VisionMarket): string => {
  switch (m) {
    case 'um':
      return 'futures/um';
    case 'cm':
      return 'futures/cm';
    case 'spot':
      return 'spot';
  }
};

/**
 * The archive path of one file. Kline-like kinds are named SYMBOL-INTERVAL-DATE.zip under SYMBOL/INTERVAL/ (the
 * kind is only in the directory, e.g. data/futures/um/monthly/markPriceKlines/BTCUSDT/1h/BTCUSDT-1h-2024-01.zip);
 * the others are SYMBOL-KIND-DATE.zip under SYMBOL/. The checksum is the same path plus `.CHECKSUM`.
 */
export function visionPath(
  market: VisionMarket,
  kind: VisionKind,
  symbol: string,
  interval: VisionInterval | undefined,
  period: VisionPeriod,
  date: string,
): { readonly path: string; readonly fileName: string } {
  const fileName = interval === undefined ? `${symbol}-${kind}-${date}.zip` : `${symbol}-${interval}-${date}.zip`;
  const dir = interval === undefined ? `${symbol}` : `${symbol}/${interval}`;
  return { path: `data/${marketDir(market)}/${period}/${kind}/${dir}/${fileName}`, fileName };
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` as a real UTC calendar day; returns its start in ms, or undefined. */
export function parseUtcDate(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms;
}

const dayText = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const monthText = (ms: number): string => new Date(ms).toISOString().slice(0, 7);
const monthStart = (ms: number): number => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const nextMonthStart = (ms: number): number => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};

/** The part of a request that names a series (everything but the dates). */
export type VisionSeries = Pick<VisionRequest, 'market' | 'kind' | 'symbol' | 'interval'>;

function makeFile(req: VisionSeries, period: VisionPeriod, startMs: number): VisionFile {
  const date = period === 'daily' ? dayText(startMs) : monthText(startMs);
  const { path, fileName } = visionPath(req.market, req.kind, req.symbol, req.interval, period, date);
  const endMs = period === 'daily' ? startMs + MS_PER_DAY : nextMonthStart(startMs);
  return { market: req.market, kind: req.kind, symbol: req.symbol, interval: req.interval, period, date, path, fileName, startMs, endMs };
}

/** The daily files of the UTC days [startMs, endMs) (both multiples of a day). */
export function dailyFiles(req: VisionSeries, startMs: number, endMs: number): VisionFile[] {
  const out: VisionFile[] = [];
  for (let t = startMs; t < endMs; t += MS_PER_DAY) out.push(makeFile(req, 'daily', t));
  return out;
}

/** True when the archive has daily files for the series (not for fundingRate, nor 3d/1w/1mo candles). */
export function hasDailyFiles(series: VisionSeries): boolean {
  return VISION_KINDS[series.kind].daily && !(series.interval !== undefined && MONTHLY_ONLY_INTERVALS.has(series.interval));
}

/** Throws an InputError naming the flag when the request is not something data.binance.vision publishes. */
export function validateVisionRequest(req: VisionRequest): { readonly fromMs: number; readonly toMs: number } {
  const spec = VISION_KINDS[req.kind];
  if (!/^[A-Z0-9_]{2,40}$/.test(req.symbol)) {
    throw new InputError('INVALID_OPTION', '--symbol', `"${req.symbol}" is not an exchange symbol`, 'Use the upper-case symbol as the exchange writes it, e.g. BTCUSDT or BTCUSD_PERP');
  }
  if (!spec.markets.includes(req.market)) {
    throw new InputError('INVALID_OPTION', '--kind', `${req.kind} files are not published for market ${req.market}`, `Use --market ${spec.markets.join(' or ')}`);
  }
  if (spec.hasInterval && req.interval === undefined) {
    throw new InputError('MISSING_OPTION', '--interval', `${req.kind} files are per interval`, `Add --interval, one of ${VISION_INTERVALS.join(', ')}`);
  }
  if (!spec.hasInterval && req.interval !== undefined) {
    throw new InputError('CONFLICTING_OPTIONS', '--interval', `${req.kind} files have no interval`, 'Leave out --interval');
  }
  if (req.interval === '1s' && req.market !== 'spot') {
    throw new InputError('INVALID_OPTION', '--interval', '1s klines are published for spot only', 'Use --market spot or an interval of 1m or more');
  }
  const fromMs = parseUtcDate(req.fromDate);
  if (fromMs === undefined) throw new InputError('INVALID_OPTION', '--from', `"${req.fromDate}" is not a calendar date`, 'Write it as YYYY-MM-DD (UTC), e.g. 2025-05-05');
  const toMs = parseUtcDate(req.toDate);
  if (toMs === undefined) throw new InputError('INVALID_OPTION', '--to', `"${req.toDate}" is not a calendar date`, 'Write it as YYYY-MM-DD (UTC), e.g. 2025-05-07');
  if (toMs < fromMs) throw new InputError('OUT_OF_RANGE', '--to', `${req.toDate} is before --from ${req.fromDate}`, 'Give --to on or after --from (both days are included)');
  return { fromMs, toMs };
}

/**
 * The files that cover the UTC days fromDate..toDate (inclusive): a monthly file for each whole calendar month in
 * the range and daily files for the days left over, in time order. Kinds or intervals that have no daily files
 * (fundingRate, 3d/1w/1mo klines) get the monthly file of every month the range touches; kinds without monthly
 * files (bookDepth, metrics) get daily files only. Throws InputError for a request the archive cannot serve.
 */
export function planVisionFiles(req: VisionRequest): VisionFile[] {
  const { fromMs, toMs } = validateVisionRequest(req);
  const endMs = toMs + MS_PER_DAY;
  const spec = VISION_KINDS[req.kind];
  const hasDaily = hasDailyFiles(req);
  const out: VisionFile[] = [];
  if (!hasDaily) {
    for (let m = monthStart(fromMs); m < endMs; m = nextMonthStart(m)) out.push(makeFile(req, 'monthly', m));
    return out;
  }
  if (!spec.monthly) return dailyFiles(req, fromMs, endMs);
  let t = fromMs;
  while (t < endMs) {
    const mStart = monthStart(t);
    const mEnd = nextMonthStart(t);
    if (t === mStart && mEnd <= endMs) {
      out.push(makeFile(req, 'monthly', mStart));
      t = mEnd;
    } else {
      const stop = Math.min(mEnd, endMs);
      out.push(...dailyFiles(req, t, stop));
      t = stop;
    }
  }
  return out;
}

/**
 * Parses a `.CHECKSUM` file: `<64 hex sha256>  <file name>` (sha256sum's format; the name may be absent).
 * Returns the lower-case hex digest, or undefined when the text is not in that format or names another file.
 */
export function parseChecksumFile(text: string, expectedFileName: string): string | undefined {
  const m = /^([0-9a-fA-F]{64})(?:\s+\*?(\S+))?\s*$/.exec(text.trim());
  if (!m) return undefined;
  const name = m[2];
  if (name !== undefined && name !== expectedFileName) return undefined;
  return (m[1] ?? '').toLowerCase();
}
