// The venue port a resumed live session sees: orders of the run's earlier process (adopted at restart) stay on the
// venue and keep being polled. Their fills are journaled by reconciliation's trade catch-up (exactly once, by trade
// identity) and their final states here; the events of those the engine took over (EngineConfig.resume) then go on
// to the engine, marked so the session does not journal them again, except fills: the engine gets the journaled
// ones (`deliver`), so it books each trade once. Must never journal a fill from a poll.
import type { VenueCommand, VenueEvent, VenueEventSink, VenuePort, VenueSnapshot } from '../venues/venue.js';
import { intentIdOf } from './run-journal-state.js';

export interface AdoptedOrdersOptions {
  readonly inner: VenuePort;
  /** Client ids (intent ids) journaled before this process started: none of them is the engine's. */
  readonly earlierIntents: ReadonlySet<string>;
  /** An adopted order traded: journal the account's missed trades (reconcile.ts catchUpFills). */
  readonly onFill: () => void;
  /** An adopted order ended on the venue (cancelled, expired, rejected): journal it once. */
  readonly onFinal: (clientId: string, event: VenueEvent) => void;
  /** An adopted exit was moved on the venue (replaced new-first as `<intent>.N+1`): journal the move on its intent. */
  readonly onModified?: (clientId: string, event: Extract<VenueEvent, { type: 'OrderModified' }>) => void;
  /** Venue client ids of the adopted orders the engine was seeded with: their events also reach the engine. */
  readonly toEngine: ReadonlySet<string>;
}

export class AdoptedOrdersPort implements VenuePort {
  readonly name: string;
  readonly capabilities: VenuePort['capabilities'];
  private readonly finished = new Set<string>();
  private sink: VenueEventSink | undefined;

  constructor(private readonly o: AdoptedOrdersOptions) {
    this.name = o.inner.name;
    this.capabilities = o.inner.capabilities;
  }

  connect(sink: VenueEventSink): void {
    this.sink = sink;
    this.o.inner.connect({
      onVenueEvent: (e) => {
        const clientId = this.adoptedIntentOf(e);
        if (clientId === undefined) return sink.onVenueEvent(e);
        this.adoptedEvent(clientId, e);
        if (e.type !== 'OrderFilled' && 'clientId' in e && this.o.toEngine.has(e.clientId)) sink.onVenueEvent(e);
      },
    });
  }

  /** Hands the engine an adopted order's fill that reconciliation journaled (its one source of such fills). */
  deliver(e: VenueEvent): void {
    this.sink?.onVenueEvent(e);
  }

  /** Whether this port journals `e` itself (an adopted order's event): the session must not journal it again. */
  journaledHere(e: VenueEvent): boolean {
    return this.adoptedIntentOf(e) !== undefined;
  }

  send(command: VenueCommand): void {
    this.o.inner.send(command);
  }

  snapshot(): Promise<VenueSnapshot> {
    return this.o.inner.snapshot();
  }

  private adoptedIntentOf(e: VenueEvent): string | undefined {
    const clientId = 'clientId' in e ? intentIdOf(e.clientId) : undefined;
    return clientId !== undefined && this.o.earlierIntents.has(clientId) ? clientId : undefined;
  }

  private adoptedEvent(clientId: string, e: VenueEvent): void {
    switch (e.type) {
      case 'OrderFilled':
        return this.o.onFill();
      case 'OrderCancelled':
      case 'OrderExpired':
      case 'OrderRejected':
        if (this.finished.has(clientId)) return;
        this.finished.add(clientId);
        return this.o.onFinal(clientId, e);
      case 'OrderModified':
        return this.o.onModified?.(clientId, e);
      case 'OrderAccepted':
      case 'OrderTriggered':
      case 'CancelRejected':
      case 'ModifyRejected':
      case 'FundingSettled':
      case 'PositionLiquidated':
        return;
    }
  }
}
