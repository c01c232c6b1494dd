// The venue port a resumed live session sees: orders of the run's earlier process (adopted at restart) stay on the
// venue and keep being polled, but the fresh engine never sent them, so their events are kept from it. Their
// fills are journaled by reconciliation's trade catch-up (exactly once, by trade identity) and their final states
// here. Must never forward an adopted order's event to the engine nor journal a fill from a poll.
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
}

export class AdoptedOrdersPort implements VenuePort {
  readonly name: string;
  readonly capabilities: VenuePort['capabilities'];
  private readonly finished = new Set<string>();

  constructor(private readonly o: AdoptedOrdersOptions) {
    this.name = o.inner.name;
    this.capabilities = o.inner.capabilities;
  }

  connect(sink: VenueEventSink): void {
    this.o.inner.connect({
      onVenueEvent: (e) => {
        const clientId = 'clientId' in e ? intentIdOf(e.clientId) : undefined;
        if (clientId === undefined || !this.o.earlierIntents.has(clientId)) return sink.onVenueEvent(e);
        this.adoptedEvent(clientId, e);
      },
    });
  }

  send(command: VenueCommand): void {
    this.o.inner.send(command);
  }

  snapshot(): Promise<VenueSnapshot> {
    return this.o.inner.snapshot();
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
      case 'OrderAccepted':
      case 'OrderTriggered':
      case 'OrderModified':
      case 'CancelRejected':
      case 'ModifyRejected':
      case 'FundingSettled':
      case 'PositionLiquidated':
        return;
    }
  }
}
