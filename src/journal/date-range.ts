// Parses the dates a trader types for --from and --to (a UTC day or a UTC instant) into epoch ms bounds. Must never
// guess a time zone: a value without one is read as UTC, and anything else is refused with the form to use.
import { InputError } from '../core/errors.js';
import { MS_PER_DAY } from '../core/time.js';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z)?)?$/;

/**
 * A date flag as epoch ms UTC. A bare day (2024-01-07) is that day's first millisecond for a start bound and its
 * last millisecond for an end bound, so `--from 2024-01-01 --to 2024-01-07` is the whole seven days. A time
 * (2024-01-07T15:30, seconds and milliseconds optional, optional trailing Z) is that instant, read as UTC.
 */
export function parseDateBound(flag: string, raw: string, bound: 'start' | 'end'): number {
  const m = DATE_RE.exec(raw.trim());
  const fix = 'Pass a UTC date as YYYY-MM-DD or a UTC time as YYYY-MM-DDTHH:MM[:SS]Z, e.g. 2024-01-07 or 2024-01-07T15:30Z';
  if (m === null) throw new InputError('INVALID_OPTION', flag, `"${raw}" is not a date`, fix);
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => (m[i] === undefined ? undefined : Number(m[i])));
  const year = y ?? 0;
  const month = mo ?? 0;
  const day = d ?? 0;
  const dayStart = Date.UTC(year, month - 1, day);
  const check = new Date(dayStart);
  if (month < 1 || month > 12 || check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new InputError('INVALID_OPTION', flag, `"${raw}" is not a real calendar date`, fix);
  }
  if (h === undefined) return bound === 'start' ? dayStart : dayStart + MS_PER_DAY - 1;
  if (h > 23 || (mi ?? 0) > 59 || (s ?? 0) > 59) throw new InputError('INVALID_OPTION', flag, `"${raw}" is not a valid time of day`, fix);
  const msText = m[7];
  const millis = msText === undefined ? 0 : Number(msText.padEnd(3, '0'));
  return dayStart + h * 3_600_000 + (mi ?? 0) * 60_000 + (s ?? 0) * 1_000 + millis;
}

/** Both bounds, refusing a range that ends before it starts. Either may be absent (open-ended). */
export function parseDateRange(from: string | undefined, to: string | undefined): { readonly fromMs?: number; readonly toMs?: number } {
  const fromMs = from === undefined ? undefined : parseDateBound('--from', from, 'start');
  const toMs = to === undefined ? undefined : parseDateBound('--to', to, 'end');
  if (fromMs !== undefined && toMs !== undefined && toMs < fromMs) {
    throw new InputError('CONFLICTING_OPTIONS', '--from and --to', `--to ${to ?? ''} is before --from ${from ?? ''}`, 'Pass a --to on or after --from');
  }
  return { ...(fromMs === undefined ? {} : { fromMs }), ...(toMs === undefined ? {} : { toMs }) };
}
