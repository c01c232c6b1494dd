// Bybit (linear and inverse), BingX, MEXC and WEEX through ccxt, offline: the REST call an order produces, the
// event its recorded answer becomes, one error code mapped through each venue's table, and capability refusals.
import { describe, expect, it } from 'vitest';
import ccxt, { type Exchange } from 'ccxt';
import { ManualClock } from '../../core/time.js';
import type { Lots, Ticks } from '../../core/grid.js';
import { loadRegistry } from '../../data/spec-files.js';
import type { InstrumentSpec } from '../../domain/instrument.js';
import type { OrderSpec } from '../../domain/order.js';
import type { VenueEvent } from '../venue.js';
import { bingxProfile } from './bingx.js';
import { bybitInverseProfile, bybitLinearProfile } from './bybit.js';
import { CcxtVenue } from './ccxt-venue.js';
import { mexcProfile } from './mexc.js';
import { venueFixture } from './testing/fixtures.js';
import { marketFromSpec } from './testing/market-from-spec.js';
import { installTransport, type HttpCall, type HttpReply } from './testing/recorded-transport.js';
import type { VenueProfile } from './venue-profile.js';
import { weexProfile } from './weex.js';

interface VenueCase {
  readonly profile: VenueProfile;
  readonly instrument: string;
  readonly lots: number;
  /** The create call: method, path and the params that carry our order. */
  readonly create: { readonly method: string; readonly path: string; readonly params: Record<string, string> };
  readonly venueOrderId: string;
  readonly error: { readonly fixture: string; readonly status: number; readonly code: string };
}

const cases: readonly VenueCase[] = [
  {
    profile: bybitLinearProfile,
    instrument: 'BYBIT:BTCUSDT',
    lots: 2,
    create: { method: 'POST', path: '/v5/order/create', params: { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.002', price: '69000', timeInForce: 'PostOnly', orderLinkId: 'mf-bybit-1' } },
    venueOrderId: '1321003749386327552',
    error: { fixture: 'error-insufficient', status: 200, code: 'INSUFFICIENT_MARGIN' },
  },
  {
    profile: bingxProfile,
    instrument: 'BINGX:BTC-USDT',
    lots: 20,
    create: { method: 'POST', path: '/openApi/swap/v2/trade/order', params: { symbol: 'BTC-USDT', side: 'BUY', type: 'LIMIT', quantity: '0.002', price: '69000', timeInForce: 'PostOnly', clientOrderID: 'mf-bingx-1' } },
    venueOrderId: '1736012449498123456',
    error: { fixture: 'error-insufficient', status: 200, code: 'INSUFFICIENT_MARGIN' },
  },
  {
    profile: mexcProfile,
    instrument: 'MEXC:BTC_USDT',
    lots: 20,
    // type 2 = post-only, side 1 = open long, openType 2 = cross (MEXC contract order API).
    create: { method: 'POST', path: '/api/v1/private/order/create', params: { symbol: 'BTC_USDT', vol: '20', price: '69000', type: '2', side: '1', externalOid: 'mf-mexc-1' } },
    venueOrderId: '739113577038255616',
    error: { fixture: 'error-insufficient', status: 200, code: 'INSUFFICIENT_MARGIN' },
  },
  {
    profile: weexProfile,
    instrument: 'WEEX:BTCUSDT',
    lots: 20,
    create: { method: 'POST', path: '/capi/v3/order', params: { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.002', price: '69000', newClientOrderId: 'mf-weex-1' } },
    venueOrderId: '736557215397183592',
    error: { fixture: 'error-not-found', status: 400, code: 'UNKNOWN_ORDER' },
  },
];

function rig(profile: VenueProfile, spec: InstrumentSpec, reply: (call: HttpCall) => HttpReply): { venue: CcxtVenue; calls: HttpCall[]; events: VenueEvent[] } {
  const exchange: Exchange = new ccxt[profile.ccxtId]({ apiKey: 'k', secret: 's', password: 'p', enableRateLimit: false });
  // Bybit asks whether the account is unified before trading; the answer is recorded in the fixture.
  exchange.options['enableUnifiedAccount'] = true;
  exchange.options['enableUnifiedMargin'] = false;
  exchange.setMarkets([marketFromSpec(spec) as never]);
  const calls = installTransport(exchange, reply);
  const venue = new CcxtVenue({ profile, exchange, instruments: [spec], clock: new ManualClock(0), positionMode: 'one-way', marginMode: 'cross', sleep: async () => undefined });
  const events: VenueEvent[] = [];
  venue.connect({ onVenueEvent: (e) => events.push(e) });
  return { venue, calls, events };
}

const postOnlyBuy = (spec: InstrumentSpec, clientId: string, lots: number): OrderSpec => ({
  clientId, instrument: spec.id, action: 'buy', qtyLots: lots as Lots, effect: 'open-or-reduce', type: 'limit', limitTicks: (69000 / spec.tick.stepFloat) as Ticks, timeInForce: 'GTX',
});

for (const c of cases) {
  const dir = c.profile.ccxtId;
  describe(`${c.profile.name} through ccxt: recorded payloads`, () => {
    const spec = loadRegistry().get(c.instrument);
    it('sends a post-only limit as the venue documents it and reads the acknowledgement', async () => {
      const r = rig(c.profile, spec, (call) => (call.path === c.create.path ? { status: 200, body: venueFixture(dir, 'create-order') } : { status: 200, body: {} }));
      r.venue.send({ type: 'SubmitOrder', order: postOnlyBuy(spec, c.create.params[Object.keys(c.create.params).at(-1) ?? ''] ?? '', c.lots), tsLocal: 0 });
      await r.venue.idle();
      const call = r.calls.find((x) => x.path === c.create.path);
      expect(call?.method).toBe(c.create.method);
      expect(call?.params, `${c.profile.name} create params`).toMatchObject(c.create.params);
      expect(r.events[0]).toMatchObject({ type: 'OrderAccepted', venueOrderId: c.venueOrderId });
    });

    it(`maps the venue's recorded ${c.error.fixture} answer to ${c.error.code}`, async () => {
      const r = rig(c.profile, spec, (call) => (call.path === c.create.path ? { status: c.error.status, body: venueFixture(dir, c.error.fixture) } : { status: 200, body: {} }));
      r.venue.send({ type: 'SubmitOrder', order: postOnlyBuy(spec, 'mf-err-1', c.lots), tsLocal: 0 });
      await r.venue.idle();
      expect(r.events[0]).toMatchObject({ type: 'OrderRejected', code: c.error.code });
    });
  });
}

describe('capability maps refuse before sending', () => {
  it('refuses a trailing stop on Bybit, MEXC and WEEX with the reason, sending nothing', async () => {
    for (const [profile, id] of [[bybitLinearProfile, 'BYBIT:BTCUSDT'], [mexcProfile, 'MEXC:BTC_USDT'], [weexProfile, 'WEEX:BTCUSDT']] as const) {
      const spec = loadRegistry().get(id);
      const r = rig(profile, spec, () => ({ status: 500, body: {} }));
      const trailing: OrderSpec = { clientId: 'mf-trail', instrument: spec.id, action: 'sell', qtyLots: 1 as Lots, effect: 'reduce-only', type: 'trailing-stop', callbackRate: 0.01 };
      r.venue.send({ type: 'SubmitOrder', order: trailing, tsLocal: 0 });
      await r.venue.idle();
      expect(r.events[0], profile.name).toMatchObject({ type: 'OrderRejected', code: 'UNSUPPORTED', reason: `${profile.name} does not support trailing-stop orders` });
      expect(r.calls, `${profile.name}: nothing sent`).toHaveLength(0);
    }
  });

  it('refuses a hedge-mode leg on Bybit inverse perpetuals, which have one-way mode only', async () => {
    const spec = loadRegistry().get('BYBIT:BTCUSD');
    const r = rig(bybitInverseProfile, spec, () => ({ status: 500, body: {} }));
    r.venue.send({ type: 'SubmitOrder', order: { ...postOnlyBuy(spec, 'mf-leg', 100), positionSide: 'long' }, tsLocal: 0 });
    await r.venue.idle();
    expect(r.events[0]).toMatchObject({ type: 'OrderRejected', code: 'UNSUPPORTED' });
    expect(r.calls).toHaveLength(0);
  });

  it('refuses a client id the venue would not accept (MEXC: 32 characters at most)', async () => {
    const spec = loadRegistry().get('MEXC:BTC_USDT');
    const r = rig(mexcProfile, spec, () => ({ status: 500, body: {} }));
    r.venue.send({ type: 'SubmitOrder', order: postOnlyBuy(spec, 'x'.repeat(33), 20), tsLocal: 0 });
    await r.venue.idle();
    expect(r.events[0]).toMatchObject({ type: 'OrderRejected', code: 'UNSUPPORTED' });
    expect(r.calls).toHaveLength(0);
  });
});
