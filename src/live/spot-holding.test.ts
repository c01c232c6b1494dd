// The spot holding sources: a given quantity, the venue's balance with its failure rule (a failed read keeps the
// last value, says why, never shows a key), and Binance spot through ccxt against fakex's spot account (signed reads,
// the ticker price, injected outages, control input that is refused whole).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFakex, type FakexServer } from '../apps/fakex/fakex-server.js';
import { NO_FAULTS } from '../apps/fakex/fault-plan.js';
import type { Clock, TimestampMs } from '../core/time.js';
import { loadRegistry } from '../data/spec-files.js';
import { redactorFor } from '../venues/ccxt/credentials.js';
import { sharedData } from '../../test/support/shared-data.js';
import { binanceSpotReader, givenSpotHolding, hedgeKeeperOn, venueSpotHolding, type SpotAccountReader } from './spot-holding.js';

const SECRET = 'canary-spot-secret-93d1';
const clock: Clock = { nowMs: () => Date.UTC(2025, 5, 1) as TimestampMs };

/** A reader that answers from a script: numbers are balances, Errors are failures. */
function scripted(answers: (number | Error)[]): SpotAccountReader & { calls: number } {
  const r = {
    venue: 'test',
    calls: 0,
    balance: async (): Promise<number> => {
      r.calls++;
      const a = answers.shift();
      if (a === undefined || a instanceof Error) throw a ?? new Error('no more answers');
      return a;
    },
    lastPrice: async (): Promise<number | undefined> => 61_000.5,
  };
  return r;
}

describe('spot holding sources', () => {
  test('a given quantity is the holding, with no price of its own', () => {
    const h = givenSpotHolding(0.5, 'BTC');
    expect(h.qty()).toBe(0.5);
    expect(h.price(), 'the perpetual close stands in for the spot price').toBeUndefined();
    expect(h.pricesFrom).toBeUndefined();
  });

  test('a failed read keeps the last quantity, logs why with the key redacted, and a later read recovers', async () => {
    const log: string[] = [];
    const reader = scripted([0.05, new Error(`503 from https://api.binance.com/api/v3/account?apiKey=${SECRET}`), 0.08]);
    const h = venueSpotHolding({ reader, asset: 'BTC', symbol: 'BTCUSDT', pollMs: 30_000, clock, redact: redactorFor({ apiKey: 'k', secret: SECRET, origin: 'test' }), log: (l) => log.push(l) });
    expect(h.qty(), 'nothing is known before the first read').toBeUndefined();
    await h.refresh();
    expect(h.qty()).toBe(0.05);
    expect(h.price()).toBe(61_000.5);
    await h.refresh();
    expect(h.qty(), 'the failed read keeps 0.05').toBe(0.05);
    expect(h.lastError).toContain('[redacted]');
    expect(log.join('\n')).toContain('keeping 0.05 BTC read at 2025-06-01T00:00:00.000Z');
    await h.refresh();
    expect(h.qty()).toBe(0.08);
    expect(h.lastError, 'a good read clears the error').toBeUndefined();
    expect(log.join('\n').split(SECRET).length - 1, 'the secret is never logged').toBe(0);
  });

  test('a read under way is shared, so a burst of refreshes asks the venue once', async () => {
    const reader = scripted([0.05, 0.06]);
    const h = venueSpotHolding({ reader, asset: 'BTC', symbol: 'BTCUSDT', pollMs: 30_000, clock, redact: (t) => t, log: () => undefined });
    await Promise.all([h.refresh(), h.refresh(), h.refresh()]);
    expect(reader.calls, 'three refreshes while one read was under way').toBe(1);
  });

  test('a first read that fails leaves the holding unknown, so the hedge waits', async () => {
    const log: string[] = [];
    const h = venueSpotHolding({ reader: scripted([new Error('timeout')]), asset: 'BTC', symbol: 'BTCUSDT', pollMs: 30_000, clock, redact: (t) => t, log: (l) => log.push(l) });
    await h.refresh();
    expect(h.qty()).toBeUndefined();
    expect(log[0]).toContain('no holding is known yet: the hedge waits');
  });

  test('the hedge keeper built on a holding is the built-in one', () => {
    expect(hedgeKeeperOn(givenSpotHolding(0.5, 'BTC')).name).toBe('hedge-keeper');
  });
});

describe('Binance spot through ccxt against fakex', () => {
  let server: FakexServer;
  const control = async (body: object): Promise<Response> => fetch(`${server.url}/__control`, { method: 'POST', body: JSON.stringify(body) });
  const spotTruth = async (): Promise<{ balances: Record<string, string>; reads: number }> => (await (await fetch(`${server.url}/__truth/spot`)).json()) as never;
  beforeAll(async () => {
    server = await startFakex({
      port: 0,
      replayFile: sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2024-08-08T2354.txt.gz'),
      speed: 1,
      faults: NO_FAULTS,
      credentials: { apiKey: 'fakex-key', secret: SECRET },
      registry: loadRegistry(),
      paused: true,
    });
  });
  afterAll(async () => server.close());

  test('reads the balance set on fakex with a signed GET /api/v3/account, and the ticker price', async () => {
    expect((await control({ spotBalances: { BTC: '0.05', USDT: 12 } })).status).toBe(200);
    const reader = binanceSpotReader({ apiKey: 'fakex-key', secret: SECRET, origin: 'test' }, server.url);
    expect(await reader.balance('BTC')).toBe(0.05);
    expect(await reader.balance('ETH'), 'an asset the account does not hold is 0').toBe(0);
    expect((await spotTruth()).reads, 'two signed account reads reached fakex').toBe(2);
    // fakex replays no spot market: its spot price is the futures book's mid, floored to the 0.1 tick.
    const best = server.exchange.bestTicks!;
    expect(await reader.lastPrice('BTCUSDT')).toBeCloseTo(Math.floor((best.bid + best.ask) / 2) / 10, 6);
  });

  test('a wrong secret is refused by the signature check', async () => {
    const reader = binanceSpotReader({ apiKey: 'fakex-key', secret: 'not-the-secret', origin: 'test' }, server.url);
    await expect(reader.balance('BTC')).rejects.toThrow(/Signature/);
  });

  test('an injected outage fails the next reads, then the balance is back', async () => {
    await control({ spotFailures: 1 });
    const reader = binanceSpotReader({ apiKey: 'fakex-key', secret: SECRET, origin: 'test' }, server.url);
    await expect(reader.balance('BTC'), 'HTTP 503 from the account endpoint').rejects.toThrow();
    expect(await reader.balance('BTC')).toBe(0.05);
  });

  test('refuses bad control input whole and changes nothing', async () => {
    const r = await control({ spotBalances: { BTC: '0.07', eth: '1' } });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toContain('spotBalances.eth');
    expect((await spotTruth()).balances, 'BTC is still 0.05: nothing of the refused body was applied').toEqual({ BTC: '0.05000000', USDT: '12.00000000' });
  });
});
