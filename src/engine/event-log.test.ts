import { describe, expect, it } from 'vitest';
import { EventLog, LOG_ACCEPTED, LOG_FILLED, LOG_FUNDING, LOG_NOTE, LOG_SUBMITTED } from './event-log.js';

describe('EventLog', () => {
  it('reads back every row with exactly the fields given, across row and value chunk boundaries', () => {
    const log = new EventLog();
    const ref = log.orderRef('o-1');
    // 10,000 rows cross two row chunks (4,096 rows each); 7,500 fills x 3 values cross the value chunks (8,192 each).
    const n = 10_000;
    for (let i = 0; i < n; i++) {
      if (i % 4 === 0) log.append(LOG_ACCEPTED, 1_700_000_000_000 + i, 0, ref, '');
      else log.append(LOG_FILLED, 1_700_000_000_000 + i, 1, ref, i % 2 === 0 ? 'maker' : 'taker', 1_000_000 + i, -i, 12_345_678_901 + i);
    }
    const events = [...log.events()];
    expect(events, 'one event per row').toHaveLength(n);
    for (const i of [0, 1, 2, 4095, 4096, 4097, 8191, 8192, 9998, 9999]) {
      const expected =
        i % 4 === 0
          ? { kind: 'order-accepted', timeMs: 1_700_000_000_000 + i, clientId: 'o-1', instrumentIndex: 0 }
          : { kind: 'order-filled', timeMs: 1_700_000_000_000 + i, clientId: 'o-1', instrumentIndex: 1, priceTicks: 1_000_000 + i, lots: -i, amount: 12_345_678_901 + i, text: i % 2 === 0 ? 'maker' : 'taker' };
      expect(events[i], `row ${i}: absent fields stay absent, present ones keep their values`).toEqual(expected);
    }
  });

  it('keeps a field given as 0 apart from an absent one, and the extra field on its own', () => {
    const log = new EventLog();
    log.append(LOG_SUBMITTED, 5, 0, log.orderRef('o-2'), 'buy market', undefined, 0);
    log.append(LOG_FUNDING, 6, 0, 0, '', 700_000, 10, -3, -0.0001);
    expect([...log.events()]).toEqual([
      { kind: 'order-submitted', timeMs: 5, clientId: 'o-2', instrumentIndex: 0, lots: 0, text: 'buy market' },
      { kind: 'funding', timeMs: 6, instrumentIndex: 0, priceTicks: 700_000, lots: 10, amount: -3, extra: -0.0001 },
    ]);
  });

  it('returns notes as written, in order, next to repeated texts', () => {
    const log = new EventLog();
    log.append(LOG_NOTE, 1, 0, 0, 'long: EMA9 crossed above EMA21');
    log.append(LOG_FILLED, 2, 0, 0, 'taker', 1, 1, 1);
    log.append(LOG_NOTE, 3, 0, 0, 'long: EMA9 crossed above EMA21');
    log.append(LOG_FILLED, 4, 0, 0, 'taker', 1, 1, 1);
    expect([...log.events()].map((e) => e.text)).toEqual(['long: EMA9 crossed above EMA21', 'taker', 'long: EMA9 crossed above EMA21', 'taker']);
    expect(log.length).toBe(4);
  });
});
