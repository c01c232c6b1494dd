// Binance USD-M through ccxt, offline: the exact REST call each command produces (method, path, params) and the
// events and snapshot its recorded answer becomes; the error-code table; idempotency under timeouts, 5xx after
// accept and connection resets; a canary secret that never shows.
import { describe, expect, it } from 'vitest';
import ccxt from 'ccxt';
import type { Lots, Ticks } from '../../core/grid.js';
import type { OrderSpec } from '../../domain/order.js';
import type { VenueEvent } from '../venue.js';
import { CANARY, binanceRig, type BinanceRig } from './testing/binance-subject.js';
import { venueFixture } from './testing/fixtures.js';
import type { HttpReply } from './testing/recorded-transport.js';
import type { VenueFailure } from './venue-failure.js';

const limit = (clientId: string, ticks = 690000): OrderSpec => ({
  clientId, instrument: 'BINANCE:BTCUSDT', action: 'buy', qtyLots: 2 as Lots, effect: 'open-or-reduce', type: 'limit', limitTicks: ticks as Ticks, timeInForce: 'GTX',
});

async function run(rig: BinanceRig, send: () => void): Promise<VenueEvent[]> {
  const events: VenueEvent[] = [];
  rig.venue.connect({ onVenueEvent: (e) => events.push(e) });
  send();
  await rig.venue.idle();
  return events;
}

const trading = (rig: BinanceRig) => rig.calls.filter((c) => c.path.startsWith('/fapi/') && c.path !== '/fapi/v1/exchangeInfo');

describe('binanceusdm through ccxt: recorded payloads', () => {
  it('sends a post-only limit as POST /fapi/v1/order with GTX and exact decimals, and reads the acknowledgement', async () => {
    const rig = await binanceRig();
    rig.fake.failNext('/fapi/v1/order', { status: 200, body: venueFixture('binanceusdm', 'new-order-limit') });
    const events = await run(rig, () => rig.venue.send({ type: 'SubmitOrder', order: limit('mf-limit-1'), tsLocal: 0 }));
    const [call] = trading(rig);
    expect(call?.method).toBe('POST');
    expect(call?.path).toBe('/fapi/v1/order');
    expect(call?.params, '2 lots of 0.001 = "0.002" BTC; 690000 ticks of 0.1 = "69000"').toMatchObject({
      symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.002', price: '69000', timeInForce: 'GTX', newClientOrderId: 'mf-limit-1',
    });
    expect(events).toEqual([{ type: 'OrderAccepted', clientId: 'mf-limit-1', venueOrderId: '4069528031', tsVenue: 1746316800123, tsLocal: rig.clock.nowMs() }]);
  });

  it('sends a reduce-only stop-market through the algo-order endpoint and cancels it there', async () => {
    const rig = await binanceRig();
    rig.fake.failNext('/fapi/v1/algoOrder', { status: 200, body: venueFixture('binanceusdm', 'new-algo-order-stop') });
    const stop: OrderSpec = { clientId: 'mf-stop-1', instrument: 'BINANCE:BTCUSDT', action: 'sell', qtyLots: 2 as Lots, effect: 'reduce-only', type: 'stop-market', triggerTicks: 685000 as Ticks };
    const events = await run(rig, () => rig.venue.send({ type: 'SubmitOrder', order: stop, tsLocal: 0 }));
    const [call] = trading(rig);
    expect(call?.path, 'conditional orders go to the algo service (ccxt 4.5)').toBe('/fapi/v1/algoOrder');
    expect(call?.params).toMatchObject({ symbol: 'BTCUSDT', side: 'SELL', type: 'STOP_MARKET', triggerPrice: '68500', quantity: '0.002', reduceOnly: 'true', algoType: 'CONDITIONAL', clientAlgoId: 'mf-stop-1' });
    expect(events[0]).toMatchObject({ type: 'OrderAccepted', clientId: 'mf-stop-1', venueOrderId: '2146760' });
    rig.fake.failNext('/fapi/v1/algoOrder', { status: 200, body: { algoId: 2146760, clientAlgoId: 'mf-stop-1', code: '200', msg: 'success' } });
    rig.venue.send({ type: 'CancelOrder', clientId: 'mf-stop-1', tsLocal: 0 });
    await rig.venue.idle();
    const cancel = trading(rig).at(-1);
    expect(cancel?.method).toBe('DELETE');
    expect(cancel?.path).toBe('/fapi/v1/algoOrder');
    expect(cancel?.params).toMatchObject({ symbol: 'BTCUSDT', algoId: '2146760' });
    expect(events.at(-1)).toMatchObject({ type: 'OrderCancelled', clientId: 'mf-stop-1' });
  });

  it('cancels a limit by venue order id with DELETE /fapi/v1/order', async () => {
    const rig = await binanceRig();
    rig.fake.failNext('/fapi/v1/order', { status: 200, body: venueFixture('binanceusdm', 'new-order-limit') });
    rig.fake.failNext('/fapi/v1/order', { status: 200, body: venueFixture('binanceusdm', 'cancel-order') });
    const events = await run(rig, () => {
      rig.venue.send({ type: 'SubmitOrder', order: limit('mf-limit-1'), tsLocal: 0 });
      rig.venue.send({ type: 'CancelOrder', clientId: 'mf-limit-1', tsLocal: 0 });
    });
    const cancel = trading(rig)[1];
    expect(cancel).toMatchObject({ method: 'DELETE', path: '/fapi/v1/order', params: { symbol: 'BTCUSDT', orderId: '4069528031' } });
    expect(events.map((e) => e.type)).toEqual(['OrderAccepted', 'OrderCancelled']);
  });

  it('reads positions, wallet balance and position mode into the snapshot exactly', async () => {
    const rig = await binanceRig();
    rig.fake.failNext('/fapi/v3/account', { status: 200, body: venueFixture('binanceusdm', 'account-v3') });
    rig.fake.failNext('/fapi/v3/positionRisk', { status: 200, body: venueFixture('binanceusdm', 'position-risk-v3') });
    const snap = await rig.venue.snapshot();
    expect(snap.balance, 'walletBalance "1234.56789012" USDT in 1e-8 units').toBe(123456789012);
    expect(snap.positions).toEqual([{ instrument: 'BINANCE:BTCUSDT', signedLots: -5, entryTicks: expect.closeTo(701234, 6) as number }]);
    expect(snap.positionMode, 'dualSidePosition false').toBe('one-way');
    expect(snap.settleAsset).toBe('USDT');
  });

  it('reads each symbol\'s margin mode and leverage from GET /fapi/v2/positionRisk, not from the configuration', async () => {
    // The venue is configured 'cross'; the recorded v2 row (Position Information V2,
    // https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V2) says isolated, 20x.
    const rig = await binanceRig({ marginMode: 'cross' });
    rig.fake.failNext('/fapi/v2/positionRisk', { status: 200, body: venueFixture('binanceusdm', 'position-risk-v2') });
    const snap = await rig.venue.snapshot();
    expect(snap.marginMode, 'marginType "isolated" on the BTCUSDT row').toBe('isolated');
    expect(snap.settings, 'one entry per traded instrument; the ETHUSDT row is not ours').toEqual([{ instrument: 'BINANCE:BTCUSDT', marginMode: 'isolated', leverage: 20 }]);
  });

  const table: readonly [number, string, string][] = [
    [-2019, 'Margin is insufficient.', 'INSUFFICIENT_MARGIN'],
    [-1111, 'Precision is over the maximum defined for this asset.', 'OFF_GRID'],
    [-4164, "Order's notional must be no smaller than 100 (unless you choose reduce only).", 'MIN_NOTIONAL'],
    [-2022, 'ReduceOnly Order is rejected.', 'REDUCE_ONLY_WOULD_INCREASE'],
    [-5022, 'Due to the order could not be executed as maker, the Post Only order will be rejected.', 'POST_ONLY_WOULD_TAKE'],
    [-4116, 'ClientOrderId is duplicated.', 'DUPLICATE_CLIENT_ID'],
    [-4061, "Order's position side does not match user's setting.", 'VENUE_ERROR'],
  ];
  for (const [code, msg, ours] of table) {
    it(`maps Binance ${code} to ${ours}`, async () => {
      const rig = await binanceRig();
      rig.fake.failNext('/fapi/v1/order', { status: 400, body: { code, msg } });
      const events = await run(rig, () => rig.venue.send({ type: 'SubmitOrder', order: limit('mf-e'), tsLocal: 0 }));
      expect(events, `Binance ${code} "${msg}"`).toEqual([expect.objectContaining({ type: 'OrderRejected', code: ours })]);
      expect(trading(rig).filter((c) => c.method === 'POST'), 'a refusal is final: never re-sent').toHaveLength(1);
    });
  }

  const failures: readonly [string, HttpReply, string][] = [
    ['-1021 clock skew', { status: 400, body: { code: -1021, msg: "Timestamp for this request is outside of the recvWindow." } }, 'CLOCK_SKEW'],
    ['-1003 request weight', { status: 429, body: { code: -1003, msg: 'Too many requests; current limit is 2400 requests per minute.' } }, 'RATE_LIMITED'],
    ['HTTP 429', { status: 429, body: {} }, 'RATE_LIMITED'],
    ['HTTP 418 IP ban', { status: 418, body: {} }, 'RATE_LIMITED'],
    ['-2015 bad key', { status: 401, body: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' } }, 'AUTH'],
  ];
  for (const [title, reply, code] of failures) {
    it(`refuses without re-sending on ${title} and reports the failure as ${code}`, async () => {
      const seen: VenueFailure[] = [];
      const rig = await binanceRig({ onFailure: (f) => seen.push(f) });
      rig.fake.failNext('/fapi/v1/order', reply);
      const events = await run(rig, () => rig.venue.send({ type: 'SubmitOrder', order: limit('mf-f'), tsLocal: 0 }));
      expect(events[0]).toMatchObject({ type: 'OrderRejected', code: 'VENUE_ERROR' });
      expect(seen.map((f) => f.code)).toEqual([code]);
      expect(rig.calls.filter((c) => c.path === '/fapi/v1/order'), 'the request was refused before execution: no query, no resend').toHaveLength(1);
    });
  }

  it('maps a cancel of an order the venue no longer has (-2011) to UNKNOWN_ORDER after reading it back', async () => {
    const rig = await binanceRig();
    const events = await run(rig, () => rig.venue.send({ type: 'SubmitOrder', order: limit('mf-c'), tsLocal: 0 }));
    rig.fake.failNext('/fapi/v1/order', { status: 400, body: { code: -2011, msg: 'Unknown order sent.' } });
    rig.venue.send({ type: 'CancelOrder', clientId: 'mf-c', tsLocal: 0 });
    await rig.venue.idle();
    expect(events.at(-1)).toMatchObject({ type: 'CancelRejected', clientId: 'mf-c', code: 'UNKNOWN_ORDER' });
  });

  it('keeps exactly one venue order per intent over 200 seeded timeout, 5xx-after-accept and reset faults', async () => {
    const rig = await binanceRig();
    const events: VenueEvent[] = [];
    rig.venue.connect({ onVenueEvent: (e) => events.push(e) });
    let seed = 20250504;
    const random = (): number => {
      // mulberry32: a seeded PRNG, so a failing trial can be replayed by its number.
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const kinds = ['timeout-before', 'timeout-after', '5xx-after', 'reset-after', 'reset-before'] as const;
    for (let trial = 0; trial < 200; trial++) {
      const kind = kinds[Math.floor(random() * kinds.length)] ?? 'timeout-before';
      const clientId = `mf-idem-${trial}`;
      const after = kind.endsWith('-after');
      const reply: HttpReply = kind.startsWith('timeout') ? { fault: 'timeout' } : kind.startsWith('reset') ? { fault: 'reset' } : { status: 503, body: { code: -1008, msg: 'Server is currently overloaded with other requests.' } };
      rig.fake.failNext('/fapi/v1/order', reply, after);
      rig.venue.send({ type: 'SubmitOrder', order: limit(clientId, 600000 + trial), tsLocal: 0 });
      await rig.venue.idle();
      expect(rig.fake.ordersWithClientId(clientId), `trial ${trial} (${kind}): orders on the venue`).toBe(after ? 1 : 0);
      const outcome = events.filter((e) => 'clientId' in e && e.clientId === clientId).map((e) => e.type);
      expect(outcome, `trial ${trial} (${kind}): the order is accepted when it reached the book, else rejected`).toEqual([after ? 'OrderAccepted' : 'OrderRejected']);
    }
    const posts = rig.calls.filter((c) => c.method === 'POST' && c.path === '/fapi/v1/order');
    expect(posts, 'one POST per intent: nothing is ever re-sent').toHaveLength(200);
  });

  it('turns ccxt retries off even when the client was built with them on', async () => {
    const exchange = new ccxt.binanceusdm({ options: { maxRetriesOnFailure: 3 } });
    const rig = await binanceRig({ exchange });
    expect(rig.venue).toBeDefined();
    expect(exchange.options['maxRetriesOnFailure'], 'the HTTP layer must never retry an order').toBe(0);
  });

  it('never shows the canary key or secret in an event, a failure or an error, even when the venue echoes them', async () => {
    const { redactorFor } = await import('./credentials.js');
    const seen: VenueFailure[] = [];
    const rig = await binanceRig({ redact: redactorFor({ ...CANARY, origin: 'test' }), onFailure: (f) => seen.push(f) });
    rig.fake.failNext('/fapi/v1/order', { status: 400, body: { code: -2015, msg: `Invalid API-key ${CANARY.apiKey} signed with ${CANARY.secret}` } });
    rig.fake.failNext('/fapi/v3/account', { status: 400, body: { code: -2015, msg: `key ${CANARY.apiKey} secret ${CANARY.secret}` } });
    const events = await run(rig, () => rig.venue.send({ type: 'SubmitOrder', order: limit('mf-canary'), tsLocal: 0 }));
    const snapshotError = await rig.venue.snapshot().then(() => undefined, (e: unknown) => e as Error);
    const texts = [JSON.stringify(events), ...seen.map((f) => `${f.message} ${f.stack ?? ''}`), `${snapshotError?.message ?? ''} ${snapshotError?.stack ?? ''}`];
    expect(snapshotError, 'the venue error still surfaces').toBeDefined();
    for (const t of texts) {
      expect(t.includes(CANARY.secret), `secret in: ${t.slice(0, 80)}`).toBe(false);
      expect(t.includes(CANARY.apiKey), `key in: ${t.slice(0, 80)}`).toBe(false);
    }
    expect(texts.join(' ')).toContain('[redacted]');
  });
});
