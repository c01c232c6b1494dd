// Crash-only restart of a live run: compares the journal (intents, acknowledgements, fills) with the venue (orders
// asked for by client id, the account's trades, open orders, positions, balance), journals what was missed exactly
// once, cancels our orphan orders, and gives a bare position its stop (restart-protection.ts). Must never re-send an
// intent (unknowns are asked about) nor send any order but that protection.
import type { Exchange, Order as CcxtOrder, Trade as CcxtTrade } from 'ccxt';
import type Database from 'better-sqlite3';
import { countFromFloat } from '../core/grid.js';
import { moneyFromFloat, type Money } from '../core/money.js';
import type { Clock } from '../core/time.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import type { FillEvent } from '../journal/journal-events.js';
import type { JournalWriter } from '../journal/journal-writer.js';
import { fetchOrderByClientId, repairedOrder } from '../venues/ccxt/order-lookup.js';
import { fromCcxtOrder, type CcxtOrderStatus } from '../venues/ccxt/order-mapping.js';
import { classifyError } from '../venues/ccxt/venue-failure.js';
import type { AccountContext, VenueProfile } from '../venues/ccxt/venue-profile.js';
import type { VenueSnapshot } from '../venues/venue.js';
import { describeProtection, protectionActions, protectPosition, type Protection } from './restart-protection.js';
import { exitIsSpent, intentIdOf, newestGenerations, readRunJournalState, type IntentState, type RunJournalState } from './run-journal-state.js';

export interface ReconcileOptions {
  readonly db: Database.Database;
  /** A writer on which the run has been resumed. */
  readonly writer: JournalWriter;
  readonly runId: string;
  /** The run's client-id prefix (journal-ids.ts `continueIds().tag`): open orders with it are ours. */
  readonly idTag: string;
  readonly spec: InstrumentSpec;
  /** The ccxt client the venue port wraps (no retries: CcxtVenue sets maxRetriesOnFailure = 0). */
  readonly exchange: Exchange;
  readonly profile: VenueProfile;
  /** The session's settings, named in orders reconciliation places where the venue wants them (MEXC). */
  readonly account?: AccountContext;
  /** The venue's truth (CcxtVenue.snapshot, which also starts tracking the open orders it lists). */
  readonly snapshot: () => Promise<VenueSnapshot>;
  /**
   * A snapshot the caller has just taken (pre-flight's): used instead of reading one more, because every venue read
   * spends rate-limit weight and a restart should be quick. Read again only after orphans were cancelled.
   */
  readonly initial?: VenueSnapshot;
  readonly clock: Clock;
  readonly redact: (text: string) => string;
  readonly log: (line: string) => void;
  /**
   * Trades are read from the last journaled fill's venue time minus this (ms): a fill of another order may have
   * been reported after a later one (the poll visits orders one by one). Default 10 minutes.
   */
  readonly lookbackMs?: number;
  /** Most order queries (by client id or order id) in one reconciliation. Default 200. */
  readonly maxQueries?: number;
}

/** What a reconciliation found and did. */
export interface ReconcileReport {
  readonly runId: string;
  readonly intents: number;
  /** Intents asked for by client id (every one the journal did not show as final). */
  readonly queried: number;
  /** Found on the venue with no acknowledgement in the journal: the acknowledgement is journaled now. */
  readonly acknowledged: readonly string[];
  /** The venue has no order with the client id and never acknowledged it: journaled as rejected `not-sent`. */
  readonly notSent: readonly string[];
  /** Could not be settled (the query failed); left as they were, to be asked again at the next start. */
  readonly unresolved: readonly { readonly clientId: string; readonly reason: string }[];
  readonly fillsJournaled: number;
  readonly cancelsJournaled: number;
  readonly rejectionsJournaled: number;
  /** Our working orders left on the venue for this run (client ids as the venue holds them). */
  readonly adopted: readonly string[];
  /**
   * Our open orders with no live intent, reduce-only with no position, exits of a finished bracket, or an exit's older
   * placement beside its replacement: cancelled.
   */
  readonly orphansCancelled: readonly string[];
  /** What was done for an open position without a stop (restart-protection.ts). */
  readonly protection: Protection;
  /** The venue's net position on the instrument after reconciliation, lots (hedge legs: long - short). */
  readonly positionSignedLots: number;
  /** The venue's wallet balance after reconciliation (the session starts its ledger from it). */
  readonly balance: Money;
  readonly snapshot: VenueSnapshot;
}

/** Working is `open`; the other ccxt statuses are final on the venue. */
type QueryOutcome = { readonly kind: 'found'; readonly order: CcxtOrder } | { readonly kind: 'absent' } | { readonly kind: 'failed'; readonly reason: string };

const DEFAULT_LOOKBACK_MS = 10 * 60_000;
const DEFAULT_MAX_QUERIES = 200;

/**
 * Reconciles a resumed run with the venue, in this order: (1) every intent the journal does not show as final is
 * asked for by its client id (never re-sent); one the venue never saw is journaled as rejected `not-sent`; (2) the
 * account's trades since the last journaled fill (ccxt `fetchMyTrades(symbol, since)`) are matched to the run's
 * intents and each one not in the journal is journaled once (a fill is identified by client id, venue time, lots
 * and price, which is what the journal holds of the venue's trade); (3) final states seen on the venue (cancelled,
 * expired, rejected) are journaled; (4) open orders with the run's prefix are adopted when their intent is live, and
 * cancelled as orphans otherwise, or when reduce-only with no position left, or when an exit whose bracket is done
 * (the other exit filled, or the entry ended unfilled). Running it twice journals nothing new.
 */
export async function reconcileRun(o: ReconcileOptions): Promise<ReconcileReport> {
  const state = readRunJournalState(o.db, o.runId);
  const budget = { left: o.maxQueries ?? DEFAULT_MAX_QUERIES };
  const now = (): { tsVenue: number; tsLocal: number } => ({ tsVenue: o.clock.nowMs(), tsLocal: o.clock.nowMs() });
  const base = { runId: o.runId, instrument: o.spec.id };
  const acknowledged: string[] = [];
  const notSent: string[] = [];
  const unresolved: { clientId: string; reason: string }[] = [];
  const venueStatus = new Map<string, { status: CcxtOrderStatus; ts: number }>();
  const orderIdToClient = new Map<string, string>();
  for (const [clientId, s] of state.intents) if (s.venueOrderId !== undefined) orderIdToClient.set(s.venueOrderId, clientId);

  // Read first: an intent with an order still open on the venue (a re-placed exit `<id>.N`) is live, whatever its
  // first placement became.
  let snap = o.initial ?? (await o.snapshot());
  const openIntents = new Set(snap.openOrders.filter((x) => x.clientId.startsWith(o.idTag)).map((x) => intentIdOf(x.clientId)));
  let queried = 0;
  for (const [clientId, s] of state.intents) {
    if (s.final !== undefined) continue;
    if (budget.left-- <= 0) {
      unresolved.push({ clientId, reason: 'query budget spent' });
      continue;
    }
    queried++;
    const q = await queryByClientId(o, clientId, s);
    switch (q.kind) {
      case 'found': {
        const view = fromCcxtOrder(q.order, o.spec);
        orderIdToClient.set(view.venueOrderId, clientId);
        const child = childOrderId(q.order);
        if (child !== undefined) orderIdToClient.set(child, clientId);
        const ts = q.order.lastUpdateTimestamp ?? q.order.timestamp ?? o.clock.nowMs();
        venueStatus.set(clientId, { status: view.status, ts });
        if (!s.acknowledged) {
          o.writer.append({ ...base, type: 'OrderAccepted', clientId, venueOrderId: view.venueOrderId, tsVenue: q.order.timestamp ?? ts, tsLocal: o.clock.nowMs() });
          s.acknowledged = true;
          acknowledged.push(clientId);
        }
        break;
      }
      case 'absent':
        if (s.acknowledged) {
          // Acknowledged once, unknown now: the venue forgot it (Binance ages out old orders); trades still tell.
          unresolved.push({ clientId, reason: 'acknowledged before, not found by client id now' });
          break;
        }
        o.writer.append({ ...base, type: 'OrderRejected', clientId, reason: 'not-sent: the venue has no order with this client id; it never reached the venue (safe to forget)', ...now() });
        s.final = 'rejected';
        notSent.push(clientId);
        break;
      case 'failed':
        unresolved.push({ clientId, reason: q.reason });
        break;
    }
  }

  const fillsJournaled = await catchUpFills(o, state, orderIdToClient, budget);

  let cancelsJournaled = 0;
  let rejectionsJournaled = 0;
  for (const [clientId, v] of venueStatus) {
    const s = state.intents.get(clientId)!;
    if (s.final !== undefined || openIntents.has(clientId)) continue;
    switch (v.status) {
      case 'open':
      case 'closed':
        break;
      case 'canceled':
      case 'expired':
        o.writer.append({ ...base, type: 'OrderCancelled', clientId, reason: `${v.status} on the venue while the session was down`, tsVenue: v.ts, tsLocal: o.clock.nowMs() });
        s.final = 'cancelled';
        cancelsJournaled++;
        break;
      case 'rejected':
        o.writer.append({ ...base, type: 'OrderRejected', clientId, reason: 'rejected by the venue while the session was down', tsVenue: v.ts, tsLocal: o.clock.nowMs() });
        s.final = 'rejected';
        rejectionsJournaled++;
        break;
    }
  }

  // Not the net: hedge-mode legs of equal size net to zero and their exits are not orphans.
  const flat = !snap.positions.some((p) => p.instrument === o.spec.id && p.signedLots !== 0);
  const adopted: string[] = [];
  const orphansCancelled: string[] = [];
  const ours = snap.openOrders.filter((x) => x.order.instrument === o.spec.id && x.clientId.startsWith(o.idTag));
  const newest = newestGenerations(ours.map((x) => x.clientId));
  for (const open of ours) {
    const s = state.intents.get(intentIdOf(open.clientId));
    const live = s !== undefined && s.final === undefined;
    // A kill between placing an exit's replacement and cancelling the old one leaves both: the newest one stays.
    const replacedBy = newest.get(intentIdOf(open.clientId)) === open.clientId ? undefined : newest.get(intentIdOf(open.clientId));
    const spent = flat && open.order.effect === 'reduce-only' ? 'reduce-only with no position' : live && exitIsSpent(state, intentIdOf(open.clientId)) ? 'its bracket is done' : undefined;
    if (live && spent === undefined && replacedBy === undefined) {
      adopted.push(open.clientId);
      continue;
    }
    try {
      await o.exchange.cancelOrder(open.venueOrderId, o.spec.ccxtSymbol, o.profile.queryParams(open.order.type));
    } catch (e) {
      unresolved.push({ clientId: open.clientId, reason: `orphan cancel failed: ${classifyError(e, o.profile.errors, o.redact).message}` });
      continue;
    }
    orphansCancelled.push(open.clientId);
    if (live && replacedBy === undefined) {
      o.writer.append({ ...base, type: 'OrderCancelled', clientId: intentIdOf(open.clientId), reason: `orphan cancelled at restart: ${spent ?? 'no live intent'}`, ...now() });
      s.final = 'cancelled';
      cancelsJournaled++;
    }
  }
  // Cancels change no position: the protection step judges the snapshot without the cancelled orders, and one
  // snapshot afterwards serves both (each read of the position mode costs Binance weight 30, 1.5 s of ccxt's throttle).
  const cancelled = new Set(orphansCancelled);
  const afterCancels = { ...snap, openOrders: snap.openOrders.filter((x) => !cancelled.has(x.clientId)) };
  let fillsAfterProtection = 0;
  const protection = await protectPosition(o, afterCancels, netLots(snap, o.spec));
  const actions = protectionActions(protection);
  const acted = actions.placedStopIds.length > 0 || actions.closed;
  if (orphansCancelled.length > 0 || acted) snap = await o.snapshot();
  if (acted) {
    for (const id of actions.placedStopIds) if (snap.openOrders.some((x) => x.clientId === id)) adopted.push(id);
    if (actions.closed) {
      const fresh = readRunJournalState(o.db, o.runId);
      for (const [clientId, s] of fresh.intents) if (s.venueOrderId !== undefined) orderIdToClient.set(s.venueOrderId, clientId);
      fillsAfterProtection = await catchUpFills(o, fresh, orderIdToClient, budget);
    }
  }
  const report: ReconcileReport = {
    runId: o.runId,
    intents: state.intents.size,
    queried,
    acknowledged,
    notSent,
    unresolved,
    fillsJournaled: fillsJournaled + fillsAfterProtection,
    cancelsJournaled,
    rejectionsJournaled,
    adopted,
    orphansCancelled,
    positionSignedLots: netLots(snap, o.spec),
    balance: snap.balance,
    snapshot: snap,
    protection,
  };
  o.log(o.redact(describeReconcile(report)));
  return report;
}

/**
 * Journals every trade of the run's orders since the last journaled fill (minus the lookback) that the journal does
 * not hold yet; returns how many. Safe to call again at any time (adopted orders that trade after a restart).
 */
export async function catchUpFills(o: ReconcileOptions, state: RunJournalState, orderIdToClient: Map<string, string>, budget = { left: o.maxQueries ?? DEFAULT_MAX_QUERIES }): Promise<number> {
  const since = state.lastFillTsVenue === undefined ? undefined : state.lastFillTsVenue - (o.lookbackMs ?? DEFAULT_LOOKBACK_MS);
  let trades: CcxtTrade[];
  try {
    trades = await o.exchange.fetchMyTrades(o.spec.ccxtSymbol, since);
  } catch (e) {
    o.log(o.redact(`reconcile: the account's trades could not be read (${classifyError(e, o.profile.errors, o.redact).message}); missed fills are journaled at the next start`));
    return 0;
  }
  const known = new Map<string, number>();
  for (const f of state.fills) {
    if (since !== undefined && f.tsVenue < since) continue;
    const key = fillKey(f.clientId, f.tsVenue, f.qtyLots, f.priceTicks);
    known.set(key, (known.get(key) ?? 0) + 1);
  }
  const sorted = trades.filter((t) => since === undefined || (t.timestamp ?? 0) >= since).sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0) || String(a.id).localeCompare(String(b.id)));
  let journaled = 0;
  for (const t of sorted) {
    const orderId = String(t.order);
    let venueClientId = orderIdToClient.get(orderId);
    if (venueClientId === undefined && budget.left-- > 0) {
      venueClientId = await clientIdOfOrder(o, orderId);
      if (venueClientId !== undefined) orderIdToClient.set(orderId, venueClientId);
    }
    if (venueClientId === undefined || !venueClientId.startsWith(o.idTag)) continue;
    const clientId = intentIdOf(venueClientId);
    const s = state.intents.get(clientId);
    const lots = countFromFloat(t.amount ?? 0, o.spec.lot, 'nearest');
    const priceTicks = countFromFloat(t.price ?? Number.NaN, o.spec.tick, 'nearest');
    if (s === undefined || lots === undefined || lots <= 0 || priceTicks === undefined) continue;
    const tsVenue = t.timestamp ?? o.clock.nowMs();
    const key = fillKey(clientId, tsVenue, lots, priceTicks);
    const seen = known.get(key) ?? 0;
    if (seen > 0) {
      known.set(key, seen - 1);
      continue;
    }
    const fill: FillEvent = {
      type: 'Fill',
      runId: o.runId,
      clientId,
      instrument: o.spec.id,
      action: s.intent.action,
      qtyLots: lots,
      priceTicks,
      fee: moneyFromFloat(t.fee?.cost ?? 0, 'nearest'),
      liquidity: t.takerOrMaker === 'maker' ? 'maker' : 'taker',
      tsVenue,
      tsLocal: o.clock.nowMs(),
    };
    o.writer.append(fill);
    (state.fills as FillEvent[]).push(fill);
    s.filledLots += lots;
    if (s.filledLots >= s.intent.qtyLots) s.final = 'filled';
    journaled++;
  }
  return journaled;
}

/** One line for the session log: what the restart found and did. */
export function describeReconcile(r: ReconcileReport): string {
  const parts = [
    `${r.intents} intents, ${r.queried} asked for by client id`,
    `${r.acknowledged.length} acknowledged now`,
    `${r.notSent.length} not sent`,
    `${r.fillsJournaled} missed fills journaled`,
    `${r.cancelsJournaled} cancels, ${r.rejectionsJournaled} rejections journaled`,
    `${r.adopted.length} open orders adopted`,
    `${r.orphansCancelled.length} orphans cancelled`,
    `position ${r.positionSignedLots} lots`,
    `balance ${(r.balance / 1e8).toFixed(8)} ${r.snapshot.settleAsset}`,
  ];
  const protection = describeProtection(r.protection);
  const tail = r.unresolved.length === 0 ? '' : `; unresolved: ${r.unresolved.map((u) => `${u.clientId} (${u.reason})`).join(', ')}`;
  return `reconciled run ${r.runId}: ${parts.join(', ')}${protection === undefined ? '' : `; ${protection}`}${tail}`;
}

async function queryByClientId(o: ReconcileOptions, clientId: string, s: IntentState): Promise<QueryOutcome> {
  try {
    // With the venue order id known (acknowledged before the crash) it names the order; otherwise the venue is asked
    // by our client id the way it understands it (order-lookup.ts: Bybit orderLinkId, MEXC external_oid, ...).
    const order =
      s.venueOrderId !== undefined
        ? repairedOrder(o.profile, await o.exchange.fetchOrder(s.venueOrderId, o.spec.ccxtSymbol, { clientOrderId: clientId, ...o.profile.queryParams(s.intent.orderType) }))
        : await fetchOrderByClientId(o.exchange, o.profile, o.spec, clientId, s.intent.orderType);
    if (order === undefined) return { kind: 'absent' };
    return order.id === undefined || order.id === '' ? { kind: 'failed', reason: 'the venue answered without an order id' } : { kind: 'found', order };
  } catch (e) {
    const c = classifyError(e, o.profile.errors, o.redact);
    if (c.meaning.kind === 'refusal' && c.meaning.code === 'UNKNOWN_ORDER') return { kind: 'absent' };
    return { kind: 'failed', reason: `${c.meaning.code}: ${c.message}` };
  }
}

async function clientIdOfOrder(o: ReconcileOptions, orderId: string): Promise<string | undefined> {
  try {
    const order = repairedOrder(o.profile, await o.exchange.fetchOrder(orderId, o.spec.ccxtSymbol));
    return order.clientOrderId ?? undefined;
  } catch (e) {
    o.log(o.redact(`reconcile: order ${orderId} could not be read (${classifyError(e, o.profile.errors, o.redact).message})`));
    return undefined;
  }
}

/** A conditional (algo) order trades through a child order with its own id (Binance `actualOrderId`). */
function childOrderId(order: CcxtOrder): string | undefined {
  const info = order.info as { actualOrderId?: unknown } | undefined;
  const id = info?.actualOrderId;
  return id === undefined || id === null || id === '' ? undefined : String(id);
}

function fillKey(clientId: string, tsVenue: number, lots: number, priceTicks: number): string {
  return `${clientId}|${tsVenue}|${lots}|${priceTicks}`;
}

function netLots(snap: VenueSnapshot, spec: InstrumentSpec): number {
  let lots = 0;
  for (const p of snap.positions) {
    if (p.instrument !== spec.id) continue;
    lots += p.positionSide === undefined ? p.signedLots : p.positionSide === 'long' ? Math.abs(p.signedLots) : -Math.abs(p.signedLots);
  }
  return lots;
}
