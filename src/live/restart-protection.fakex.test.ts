// Restart protection against fakex: a run whose entry filled but whose stop never reached the venue (the process
// died in between) gets its journaled stop placed at reconciliation, once; a stop the market crossed meanwhile closes
// the position reduce-only at market instead, with the fill journaled. In hedge mode each leg gets its own stop on its
// own leg. Loopback only.
import { afterEach, describe, expect, test } from 'vitest';
import type { Clock, TimestampMs } from '../core/time.js';
import { fakexTruth, untilReplayDone } from '../apps/fakex/ccxt-fakex.js';
import { startFakex, type FakexServer } from '../apps/fakex/fakex-server.js';
import { NO_FAULTS } from '../apps/fakex/fault-plan.js';
import { loadRegistry } from '../data/spec-files.js';
import { IN_MEMORY, openJournalDb } from '../journal/journal-db.js';
import { JournalWriter } from '../journal/journal-writer.js';
import { CcxtVenue } from '../venues/ccxt/ccxt-venue.js';
import { createExchange, venueProfile } from '../venues/ccxt/venue-profiles.js';
import { sharedData } from '../../test/support/shared-data.js';
import { reconcileRun } from './reconcile.js';
import { readRunJournalState } from './run-journal-state.js';

const CAPTURE = sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2023-04-04T2358.txt.gz');
const SECRET = 'canary-protect-secret-91d2';
const clock: Clock = { nowMs: () => Date.now() as TimestampMs };
const registry = loadRegistry();
const spec = registry.get('BINANCE:BTCUSDT');
const TAG = 'mfprot-';

let server: FakexServer | undefined;
afterEach(async () => server?.close());

interface TruthView {
  readonly positions: readonly { readonly signedLots: number; readonly positionSide?: string }[];
  readonly orders: readonly { readonly clientAlgoId?: string; readonly clientOrderId?: string; readonly algoStatus?: string; readonly status?: string; readonly triggerPrice?: string; readonly reduceOnly?: boolean; readonly side?: string; readonly positionSide?: string; readonly quantity?: string }[];
  readonly fills: readonly unknown[];
}

/** A run on fakex holding a 5-lot long (0.005 BTC: above the 100 USDT minimum notional) from `<tag>o1` whose stop intent `<tag>o2` (trigger `stopTicks`) was never sent. */
async function bareLong(stopOffsetTicks: number) {
  server = await startFakex({ port: 0, replayFile: CAPTURE, speed: 0, faults: NO_FAULTS, credentials: { apiKey: 'fakex-key', secret: SECRET }, registry, log: () => undefined });
  await untilReplayDone(server.url);
  const profile = venueProfile('binanceusdm');
  const exchange = createExchange(profile, { apiKey: 'fakex-key', secret: SECRET, origin: 'test' }, server.url);
  exchange.options['fetchCurrencies'] = false;
  const venue = new CcxtVenue({ profile, exchange, instruments: [spec], clock, positionMode: 'one-way', marginMode: 'cross' });
  const journal = openJournalDb(IN_MEMORY, { create: true });
  const writer = new JournalWriter(journal.db, { clock, batchSize: 1 });
  const runId = writer.startRun({ source: 'live', strategy: 'protect', instruments: [{ id: spec.id, tickSize: spec.tick.step, lotSize: spec.lot.step, settle: spec.settle }], startedMs: clock.nowMs() });
  await exchange.loadMarkets();
  const bid = server.exchange.bestTicks!.bid;
  const stopTicks = bid + stopOffsetTicks;
  const now = clock.nowMs();
  const base = { runId, instrument: spec.id, tsVenue: now, tsLocal: now };
  writer.append({ ...base, type: 'OrderIntent', clientId: `${TAG}o1`, action: 'buy', orderType: 'market', qtyLots: 5, reduceOnly: false, purpose: 'entry' });
  writer.append({ ...base, type: 'OrderIntent', clientId: `${TAG}o2`, action: 'sell', orderType: 'stop-market', qtyLots: 5, triggerTicks: stopTicks, reduceOnly: true, purpose: 'stop' });
  await exchange.createOrder(spec.ccxtSymbol, 'market', 'buy', 0.005, undefined, { clientOrderId: `${TAG}o1` });
  const reconcile = () => reconcileRun({ db: journal.db, writer, runId, idTag: TAG, spec, exchange, profile, snapshot: () => venue.snapshot(), clock, redact: (t) => t, log: () => undefined });
  return { journal, runId, stopTicks, reconcile, url: server.url };
}

describe('restart protection on fakex', () => {
  test("places the run's journaled stop for a bare position, once, and adopts it", async () => {
    const r = await bareLong(-500);
    const report = await r.reconcile();
    expect(report.protection, 'the stop 500 ticks under the market is placed under a new client id').toMatchObject({ kind: 'stop-placed', clientId: `${TAG}p3`, triggerTicks: r.stopTicks, lots: 5 });
    expect(report.notSent, 'the original stop intent never reached the venue').toEqual([`${TAG}o2`]);
    expect(report.adopted, 'the placed stop is taken over by the session').toContain(`${TAG}p3`);
    const truth = (await fakexTruth(r.url)) as unknown as TruthView;
    const stops = truth.orders.filter((o) => o.clientAlgoId === `${TAG}p3`);
    expect(stops.map((o) => [o.algoStatus, Math.round(Number(o.triggerPrice) / spec.tick.stepFloat), o.reduceOnly]), 'one working reduce-only stop at the journaled trigger').toEqual([['NEW', r.stopTicks, true]]);
    const again = await r.reconcile();
    expect(again.protection, 'a protected position needs nothing at the next restart').toEqual({ kind: 'none-needed' });
    expect(readRunJournalState(r.journal.db, r.runId).intents.get(`${TAG}p3`)?.acknowledged, 'its intent and acknowledgement are journaled').toBe(true);
    r.journal.close();
  }, 30_000);

  test('closes the position at market when its stop was crossed while the session was down', async () => {
    const r = await bareLong(+500);
    const report = await r.reconcile();
    expect(report.protection, 'a sell stop above the market would trigger at once (Binance -2021): the position is closed').toMatchObject({ kind: 'closed', clientId: `${TAG}p4`, lots: 5, stopTicks: r.stopTicks });
    expect(report.positionSignedLots, 'flat after the close').toBe(0);
    const truth = (await fakexTruth(r.url)) as unknown as TruthView;
    expect(truth.positions.reduce((s, p) => s + p.signedLots, 0), "fakex's position is flat").toBe(0);
    const state = readRunJournalState(r.journal.db, r.runId);
    expect(state.intents.get(`${TAG}p3`)?.final, 'the refused stop is journaled as rejected').toBe('rejected');
    expect(state.fills.map((f) => [f.clientId, f.action, f.qtyLots]), 'the entry fill and the close fill are journaled once each').toEqual([[`${TAG}o1`, 'buy', 5], [`${TAG}p4`, 'sell', 5]]);
    expect(truth.fills.length, 'fakex holds exactly those two fills').toBe(2);
    r.journal.close();
  }, 30_000);
});

/**
 * A hedge-mode run on fakex holding a 5-lot long leg (`<tag>o1`) and a 4-lot short leg (0.004 BTC: above the 100 USDT minimum notional) (`<tag>o3`) whose stop intents
 * (`<tag>o2` sell at `longStop`, `<tag>o4` buy at `shortStop`) were never sent.
 */
async function bareLegs(longStopOffset: number, shortStopOffset: number) {
  server = await startFakex({ port: 0, replayFile: CAPTURE, speed: 0, faults: NO_FAULTS, credentials: { apiKey: 'fakex-key', secret: SECRET }, registry, log: () => undefined, account: { positionMode: 'hedge', marginMode: 'cross', leverage: 10 } });
  await untilReplayDone(server.url);
  const profile = venueProfile('binanceusdm');
  const exchange = createExchange(profile, { apiKey: 'fakex-key', secret: SECRET, origin: 'test' }, server.url);
  exchange.options['fetchCurrencies'] = false;
  const venue = new CcxtVenue({ profile, exchange, instruments: [spec], clock, positionMode: 'hedge', marginMode: 'cross' });
  const journal = openJournalDb(IN_MEMORY, { create: true });
  const writer = new JournalWriter(journal.db, { clock, batchSize: 1 });
  const runId = writer.startRun({ source: 'live', strategy: 'protect', instruments: [{ id: spec.id, tickSize: spec.tick.step, lotSize: spec.lot.step, settle: spec.settle }], startedMs: clock.nowMs() });
  await exchange.loadMarkets();
  const best = server.exchange.bestTicks!;
  const longStop = best.bid + longStopOffset;
  const shortStop = best.ask + shortStopOffset;
  const now = clock.nowMs();
  const base = { runId, instrument: spec.id, tsVenue: now, tsLocal: now };
  writer.append({ ...base, type: 'OrderIntent', clientId: `${TAG}o1`, action: 'buy', orderType: 'market', qtyLots: 5, reduceOnly: false, purpose: 'entry' });
  writer.append({ ...base, type: 'OrderIntent', clientId: `${TAG}o2`, action: 'sell', orderType: 'stop-market', qtyLots: 5, triggerTicks: longStop, reduceOnly: true, purpose: 'stop' });
  writer.append({ ...base, type: 'OrderIntent', clientId: `${TAG}o3`, action: 'sell', orderType: 'market', qtyLots: 4, reduceOnly: false, purpose: 'entry' });
  writer.append({ ...base, type: 'OrderIntent', clientId: `${TAG}o4`, action: 'buy', orderType: 'stop-market', qtyLots: 4, triggerTicks: shortStop, reduceOnly: true, purpose: 'stop' });
  await exchange.createOrder(spec.ccxtSymbol, 'market', 'buy', 0.005, undefined, { clientOrderId: `${TAG}o1`, positionSide: 'LONG' });
  await exchange.createOrder(spec.ccxtSymbol, 'market', 'sell', 0.004, undefined, { clientOrderId: `${TAG}o3`, positionSide: 'SHORT' });
  const reconcile = () => reconcileRun({ db: journal.db, writer, runId, idTag: TAG, spec, exchange, profile, snapshot: () => venue.snapshot(), clock, redact: (t) => t, log: () => undefined });
  return { journal, runId, longStop, shortStop, reconcile, url: server.url };
}

const ticksOf = (price: string | undefined): number => Math.round(Number(price) / spec.tick.stepFloat);

describe('restart protection on fakex in hedge mode', () => {
  test('gives each bare leg its own journaled stop on its own leg, once, and adopts both', async () => {
    const r = await bareLegs(-500, +500);
    const report = await r.reconcile();
    expect(report.protection, 'the long leg gets the run\'s sell stop, the short leg its buy stop').toMatchObject({
      kind: 'legs',
      legs: [
        { kind: 'stop-placed', clientId: `${TAG}p5`, triggerTicks: r.longStop, lots: 5, positionSide: 'long' },
        { kind: 'stop-placed', clientId: `${TAG}p6`, triggerTicks: r.shortStop, lots: 4, positionSide: 'short' },
      ],
    });
    expect(report.adopted, 'both stops are taken over by the session').toEqual(expect.arrayContaining([`${TAG}p5`, `${TAG}p6`]));
    const truth = (await fakexTruth(r.url)) as unknown as TruthView;
    const working = truth.orders.filter((o) => o.algoStatus === 'NEW').map((o) => [o.clientAlgoId, o.side, o.positionSide, o.quantity, ticksOf(o.triggerPrice)]);
    expect(working, 'exactly one working stop per leg, each closing its own leg (SELL on LONG, BUY on SHORT)').toEqual([
      [`${TAG}p5`, 'SELL', 'LONG', '0.005', r.longStop],
      [`${TAG}p6`, 'BUY', 'SHORT', '0.004', r.shortStop],
    ]);
    expect(truth.positions.map((p) => [p.positionSide, p.signedLots]).sort(), 'both legs are untouched').toEqual([['long', 5], ['short', -4]]);
    const again = await r.reconcile();
    expect(again.protection, 'protected legs need nothing at the next restart').toEqual({ kind: 'legs', legs: [{ kind: 'none-needed', positionSide: 'long' }, { kind: 'none-needed', positionSide: 'short' }] });
    expect(again.orphansCancelled, 'the stops of the legs are not orphans').toEqual([]);
    r.journal.close();
  }, 30_000);

  test("closes only the leg whose stop was crossed while down and protects the other", async () => {
    const r = await bareLegs(+500, +500);
    const report = await r.reconcile();
    expect(report.protection, 'the long\'s sell stop above the market would trigger at once: that leg is closed').toMatchObject({
      kind: 'legs',
      legs: [
        { kind: 'closed', clientId: `${TAG}p6`, lots: 5, stopTicks: r.longStop, positionSide: 'long' },
        { kind: 'stop-placed', clientId: `${TAG}p7`, triggerTicks: r.shortStop, lots: 4, positionSide: 'short' },
      ],
    });
    const truth = (await fakexTruth(r.url)) as unknown as TruthView;
    expect(truth.positions.filter((p) => p.signedLots !== 0).map((p) => [p.positionSide, p.signedLots]), 'only the short leg is left').toEqual([['short', -4]]);
    const state = readRunJournalState(r.journal.db, r.runId);
    expect(state.fills.map((f) => [f.clientId, f.action, f.qtyLots]), 'the entries and the long leg\'s close are journaled once each').toEqual([[`${TAG}o1`, 'buy', 5], [`${TAG}o3`, 'sell', 4], [`${TAG}p6`, 'sell', 5]]);
    expect(truth.orders.filter((o) => o.algoStatus === 'NEW').map((o) => [o.clientAlgoId, o.side, o.positionSide]), "the short leg's stop is the only working order").toEqual([[`${TAG}p7`, 'BUY', 'SHORT']]);
    r.journal.close();
  }, 30_000);
});
