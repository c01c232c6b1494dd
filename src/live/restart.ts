// Start-up of a resumed live run: reconcile the journal with the venue, then hand the session a port that keeps
// the earlier process's adopted orders away from the fresh engine while their trades and final states still reach
// the journal. Must never send an order: it only asks, journals and cancels our orphans.
import type { VenuePort } from '../venues/venue.js';
import { AdoptedOrdersPort } from './adopted-orders.js';
import { catchUpFills, reconcileRun, type ReconcileOptions, type ReconcileReport } from './reconcile.js';
import { readRunJournalState } from './run-journal-state.js';

export interface RestartOptions extends ReconcileOptions {
  /** The venue port the session would use (CcxtVenue). */
  readonly port: VenuePort;
}

export interface Restart {
  readonly report: ReconcileReport;
  /** The port for the session: `port` with the adopted orders' events journaled here instead of reaching the engine. */
  readonly port: VenuePort;
  /** Resolves when every catch-up started so far has finished (tests, and before the run is finished). */
  idle(): Promise<void>;
}

/** Reconciles (reconcile.ts) and wraps the port; throws what the venue threw when it cannot be read at all. */
export async function reconcileAtRestart(o: RestartOptions): Promise<Restart> {
  const earlier = new Set(readRunJournalState(o.db, o.runId).intents.keys());
  const report = await reconcileRun(o);
  let chain: Promise<void> = Promise.resolve();
  let queued = false;
  const catchUp = (): void => {
    // Fills of several adopted orders in one poll need one pass: the pass reads all trades since the last fill.
    if (queued) return;
    queued = true;
    chain = chain.then(async () => {
      queued = false;
      const state = readRunJournalState(o.db, o.runId);
      const ids = new Map<string, string>();
      for (const [clientId, s] of state.intents) if (s.venueOrderId !== undefined) ids.set(s.venueOrderId, clientId);
      const n = await catchUpFills(o, state, ids);
      if (n > 0) o.log(`reconcile: ${n} fills of adopted orders journaled`);
    }).catch((e: unknown) => o.log(o.redact(`reconcile: catch-up failed: ${e instanceof Error ? e.message : String(e)}`)));
  };
  const port = new AdoptedOrdersPort({
    inner: o.port,
    earlierIntents: earlier,
    onFill: catchUp,
    onFinal: (clientId, e) => {
      const s = readRunJournalState(o.db, o.runId).intents.get(clientId);
      if (s === undefined || s.final !== undefined) return;
      const base = { runId: o.runId, instrument: o.spec.id, clientId, tsVenue: e.tsVenue, tsLocal: e.tsLocal };
      const reason = 'reason' in e ? e.reason : e.type;
      if (e.type === 'OrderRejected') o.writer.append({ ...base, type: 'OrderRejected', reason: `adopted order: ${reason}` });
      else o.writer.append({ ...base, type: 'OrderCancelled', reason: `adopted order: ${reason}` });
    },
  });
  return { report, port, idle: () => chain };
}
