// The projections (runs, trades, trade notes and tags, orders) as a pure function of the events: `applyEvent` is the
// one place they change, called in the same transaction as the event's insert and again, in order, by `rebuild`.
// Must never read anything but the event it applies (no clock, no config), so a rebuild always equals the original.
import type Database from 'better-sqlite3';
import type { ExitReason } from '../domain/round-trip.js';
import { readAllEvents } from './event-store.js';
import type { JournalEvent } from './journal-events.js';

/** Projection tables with the columns that order their rows, children before parents for deletion. */
export const PROJECTION_TABLES: readonly { readonly name: string; readonly orderBy: string }[] = [
  { name: 'trade_tags', orderBy: 'trade_id, tag' },
  { name: 'trade_notes', orderBy: 'seq' },
  { name: 'orders', orderBy: 'run_id, client_id' },
  { name: 'trades', orderBy: 'trade_id' },
  { name: 'runs', orderBy: 'run_id' },
];

/** Whether the trade ended at its stop or its target (undefined: neither, e.g. a signal or end-of-data exit). */
export function hitOf(reason: ExitReason): 'stop' | 'target' | undefined {
  switch (reason) {
    case 'stop-loss':
    case 'trailing-stop':
      return 'stop';
    case 'take-profit':
      return 'target';
    case 'liquidation':
    case 'signal':
    case 'time-stop':
    case 'end-of-data':
    case 'manual':
      return undefined;
  }
}

/** Applies one event (stored at `seq`) to the projections. Prepared once per connection. */
export type ProjectionApplier = (seq: number, event: JournalEvent) => void;

export function projectionApplier(db: Database.Database): ProjectionApplier {
  const s = {
    runStarted: db.prepare(`INSERT INTO runs (run_id, source, strategy, instruments, started_ms, status, config, started_seq)
      VALUES (@runId, @source, @strategy, @instruments, @startedMs, 'running', @config, @seq)`),
    runFinished: db.prepare('UPDATE runs SET finished_ms = ?, status = ?, summary = ? WHERE run_id = ?'),
    orderIntent: db.prepare(`INSERT INTO orders (client_id, run_id, instrument, status, qty_lots, intent_seq, last_seq)
      VALUES (?, ?, ?, 'intent', ?, ?, ?)`),
    orderAccepted: db.prepare(`UPDATE orders SET status = CASE WHEN status = 'intent' THEN 'accepted' ELSE status END,
      venue_order_id = coalesce(?, venue_order_id), last_seq = ? WHERE run_id = ? AND client_id = ?`),
    orderClosed: db.prepare(`UPDATE orders SET status = CASE WHEN status = 'filled' THEN status ELSE ? END, last_seq = ?
      WHERE run_id = ? AND client_id = ?`),
    orderTouched: db.prepare('UPDATE orders SET last_seq = ? WHERE run_id = ? AND client_id = ?'),
    fill: db.prepare(`UPDATE orders SET filled_lots = filled_lots + @qty,
      status = CASE WHEN filled_lots + @qty >= qty_lots THEN 'filled' WHEN status = 'intent' THEN 'accepted' ELSE status END,
      last_seq = @seq WHERE run_id = @runId AND client_id = @clientId`),
    trade: db.prepare(`INSERT INTO trades (trade_id, run_id, seq_in_run, source, instrument, side, entry_ms, exit_ms, held_ms,
      entry_price, exit_price, planned_entry, planned_stop, planned_target, max_lots, max_contracts, entries, exits,
      gross_pnl, fees, funding, net_pnl, exit_reason, hit, entry_tag, reason, initial_risk, mae, mfe, bars_held)
      VALUES (@tradeId, @runId, @seqInRun, @source, @instrument, @side, @entryMs, @exitMs, @heldMs,
      @entryPrice, @exitPrice, @plannedEntry, @plannedStop, @plannedTarget, @maxLots, @maxContracts, @entries, @exits,
      @grossPnl, @fees, @funding, @netPnl, @exitReason, @hit, @entryTag, @reason, @initialRisk, @mae, @mfe, @barsHeld)`),
    runTrade: db.prepare('UPDATE runs SET trade_count = trade_count + 1, net_pnl = net_pnl + ? WHERE run_id = ?'),
    note: db.prepare('INSERT INTO trade_notes (seq, trade_id, ts_ms, text) VALUES (?, ?, ?, ?)'),
    tag: db.prepare('INSERT OR IGNORE INTO trade_tags (trade_id, tag) VALUES (?, ?)'),
  };
  return (seq, e) => {
    switch (e.type) {
      case 'RunStarted':
        s.runStarted.run({
          runId: e.runId,
          source: e.meta.source,
          strategy: e.meta.strategy,
          instruments: JSON.stringify(e.meta.instruments),
          startedMs: e.meta.startedMs,
          config: JSON.stringify(e.meta.config ?? {}),
          seq,
        });
        return;
      case 'RunFinished':
        s.runFinished.run(e.summary.finishedMs, e.summary.status, JSON.stringify(e.summary), e.runId);
        return;
      case 'OrderIntent':
        s.orderIntent.run(e.clientId, e.runId, e.instrument, e.qtyLots, seq, seq);
        return;
      case 'OrderAccepted':
        s.orderAccepted.run(e.venueOrderId ?? null, seq, e.runId, e.clientId);
        return;
      case 'OrderRejected':
        s.orderClosed.run('rejected', seq, e.runId, e.clientId);
        return;
      case 'OrderCancelled':
        s.orderClosed.run('cancelled', seq, e.runId, e.clientId);
        return;
      case 'OrderModified':
        s.orderTouched.run(seq, e.runId, e.clientId);
        return;
      case 'Fill':
        s.fill.run({ qty: e.qtyLots, seq, runId: e.runId, clientId: e.clientId });
        return;
      case 'Funding':
      case 'Liquidation':
      case 'RiskDenied':
        return;
      case 'RoundTripClosed': {
        const t = e.trip;
        s.trade.run({
          tradeId: seq,
          runId: e.runId,
          seqInRun: t.id,
          source: t.source,
          instrument: t.instrument,
          side: t.side,
          entryMs: t.entryTimeMs,
          exitMs: t.exitTimeMs,
          heldMs: t.exitTimeMs - t.entryTimeMs,
          entryPrice: t.entryPrice,
          exitPrice: t.exitPrice,
          plannedEntry: e.plan.plannedEntry ?? null,
          plannedStop: t.plannedStop ?? null,
          plannedTarget: t.plannedTarget ?? null,
          maxLots: t.maxLots,
          maxContracts: t.maxContracts,
          entries: t.entries,
          exits: t.exits,
          grossPnl: t.grossPnl,
          fees: t.fees,
          funding: t.funding,
          netPnl: t.netPnl,
          exitReason: t.exitReason,
          hit: hitOf(t.exitReason) ?? null,
          entryTag: t.entryTag ?? null,
          reason: e.plan.reason ?? null,
          initialRisk: t.initialRisk ?? null,
          mae: t.mae,
          mfe: t.mfe,
          barsHeld: t.barsHeld,
        });
        for (const tag of e.plan.tags ?? []) s.tag.run(seq, tag);
        s.runTrade.run(t.netPnl, e.runId);
        return;
      }
      case 'NoteAdded':
        s.note.run(seq, e.tradeId, e.tsLocal, e.text);
        return;
      case 'TagAdded':
        for (const tag of e.tags) s.tag.run(e.tradeId, tag);
        return;
    }
  };
}

/**
 * Recomputes every projection from the events, in one transaction: on any failure the old projections stay.
 * Returns the number of events replayed.
 */
export function rebuildProjections(db: Database.Database): number {
  return db.transaction(() => rebuildInPlace(db)).immediate();
}

/** Per projection table: rows stored but not in a rebuild (`extra`) and rows a rebuild makes that are missing. */
export interface ProjectionDifference {
  readonly table: string;
  readonly extra: number;
  readonly missing: number;
}

class RollbackCheck extends Error {}

/**
 * Whether the stored projections equal what a rebuild from the events gives, compared row for row in SQL. Changes
 * nothing: the rebuild happens inside a transaction that is rolled back. Returns only the tables that differ.
 */
export function compareWithRebuild(db: Database.Database): readonly ProjectionDifference[] {
  const differences: ProjectionDifference[] = [];
  try {
    db.transaction(() => {
      for (const t of PROJECTION_TABLES) {
        db.exec(`DROP TABLE IF EXISTS temp.stored_${t.name}; CREATE TEMP TABLE stored_${t.name} AS SELECT * FROM main.${t.name}`);
      }
      rebuildInPlace(db);
      for (const t of PROJECTION_TABLES) {
        const count = (sql: string): number => (db.prepare(`SELECT count(*) AS n FROM (${sql})`).get() as { n: number }).n;
        const extra = count(`SELECT * FROM temp.stored_${t.name} EXCEPT SELECT * FROM main.${t.name}`);
        const missing = count(`SELECT * FROM main.${t.name} EXCEPT SELECT * FROM temp.stored_${t.name}`);
        if (extra > 0 || missing > 0) differences.push({ table: t.name, extra, missing });
        db.exec(`DROP TABLE temp.stored_${t.name}`);
      }
      throw new RollbackCheck();
    }).immediate();
  } catch (e) {
    if (!(e instanceof RollbackCheck)) throw e;
  }
  return differences;
}

function rebuildInPlace(db: Database.Database): number {
  for (const t of PROJECTION_TABLES) db.exec(`DELETE FROM ${t.name}`);
  const apply = projectionApplier(db);
  let n = 0;
  for (const { seq, event } of readAllEvents(db)) {
    apply(seq, event);
    n += 1;
  }
  return n;
}

/** All projection rows, ordered: the same events always give the same value (tests compare two journals with it). */
export function snapshotProjections(db: Database.Database): Readonly<Record<string, readonly unknown[]>> {
  const out: Record<string, readonly unknown[]> = {};
  for (const t of PROJECTION_TABLES) out[t.name] = db.prepare(`SELECT * FROM ${t.name} ORDER BY ${t.orderBy}`).all();
  return out;
}
