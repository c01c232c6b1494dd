// Exits a restarted process took over from the venue (reduce-only stops and take-profits found by snapshot(), placed
// by the run's earlier process): a ModifyOrder moves one the way the bracket keeper moves its own exits, the new
// order `<intent>.N+1` placed first and the old one cancelled after, while the session keeps the one client id it
// adopted. Must never leave the exit without a resting order on purpose, nor send anything itself: it drives its
// host's calls.
import type { OrderSpec } from '../../domain/order.js';
import type { VenueCommand, VenueEvent } from '../venue.js';
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
  nowMs(): number;
}

/** Exit types the keeper trails: the session moves their trigger (stops) or their limit. */
const EXIT_TYPES = new Set<OrderSpec['type']>(['stop-market', 'stop-limit', 'take-profit-market', 'take-profit-limit']);

/** The intent a venue client id belongs to: a re-placed exit is `<intent>.N` (run-journal-state.ts has the same rule). */
function intentOf(venueClientId: string): string {
  return venueClientId.replace(/\.\d+$/, '');
}

function generationOf(venueClientId: string): number {
  const m = /\.(\d+)$/.exec(venueClientId);
  return m === null ? 1 : Number(m[1]);
}

export class AdoptedExits {
  /** Session client id (as adopted) -> the venue client id resting for it now. */
  private readonly current = new Map<string, string>();
  /** Venue client id of a replacement -> the session client id it stands for. */
  private readonly sessionIdOf = new Map<string, string>();
  /** Venue orders being retired by a move: their cancel is ours, not the session's. */
  private readonly retiring = new Set<string>();
  /** Retired orders whose cancel the venue refused (they filled first): the replacement must go too. */
  private readonly cancelRefused = new Set<string>();

  constructor(private readonly host: AdoptedExitsHost) {}

  /** A working order found on the venue and not placed by this process: kept movable when it is a reduce-only exit. */
  adopt(venueClientId: string, spec: OrderSpec): void {
    if (spec.effect !== 'reduce-only' || !EXIT_TYPES.has(spec.type) || this.current.has(venueClientId)) return;
    this.current.set(venueClientId, venueClientId);
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
   * Moves an adopted exit: its trigger and limit change, its size stays what is left of it. The new order
   * (`<intent>.N+1`, N the highest placement of the intent this process knows) is placed first, then the old one
   * cancelled; the session hears OrderModified for the client id it adopted, or ModifyRejected with the old order
   * still resting. When the old one filled before its cancel, the new one is cancelled too (it would protect nothing).
   */
  async modify(command: Extract<VenueCommand, { type: 'ModifyOrder' }>): Promise<void> {
    const sessionId = command.clientId;
    const oldId = this.venueIdOf(sessionId);
    const old = this.host.orders.get(oldId);
    const refuse = (code: 'UNKNOWN_ORDER' | 'UNSUPPORTED', reason: string): void => {
      const ms = this.host.nowMs();
      this.host.deliver({ type: 'ModifyRejected', clientId: sessionId, code, reason, tsVenue: ms, tsLocal: ms });
    };
    if (old === undefined || old.venueOrderId === undefined || old.done) return refuse('UNKNOWN_ORDER', `no working exit ${sessionId} (filled, cancelled or flat)`);
    const leftLots = old.spec.qtyLots - old.reportedLots;
    if (command.qtyLots !== undefined && command.qtyLots !== leftLots) return refuse('UNSUPPORTED', `a taken-over exit keeps its size (${leftLots} lots); only its prices move`);
    const next = { ...old.spec, clientId: this.nextVenueId(oldId), qtyLots: leftLots } as Record<string, unknown>;
    if (command.triggerTicks !== undefined && 'triggerTicks' in old.spec) next['triggerTicks'] = command.triggerTicks;
    if (command.limitTicks !== undefined && 'limitTicks' in old.spec) next['limitTicks'] = command.limitTicks;
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

  /**
   * Sees every event before the session. Returns the event the session should get instead (a replacement's event
   * under the adopted client id), 'drop' for ones that are this class's business (a retired order's cancel, a
   * replacement's acknowledgement), or undefined when the event is none of its business.
   */
  route(e: VenueEvent): VenueEvent | 'drop' | undefined {
    if (!('clientId' in e)) return undefined;
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
          return { type: 'ModifyRejected', clientId: sessionId, code: e.code, reason: `the moved exit was refused; the previous one still rests: ${e.reason}`, tsVenue: ms, tsLocal: ms };
        }
      case 'OrderFilled':
      case 'OrderTriggered':
      case 'OrderModified':
      case 'ModifyRejected':
        return this.renamed(e, sessionId);
    }
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
