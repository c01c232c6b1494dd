// Step 5 of a restart's reconciliation: a position (one-way) or hedge-mode leg left without a protective stop by a
// kill gets the run's last journaled stop, reduce-only on that leg, or is closed at market when that stop was crossed
// while down. Must never open or grow a position, touch the other leg, or re-send an intent (each placement is new).
import type Database from 'better-sqlite3';
import type { Exchange, Order as CcxtOrder } from 'ccxt';
import { asLots, asTicks } from '../core/grid.js';
import type { Clock } from '../core/time.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import type { OrderAction, OrderSpec } from '../domain/order.js';
import { SIDES, type Side } from '../domain/side.js';
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

/** What the step did for one position (a one-way net position or one hedge-mode leg). */
export type LegProtection =
  | { readonly kind: 'none-needed' }
  | { readonly kind: 'stop-placed'; readonly clientId: string; readonly triggerTicks: number; readonly lots: number }
  | { readonly kind: 'closed'; readonly clientId: string; readonly lots: number; readonly stopTicks: number }
  | { readonly kind: 'bare'; readonly reason: string };

/**
 * What the step did: for a one-way account, its net position's outcome; for a hedge-mode account, one outcome per
 * open leg (long first), each about that leg alone.
 */
export type Protection = LegProtection | { readonly kind: 'legs'; readonly legs: readonly (LegProtection & { readonly positionSide: Side })[] };

const STOP_TYPES: ReadonlySet<string> = new Set(['stop-market', 'stop-limit', 'trailing-stop']);

/**
 * The run's last stop on the exit side `action` as the journal holds it: the trigger of the newest stop intent
 * (a bracket's `stop` or an earlier restart's `protect`), moved by its journaled modifications. Undefined when the
 * run never had one. In hedge mode a reduce-only order can only shrink the leg its action closes (a sell the long,
 * a buy the short), so the exit side names the leg: the journal's intents need not carry it.
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
 * Protects the venue's open position after reconciliation (`snap` read after orphans were cancelled). One-way: the
 * net position `netLots`. Hedge mode: each open leg of `snap.positions` on its own (`netLots` is not used: a long
 * and a short of equal size net to zero and both still need a stop), every order placed naming its leg
 * (`positionSide`, which on Binance is what makes it close-only) and reduce-only, never the other leg's.
 * A position counts as protected by any working stop on its exit side, ours or not: one-way, a reduce-only one;
 * hedge mode, one on the same leg (Binance reads back a hedge close as `reduceOnly: false`), or a reduce-only one the
 * venue gave no leg for. The stop is placed at the run's last known trigger for that exit side; the venue's refusal
 * as already crossed (`PRICE_OUT_OF_BOUNDS`, Binance -2021 "Order would immediately trigger") makes it a reduce-only
 * market close of that position or leg, which is what the stop would have done.
 */
export async function protectPosition(o: ProtectionOptions, snap: VenueSnapshot, netLots: number): Promise<Protection> {
  if (snap.positionMode === 'one-way') return protectLeg(o, snap, netLots, undefined);
  const legs: (LegProtection & { readonly positionSide: Side })[] = [];
  for (const side of SIDES) {
    let lots = 0;
    for (const p of snap.positions) if (p.instrument === o.spec.id && (p.positionSide ?? (p.signedLots > 0 ? 'long' : 'short')) === side) lots += Math.abs(p.signedLots);
    if (lots === 0) continue;
    legs.push({ ...(await protectLeg(o, snap, side === 'long' ? lots : -lots, side)), positionSide: side });
  }
  return legs.length === 0 ? { kind: 'none-needed' } : { kind: 'legs', legs };
}

/** The stops placed and whether a position was closed, for the reconciliation that follows (adoption, fill catch-up). */
export function protectionActions(p: Protection): { readonly placedStopIds: readonly string[]; readonly closed: boolean } {
  const outcomes: readonly LegProtection[] = p.kind === 'legs' ? p.legs : [p];
  return {
    placedStopIds: outcomes.flatMap((x) => (x.kind === 'stop-placed' ? [x.clientId] : [])),
    closed: outcomes.some((x) => x.kind === 'closed'),
  };
}

/** `signedLots` of one position (> 0 long); `leg` its hedge-mode leg, undefined in one-way mode. */
async function protectLeg(o: ProtectionOptions, snap: VenueSnapshot, signedLots: number, leg: Side | undefined): Promise<LegProtection> {
  if (signedLots === 0) return { kind: 'none-needed' };
  const exit: OrderAction = signedLots > 0 ? 'sell' : 'buy';
  const onLeg = (x: OrderSpec): boolean => (leg === undefined ? x.effect === 'reduce-only' : x.positionSide === leg || (x.positionSide === undefined && x.effect === 'reduce-only'));
  const guarded = snap.openOrders.some((x) => x.order.instrument === o.spec.id && x.order.action === exit && STOP_TYPES.has(x.order.type) && onLeg(x.order));
  if (guarded) return { kind: 'none-needed' };
  const triggerTicks = lastStopTicks(o.db, o.runId, exit);
  if (triggerTicks === undefined) return { kind: 'bare', reason: 'the journal holds no stop for it: place one or run `microfut flatten`' };
  const lots = Math.abs(signedLots);
  const base = { instrument: o.spec.id, action: exit, qtyLots: asLots(lots), effect: 'reduce-only', ...(leg === undefined ? {} : { positionSide: leg }) } as const;
  const stop: OrderSpec = { ...base, clientId: nextId(o), type: 'stop-market', triggerTicks: asTicks(triggerTicks) };
  const placed = await place(o, stop);
  if (placed.ok) return { kind: 'stop-placed', clientId: stop.clientId, triggerTicks, lots };
  if (placed.code !== 'PRICE_OUT_OF_BOUNDS') return { kind: 'bare', reason: `the stop ${stop.clientId} was not placed (${placed.message}); it is asked for at the next start` };
  const close: OrderSpec = { ...base, clientId: nextId(o), type: 'market' };
  const closed = await place(o, close);
  if (closed.ok) return { kind: 'closed', clientId: close.clientId, lots, stopTicks: triggerTicks };
  return { kind: 'bare', reason: `its stop at ${triggerTicks} ticks was crossed while down and the close ${close.clientId} failed (${closed.message})` };
}

/** One line for the reconciliation report. */
export function describeProtection(p: Protection): string | undefined {
  if (p.kind !== 'legs') return describeLeg(p, 'the position');
  const parts = p.legs.map((x) => describeLeg(x, `the ${x.positionSide} leg`)).filter((x) => x !== undefined);
  return parts.length === 0 ? undefined : parts.join('; ');
}

function describeLeg(p: LegProtection, what: string): string | undefined {
  switch (p.kind) {
    case 'none-needed':
      return undefined;
    case 'stop-placed':
      return `${what} had no stop: ${p.clientId} placed, ${p.lots} lots at trigger ${p.triggerTicks} ticks`;
    case 'closed':
      return `${what}'s stop at ${p.stopTicks} ticks was crossed while down: closed ${p.lots} lots at market (${p.clientId})`;
    case 'bare':
      return `WARNING ${what} has no stop: ${p.reason}`;
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
