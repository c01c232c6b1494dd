// Records a finished backtest in the trading journal: the run, its orders, fills, funding, liquidations and refusals
// from the engine's event log, and every round trip with its planned entry, stop and target. Talks to the journal
// only through the port below (the layer rule keeps src/backtest from importing src/journal); must never change a run.
import { InvariantError } from '../core/errors.js';
import { countToFloat } from '../core/grid.js';
import { moneyFromFloat, type Money } from '../core/money.js';
import type { InstrumentId, InstrumentSpec } from '../domain/instrument.js';
import type { OrderAction, OrderType } from '../domain/order.js';
import type { RoundTrip } from '../domain/round-trip.js';
import type { Side } from '../domain/side.js';
import type { LoggedEvent } from '../engine/event-log.js';
import { summaryJson } from './outputs.js';
import type { BacktestRun } from './run-backtest.js';

interface Stamped {
  readonly runId: string;
  readonly tsVenue: number;
  readonly tsLocal: number;
}

/** The run events the sink writes; each is structurally the journal's event of the same `type` (journal-events.ts). */
export type SinkEvent =
  | (Stamped & {
      readonly type: 'OrderIntent';
      readonly clientId: string;
      readonly instrument: InstrumentId;
      readonly action: OrderAction;
      readonly orderType: OrderType;
      readonly qtyLots: number;
      readonly limitTicks?: number;
      readonly triggerTicks?: number;
      readonly reduceOnly: boolean;
      readonly purpose?: string;
    })
  | (Stamped & { readonly type: 'OrderAccepted'; readonly clientId: string; readonly instrument: InstrumentId })
  | (Stamped & { readonly type: 'OrderRejected'; readonly clientId: string; readonly instrument: InstrumentId; readonly reason: string })
  | (Stamped & { readonly type: 'OrderCancelled'; readonly clientId: string; readonly instrument: InstrumentId; readonly reason?: string })
  | (Stamped & { readonly type: 'OrderModified'; readonly clientId: string; readonly instrument: InstrumentId; readonly limitTicks?: number; readonly triggerTicks?: number })
  | (Stamped & {
      readonly type: 'Fill';
      readonly clientId: string;
      readonly instrument: InstrumentId;
      readonly action: OrderAction;
      readonly qtyLots: number;
      readonly priceTicks: number;
      readonly fee: Money;
      readonly liquidity: 'maker' | 'taker';
    })
  | (Stamped & { readonly type: 'Funding'; readonly instrument: InstrumentId; readonly amount: Money; readonly rate: number })
  | (Stamped & { readonly type: 'Liquidation'; readonly instrument: InstrumentId; readonly side: Side; readonly qtyLots: number; readonly markPriceTicks: number; readonly fee: Money })
  | (Stamped & { readonly type: 'RiskDenied'; readonly instrument: InstrumentId; readonly code: string; readonly detail: string });

/** What the sink needs of a journal writer; `JournalWriter` (src/journal/journal-writer.ts) satisfies it. */
export interface JournalSinkPort {
  startRun(meta: {
    readonly runId: string;
    readonly source: 'backtest';
    readonly strategy: string;
    readonly instruments: readonly { readonly id: InstrumentId; readonly tickSize: string; readonly lotSize: string; readonly settle: string }[];
    readonly startedMs: number;
    readonly config: Readonly<Record<string, unknown>>;
  }): string;
  append(event: SinkEvent): void;
  recordRoundTrip(trip: RoundTrip, plan: { readonly plannedEntry?: number; readonly reason?: string }): void;
  finishRun(runId: string, summary: { readonly finishedMs: number; readonly status: 'completed'; readonly endEquity: Money; readonly metrics: Readonly<Record<string, unknown>> }): void;
}

export interface JournalSinkOptions {
  readonly port: JournalSinkPort;
  /** Whether a run id is already in the journal: a rerun of the same config is recorded as `<id>.2`, `<id>.3`, ... */
  readonly runExists: (runId: string) => boolean;
  /** Wall-clock epoch ms when the backtest was launched (the run's `startedMs`); event times are simulated time. */
  readonly startedMs: number;
  /** Wall-clock epoch ms when it finished. */
  readonly finishedMs: number;
}

export interface JournalSinkResult {
  /** The run's id in the journal (the backtest's run id, suffixed on a rerun). */
  readonly runId: string;
  readonly events: number;
  readonly trades: number;
  /** Strategy notes that fell after the last round trip and so are in no trade's reason. */
  readonly notesWithoutTrade: number;
}

/** Longest trade reason kept from the strategy's notes, in characters. */
const MAX_REASON_CHARS = 1000;

/** The first free journal run id: `base`, then `base.2`, `base.3`, ... */
export function freeJournalRunId(base: string, runExists: (runId: string) => boolean): string {
  if (!runExists(base)) return base;
  for (let n = 2; n < 10_000; n++) if (!runExists(`${base}.${n}`)) return `${base}.${n}`;
  throw new InvariantError('fewer than 10000 reruns of one backtest in a journal', base);
}

/** Splits the engine's submitted-order text, `"<action> <type>[ reduce-only]"`. */
function parseSubmitted(text: string): { readonly action: OrderAction; readonly orderType: OrderType; readonly reduceOnly: boolean } {
  const [action, orderType, effect] = text.split(' ');
  if ((action !== 'buy' && action !== 'sell') || orderType === undefined) throw new InvariantError('a submitted order as "<buy|sell> <type>[ reduce-only]"', text);
  return { action, orderType: orderType as OrderType, reduceOnly: effect === 'reduce-only' };
}

/** Where the engine log's one price of an order belongs: a limit price, or a trigger for stops and take-profits. */
function priceField(orderType: OrderType, priceTicks: number | undefined): { readonly limitTicks?: number; readonly triggerTicks?: number } {
  if (priceTicks === undefined) return {};
  switch (orderType) {
    case 'market':
      return {};
    case 'limit':
    case 'stop-limit':
    case 'take-profit-limit':
      return { limitTicks: priceTicks };
    case 'stop-market':
    case 'take-profit-market':
    case 'trailing-stop':
      return { triggerTicks: priceTicks };
  }
}

/**
 * What an order is for, from its type and the position when it was sent: a reduce-only stop is the stop, a
 * reduce-only limit or take-profit the target (a bracket's exits are sent with its entry, before any position),
 * other reduce-only orders exits; otherwise entry from flat, add in the position's direction, exit against it.
 */
function purposeOf(orderType: OrderType, reduceOnly: boolean, action: OrderAction, positionLots: number): string {
  if (reduceOnly) {
    switch (orderType) {
      case 'stop-market':
      case 'stop-limit':
      case 'trailing-stop':
        return 'stop';
      case 'limit':
      case 'take-profit-market':
      case 'take-profit-limit':
        return 'target';
      case 'market':
        return 'exit';
    }
  }
  if (positionLots === 0) return 'entry';
  return (positionLots > 0) === (action === 'buy') ? 'add' : 'exit';
}

/** Index of the last bar closed at or before `timeMs` (open + interval <= time), or undefined. */
function lastClosedBar(openTimeMs: Float64Array, intervalMs: number, timeMs: number): number | undefined {
  let lo = 0;
  let hi = openTimeMs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (openTimeMs[mid]! + intervalMs <= timeMs) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : lo - 1;
}

interface Submitted {
  readonly timeMs: number;
  readonly priceTicks: number | undefined;
}

/**
 * Writes the run into the journal through `port`, in event order; each round trip follows the events up to its exit.
 * Backtest events carry simulated time as both `tsVenue` and `tsLocal`, so a journal of a rerun is identical but for
 * the run id and start time. The planned entry is the entry order's limit or trigger price, or, for a market order,
 * the close of the last bar the strategy had seen when it sent it; the trade's reason is the strategy's notes from
 * the previous trade's exit to this trade's entry. Batching is the port's (JournalWriter's `batchSize`).
 */
export function recordBacktest(run: BacktestRun, opts: JournalSinkOptions): JournalSinkResult {
  const port = opts.port;
  const specs: readonly InstrumentSpec[] = [run.spec];
  const specOf = (index: number): InstrumentSpec => {
    const s = specs[index];
    if (s === undefined) throw new InvariantError(`an instrument index below ${specs.length}`, String(index));
    return s;
  };
  const { out: _out, json: _json, ...config } = run.config;
  const runId = port.startRun({
    runId: freeJournalRunId(run.runId, opts.runExists),
    source: 'backtest',
    strategy: run.strategy.name,
    instruments: specs.map((s) => ({ id: s.id, tickSize: s.tick.step, lotSize: s.lot.step, settle: s.settle })),
    startedMs: opts.startedMs,
    config: { ...config, backtestRunId: run.runId, strategyParams: run.strategy.params, models: run.models },
  });

  const trips = run.result.trips;
  const submitted = new Map<string, Submitted>();
  /** Entry order of each trip: the first opening fill at the trip's entry time, keyed by instrument, time and action. */
  const openingFill = new Map<string, string>();
  const positionLots = specs.map(() => 0);
  const notes: { readonly timeMs: number; readonly text: string }[] = [];
  let events = 0;
  let nextTrip = 0;
  let noteCursor = 0;

  const closeTrip = (): void => {
    const trip = trips[nextTrip]!;
    const prevExit = nextTrip === 0 ? Number.NEGATIVE_INFINITY : trips[nextTrip - 1]!.exitTimeMs;
    const picked: string[] = [];
    while (noteCursor < notes.length && notes[noteCursor]!.timeMs <= trip.entryTimeMs) {
      const n = notes[noteCursor++]!;
      if (n.timeMs >= prevExit) picked.push(n.text);
    }
    const reason = picked.length === 0 ? undefined : picked.join('; ').slice(0, MAX_REASON_CHARS);
    // A rerun is recorded under a suffixed id: the trip must name the journal's run, not the backtest's.
    port.recordRoundTrip(trip.runId === runId ? trip : { ...trip, runId }, { ...plannedEntryOf(trip), ...(reason !== undefined ? { reason } : {}) });
    nextTrip++;
  };

  const plannedEntryOf = (trip: RoundTrip): { readonly plannedEntry?: number } => {
    const spec = specs.find((s) => s.id === trip.instrument) ?? run.spec;
    const clientId = openingFill.get(`${trip.instrument}\u0000${trip.entryTimeMs}\u0000${trip.side === 'long' ? 'buy' : 'sell'}`);
    const order = clientId === undefined ? undefined : submitted.get(clientId);
    if (order === undefined) return {};
    if (order.priceTicks !== undefined) return { plannedEntry: countToFloat(order.priceTicks, spec.tick) };
    const bars = run.data.bars;
    const i = lastClosedBar(bars.openTimeMs, run.data.intervalMs, order.timeMs);
    return i === undefined ? {} : { plannedEntry: countToFloat(bars.closeTicks[i]!, spec.tick) };
  };

  for (const e of run.result.log.events()) {
    while (nextTrip < trips.length && trips[nextTrip]!.exitTimeMs < e.timeMs) closeTrip();
    if (e.kind === 'note') {
      if (e.text !== undefined) notes.push({ timeMs: e.timeMs, text: e.text });
      continue;
    }
    const spec = specOf(e.instrumentIndex);
    const event = toSinkEvent(e, runId, spec.id, positionLots[e.instrumentIndex]!, submitted);
    if (event === undefined) continue;
    if (event.type === 'Fill') {
      const before = positionLots[e.instrumentIndex]!;
      const signed = event.action === 'buy' ? event.qtyLots : -event.qtyLots;
      const after = before + signed;
      // Opens a trip when it starts from flat or flips the position through zero.
      if (before === 0 || Math.sign(after) === -Math.sign(before)) {
        const key = `${spec.id}\u0000${e.timeMs}\u0000${event.action}`;
        if (!openingFill.has(key)) openingFill.set(key, event.clientId);
      }
      positionLots[e.instrumentIndex] = after;
    } else if (event.type === 'Liquidation') {
      positionLots[e.instrumentIndex] = 0;
    }
    port.append(event);
    events++;
  }
  while (nextTrip < trips.length) closeTrip();

  const metrics = summaryJson(run);
  port.finishRun(runId, {
    finishedMs: opts.finishedMs,
    status: 'completed',
    endEquity: moneyFromFloat(run.summary.finalEquity, 'nearest'),
    metrics,
  });
  return { runId, events, trades: trips.length, notesWithoutTrade: notes.length - noteCursor };
}

/** One engine log event as a journal event; undefined for kinds the journal does not keep (see docs/journal.md). */
function toSinkEvent(e: LoggedEvent, runId: string, instrument: InstrumentId, positionLots: number, submitted: Map<string, Submitted>): SinkEvent | undefined {
  const stamp = { runId, tsVenue: e.timeMs, tsLocal: e.timeMs, instrument };
  const clientId = e.clientId ?? '';
  switch (e.kind) {
    case 'order-submitted': {
      const { action, orderType, reduceOnly } = parseSubmitted(e.text ?? '');
      submitted.set(clientId, { timeMs: e.timeMs, priceTicks: e.priceTicks });
      return {
        type: 'OrderIntent',
        ...stamp,
        clientId,
        action,
        orderType,
        qtyLots: Math.abs(e.lots ?? 0),
        ...priceField(orderType, e.priceTicks),
        reduceOnly,
        purpose: purposeOf(orderType, reduceOnly, action, positionLots),
      };
    }
    case 'order-accepted':
      return { type: 'OrderAccepted', ...stamp, clientId };
    case 'order-rejected':
      return { type: 'OrderRejected', ...stamp, clientId, reason: e.text ?? 'rejected' };
    case 'order-cancelled':
      return { type: 'OrderCancelled', ...stamp, clientId, ...(e.text !== undefined ? { reason: e.text } : {}) };
    case 'order-expired':
      return { type: 'OrderCancelled', ...stamp, clientId, reason: `expired${e.text !== undefined ? `: ${e.text}` : ''}` };
    case 'order-modified':
      // The engine logs the modify's new price, with the text saying whether it is the limit or the trigger.
      if (e.priceTicks === undefined) return { type: 'OrderModified', ...stamp, clientId };
      return { type: 'OrderModified', ...stamp, clientId, ...(e.text === 'limit' ? { limitTicks: e.priceTicks } : { triggerTicks: e.priceTicks }) };
    case 'order-filled': {
      const lots = e.lots ?? 0;
      return {
        type: 'Fill',
        ...stamp,
        clientId,
        action: lots >= 0 ? 'buy' : 'sell',
        qtyLots: Math.abs(lots),
        priceTicks: e.priceTicks ?? 0,
        fee: (e.amount ?? 0) as Money,
        liquidity: e.text === 'maker' ? 'maker' : 'taker',
      };
    }
    case 'funding':
      return { type: 'Funding', ...stamp, amount: (e.amount ?? 0) as Money, rate: e.extra ?? 0 };
    case 'liquidation':
      return {
        type: 'Liquidation',
        ...stamp,
        side: e.text === 'short' ? 'short' : 'long',
        qtyLots: Math.abs(e.lots ?? 0),
        markPriceTicks: e.priceTicks ?? 0,
        fee: (e.extra ?? 0) as Money,
      };
    case 'order-not-sent':
      return { type: 'RiskDenied', ...stamp, code: 'NOT_SENT', detail: e.text ?? '' };
    default:
      // order-triggered, cancel-requested, cancel-rejected, modify-rejected: engine bookkeeping, not journal facts.
      return undefined;
  }
}
