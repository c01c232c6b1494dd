// Duplicate-order trials at the session level: orders go through the session's guarded port (intent journaled,
// then CcxtVenue) to fakex while it injects a seeded timeout, 5xx-after-accept or connection reset. Each intent is
// sent once; an unknown outcome is settled by asking for the client id, never by sending again; after the trials
// a restart's reconciliation leaves the journal agreeing with fakex's truth intent by intent.
// N = 40 trials (MICROFUT_SOAK=1: 210).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Lots, Ticks } from '../../src/core/grid.js';
import type { Money } from '../../src/core/money.js';
import type { Clock, TimestampMs } from '../../src/core/time.js';
import type { OrderSpec } from '../../src/domain/order.js';
import { fakexTruth, untilReplayDone } from '../../src/apps/fakex/ccxt-fakex.js';
import { startFakex, type FakexServer } from '../../src/apps/fakex/fakex-server.js';
import { NO_FAULTS } from '../../src/apps/fakex/fault-plan.js';
import { loadRegistry } from '../../src/data/spec-files.js';
import { IN_MEMORY, openJournalDb } from '../../src/journal/journal-db.js';
import { JournalWriter } from '../../src/journal/journal-writer.js';
import { GuardedVenue } from '../../src/live/guarded-venue.js';
import { reconcileRun } from '../../src/live/reconcile.js';
import { readRunJournalState } from '../../src/live/run-journal-state.js';
import { DEFAULT_GUARD_LIMITS } from '../../src/risk/guard.js';
import { CcxtVenue } from '../../src/venues/ccxt/ccxt-venue.js';
import { createExchange, venueProfile } from '../../src/venues/ccxt/venue-profiles.js';
import type { VenueEvent } from '../../src/venues/venue.js';
import { sharedData } from '../support/shared-data.js';
import { venueOrdersPerClientId } from './live-process.js';

const TRIALS = process.env.MICROFUT_SOAK === '1' ? 210 : 40;
const KINDS = ['timeout', '5xx-after-accept', 'reset'] as const;
const CAPTURE = sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2023-04-04T2358.txt.gz');
const SECRET = 'canary-dup-secret-0c55';
const clock: Clock = { nowMs: () => Date.now() as TimestampMs };
const registry = loadRegistry();
const spec = registry.get('BINANCE:BTCUSDT');
const TAG = 'mfdup-';

describe('duplicate-order trials through the session port on fakex', () => {
  let server: FakexServer;
  const serverLog: string[] = [];
  beforeAll(async () => {
    server = await startFakex({ port: 0, replayFile: CAPTURE, speed: 0, faults: NO_FAULTS, credentials: { apiKey: 'fakex-key', secret: SECRET }, registry, log: (l) => serverLog.push(l) });
    await untilReplayDone(server.url);
  });
  afterAll(async () => server.close());

  test(`${TRIALS} seeded trials: one venue order per intent, unknown outcomes settled by asking, journal equals truth after reconciliation`, async () => {
    const profile = venueProfile('binanceusdm');
    const exchange = createExchange(profile, { apiKey: 'fakex-key', secret: SECRET, origin: 'test' }, server.url);
    exchange.options['fetchCurrencies'] = false;
    // Short waits between the queries by client id keep the trials quick; the count is the adapter's default.
    const venue = new CcxtVenue({ profile, exchange, instruments: [spec], clock, positionMode: 'one-way', marginMode: 'cross', unknownOutcome: { queries: 3, delayMs: 50 } });
    const journal = openJournalDb(IN_MEMORY, { create: true });
    const writer = new JournalWriter(journal.db, { clock, batchSize: 1 });
    const runId = writer.startRun({ source: 'live', strategy: 'dup-trials', instruments: [{ id: spec.id, tickSize: spec.tick.step, lotSize: spec.lot.step, settle: spec.settle }], startedMs: clock.nowMs() });
    const events: VenueEvent[] = [];
    const guarded = new GuardedVenue({
      inner: venue,
      spec,
      journal: writer,
      runId,
      limits: DEFAULT_GUARD_LIMITS,
      clock,
      account: () => ({ equity: 10_000e8 as Money, dayStartEquity: 10_000e8 as Money, consecutiveLosses: 0, positionSignedLots: 0, leverage: 10 }),
      lastTicks: () => server.exchange.bestTicks?.bid,
    });
    guarded.connect({ onVenueEvent: (e) => events.push(e) });
    await exchange.loadMarkets();
    const bid = server.exchange.bestTicks!.bid;
    const control = (faults: string): Promise<Response> => fetch(`${server.url}/__control`, { method: 'POST', body: JSON.stringify({ faults }) });
    const faulted = { timeout: 0, '5xx-after-accept': 0, reset: 0 };

    for (let i = 0; i < TRIALS; i++) {
      const kind = KINDS[i % KINDS.length]!;
      const entryId = `${TAG}e${i}`;
      // Far below the market: the entry rests, so its stop is never placed and one POST per trial is expected.
      const entry: OrderSpec = { clientId: entryId, instrument: spec.id, action: 'buy', qtyLots: 5 as Lots, effect: 'open-or-reduce', type: 'limit', limitTicks: (bid - 3000 - i) as Ticks, timeInForce: 'GTC' };
      const stopLoss: OrderSpec = { clientId: `${TAG}s${i}`, instrument: spec.id, action: 'sell', qtyLots: 5 as Lots, effect: 'reduce-only', type: 'stop-market', triggerTicks: (bid - 3500 - i) as Ticks };
      await control(`${kind}:0.5,seed:${i + 1},hold-ms:150`);
      const from = serverLog.length;
      guarded.send({ type: 'SubmitBracket', bracket: { entry, stopLoss }, tsLocal: clock.nowMs() });
      await venue.idle();
      await control('');
      const lines = serverLog.slice(from);
      // Withdrawn once settled, so the next trial's bracket is not a scale-in on a waiting one.
      if (events.some((e) => e.type === 'OrderAccepted' && e.clientId === entryId)) {
        guarded.send({ type: 'CancelOrder', clientId: entryId, tsLocal: clock.nowMs() });
        await venue.idle();
      }
      const posts = lines.filter((l) => l.startsWith('POST /fapi/v1/order '));
      expect(posts.length, `trial ${i} (${kind}): the order was sent exactly once (${lines.join('; ')})`).toBe(1);
      if (!posts[0]!.endsWith(' 200')) {
        faulted[kind] += 1;
        expect(lines.some((l) => l.startsWith('GET /fapi/v1/order ')), `trial ${i} (${kind}): the unknown outcome was settled by asking for client id ${entryId}`).toBe(true);
        const answer = events.find((e) => 'clientId' in e && e.clientId === entryId && (e.type === 'OrderAccepted' || e.type === 'OrderRejected'));
        expect(answer, `trial ${i} (${kind}): the engine was told the outcome`).toBeDefined();
      }
    }
    for (const kind of KINDS) expect(faulted[kind], `the seeds put ${kind} on some order requests`).toBeGreaterThan(0);

    const truth = await fakexTruth(server.url);
    const perClient = venueOrdersPerClientId(truth);
    const duplicates = [...perClient].filter(([, n]) => n > 1);
    expect(duplicates, 'no intent has two venue orders').toEqual([]);

    // A restart: reconciliation asks for every intent the journal does not show as settled.
    const answeredUnknown = events.filter((e) => e.type === 'OrderRejected' && e.reason.includes('outcome unknown')).length;
    const report = await reconcileRun({ db: journal.db, writer, runId, idTag: TAG, spec, exchange, profile, snapshot: () => venue.snapshot(), clock, redact: (t) => t, log: () => undefined });
    expect(report.unresolved, 'with the faults off every intent is settled').toEqual([]);
    const state = readRunJournalState(journal.db, runId);
    for (const [clientId, s] of state.intents) {
      const onVenue = perClient.get(clientId) ?? 0;
      expect(s.acknowledged, `${clientId}: the journal holds an acknowledgement exactly when fakex holds the order`).toBe(onVenue === 1);
      // Never on the venue: rejected (not-sent, or refused) or, for a stop whose entry was withdrawn, cancelled.
      if (onVenue === 0) expect(s.final, `${clientId}: an intent that never reached the venue is settled`).toMatch(/^(rejected|cancelled)$/);
    }
    expect(report.orphansCancelled, 'every resting entry has a live intent: nothing is an orphan').toEqual([]);
    const again = await reconcileRun({ db: journal.db, writer, runId, idTag: TAG, spec, exchange, profile, snapshot: () => venue.snapshot(), clock, redact: (t) => t, log: () => undefined });
    expect(again.acknowledged.length + again.notSent.length + again.fillsJournaled + again.cancelsJournaled, 'a second reconciliation journals nothing new').toBe(0);
    console.info(`duplicate-orders: ${TRIALS} trials, faulted order requests ${JSON.stringify(faulted)}, ${answeredUnknown} left unknown by the adapter, reconcile acknowledged ${report.acknowledged.length} and settled ${report.notSent.length} as not sent`);
    journal.close();
  }, 240_000);
});
