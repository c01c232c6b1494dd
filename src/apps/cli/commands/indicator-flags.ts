// The parameter flags of `microfut indicator`: their names and the parsers that turn each into an indicator
// option. Every parser throws an InputError naming the flag, the problem and the fix; none reads files or
// imports an indicator module.
import { InputError } from '../../../core/errors.js';
import { gridFromStep } from '../../../core/grid.js';
import type { PivotMethod } from '../../../indicators/pivots.js';
import type { ProfileScope } from '../../../indicators/volume-profile.js';
import type { PeriodAnchor, PriceSource } from '../../../indicators/vwap.js';

export interface IndicatorFlags {
  readonly data?: string;
  readonly out?: string;
  readonly period?: string;
  readonly fast?: string;
  readonly slow?: string;
  readonly signal?: string;
  readonly k?: string;
  readonly kSmoothing?: string;
  readonly d?: string;
  readonly stdDev?: string;
  readonly variant?: string;
  readonly anchor?: string;
  readonly bands?: string;
  readonly source?: string;
  readonly method?: string;
  readonly tick?: string;
  readonly bucketTicks?: string;
  readonly scope?: string;
  readonly valueArea?: string;
}

/** The per-indicator flags (everything but --data and --out). */
export type ParamFlag = Exclude<keyof IndicatorFlags, 'data' | 'out'>;

export const FLAG_NAMES: Readonly<Record<ParamFlag, string>> = {
  period: '--period',
  fast: '--fast',
  slow: '--slow',
  signal: '--signal',
  k: '--k',
  kSmoothing: '--k-smoothing',
  d: '--d',
  stdDev: '--std-dev',
  variant: '--variant',
  anchor: '--anchor',
  bands: '--bands',
  source: '--source',
  method: '--method',
  tick: '--tick',
  bucketTicks: '--bucket-ticks',
  scope: '--scope',
  valueArea: '--value-area',
};

/** A whole number of bars (or ticks) from 1 (or `min`) to 100000, or `fallback` when the flag is absent. */
export function bars(f: IndicatorFlags, flag: ParamFlag, fallback: number, min = 1): number {
  const raw = f[flag];
  const name = FLAG_NAMES[flag];
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new InputError('INVALID_NUMBER', name, `"${raw}" is not a whole number`, `pass ${name} a whole number such as ${fallback}`);
  const v = Number(raw);
  if (v < min || v > 100_000) throw new InputError('OUT_OF_RANGE', name, `${raw} is outside ${min}..100000`, `pass ${name} a whole number from ${min} to 100000`);
  return v;
}

export function positive(f: IndicatorFlags, flag: ParamFlag, fallback: number): number {
  const raw = f[flag];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v <= 0) throw new InputError('INVALID_NUMBER', FLAG_NAMES[flag], `"${raw}" is not a positive number`, `pass ${FLAG_NAMES[flag]} a number such as 2 or 2.5`);
  return v;
}

export function percent(flag: string, raw: string): number {
  const v = Number(raw);
  if (raw.trim() === '' || !(v > 0 && v <= 100)) throw new InputError('OUT_OF_RANGE', flag, `"${raw}" is not a percentage above 0 and at most 100`, `pass ${flag} a percentage such as 70`);
  return v;
}

export function variant(raw: string | undefined): 'talib' | 'tradingview' {
  if (raw === undefined || raw === 'talib' || raw === 'tradingview') return raw ?? 'talib';
  throw new InputError('INVALID_OPTION', '--variant', `"${raw}" is not a variant`, 'pass --variant talib or --variant tradingview');
}

/** `utc-day`, `week`, `session:HH` (a whole UTC hour) or `custom:<ISO time with Z or an offset, or a date>`. */
export function anchor(raw: string | undefined): PeriodAnchor {
  const fix = 'pass --anchor utc-day, week, session:13 (UTC hour) or custom:2025-06-01T13:30:00Z';
  if (raw === undefined || raw === 'utc-day') return { kind: 'utc-day' };
  if (raw === 'week') return { kind: 'week' };
  if (raw.startsWith('session:')) {
    const hour = raw.slice('session:'.length);
    if (!/^\d{1,2}$/.test(hour) || Number(hour) > 23) throw new InputError('INVALID_OPTION', '--anchor', `"${hour}" is not a UTC hour 0-23`, fix);
    return { kind: 'session', startHourUtc: Number(hour) };
  }
  if (raw.startsWith('custom:')) {
    const text = raw.slice('custom:'.length);
    // A time without a zone would be read in the machine's zone; insist on UTC or an explicit offset.
    const zoned = /^\d{4}-\d{2}-\d{2}$/.test(text) || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text);
    const startMs = Date.parse(text);
    if (!zoned || !Number.isSafeInteger(startMs)) throw new InputError('INVALID_OPTION', '--anchor', `"${text}" is not an ISO time with a zone (Z or +hh:mm) or a date`, fix);
    return { kind: 'custom', startMs };
  }
  throw new InputError('INVALID_OPTION', '--anchor', `"${raw}" is not an anchor`, fix);
}

export function bandList(raw: string | undefined): number[] {
  if (raw === undefined) return [1, 2, 3];
  if (raw === 'none') return [];
  const parts = raw.split(',');
  return parts.map((p) => {
    const v = Number(p);
    if (p.trim() === '' || !Number.isFinite(v) || v <= 0) throw new InputError('INVALID_NUMBER', '--bands', `"${p}" in "${raw}" is not a positive number`, 'pass --bands a comma-separated list such as 1,2,3, or none');
    return v;
  });
}

const SOURCES: readonly PriceSource[] = ['hlc3', 'close', 'hl2', 'ohlc4'];
export function source(raw: string | undefined): PriceSource {
  if (raw === undefined) return 'hlc3';
  const s = SOURCES.find((x) => x === raw);
  if (s === undefined) throw new InputError('INVALID_OPTION', '--source', `"${raw}" is not a price source`, `pass --source ${SOURCES.join(', ')}`);
  return s;
}

const METHODS: readonly PivotMethod[] = ['classic', 'traditional', 'fibonacci', 'camarilla', 'woodie'];
export function pivotMethod(raw: string | undefined): PivotMethod {
  if (raw === undefined) return 'classic';
  const m = METHODS.find((x) => x === raw);
  if (m === undefined) throw new InputError('INVALID_OPTION', '--method', `"${raw}" is not a pivot method`, `pass --method ${METHODS.join(', ')}`);
  return m;
}

export function pivotPeriod(raw: string | undefined): PeriodAnchor {
  if (raw === undefined || raw === 'day') return { kind: 'utc-day' };
  if (raw === 'week') return { kind: 'week' };
  throw new InputError('INVALID_OPTION', '--period', `"${raw}" is not a pivot period`, 'pass --period day (levels from the previous UTC day) or week (from the previous week)');
}

export function tickSize(raw: string | undefined): string {
  if (raw === undefined) throw new InputError('MISSING_OPTION', '--tick', 'is required for volume-profile', 'pass the instrument tick size, e.g. --tick 0.1 for BINANCE:BTCUSDT');
  if (gridFromStep(raw) === undefined) throw new InputError('INVALID_NUMBER', '--tick', `"${raw}" is not a positive decimal`, 'pass the instrument tick size, e.g. --tick 0.1');
  return raw;
}

export function profileScope(raw: string | undefined, anchorRaw: string | undefined): ProfileScope {
  if (raw === undefined || raw === 'session') return { kind: 'session', anchor: anchor(anchorRaw) };
  const m = /^window:(\d+)$/.exec(raw);
  if (m === null || Number(m[1]) < 1 || Number(m[1]) > 100_000) {
    throw new InputError('INVALID_OPTION', '--scope', `"${raw}" is not a profile scope`, 'pass --scope session or window:N with N from 1 to 100000 bars');
  }
  if (anchorRaw !== undefined) throw new InputError('CONFLICTING_OPTIONS', '--anchor', 'applies only to --scope session', 'leave out --anchor with --scope window:N');
  return { kind: 'window', bars: Number(m[1]) };
}
