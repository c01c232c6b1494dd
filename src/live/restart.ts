// Start-up of a resumed live run: reconcile the journal with the venue, seed the engine with the venue's position
// and the adopted orders, and hand the session a port on which the adopted orders' trades and final states reach the
// journal once (here) and the engine. Must never send an order beyond reconciliation's (orphan cancels, a bare
// position's stop).
import { asLots, type Ticks } from '../core/grid.js';
import type { EngineResume } from '../engine/engine-resume.js';
import type { VenueEvent, VenuePort } from '../venues/venue.js';
import { AdoptedOrdersPort } from './adopted-orders.js';
import { catchUpFills, reconcileRun, type ReconcileOptions, type ReconcileReport } from './reconcile.js';
import { engineResumeOf } from './resume-state.js';
import { exitIsSpent, intentIdOf, readRunJournalState } from './run-journal-state.js';

export interface RestartOptions extends ReconcileOptions {
  /** The venue port the session would use (CcxtVenue). */
  readonly port: VenuePort;
}

export interface Restart {
  readonly report: ReconcileReport;
  /** The port for the session: `port` with the adopted orders' events journaled here instead of reaching the engine. */
  readonly port: VenuePort;
  /** The venue's position and the adopted orders, for `EngineConfig.resume`. */
  readonly resume: EngineResume;
  /** True for the adopted orders' events, which this restart journals: the session must not journal them again. */
  readonly journaledElsewhere: (e: VenueEvent) => boolean;
  /**
   * Reads the account's trades once more while adopted orders work (call it on every poll): a conditional order's
   * fills belong to its triggered child, which the port's order read-back does not report.
   */
  watch(): void;
  /** Resolves when every catch-up started so far has finished (tests, and before the run is finished). */
  idle(): Promise<void>;
}

/** Reconciles (reconcile.ts) and wraps the port; throws what the venue threw when it cannot be read at all. */
export async function reconcileAtRestart(o: RestartOptions): Promise<Restart> {
  const report = await reconcileRun(o);
  // Every intent journaled so far, a stop placed by reconciliation's protection step included, is the earlier
  // process's: none of them is the engine's own.
  const earlier = new Set(readRunJournalState(o.db, o.runId).intents.keys());
  const resume = engineResumeOf(report, readRunJournalState(o.db, o.runId).fills, o.spec);
  // Venue client id by intent id, of the adopted orders still working (a re-placed exit is `<intent>.N` on the venue).
  const working = new Map(resume.orders.map((x) => [intentIdOf(x.spec.clientId), x.spec] as const));
  // Order ids seen so far (the triggered child of a conditional order is asked for once, then remembered).
  const ids = new Map<string, string>();
  let chain: Promise<void> = Promise.resolve();
  let queued = false;
  const catchUp = (): void => {
    // Fills of several adopted orders in one poll need one pass: the pass reads all trades since the last fill.
    if (queued) return;
    queued = true;
    chain = chain.then(async () => {
      queued = false;
      const state = readRunJournalState(o.db, o.runId);
      for (const [clientId, s] of state.intents) if (s.venueOrderId !== undefined) ids.set(s.venueOrderId, clientId);
      // Only the earlier process's intents: this process's own fills reach the journal from their events.
      const earlierOnly = { ...state, intents: new Map([...state.intents].filter(([id]) => earlier.has(id))) };
      const before = state.fills.length;
      const n = await catchUpFills(o, earlierOnly, ids);
      if (n > 0) o.log(`reconcile: ${n} fills of adopted orders journaled`);
      for (const f of state.fills.slice(before)) {
        const spec = working.get(f.clientId);
        if (spec === undefined) continue;
        const leg = spec.positionSide === undefined ? {} : { positionSide: spec.positionSide };
        port.deliver({ type: 'OrderFilled', clientId: spec.clientId, instrument: f.instrument, action: f.action, lots: asLots(f.qtyLots), priceTicks: f.priceTicks as Ticks, liquidity: f.liquidity, fee: f.fee, ...leg, tsVenue: f.tsVenue, tsLocal: o.clock.nowMs() });
      }
      for (const [intentId, spec] of working) {
        const s = earlierOnly.intents.get(intentId);
        if (s !== undefined && s.filledLots >= s.intent.qtyLots) working.delete(intentId);
        else if (exitIsSpent(earlierOnly, intentId)) {
          // An adopted exit whose other exit filled protects nothing now: cancelled, as the bracket keeper would.
          working.delete(intentId);
          o.log(`reconcile: cancelling adopted ${spec.clientId}, its bracket is done`);
          o.port.send({ type: 'CancelOrder', clientId: spec.clientId, tsLocal: o.clock.nowMs() });
        }
      }
    }).catch((e: unknown) => o.log(o.redact(`reconcile: catch-up failed: ${e instanceof Error ? e.message : String(e)}`)));
  };
  const port = new AdoptedOrdersPort({
    inner: o.port,
    earlierIntents: earlier,
    onFill: catchUp,
    toEngine: new Set(resume.orders.map((x) => x.spec.clientId)),
    onModified: (clientId, e) => {
      const order = e.order;
      o.writer.append({
        type: 'OrderModified',
        runId: o.runId,
        instrument: o.spec.id,
        clientId,
        tsVenue: e.tsVenue,
        tsLocal: e.tsLocal,
        ...('limitTicks' in order ? { limitTicks: order.limitTicks } : {}),
        ...('triggerTicks' in order ? { triggerTicks: order.triggerTicks } : {}),
      });
      o.log(`reconcile: adopted ${e.clientId} moved${'triggerTicks' in order ? ` (trigger ${order.triggerTicks} ticks)` : ''}`);
    },
    onFinal: (clientId, e) => {
      working.delete(clientId);
      const s = readRunJournalState(o.db, o.runId).intents.get(clientId);
      if (s === undefined || s.final !== undefined) return;
      const base = { runId: o.runId, instrument: o.spec.id, clientId, tsVenue: e.tsVenue, tsLocal: e.tsLocal };
      const reason = 'reason' in e ? e.reason : e.type;
      if (e.type === 'OrderRejected') o.writer.append({ ...base, type: 'OrderRejected', reason: `adopted order: ${reason}` });
      else o.writer.append({ ...base, type: 'OrderCancelled', reason: `adopted order: ${reason}` });
    },
  });
  return {
    report,
    port,
    resume,
    journaledElsewhere: (e) => port.journaledHere(e),
    watch: () => {
      if (working.size > 0) catchUp();
    },
    idle: () => chain,
  };
}
