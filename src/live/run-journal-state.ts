// What the journal knows about one paper or live run's orders: every intent by client id, whether the venue
// acknowledged it, its journaled fills and whether it reached a final state. Read-only: must never write.
import type Database from 'better-sqlite3';
import type { FillEvent, OrderIntentEvent } from '../journal/journal-events.js';

/** One order intent and what the journal recorded after it. */
export interface IntentState {
  readonly intent: OrderIntentEvent;
  /** The venue's order id from the journaled acknowledgement; undefined when none was journaled. */
  venueOrderId: string | undefined;
  acknowledged: boolean;
  filledLots: number;
  /**
   * The final state the journal holds; undefined while the order may still be working. A rejection whose outcome
   * was unknown (the adapter gave up asking) is not final: the order may exist on the venue.
   */
  final: 'filled' | 'cancelled' | 'rejected' | undefined;
}

/**
 * The bracket an intent belongs to: GuardedVenue journals a bracket's entry, stop and target one after another, so
 * exits are grouped with the entry journaled just before them. Undefined for plain orders.
 */
export function bracketOf(state: RunJournalState, clientId: string): readonly IntentState[] | undefined {
  let group: IntentState[] | undefined;
  let found: IntentState[] | undefined;
  for (const [id, s] of state.intents) {
    const purpose = s.intent.purpose;
    if (purpose === 'entry') {
      if (found !== undefined) break;
      group = [s];
    } else if ((purpose === 'stop' || purpose === 'target') && group !== undefined) group.push(s);
    else if (found !== undefined) break;
    else group = undefined;
    if (id === clientId) found = group;
  }
  return found !== undefined && found.length > 1 ? found : undefined;
}

/**
 * Whether a bracket exit has nothing left to protect: its other exit filled (the pair is one-cancels-other), or its
 * entry ended without a fill. Such an exit still open on the venue is an orphan.
 */
export function exitIsSpent(state: RunJournalState, clientId: string): boolean {
  const group = bracketOf(state, clientId);
  if (group === undefined) return false;
  const [entry, ...exits] = group;
  if (entry === undefined || entry.intent.clientId === clientId) return false;
  if (entry.final !== undefined && entry.filledLots === 0) return true;
  return exits.some((x) => x.intent.clientId !== clientId && x.final === 'filled');
}

/** The run's orders as the journal holds them. */
export interface RunJournalState {
  readonly runId: string;
  /** By client id, in the order the intents were journaled. */
  readonly intents: Map<string, IntentState>;
  /** Every journaled fill of the run, in journal order. */
  readonly fills: readonly FillEvent[];
  /** The latest journaled fill's venue time (epoch ms); undefined before the first fill. */
  readonly lastFillTsVenue: number | undefined;
}

/** The adapter's wording for an order it sent, could not confirm and did not re-send (ccxt-venue.ts resolveUnknown). */
const UNKNOWN_OUTCOME = /outcome unknown/i;

/** Reads the run's intents, acknowledgements, fills, cancels and rejections from the journal. */
export function readRunJournalState(db: Database.Database, runId: string): RunJournalState {
  const rows = db
    .prepare("SELECT type, payload FROM events WHERE run_id = ? AND type IN ('OrderIntent', 'OrderAccepted', 'OrderRejected', 'OrderCancelled', 'Fill') ORDER BY seq")
    .all(runId) as { type: string; payload: string }[];
  const intents = new Map<string, IntentState>();
  const fills: FillEvent[] = [];
  let lastFillTsVenue: number | undefined;
  for (const row of rows) {
    const e = JSON.parse(row.payload) as { clientId: string; venueOrderId?: string; reason?: string; qtyLots?: number; tsVenue: number };
    if (row.type === 'OrderIntent') {
      intents.set(e.clientId, { intent: e as unknown as OrderIntentEvent, venueOrderId: undefined, acknowledged: false, filledLots: 0, final: undefined });
      continue;
    }
    const s = intents.get(e.clientId);
    switch (row.type) {
      case 'OrderAccepted':
        if (s !== undefined) {
          s.acknowledged = true;
          s.venueOrderId = e.venueOrderId;
        }
        break;
      case 'OrderRejected':
        if (s !== undefined && !UNKNOWN_OUTCOME.test(e.reason ?? '')) s.final = 'rejected';
        break;
      case 'OrderCancelled':
        if (s !== undefined) s.final = 'cancelled';
        break;
      case 'Fill': {
        const fill = e as unknown as FillEvent;
        fills.push(fill);
        lastFillTsVenue = Math.max(lastFillTsVenue ?? fill.tsVenue, fill.tsVenue);
        if (s !== undefined) {
          s.filledLots += fill.qtyLots;
          if (s.filledLots >= s.intent.qtyLots) s.final = 'filled';
        }
        break;
      }
    }
  }
  return { runId, intents, fills, lastFillTsVenue };
}

/**
 * The run a restarted session should resume when no run id is given: the newest `running` paper or live run of the
 * same strategy, instrument and venue (as recorded in its config); undefined when there is none.
 */
export function lastUnfinishedRun(db: Database.Database, match: { readonly source: 'paper' | 'live'; readonly strategy: string; readonly instrument: string; readonly venue: string }): string | undefined {
  const rows = db.prepare("SELECT run_id, config, instruments FROM runs WHERE status = 'running' AND source = ? AND strategy = ? ORDER BY started_ms DESC").all(match.source, match.strategy) as { run_id: string; config: string; instruments: string }[];
  for (const r of rows) {
    const config = JSON.parse(r.config) as { venue?: unknown };
    const instruments = JSON.parse(r.instruments) as { id?: unknown }[];
    if (config.venue === match.venue && instruments.some((i) => i.id === match.instrument)) return r.run_id;
  }
  return undefined;
}

/** The intent a venue client id belongs to: exits the bracket keeper re-placed carry a `.N` suffix on the intent's id. */
export function intentIdOf(venueClientId: string): string {
  return venueClientId.replace(/\.\d+$/, '');
}

/** The placement number of a venue client id: `<intent>.N` is N, the intent's own id is 1. */
export function generationOf(venueClientId: string): number {
  const m = /\.(\d+)$/.exec(venueClientId);
  return m === null ? 1 : Number(m[1]);
}

/**
 * For venue client ids of open orders, the newest placement of each intent (intent id -> venue client id): the bracket
 * keeper places an exit's replacement `<intent>.N+1` before it cancels `<intent>.N`, so a kill in between leaves both.
 */
export function newestGenerations(venueClientIds: readonly string[]): Map<string, string> {
  const newest = new Map<string, string>();
  for (const id of venueClientIds) {
    const intent = intentIdOf(id);
    const held = newest.get(intent);
    if (held === undefined || generationOf(id) > generationOf(held)) newest.set(intent, id);
  }
  return newest;
}
