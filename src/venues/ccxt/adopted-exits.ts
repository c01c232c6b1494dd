// Exits a restarted process took over from the venue (stops and take-profits closing a position, found by snapshot()
// and placed by the run's earlier process): moved and resized the way the bracket keeper treats its own exits, the
// new order `<intent>.N+1` placed first and the old one cancelled after, under the one client id the session adopted.
// Must never leave the exit without a resting order on purpose, nor send anything itself: it drives its host's calls.
import type { OrderAction, OrderSpec } from '../../domain/order.js';
import type { VenueCommand, VenueEvent, VenuePosition } from '../venue.js';
import type { TrackedOrder } from './ccxt-venue-orders.js';

/** What the adopted exits need from the adapter: the order desk's records and calls, and the session's outlet. */
export interface AdoptedExitsHost {
  /** The orders the adapter tracks, by venue client id. */
  readonly orders: ReadonlyMap<string, TrackedOrder>;
  /** Places an order (its events go through `route`); true when the venue accepted it. */
  place(spec: OrderSpec): Promise<boolean>;
  cancel(venueClientId: string): Promise<void>;
  /** Hands an event to the session as it is (not routed again). */
  deliver(e: VenueEvent): void;
  /** Runs `task` after the adapter's queued commands (serially with them). */
  schedule(task: () => Promise<void>): void;
  /** Whether the bracket keeper plays this venue order (a bracket's entry or exit): it sizes its own exits. */
  keeps(venueClientId: string): boolean;
  nowMs(): number;
}

/** Exit types a session may move: their trigger (stops) or their limit. */
const EXIT_TYPES = new Set<OrderSpec['type']>(['stop-market', 'stop-limit', 'take-profit-market', 'take-profit-limit']);
const STOP_TYPES = new Set<OrderSpec['type']>(['stop-market', 'stop-limit']);

/** The position the adopted exits of one instrument and leg close, in lots, as the fills seen since adoption move it. */
interface Protected {
  lots: number;
  readonly exitAction: OrderAction;
}

/** The intent a venue client id belongs to: a re-placed exit is `<intent>.N` (run-journal-state.ts has the same rule). */
function intentOf(venueClientId: string): string {
  return venueClientId.replace(/\.\d+$/, '');
}

function generationOf(venueClientId: string): number {
  const m = /\.(\d+)$/.exec(venueClientId);
  return m === null ? 1 : Number(m[1]);
}

/** Instrument and leg (`net` in one-way mode): the bracket keeper's position key (bracket-keeper-legs.ts keyOf). */
const keyOf = (o: { readonly instrument: string; readonly positionSide?: string | undefined }): string => `${o.instrument}|${o.positionSide ?? 'net'}`;

/**
 * Whether the order closes a position: reduce-only, or in hedge mode the action that shrinks its leg (Binance reads a
 * hedge-mode close back as `reduceOnly: false`; a sell on the long leg, a buy on the short leg, can only close).
 */
const closes = (spec: OrderSpec): boolean => spec.effect === 'reduce-only' || (spec.positionSide !== undefined && (spec.positionSide === 'long') === (spec.action === 'sell'));

export class AdoptedExits {
  /** Session client id (as adopted) -> the venue client id resting for it now. */
  private readonly current = new Map<string, string>();
  /** Venue client id of a replacement -> the session client id it stands for. */
  private readonly sessionIdOf = new Map<string, string>();
  /** Venue orders being retired by a move: their cancel is ours, not the session's. */
  private readonly retiring = new Set<string>();
  /** Retired orders whose cancel the venue refused (they filled first): the replacement must go too. */
  private readonly cancelRefused = new Set<string>();
  /** Per position key: the lots the adopted exits protect. */
  private readonly positions = new Map<string, Protected>();
  /** Venue orders of exits handed to a scale-in bracket: the session was told they are cancelled. */
  private readonly handedOver = new Set<string>();

  constructor(private readonly host: AdoptedExitsHost) {}

  /**
   * A working order found on the venue and not placed by this process: kept movable when it is an exit (a stop or a
   * take-profit that closes a position). `positions` (the same snapshot's) gives the size of the position it
   * protects; the first adoption on an instrument and leg takes it, later fills move it.
   */
  adopt(venueClientId: string, spec: OrderSpec, positions: readonly VenuePosition[] = []): void {
    if (!closes(spec) || !EXIT_TYPES.has(spec.type) || this.current.has(venueClientId)) return;
    this.current.set(venueClientId, venueClientId);
    const key = keyOf(spec);
    if (this.positions.has(key)) return;
    const exitAction = spec.action;
    let lots = 0;
    for (const p of positions) {
      if (keyOf(p) !== key) continue;
      // A long (a short leg counts as short whatever the sign the venue gives it) is closed by a sell.
      const long = p.positionSide === undefined ? p.signedLots > 0 : p.positionSide === 'long';
      if (long === (exitAction === 'sell')) lots += Math.abs(p.signedLots);
    }
    this.positions.set(key, { lots, exitAction });
  }

  /** Whether the session's client id names an adopted exit (its modify and cancel come here). */
  owns(clientId: string): boolean {
    return this.current.has(clientId);
  }

  /** The venue client id resting for the session's `clientId` now (itself when never moved). */
  venueIdOf(clientId: string): string {
    return this.current.get(clientId) ?? clientId;
  }

  /**
   * Moves an adopted exit: its trigger and limit change; its size follows the position it protects, as the bracket
   * keeper's exits do (a size in the command is not used). The new order (`<intent>.N+1`, N the highest placement of
   * the intent this process knows) is placed first, then the old one cancelled; the session hears OrderModified for
   * the client id it adopted, or ModifyRejected with the old order still resting. When the old one filled before its
   * cancel, the new one is cancelled too (it would protect nothing).
   */
  async modify(command: Extract<VenueCommand, { type: 'ModifyOrder' }>): Promise<void> {
    await this.replace(command.clientId, { triggerTicks: command.triggerTicks, limitTicks: command.limitTicks });
  }

  /**
   * A bracket's entry on `key` (instrument and leg) filled for the first time with no bracket before it: a scale-in
   * on the position taken over at the restart. Its exits take over the whole position, as a scale-in bracket's exits
   * take over from an earlier bracket's (bracket-keeper.ts): the adopted exits closing that position are cancelled
   * (the session hears OrderCancelled "replaced by the scale-in's ...") and the lots they protected are returned,
   * fills of plain orders since the restart included. Undefined when no adopted exit protects a position the entry
   * adds to.
   */
  handOver(key: string, entryAction: OrderAction): number | undefined {
    const p = this.positions.get(key);
    if (p === undefined || p.exitAction === entryAction) return undefined;
    const exits = this.workingOn(key);
    if (exits.length === 0) return undefined;
    this.positions.delete(key);
    const ms = this.host.nowMs();
    for (const { sessionId, venueId, spec } of exits) {
      this.current.delete(sessionId);
      this.handedOver.add(venueId);
      this.host.deliver({ type: 'OrderCancelled', clientId: sessionId, reason: `replaced by the scale-in's ${STOP_TYPES.has(spec.type) ? 'stop-loss' : 'take-profit'}`, tsVenue: ms, tsLocal: ms });
      this.host.schedule(() => this.host.cancel(venueId));
    }
    return Math.max(0, p.lots);
  }

  /**
   * Sees every event before the session. Returns the event the session should get instead (a replacement's event
   * under the adopted client id), 'drop' for ones that are this class's business (a retired order's cancel, a
   * replacement's acknowledgement), or undefined when the event is none of its business. Every fill on a protected
   * position is counted: a plain order's fill grows or shrinks the position and the adopted exits are resized to it.
   */
  route(e: VenueEvent): VenueEvent | 'drop' | undefined {
    if (!('clientId' in e)) return undefined;
    if (e.type === 'OrderFilled') this.follow(e);
    if (this.handedOver.has(e.clientId) && (e.type === 'OrderCancelled' || e.type === 'OrderExpired' || e.type === 'CancelRejected' || e.type === 'OrderAccepted')) {
      if (e.type !== 'OrderAccepted') this.handedOver.delete(e.clientId);
      return 'drop';
    }
    const retired = this.retiring.has(e.clientId);
    const sessionId = this.sessionIdOf.get(e.clientId) ?? (retired ? this.sessionOfRetired(e.clientId) : undefined);
    if (sessionId === undefined) return undefined;
    switch (e.type) {
      case 'OrderCancelled':
      case 'OrderExpired':
        if (this.retiring.delete(e.clientId)) return 'drop';
        return this.renamed(e, sessionId);
      case 'CancelRejected':
        if (retired) {
          this.cancelRefused.add(e.clientId);
          return 'drop';
        }
        return this.renamed(e, sessionId);
      case 'OrderAccepted':
        // The session adopted the exit long ago; the move is reported as OrderModified.
        return e.clientId === sessionId ? e : 'drop';
      case 'OrderRejected':
        if (e.clientId === sessionId) return e;
        {
          const ms = this.host.nowMs();
          return { type: 'ModifyRejected', clientId: sessionId, code: e.code, reason: `the replaced exit was refused; the previous one still rests: ${e.reason}`, tsVenue: ms, tsLocal: ms };
        }
      case 'OrderFilled':
      case 'OrderTriggered':
      case 'OrderModified':
      case 'ModifyRejected':
        return this.renamed(e, sessionId);
    }
  }

  /** Counts a fill on a protected position; a plain order's fill resizes the adopted exits (after the queued commands). */
  private follow(e: Extract<VenueEvent, { type: 'OrderFilled' }>): void {
    const key = keyOf(e);
    const p = this.positions.get(key);
    if (p === undefined) return;
    const own = this.sessionIdOf.has(e.clientId) || this.current.has(e.clientId) || this.retiring.has(e.clientId) || this.handedOver.has(e.clientId);
    // A bracket's own fills are the keeper's business: its entry's first fill hands the adopted exits over.
    if (!own && this.host.keeps(e.clientId)) return;
    p.lots += e.action === p.exitAction ? -e.lots : e.lots;
    // An exit's own fill needs nothing: it shrinks with the position, and a bracket whose exit filled is done
    // (restart.ts cancels the other one).
    if (!own) this.host.schedule(() => this.resize(key));
  }

  /** Brings every adopted exit on `key` to the position's size; with the position closed, cancels them. */
  private async resize(key: string): Promise<void> {
    const p = this.positions.get(key);
    if (p === undefined) return;
    for (const { sessionId, venueId, left } of this.workingOn(key)) {
      if (p.lots > 0 && left === p.lots) continue;
      if (p.lots > 0) {
        await this.replace(sessionId, {});
        continue;
      }
      // Nothing left to protect: the exit goes, as the bracket keeper lets its exits go once the position is flat.
      this.current.delete(sessionId);
      await this.host.cancel(venueId);
    }
  }

  /**
   * Replaces the session's exit by `<intent>.N+1` with the changed prices and the protected position's size (the
   * exit's remaining size where no position is known), new one first.
   */
  private async replace(sessionId: string, change: { readonly triggerTicks?: number | undefined; readonly limitTicks?: number | undefined }): Promise<void> {
    const oldId = this.venueIdOf(sessionId);
    const old = this.host.orders.get(oldId);
    if (old === undefined || old.venueOrderId === undefined || old.done || !this.current.has(sessionId)) {
      const ms = this.host.nowMs();
      this.host.deliver({ type: 'ModifyRejected', clientId: sessionId, code: 'UNKNOWN_ORDER', reason: `no working exit ${sessionId} (filled, cancelled or flat)`, tsVenue: ms, tsLocal: ms });
      return;
    }
    const tracked = this.positions.get(keyOf(old.spec));
    const lots = tracked !== undefined && tracked.lots > 0 ? tracked.lots : old.spec.qtyLots - old.reportedLots;
    const next = { ...old.spec, clientId: this.nextVenueId(oldId), qtyLots: lots } as Record<string, unknown>;
    if (change.triggerTicks !== undefined && 'triggerTicks' in old.spec) next['triggerTicks'] = change.triggerTicks;
    if (change.limitTicks !== undefined && 'limitTicks' in old.spec) next['limitTicks'] = change.limitTicks;
    const spec = next as unknown as OrderSpec;
    this.sessionIdOf.set(spec.clientId, sessionId);
    if (!(await this.host.place(spec))) return;
    this.retiring.add(oldId);
    this.current.set(sessionId, spec.clientId);
    const ms = this.host.nowMs();
    this.host.deliver({ type: 'OrderModified', clientId: sessionId, order: { ...spec, clientId: sessionId }, tsVenue: ms, tsLocal: ms });
    await this.host.cancel(oldId);
    if (this.cancelRefused.delete(oldId)) {
      this.retiring.add(spec.clientId);
      await this.host.cancel(spec.clientId);
    }
  }

  /** The adopted exits working on `key` now, with the venue order playing each and its remaining lots. */
  private workingOn(key: string): { readonly sessionId: string; readonly venueId: string; readonly spec: OrderSpec; readonly left: number }[] {
    const out: { sessionId: string; venueId: string; spec: OrderSpec; left: number }[] = [];
    for (const [sessionId, venueId] of this.current) {
      const t = this.host.orders.get(venueId);
      if (t === undefined || t.done || keyOf(t.spec) !== key) continue;
      out.push({ sessionId, venueId, spec: t.spec, left: t.spec.qtyLots - t.reportedLots });
    }
    return out;
  }

  private renamed(e: VenueEvent, sessionId: string): VenueEvent {
    return 'clientId' in e && e.clientId !== sessionId ? { ...e, clientId: sessionId } : e;
  }

  private sessionOfRetired(venueClientId: string): string | undefined {
    for (const [sessionId, current] of this.current) if (intentOf(current) === intentOf(venueClientId)) return sessionId;
    return undefined;
  }

  /** `<intent>.N+1` past every placement of the intent this process tracks (Binance: unique among open orders). */
  private nextVenueId(venueClientId: string): string {
    const intent = intentOf(venueClientId);
    let n = generationOf(venueClientId);
    for (const id of this.host.orders.keys()) if (intentOf(id) === intent) n = Math.max(n, generationOf(id));
    return `${intent}.${n + 1}`;
  }
}
