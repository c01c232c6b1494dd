// The kill switch against fakex: a long position, a resting limit and a conditional (algo) stop are on the venue;
// flatten cancels both orders and closes the position reduce-only, and fakex's truth shows nothing left.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Clock, TimestampMs } from '../../src/core/time.js';
import { ccxtForFakex, untilReplayDone } from '../../src/apps/fakex/ccxt-fakex.js';
import { startFakex, type FakexServer } from '../../src/apps/fakex/fakex-server.js';
import { NO_FAULTS } from '../../src/apps/fakex/fault-plan.js';
import { loadRegistry } from '../../src/data/spec-files.js';
import { flatten } from '../../src/live/flatten.js';
import { createLiveVenue } from '../../src/live/live-venue.js';
import { sharedData } from '../support/shared-data.js';

const CAPTURE = sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2023-04-04T2358.txt.gz');
const CANARY = 'canary-secret-flatten-91d2';
const clock: Clock = { nowMs: () => Date.now() as TimestampMs };
const registry = loadRegistry();
const spec = registry.get('BINANCE:BTCUSDT');

interface Truth {
  readonly positions: readonly { readonly signedLots: number }[];
  readonly orders: readonly { readonly status?: string; readonly algoStatus?: string; readonly reduceOnly?: boolean; readonly side?: string; readonly clientOrderId?: string }[];
}

describe('flatten on fakex', () => {
  let server: FakexServer;
  const logs: string[] = [];
  beforeAll(async () => {
    server = await startFakex({ port: 0, replayFile: CAPTURE, speed: 0, faults: NO_FAULTS, credentials: { apiKey: 'fakex-key', secret: CANARY }, registry, log: (l) => logs.push(l) });
    await untilReplayDone(server.url);
  });
  afterAll(async () => server.close());

  test('cancels every order, closes the position reduce-only and leaves nothing on the venue', async () => {
    const ex = ccxtForFakex(server.url, 'fakex-key', CANARY);
    await ex.loadMarkets();
    await ex.createOrder('BTC/USDT:USDT', 'market', 'buy', 0.01);
    await ex.createOrder('BTC/USDT:USDT', 'limit', 'buy', 0.005, 20000);
    await ex.createOrder('BTC/USDT:USDT', 'market', 'sell', 0.01, undefined, { stopPrice: 20000, reduceOnly: true });
    const before = (await (await fetch(`${server.url}/__truth`)).json()) as Truth;
    expect(before.positions.some((p) => p.signedLots === 10), 'a 0.01 BTC long = 10 lots of 0.001').toBe(true);

    const { venue, redact } = createLiveVenue({ venue: 'binanceusdm', baseUrl: server.url, credentials: { apiKey: 'fakex-key', secret: CANARY, origin: 'test' }, instruments: [spec], clock, positionMode: 'one-way', marginMode: 'cross' });
    const report = await flatten(venue, { clientId: (n) => `mf-flat-${n}`, clock });
    expect(report.ordersBefore, 'the limit and the algo stop').toBe(2);
    expect(report.closes, 'one reduce-only sell of the 10 lots').toEqual([{ instrument: 'BINANCE:BTCUSDT', clientId: 'mf-flat-1', action: 'sell', lots: 10, outcome: 'filled 10 lots' }]);
    expect(report.openOrdersAfter).toBe(0);
    expect(report.positionsAfter).toEqual([]);

    const after = (await (await fetch(`${server.url}/__truth`)).json()) as Truth;
    expect(after.positions.every((p) => p.signedLots === 0), 'fakex holds no position').toBe(true);
    const working = after.orders.filter((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED' || o.algoStatus === 'NEW');
    expect(working, 'no orphan order is left on fakex').toEqual([]);
    const close = after.orders.find((o) => o.clientOrderId === 'mf-flat-1');
    expect(close?.reduceOnly, 'the close went out reduce-only').toBe(true);
    expect(redact(`x ${CANARY} y`)).not.toContain(CANARY);
    expect(logs.join('\n'), 'the secret never reaches a log line').not.toContain(CANARY);
  });
});
