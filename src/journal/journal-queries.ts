// The read side: trades filtered by run, instrument, entry date, tag, exit reason and source; one trade with its
// events, notes and tags; the runs. Read-only: must never write to the journal.
import type Database from 'better-sqlite3';
import type { Money } from '../core/money.js';
import type { InstrumentId } from '../domain/instrument.js';
import type { ExitReason, TradeSource } from '../domain/round-trip.js';
import type { Side } from '../domain/side.js';
import { decodeEventRow, type EventRow, type StoredEvent } from './event-store.js';
import type { RunInstrument } from './journal-events.js';

const EXIT_REASON_SET: { readonly [R in ExitReason]: true } = {
  'take-profit': true,
  'stop-loss': true,
  'trailing-stop': true,
  liquidation: true,
  signal: true,
  'time-stop': true,
  'end-of-data': true,
  manual: true,
};
/** Every exit reason (the mapped type above makes adding one to the domain a compile error here until listed). */
export const EXIT_REASONS: readonly ExitReason[] = Object.keys(EXIT_REASON_SET) as ExitReason[];

/** Which trades to read. Every field narrows; none given means all trades. */
export interface TradeFilter {
  readonly runId?: string;
  /** A full id (BINANCE:BTCUSDT) matches exactly; a bare symbol (BTCUSDT) matches it on any venue. */
  readonly instrument?: string;
  /** Entry time bounds, epoch ms UTC, both inclusive. */
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly tag?: string;
  readonly exitReason?: ExitReason;
  readonly source?: TradeSource;
}

export interface TradeNote {
  readonly seq: number;
  readonly tsMs: number;
  readonly text: string;
}

/** A trade as the journal holds it: the round trip, the plan, whether stop or target was hit, and annotations. */
export interface JournalTrade {
  /** The journal-wide id (the seq of the event that recorded the trade); stable across rebuilds. */
  readonly tradeId: number;
  readonly runId: string;
  /** The round trip's number within its run. */
  readonly seqInRun: number;
  readonly source: TradeSource;
  readonly instrument: InstrumentId;
  /** The asset the money fields are in, from the run's instrument list; undefined if the run did not say. */
  readonly settle: string | undefined;
  readonly side: Side;
  readonly entryTimeMs: number;
  readonly exitTimeMs: number;
  readonly heldMs: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly plannedEntry: number | undefined;
  readonly plannedStop: number | undefined;
  readonly plannedTarget: number | undefined;
  readonly maxLots: number;
  readonly maxContracts: string;
  readonly entries: number;
  readonly exits: number;
  readonly grossPnl: Money;
  readonly fees: Money;
  readonly funding: Money;
  readonly netPnl: Money;
  readonly exitReason: ExitReason;
  readonly hit: 'stop' | 'target' | undefined;
  readonly entryTag: string | undefined;
  readonly reason: string | undefined;
  readonly initialRisk: Money | undefined;
  readonly mae: Money;
  readonly mfe: Money;
  readonly barsHeld: number;
  readonly tags: readonly string[];
  readonly notes: readonly TradeNote[];
}

export interface JournalRun {
  readonly runId: string;
  readonly source: TradeSource;
  readonly strategy: string;
  readonly instruments: readonly RunInstrument[];
  readonly startedMs: number;
  readonly finishedMs: number | undefined;
  /** `running` also for a run whose process died: the journal cannot tell a live run from a crashed one. */
  readonly status: 'running' | 'completed' | 'failed' | 'aborted';
  readonly tradeCount: number;
  readonly netPnl: Money;
  readonly eventCount: number;
  readonly config: Readonly<Record<string, unknown>>;
  readonly summary: Readonly<Record<string, unknown>> | undefined;
}

interface TradeRow {
  trade_id: number;
  run_id: string;
  seq_in_run: number;
  source: TradeSource;
  instrument: InstrumentId;
  settle: string | null;
  side: Side;
  entry_ms: number;
  exit_ms: number;
  held_ms: number;
  entry_price: number;
  exit_price: number;
  planned_entry: number | null;
  planned_stop: number | null;
  planned_target: number | null;
  max_lots: number;
  max_contracts: string;
  entries: number;
  exits: number;
  gross_pnl: number;
  fees: number;
  funding: number;
  net_pnl: number;
  exit_reason: ExitReason;
  hit: 'stop' | 'target' | null;
  entry_tag: string | null;
  reason: string | null;
  initial_risk: number | null;
  mae: number;
  mfe: number;
  bars_held: number;
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function pushTo<V>(map: Map<number, V[]>, key: number, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function whereClause(f: TradeFilter): { readonly sql: string; readonly params: Record<string, string | number> } {
  const parts: string[] = [];
  const params: Record<string, string | number> = {};
  if (f.runId !== undefined) {
    parts.push('t.run_id = @runId');
    params.runId = f.runId;
  }
  if (f.instrument !== undefined) {
    const id = f.instrument.trim().toUpperCase();
    parts.push(id.includes(':') ? 't.instrument = @instrument' : "substr(t.instrument, instr(t.instrument, ':') + 1) = @instrument");
    params.instrument = id;
  }
  if (f.fromMs !== undefined) {
    parts.push('t.entry_ms >= @fromMs');
    params.fromMs = f.fromMs;
  }
  if (f.toMs !== undefined) {
    parts.push('t.entry_ms <= @toMs');
    params.toMs = f.toMs;
  }
  if (f.tag !== undefined) {
    parts.push('EXISTS (SELECT 1 FROM trade_tags g WHERE g.trade_id = t.trade_id AND g.tag = @tag)');
    params.tag = f.tag.trim().toLowerCase();
  }
  if (f.exitReason !== undefined) {
    parts.push('t.exit_reason = @exitReason');
    params.exitReason = f.exitReason;
  }
  if (f.source !== undefined) {
    parts.push('t.source = @source');
    params.source = f.source;
  }
  return { sql: parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`, params };
}

const SETTLE_SQL = `(SELECT json_extract(j.value, '$.settle') FROM runs r, json_each(r.instruments) j
  WHERE r.run_id = t.run_id AND json_extract(j.value, '$.id') = t.instrument) AS settle`;

/** Trades matching `filter`, oldest entry first (ties by trade id), with their tags and notes. */
export function listTrades(db: Database.Database, filter: TradeFilter = {}): readonly JournalTrade[] {
  const w = whereClause(filter);
  const rows = db.prepare(`SELECT t.*, ${SETTLE_SQL} FROM trades t ${w.sql} ORDER BY t.entry_ms, t.trade_id`).all(w.params) as TradeRow[];
  if (rows.length === 0) return [];
  const tags = new Map<number, string[]>();
  const tagRows = db.prepare(`SELECT trade_id, tag FROM trade_tags WHERE trade_id IN (SELECT t.trade_id FROM trades t ${w.sql}) ORDER BY trade_id, tag`).all(w.params) as { trade_id: number; tag: string }[];
  for (const r of tagRows) pushTo(tags, r.trade_id, r.tag);
  const notes = new Map<number, TradeNote[]>();
  const noteRows = db.prepare(`SELECT seq, trade_id, ts_ms, text FROM trade_notes WHERE trade_id IN (SELECT t.trade_id FROM trades t ${w.sql}) ORDER BY seq`).all(w.params) as { seq: number; trade_id: number; ts_ms: number; text: string }[];
  for (const r of noteRows) pushTo(notes, r.trade_id, { seq: r.seq, tsMs: r.ts_ms, text: r.text });
  return rows.map((r) => toTrade(r, tags.get(r.trade_id) ?? [], notes.get(r.trade_id) ?? []));
}

/** One trade by its journal id, or undefined. */
export function getTrade(db: Database.Database, tradeId: number): JournalTrade | undefined {
  const row = db.prepare(`SELECT t.*, ${SETTLE_SQL} FROM trades t WHERE t.trade_id = ?`).get(tradeId) as TradeRow | undefined;
  if (row === undefined) return undefined;
  const tags = (db.prepare('SELECT tag FROM trade_tags WHERE trade_id = ? ORDER BY tag').all(tradeId) as { tag: string }[]).map((r) => r.tag);
  const notes = (db.prepare('SELECT seq, ts_ms, text FROM trade_notes WHERE trade_id = ? ORDER BY seq').all(tradeId) as { seq: number; ts_ms: number; text: string }[]).map((r) => ({ seq: r.seq, tsMs: r.ts_ms, text: r.text }));
  return toTrade(row, tags, notes);
}

/**
 * The events behind a trade: its run's events on its instrument from entry to exit (orders, fills, funding), the
 * event that recorded it, and the notes and tags added later, in seq order. In hedge mode the other leg's events on
 * the same instrument and window are included too (the journal does not know which leg a fill belonged to).
 */
export function tradeEvents(db: Database.Database, trade: JournalTrade): readonly StoredEvent[] {
  const rows = db
    .prepare(`SELECT seq, type, run_id, payload FROM events
      WHERE seq = @id OR trade_id = @id
         OR (run_id = @runId AND instrument = @instrument AND ts_ms BETWEEN @entry AND @exit AND type <> 'RoundTripClosed')
      ORDER BY seq`)
    .all({ id: trade.tradeId, runId: trade.runId, instrument: trade.instrument, entry: trade.entryTimeMs, exit: trade.exitTimeMs }) as EventRow[];
  return rows.map(decodeEventRow);
}

interface RunRow {
  run_id: string;
  source: TradeSource;
  strategy: string;
  instruments: string;
  started_ms: number;
  finished_ms: number | null;
  status: JournalRun['status'];
  trade_count: number;
  net_pnl: number;
  event_count: number;
  config: string;
  summary: string | null;
}

const RUN_SQL = 'SELECT r.*, (SELECT count(*) FROM events e WHERE e.run_id = r.run_id) AS event_count FROM runs r';

/** All runs, newest start first. */
export function listRuns(db: Database.Database): readonly JournalRun[] {
  return (db.prepare(`${RUN_SQL} ORDER BY r.started_ms DESC, r.run_id`).all() as RunRow[]).map(toRun);
}

/** One run by id, or undefined. */
export function getRun(db: Database.Database, runId: string): JournalRun | undefined {
  const row = db.prepare(`${RUN_SQL} WHERE r.run_id = ?`).get(runId) as RunRow | undefined;
  return row === undefined ? undefined : toRun(row);
}

function toRun(r: RunRow): JournalRun {
  return {
    runId: r.run_id,
    source: r.source,
    strategy: r.strategy,
    instruments: JSON.parse(r.instruments) as RunInstrument[],
    startedMs: r.started_ms,
    finishedMs: opt(r.finished_ms),
    status: r.status,
    tradeCount: r.trade_count,
    netPnl: r.net_pnl as Money,
    eventCount: r.event_count,
    config: JSON.parse(r.config) as Record<string, unknown>,
    summary: r.summary === null ? undefined : (JSON.parse(r.summary) as Record<string, unknown>),
  };
}

function toTrade(r: TradeRow, tags: readonly string[], notes: readonly TradeNote[]): JournalTrade {
  return {
    tradeId: r.trade_id,
    runId: r.run_id,
    seqInRun: r.seq_in_run,
    source: r.source,
    instrument: r.instrument,
    settle: opt(r.settle),
    side: r.side,
    entryTimeMs: r.entry_ms,
    exitTimeMs: r.exit_ms,
    heldMs: r.held_ms,
    entryPrice: r.entry_price,
    exitPrice: r.exit_price,
    plannedEntry: opt(r.planned_entry),
    plannedStop: opt(r.planned_stop),
    plannedTarget: opt(r.planned_target),
    maxLots: r.max_lots,
    maxContracts: r.max_contracts,
    entries: r.entries,
    exits: r.exits,
    grossPnl: r.gross_pnl as Money,
    fees: r.fees as Money,
    funding: r.funding as Money,
    netPnl: r.net_pnl as Money,
    exitReason: r.exit_reason,
    hit: opt(r.hit),
    entryTag: opt(r.entry_tag),
    reason: opt(r.reason),
    initialRisk: opt(r.initial_risk) as Money | undefined,
    mae: r.mae as Money,
    mfe: r.mfe as Money,
    barsHeld: r.bars_held,
    tags,
    notes,
  };
}
