// Binance ALGO_UPDATE (a conditional order's lifecycle on the USD-M user data stream): parsing the docs' payload
// (https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Algo-Order-Update)
// and CcxtVenue turning it into port events for the algo order's client id, once, deduplicated with polling.
import { describe, expect, it } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import type { OrderSpec } from '../../domain/order.js';
import { venueFixture } from './testing/fixtures.js';
import type { VenueEvent } from '../venue.js';
import { parseAlgoUpdate, type StreamAlgoUpdate } from './binance-user-stream.js';
import { binanceRig, type BinanceRig } from './testing/binance-subject.js';

/** The docs' example, verbatim in its fields (a take-profit cancelled, with a failure reason). */
const DOCS_EXAMPLE = {
  e: 'ALGO_UPDATE', T: 1750515742297, E: 1750515742303,
  o: {
    caid: 'Q5xaq5EGKgXXa0fD7fs0Ip', aid: 2148719, at: 'CONDITIONAL', o: 'TAKE_PROFIT', s: 'BNBUSDT', S: 'SELL', ps: 'BOTH', f: 'GTC', q: '0.01', X: 'CANCELED',
    ai: '', ap: '0.00000', aq: '0.00000', act: '0', tp: '750', p: '750', V: 'EXPIRE_MAKER', wt: 'CONTRACT_PRICE', pm: 'NONE', cp: false, pP: false, R: false,
    tt: 0, gtd: 0, rm: 'Reduce Only reject',
  },
};

describe('ALGO_UPDATE parsing', () => {
  it('reads the client algo id, algo id, status, child order and reason of the docs’ example', () => {
    expect(parseAlgoUpdate(DOCS_EXAMPLE)).toEqual({
      symbol: 'BNBUSDT', clientId: 'Q5xaq5EGKgXXa0fD7fs0Ip', algoId: '2148719', status: 'CANCELED', actualOrderId: undefined, reason: 'Reduce Only reject', tsVenue: 1750515742303,
    });
  });

  it('names the triggered child order and keeps an undocumented status as other', () => {
    expect(parseAlgoUpdate({ ...DOCS_EXAMPLE, o: { ...DOCS_EXAMPLE.o, X: 'TRIGGERED', ai: '4069528099' } })?.actualOrderId, 'ai is the regular order working for it').toBe('4069528099');
    expect(parseAlgoUpdate({ ...DOCS_EXAMPLE, o: { ...DOCS_EXAMPLE.o, X: 'PAUSED' } })?.status, 'a status the docs do not list is not guessed').toBe('other');
    expect(parseAlgoUpdate({ ...DOCS_EXAMPLE, o: { ...DOCS_EXAMPLE.o, caid: '' } }), 'without a client algo id there is nothing to map it to').toBeUndefined();
  });
});

const STOP: OrderSpec = { clientId: 'mf-stop-1', instrument: 'BINANCE:BTCUSDT', action: 'sell', qtyLots: 2 as Lots, effect: 'reduce-only', type: 'stop-market', triggerTicks: 685000 as Ticks };
const update = (status: StreamAlgoUpdate['status'], extra: Partial<StreamAlgoUpdate> = {}): StreamAlgoUpdate => ({
  symbol: 'BTCUSDT', clientId: 'mf-stop-1', algoId: '2146760', status, actualOrderId: undefined, reason: '', tsVenue: 1746316801000, ...extra,
});

/** A rig with the recorded algo stop (new-algo-order-stop.json: algoId 2146760) resting, and the events after it. */
async function restingStop(): Promise<{ rig: BinanceRig; events: VenueEvent[] }> {
  const rig = await binanceRig();
  const events: VenueEvent[] = [];
  rig.venue.connect({ onVenueEvent: (e) => events.push(e) });
  rig.fake.failNext('/fapi/v1/algoOrder', { status: 200, body: venueFixture('binanceusdm', 'new-algo-order-stop') });
  rig.venue.send({ type: 'SubmitOrder', order: STOP, tsLocal: 0 });
  await rig.venue.idle();
  expect(events.map((e) => e.type), 'the stop rests').toEqual(['OrderAccepted']);
  events.length = 0;
  return { rig, events };
}

const kinds = (events: readonly VenueEvent[]): string[] => events.map((e) => `${e.type}:${'clientId' in e ? e.clientId : ''}`);

describe('CcxtVenue on ALGO_UPDATE', () => {
  it('reports the trigger once when the stream repeats it', async () => {
    const { rig, events } = await restingStop();
    await rig.venue.algoUpdate(update('TRIGGERING'));
    await rig.venue.algoUpdate(update('TRIGGERED', { actualOrderId: '4069528099' }));
    await rig.venue.algoUpdate(update('TRIGGERED', { actualOrderId: '4069528099' }));
    expect(kinds(events), 'TRIGGERING is not yet a trigger; TRIGGERED is told once').toEqual(['OrderTriggered:mf-stop-1']);
    expect(events[0]?.tsVenue, "the venue's time of the update").toBe(1746316801000);
  });

  it('reports the trigger once when a poll saw it before the stream', async () => {
    const { rig, events } = await restingStop();
    // The REST read-back of the algo order (GET /fapi/v1/algoOrder) shows the trigger and its child order first.
    const triggered = JSON.parse(venueFixture('binanceusdm', 'new-algo-order-stop')) as Record<string, unknown>;
    rig.fake.failNext('/fapi/v1/algoOrder', { status: 200, body: { ...triggered, algoStatus: 'TRIGGERED', actualOrderId: '4069528099', triggerTime: 1746316801000, updateTime: 1746316801000 } });
    await rig.venue.poll();
    expect(kinds(events), 'the poll reports the trigger').toEqual(['OrderTriggered:mf-stop-1']);
    await rig.venue.algoUpdate(update('TRIGGERED', { actualOrderId: '4069528099' }));
    expect(kinds(events), 'the stream’s TRIGGERED adds nothing').toEqual(['OrderTriggered:mf-stop-1']);
  });

  it('reports a cancel on the venue once, and a later poll adds nothing', async () => {
    const { rig, events } = await restingStop();
    await rig.venue.algoUpdate(update('CANCELED'));
    await rig.venue.algoUpdate(update('CANCELED'));
    await rig.venue.poll();
    expect(kinds(events)).toEqual(['OrderCancelled:mf-stop-1']);
    const calls = rig.calls.filter((c) => c.path.includes('algoOrder') && c.method === 'GET');
    expect(calls.length, 'a finished order is not read back again').toBe(0);
  });

  it('reports a rejection after acceptance with the venue’s reason, and an expiry as OrderExpired', async () => {
    const rejected = await restingStop();
    await rejected.rig.venue.algoUpdate(update('REJECTED', { reason: 'Reduce Only reject' }));
    expect(rejected.events).toMatchObject([{ type: 'OrderCancelled', clientId: 'mf-stop-1', reason: 'rejected by the venue after it was accepted: Reduce Only reject' }]);
    const expired = await restingStop();
    await expired.rig.venue.algoUpdate(update('EXPIRED'));
    expect(kinds(expired.events)).toEqual(['OrderExpired:mf-stop-1']);
  });

  it('ignores updates for another algo id, an unknown client id, or NEW (the REST answer acknowledged it)', async () => {
    const { rig, events } = await restingStop();
    await rig.venue.algoUpdate(update('NEW'));
    await rig.venue.algoUpdate(update('CANCELED', { algoId: '999' }));
    await rig.venue.algoUpdate(update('CANCELED', { clientId: 'someone-else' }));
    expect(events, 'nothing to report').toEqual([]);
  });
});
