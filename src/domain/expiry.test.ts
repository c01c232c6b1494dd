import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../data/spec-files.js';
import { contractCode, goodFridayMs, lastFridayMs, lastTradingTimeMs, listedContracts, parseContractCode, utcOffsetHours } from './expiry.js';

const registry = loadRegistry({ env: {} });
const mbt = registry.get('CME:MBT');
const bit = registry.get('COINBASE:BIT');
const iso = (ms: number | undefined): string => (ms === undefined ? 'undefined' : new Date(ms).toISOString());

describe('last trading time (CME MBT: 4 p.m. London, last Friday, rolled back over UK/US holidays)', () => {
  it('is 16:00 UTC in London winter time: November 2025 ends Friday the 28th', () => {
    expect(iso(lastTradingTimeMs(mbt, 2025, 11))).toBe('2025-11-28T16:00:00.000Z');
  });

  it('is 15:00 UTC in British Summer Time: June 2025 ends Friday the 27th', () => {
    expect(iso(lastTradingTimeMs(mbt, 2025, 6))).toBe('2025-06-27T15:00:00.000Z');
  });

  it('moves to Thursday when the last Friday is Good Friday (March 2024: Friday 29th)', () => {
    // Easter Sunday 2024 was 31 March, so Good Friday was 29 March, the last Friday of the month.
    expect(iso(lastTradingTimeMs(mbt, 2024, 3))).toBe('2024-03-28T16:00:00.000Z');
  });

  it('moves back over Christmas and Boxing Day (December 2025: last Friday 26th, a UK holiday)', () => {
    // 26 Dec 2025 (Fri) is Boxing Day in the UK, 25 Dec (Thu) is Christmas: the prior business day is Wed 24 Dec.
    expect(iso(lastTradingTimeMs(mbt, 2025, 12))).toBe('2025-12-24T16:00:00.000Z');
  });

  it('follows the same rule for Coinbase nano BIT, and is undefined for a perpetual', () => {
    expect(iso(lastTradingTimeMs(bit, 2025, 11))).toBe('2025-11-28T16:00:00.000Z');
    expect(lastTradingTimeMs(registry.get('BINANCE:BTCUSDT'), 2025, 11)).toBeUndefined();
  });
});

describe('listed contracts', () => {
  it('lists six consecutive months plus the nearest two Decembers for CME MBT', () => {
    // 2025-07-10: front month July 2025 (last trade 25 July); six months Jul..Dec 2025 include Dec 2025, plus Dec 2026.
    const codes = listedContracts(mbt, Date.UTC(2025, 6, 10)).map((c) => c.code);
    expect(codes).toEqual(['MBTN5', 'MBTQ5', 'MBTU5', 'MBTV5', 'MBTX5', 'MBTZ5', 'MBTZ6']);
  });

  it('rolls to the next month once the front month stops trading', () => {
    const justAfter = (lastTradingTimeMs(mbt, 2025, 7) ?? 0) + 1;
    const first = listedContracts(mbt, justAfter)[0];
    expect(first?.code, 'July 2025 has expired one millisecond after its last trading time').toBe('MBTQ5');
    const justBefore = (lastTradingTimeMs(mbt, 2025, 7) ?? 0) - 1;
    expect(listedContracts(mbt, justBefore)[0]?.code).toBe('MBTN5');
  });

  it('gives two Decembers beyond the six months when none falls inside them', () => {
    // 2026-01-05: Jan..Jun 2026, then Dec 2026 and Dec 2027.
    expect(listedContracts(mbt, Date.UTC(2026, 0, 5)).map((c) => c.code)).toEqual(['MBTF6', 'MBTG6', 'MBTH6', 'MBTJ6', 'MBTK6', 'MBTM6', 'MBTZ6', 'MBTZ7']);
  });

  it('lists the single five-year contract of a perpetual-style future until it expires, and nothing for a perpetual', () => {
    const bip = registry.get('COINBASE:BIP');
    expect(listedContracts(bip, Date.UTC(2026, 0, 1)).map((c) => c.code)).toEqual(['BIPZ0']);
    expect(listedContracts(bip, Date.UTC(2031, 0, 1))).toEqual([]);
    expect(listedContracts(registry.get('BINANCE:BTCUSDT'), Date.UTC(2026, 0, 1))).toEqual([]);
  });
});

describe('calendar helpers', () => {
  it('computes Good Friday for known years', () => {
    expect(iso(goodFridayMs(2024))).toBe('2024-03-29T00:00:00.000Z');
    expect(iso(goodFridayMs(2025))).toBe('2025-04-18T00:00:00.000Z');
    expect(iso(goodFridayMs(2026))).toBe('2026-04-03T00:00:00.000Z');
  });

  it('finds the last Friday of a month', () => {
    expect(iso(lastFridayMs(2025, 2))).toBe('2025-02-28T00:00:00.000Z');
    expect(iso(lastFridayMs(2025, 3))).toBe('2025-03-28T00:00:00.000Z');
  });

  it('knows BST and EDT boundaries', () => {
    expect(utcOffsetHours(Date.UTC(2025, 2, 29), 'Europe/London'), 'Sat before the switch on Sun 30 Mar 2025').toBe(0);
    expect(utcOffsetHours(Date.UTC(2025, 2, 31), 'Europe/London')).toBe(1);
    expect(utcOffsetHours(Date.UTC(2025, 2, 10), 'America/New_York'), 'EDT starts Sun 9 Mar 2025').toBe(-4);
    expect(utcOffsetHours(Date.UTC(2025, 10, 3), 'America/New_York'), 'EST from Sun 2 Nov 2025').toBe(-5);
  });

  it('writes and reads contract codes', () => {
    expect(contractCode(mbt, 2025, 12)).toBe('MBTZ5');
    expect(parseContractCode('MBTZ5', 'MBT')).toEqual({ year: 2025, month: 12 });
    expect(parseContractCode('mbth2027', 'MBT')).toEqual({ year: 2027, month: 3 });
    expect(parseContractCode('METZ5', 'MBT')).toBeUndefined();
    expect(parseContractCode('MBTA5', 'MBT'), 'A is not a month code').toBeUndefined();
  });
});
