// The last step of a restart's reconciliation: the venue's open position must have a protective stop before the
// session carries on. A kill between an entry's fill and its stop's placement leaves the position bare; this places
// the run's last known stop for it (reduce-only, its intent journaled before sending), or closes the position at
// market when that stop was crossed while the session was down. Must never open or grow a position, never act on a
// position that has a stop, and never re-send an intent: each placement is a new intent with a new client id.
import type Database from 'better-sqlite3';
import type { Exchange, Order as CcxtOrder } from 'ccxt';
import { asLots, asTicks } from '../core/grid.js';
import type { Clock } from '../core/time.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import type { OrderAction, OrderSpec } from '../domain/order.js';
import type { JournalWriter } from '../journal/journal-writer.js';
import { toCcxtOrder } from '../venues/ccxt/order-mapping.js';
import { classifyError } from '../venues/ccxt/venue-failure.js';
import type { AccountContext, VenueProfile } from '../venues/ccxt/venue-profile.js';
import type { VenueSnapshot } from '../venues/venue.js';
import { continueIds } from './journal-ids.js';

/** What the step needs of a reconciliation's options (reconcile.ts ReconcileOptions). */
export interface ProtectionOptions {
  readonly db: Database.Database;
  readonly writer: JournalWriter;
  readonly runId: string;
  /** The run's client-id prefix: the placed orders carry it, so later restarts know them as the run's. */
  readonly idTag: string;
  readonly spec: InstrumentSpec;
  readonly exchange: Exchange;
  readonly profile: VenueProfile;
  /** The session's settings, named in the order where the venue wants them (MEXC's margin type and leverage). */
  readonly account?: AccountContext;
  readonly clock: Clock;
  readonly redact: (text: string) => string;
}

/** What the step did: nothing to do, a stop placed, the position closed, or why the position is still bare. */
export type Protection =
  | { readonly kind: 'none-needed' }
  | { readonly kind: 'stop-placed'; readonly clientId: string; readonly triggerTicks: number; readonly lots: number }
  | { readonly kind: 'closed'; readonly clientId: string; readonly lots: number; readonly stopTicks: number }
  | { readonly kind: 'bare'; readonly reason: string };

const STOP_TYPES: ReadonlySet<string> = new Set(['stop-market', 'stop-limit', 'trailing-stop']);

/**
 * The run's last stop on the exit side `action` as the journal holds it: the trigger of the newest stop intent
 * (a bracket's `stop` or an earlier restart's `protect`), moved by its journaled modifications. Undefined when the
 * run never had one.
 */
export function lastStopTicks(db: Database.Database, runId: string, action: OrderAction): number | undefined {
  const rows = db.prepare("SELECT type, payload FROM events WHERE run_id = ? AND type IN ('OrderIntent', 'OrderModified') ORDER BY seq").all(runId) as { type: string; payload: string }[];
  let clientId: string | undefined;
  let ticks: number | undefined;
  for (const row of rows) {
    const e = JSON.parse(row.payload) as { clientId: string; action?: string; orderType?: string; reduceOnly?: boolean; triggerTicks?: number };
    if (row.type === 'OrderIntent' && e.reduceOnly === true && e.action === action && STOP_TYPES.has(e.orderType ?? '') && e.triggerTicks !== undefined) {
      clientId = e.clientId;
      ticks = e.triggerTicks;
    } else if (row.type === 'OrderModified' && e.clientId === clientId && e.triggerTicks !== undefined) ticks = e.triggerTicks;
  }
  return ticks;
}

/**
 * Protects the net position of a one-way account after reconciliation (`snap` read after orphans were cancelled).
 * A position counts as protected by any working reduce-only stop on its exit side, ours or not. The stop is placed
 * at the run's last known trigger; the venue's refusal as already crossed (`PRICE_OUT_OF_BOUNDS`, Binance -2021
 * "Order would immediately trigger") makes it a reduce-only market close, which is what the stop would have done.
 * Hedge-mode accounts are left as they are (reported `bare` with the reason).
 */
export async function protectPosition(o: ProtectionOptions, snap: VenueSnapshot, netLots: number): Promise<Protection> {
  if (netLots === 0) return { kind: 'none-needed' };
  if (snap.positionMode === 'hedge') return { kind: 'bare', reason: 'hedge mode: restart protection covers one-way accounts only' };
  const exit: OrderAction = netLots > 0 ? 'sell' : 'buy';
  const guarded = snap.openOrders.some((x) => x.order.instrument === o.spec.id && x.order.effect === 'reduce-only' && x.order.action === exit && STOP_TYPES.has(x.order.type));
  if (guarded) return { kind: 'none-needed' };
  const triggerTicks = lastStopTicks(o.db, o.runId, exit);
  if (triggerTicks === undefined) return { kind: 'bare', reason: 'the journal holds no stop for it: place one or run `microfut flatten`' };
  const lots = Math.abs(netLots);
  const stop: OrderSpec = { clientId: nextId(o), instrument: o.spec.id, action: exit, qtyLots: asLots(lots), effect: 'reduce-only', type: 'stop-market', triggerTicks: asTicks(triggerTicks) };
  const placed = await place(o, stop);
  if (placed.ok) return { kind: 'stop-placed', clientId: stop.clientId, triggerTicks, lots };
  if (placed.code !== 'PRICE_OUT_OF_BOUNDS') return { kind: 'bare', reason: `the stop ${stop.clientId} was not placed (${placed.message}); it is asked for at the next start` };
  const close: OrderSpec = { clientId: nextId(o), instrument: o.spec.id, action: exit, qtyLots: asLots(lots), effect: 'reduce-only', type: 'market' };
  const closed = await place(o, close);
  if (closed.ok) return { kind: 'closed', clientId: close.clientId, lots, stopTicks: triggerTicks };
  return { kind: 'bare', reason: `its stop at ${triggerTicks} ticks was crossed while down and the close ${close.clientId} failed (${closed.message})` };
}

/** One line for the reconciliation report. */
export function describeProtection(p: Protection): string | undefined {
  switch (p.kind) {
    case 'none-needed':
      return undefined;
    case 'stop-placed':
      return `the position had no stop: ${p.clientId} placed, ${p.lots} lots at trigger ${p.triggerTicks} ticks`;
    case 'closed':
      return `the position's stop at ${p.stopTicks} ticks was crossed while down: closed ${p.lots} lots at market (${p.clientId})`;
    case 'bare':
      return `WARNING the position has no stop: ${p.reason}`;
  }
}

/** A new client id past every journaled one (`p` for protection: never one the session's engine hands out). */
function nextId(o: ProtectionOptions): string {
  return `${o.idTag}p${continueIds(o.db, o.runId).first}`;
}

/** Journals the intent, sends the order once (never retried), journals the acknowledgement or the refusal. */
async function place(o: ProtectionOptions, order: OrderSpec): Promise<{ readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string }> {
  const now = o.clock.nowMs();
  const base = { runId: o.runId, instrument: o.spec.id, clientId: order.clientId, tsLocal: now };
  o.writer.append({
    ...base,
    type: 'OrderIntent',
    tsVenue: now,
    action: order.action,
    orderType: order.type,
    qtyLots: order.qtyLots,
    ...('triggerTicks' in order ? { triggerTicks: order.triggerTicks } : {}),
    reduceOnly: true,
    purpose: 'protect',
  });
  const req = toCcxtOrder(order, o.spec, o.profile, o.account);
  let answer: CcxtOrder;
  try {
    answer = await o.exchange.createOrder(req.symbol, req.type, req.side, req.amount, req.price, req.params);
  } catch (e) {
    const c = classifyError(e, o.profile.errors, o.redact);
    // A refusal is final; anything else leaves the intent open, so the next start asks for it by client id.
    if (c.meaning.kind === 'refusal') o.writer.append({ ...base, type: 'OrderRejected', tsVenue: o.clock.nowMs(), reason: `${c.meaning.code}: ${c.message}` });
    return { ok: false, code: c.meaning.code, message: c.message };
  }
  o.writer.append({ ...base, type: 'OrderAccepted', tsVenue: answer.timestamp ?? o.clock.nowMs(), ...(answer.id === undefined ? {} : { venueOrderId: String(answer.id) }) });
  return { ok: true };
}
