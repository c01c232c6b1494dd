import { describe, expect, test } from 'vitest';
import { InputError } from '../core/errors.js';
import { BINANCE_USDM_REST, depthWatchOf, describeStaleness } from './depth-feed.js';

describe('the order book setting of a session', () => {
  test('--depth on keeps a book with the stall time; off keeps none', () => {
    expect(depthWatchOf({ depth: 'on', depthStallMs: '5000' }, undefined), 'the real exchange by default').toEqual({ restBase: BINANCE_USDM_REST, stallMs: 5000 });
    expect(depthWatchOf({ depth: 'on', depthStallMs: '800' }, 'http://127.0.0.1:9000'), 'snapshots from the --base-url host').toEqual({ restBase: 'http://127.0.0.1:9000', stallMs: 800 });
    expect(depthWatchOf({ depth: 'off', depthStallMs: '5000' }, undefined)).toBeUndefined();
  });

  test('a bad value names the flag and the fix', () => {
    expect(() => depthWatchOf({ depth: 'yes', depthStallMs: '5000' }, undefined)).toThrow(InputError);
    expect(() => depthWatchOf({ depth: 'yes', depthStallMs: '5000' }, undefined)).toThrow(/--depth.*neither on nor off/);
    expect(() => depthWatchOf({ depth: 'on', depthStallMs: '50' }, undefined), 'below the stream interval of 100 ms').toThrow(/--depth-stall-ms/);
    expect(() => depthWatchOf({ depth: 'on', depthStallMs: '1.5s' }, undefined)).toThrow(/--depth-stall-ms/);
  });

  test('every stale cause reads as "order book stale: ..." with what is known of it', () => {
    expect(describeStaleness({ cause: 'gap', afterU: 100, pu: 120 }, 5000)).toBe("order book stale: depth sequence gap after update 100 (next event's pu 120); resyncing from a snapshot");
    expect(describeStaleness({ cause: 'stall', silentMs: 5210 }, 5000)).toBe('order book stale: no market data for 5210 ms (stall limit 5000 ms); replacing the socket');
    expect(describeStaleness({ cause: 'disconnected' }, 5000)).toMatch(/^order book stale: the depth stream is disconnected/);
    expect(describeStaleness({ cause: 'syncing' }, 5000)).toMatch(/^order book stale: not synced yet/);
  });
});
