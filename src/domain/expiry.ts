// Dated contracts: which months are listed at a given time, when each stops trading, and their contract codes
// (MBTZ5). Pure calendar arithmetic in UTC; never reads the clock (callers pass the time).
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../core/time.js';
import type { ExpiryModel, ExpiryTimeZone, InstrumentSpec } from './instrument.js';

/** Futures month codes, January to December (CME convention, also used by Coinbase Derivatives). */
export const MONTH_CODES = 'FGHJKMNQUVXZ';

/** One listed contract month of a dated instrument. */
export interface ContractMonth {
  /** e.g. MBTZ5: root, month code, last digit of the year. */
  readonly code: string;
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  readonly lastTradingTimeMs: number;
}

type Dated = Extract<ExpiryModel, { kind: 'dated' }>;

function datedModel(spec: InstrumentSpec): Dated | undefined {
  return spec.expiry.kind === 'dated' ? spec.expiry : undefined;
}

/** The contract code of a month: root + month code + last digit of the year (CME Globex style), e.g. MBTZ5. */
export function contractCode(spec: InstrumentSpec, year: number, month: number): string {
  const root = datedModel(spec)?.contractCodeRoot ?? spec.symbol;
  return `${root}${MONTH_CODES[month - 1] ?? '?'}${year % 10}`;
}

/**
 * Reads a contract code such as MBTZ5, MBTZ25 or MBTZ2025 for the given root. A one-digit year is read as
 * 2020-2029 and a two-digit year as 20xx (codes are only unambiguous within a decade; the exchanges reuse them).
 * Undefined when the code does not start with the root or is malformed.
 */
export function parseContractCode(code: string, root: string): { readonly year: number; readonly month: number } | undefined {
  const m = /^([A-Z0-9]+?)([FGHJKMNQUVXZ])(\d{1}|\d{2}|\d{4})$/.exec(code.toUpperCase());
  if (!m || m[1] !== root.toUpperCase()) return undefined;
  const month = MONTH_CODES.indexOf(m[2] ?? '') + 1;
  const digits = m[3] ?? '';
  const year = digits.length === 4 ? Number(digits) : digits.length === 2 ? 2000 + Number(digits) : 2020 + Number(digits);
  return { year, month };
}

/**
 * The instant trading stops for a contract month, in epoch ms (UTC), or undefined for a perpetual.
 * CME Micro Bitcoin/Ether (rulebook chapters 350/349 summary on the contract page,
 * https://www.cmegroup.com/markets/cryptocurrencies/bitcoin/micro-bitcoin.contractSpecs.html): trading terminates at
 * 4:00 p.m. London time on the last Friday of the contract month; if that day is not a business day in both the UK
 * and the US, on the preceding day that is. Coinbase Derivatives nano BIT/ET: final settlement 4:00 p.m. London on
 * the last Friday (https://help.coinbase.com/en/derivatives/products/settlement).
 */
export function lastTradingTimeMs(spec: InstrumentSpec, year: number, month: number): number | undefined {
  const model = datedModel(spec);
  if (!model) return undefined;
  const fixed = fixedExpiry(model);
  if (fixed !== undefined && (fixed.year !== year || fixed.month !== month)) return undefined;
  let dayMs = fixed?.dayMs ?? lastFridayMs(year, month);
  const markets = model.holidayRollback ?? [];
  while (markets.length > 0 && !isBusinessDay(dayMs, markets)) dayMs -= MS_PER_DAY;
  const local = model.lastTradingLocalTime;
  if (local === undefined) return dayMs + Math.round(model.lastTradingHourUtc * MS_PER_HOUR);
  const localMs = local.hour * MS_PER_HOUR + local.minute * MS_PER_MINUTE;
  return dayMs + localMs - utcOffsetHours(dayMs, local.timeZone) * MS_PER_HOUR;
}

/**
 * The contract months listed at `atMs`, nearest first: `listedCount` consecutive months starting with the first
 * whose last trading time is after `atMs`, plus (where `additionalDecembers` is set) the nearest that many
 * December contracts. CME MBT: "six consecutive monthly contracts inclusive of the nearest two December contracts".
 * Empty for a perpetual.
 */
export function listedContracts(spec: InstrumentSpec, atMs: number): readonly ContractMonth[] {
  const model = datedModel(spec);
  if (!model) return [];
  const fixed = fixedExpiry(model);
  if (fixed !== undefined) {
    const last = lastTradingTimeMs(spec, fixed.year, fixed.month) ?? 0;
    return last > atMs ? [{ code: contractCode(spec, fixed.year, fixed.month), year: fixed.year, month: fixed.month, lastTradingTimeMs: last }] : [];
  }
  const at = new Date(atMs);
  let year = at.getUTCFullYear();
  let month = at.getUTCMonth() + 1;
  const step = (): void => {
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  };
  const cycle = (m: number): boolean => model.listingCycle !== 'quarterly' || m % 3 === 0;
  while (!cycle(month) || (lastTradingTimeMs(spec, year, month) ?? 0) <= atMs) step();
  const out: ContractMonth[] = [];
  const add = (y: number, m: number): void => {
    if (out.some((c) => c.year === y && c.month === m)) return;
    out.push({ code: contractCode(spec, y, m), year: y, month: m, lastTradingTimeMs: lastTradingTimeMs(spec, y, m) ?? 0 });
  };
  const first = { year, month };
  while (out.length < model.listedCount) {
    if (cycle(month)) add(year, month);
    step();
  }
  const decembers = model.additionalDecembers ?? 0;
  for (let i = 0, y = first.year; i < decembers; i++, y++) add(y, 12);
  return out.sort((a, b) => a.year - b.year || a.month - b.month);
}

function fixedExpiry(model: Dated): { readonly year: number; readonly month: number; readonly dayMs: number } | undefined {
  if (model.fixedExpiryDate === undefined) return undefined;
  const [y, m, d] = model.fixedExpiryDate.split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) return undefined;
  return { year: y, month: m, dayMs: Date.UTC(y, m - 1, d) };
}

/** Midnight UTC of the last Friday of a month. */
export function lastFridayMs(year: number, month: number): number {
  const lastDay = Date.UTC(year, month, 0);
  const weekday = new Date(lastDay).getUTCDay();
  return lastDay - ((weekday - 5 + 7) % 7) * MS_PER_DAY;
}

/**
 * Business days for the rollback rule: weekdays that are not Good Friday or Christmas Day (closed in both the UK
 * and the US) nor, for the UK, Boxing Day (26 December). These are the only holidays that can fall on the last
 * Friday of a month; other exchange closures are announced by notice and are not modelled.
 */
export function isBusinessDay(dayMs: number, markets: readonly ('UK' | 'US')[]): boolean {
  const d = new Date(dayMs);
  const weekday = d.getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  const month = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  if (month === 12 && day === 25) return false;
  if (markets.includes('UK') && month === 12 && day === 26) return false;
  return dayMs !== goodFridayMs(d.getUTCFullYear());
}

/** Good Friday (two days before Easter Sunday), by the anonymous Gregorian computus (Meeus/Jones/Butcher). */
export function goodFridayMs(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month - 1, day) - 2 * MS_PER_DAY;
}

/**
 * UTC offset in hours of a time zone on a given day (for times of day away from the switch, as expiry times are).
 * UK: BST from the last Sunday of March to the last Sunday of October. US Eastern: EDT from the second Sunday of
 * March to the first Sunday of November (Energy Policy Act of 2005).
 */
export function utcOffsetHours(dayMs: number, zone: ExpiryTimeZone): number {
  const year = new Date(dayMs).getUTCFullYear();
  switch (zone) {
    case 'UTC':
      return 0;
    case 'Europe/London':
      return dayMs >= lastSundayMs(year, 3) && dayMs < lastSundayMs(year, 10) ? 1 : 0;
    case 'America/New_York':
      return dayMs >= nthSundayMs(year, 3, 2) && dayMs < nthSundayMs(year, 11, 1) ? -4 : -5;
  }
}

function lastSundayMs(year: number, month: number): number {
  const lastDay = Date.UTC(year, month, 0);
  return lastDay - new Date(lastDay).getUTCDay() * MS_PER_DAY;
}

function nthSundayMs(year: number, month: number, n: number): number {
  const first = Date.UTC(year, month - 1, 1);
  const toSunday = (7 - new Date(first).getUTCDay()) % 7;
  return first + (toSunday + 7 * (n - 1)) * MS_PER_DAY;
}
