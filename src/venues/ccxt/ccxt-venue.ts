// The venue port over a ccxt exchange client: commands become ccxt calls (one at a time, in order), answers and
// later order states become venue events, and snapshot() reads the venue's truth. The client is injected, so tests
// drive a recorded-payload transport. Must never re-send an order on its own, nor let ccxt retry one.
import type { InstrumentSpec } from '../../domain/instrument.js';
import type { VenueCapabilities, VenueCommand, VenueEvent, VenueEventSink, VenuePort } from '../venue.js';
import { readFillsSince, type FillsSince } from './account-fills.js';
import { AdoptedExits } from './adopted-exits.js';
import type { BinanceUserStream, ResyncReason, StreamAlgoUpdate } from './binance-user-stream.js';
import { BracketKeeper } from './bracket-keeper.js';
import type { CcxtVenueOptions } from './ccxt-venue-options.js';
import { OrderDesk } from './ccxt-venue-orders.js';
import { repairedOrder } from './order-lookup.js';
import { linkUserStream, type StreamTrade } from './user-stream-link.js';
import { readSnapshot, type CcxtVenueSnapshot } from './venue-snapshot.js';
import { withdrawPermission, type WithdrawPermission } from './withdraw-permission.js';
import { classifyError, VenueFailure, type ClassifiedError } from './venue-failure.js';
import { refusalReason } from './venue-profile.js';

export type { AccountNotice, CcxtVenueOptions, UserStreamSettings } from './ccxt-venue-options.js';

export class CcxtVenue implements VenuePort {
  readonly name: string;
  readonly capabilities: VenueCapabilities;
  private sink: VenueEventSink | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly specs: ReadonlyMap<string, InstrumentSpec>;
  private readonly redact: (text: string) => string;
  private readonly desk: OrderDesk;
  private readonly keeper: BracketKeeper;
  /** Exits adopted from the venue at a restart: moved by replacement like the keeper's own. */
  private readonly adoptedExits: AdoptedExits;
  /** The user data stream when enabled (started by connect), for its stats and for tests to drive. */
  readonly userStream: BinanceUserStream | undefined;

  constructor(private readonly o: CcxtVenueOptions) {
    this.name = o.profile.name;
    this.capabilities = o.profile.capabilities;
    this.specs = new Map(o.instruments.map((s) => [s.id, s]));
    this.redact = o.redact ?? ((t) => t);
    const sleep = o.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    // ccxt retries a failed request when maxRetriesOnFailure > 0: for an order that is a duplicate in waiting.
    o.exchange.options['maxRetriesOnFailure'] = 0;
    this.desk = new OrderDesk({ o, specs: this.specs, name: this.name, emit: (e) => this.emit(e), classify: (e) => this.classify(e), sleep });
    this.keeper = new BracketKeeper({
      place: async (spec) => {
        await this.desk.submit(spec);
        return this.desk.orders.get(spec.clientId)?.venueOrderId !== undefined;
      },
      cancel: (id) => this.desk.cancel(id),
      deliver: (e) => this.sink?.onVenueEvent(e),
      schedule: (task) => this.enqueue(task),
      refusal: (spec) => refusalReason(o.profile, spec, this.specs.get(spec.instrument)),
      takeOver: (key, entryAction) => this.adoptedExits.handOver(key, entryAction),
      nowMs: () => o.clock.nowMs(),
    });
    this.adoptedExits = new AdoptedExits({
      orders: this.desk.orders,
      place: async (spec) => {
        await this.desk.submit(spec);
        return this.desk.orders.get(spec.clientId)?.venueOrderId !== undefined;
      },
      cancel: (id) => this.desk.cancel(id),
      deliver: (e) => this.sink?.onVenueEvent(e),
      schedule: (task) => this.enqueue(task),
      keeps: (id) => this.keeper.knows(id),
      nowMs: () => o.clock.nowMs(),
    });
    this.userStream = linkUserStream(this, o);
  }

  /** Starts the user data stream when enabled (without waiting for it: polling covers until it is open). */
  connect(sink: VenueEventSink): void {
    this.sink = sink;
    void this.userStream?.start();
  }

  /**
   * Stops the user data stream (and its listen key), lets every queued command and exit change complete, then detaches
   * the sink: nothing reaches a session after it closed (its journal run is finished next; a restart reconciles).
   */
  async close(): Promise<void> {
    await this.userStream?.stop();
    await this.idle();
    this.sink = undefined;
  }

  /** Queues the command; its outcome arrives as events. Never throws for a venue refusal. */
  send(command: VenueCommand): void {
    this.enqueue(() => this.handle(command));
  }

  /** Resolves when every command sent so far, and every protective-exit change they caused, has been handled. */
  async idle(): Promise<void> {
    let seen: Promise<void> | undefined;
    while (seen !== this.queue) {
      seen = this.queue;
      await seen;
    }
  }

  /**
   * Reads one order back now (e.g. on a user-data-stream ORDER_TRADE_UPDATE naming its client id), so fills and
   * state changes arrive faster than the next poll. Unknown client ids are ignored.
   */
  refreshOrder(clientId: string): Promise<void> {
    this.enqueue(() => this.desk.refreshOne(clientId));
    return this.queue;
  }

  /** Asks the venue for every working order we track and reports fills, cancels and expiries we have not seen. */
  poll(): Promise<void> {
    this.enqueue(() => this.desk.refreshAll());
    return this.queue;
  }

  /**
   * The venue's truth, with each instrument's margin mode and leverage as the venue reports them; working orders it
   * lists are tracked from now on (so a restarted process can cancel them).
   */
  async snapshot(): Promise<CcxtVenueSnapshot> {
    const snap = await readSnapshot(this.o, (e) => this.failure(e));
    for (const open of snap.openOrders) {
      const instrument = this.specs.get(open.order.instrument);
      if (instrument === undefined || this.desk.orders.has(open.clientId)) continue;
      this.desk.adopt(open.clientId, open.order, instrument, open.venueOrderId, open.filledLots);
      this.adoptedExits.adopt(open.clientId, open.order, snap.positions);
    }
    return snap;
  }

  /**
   * The account's fills on `instrumentId` since `sinceMs` (venue ms), each with the venue's trade id, for
   * reconciliation after a restart; see readFillsSince for the paging bounds. Throws a VenueFailure.
   */
  async fillsSince(instrumentId: string, sinceMs: number): Promise<FillsSince> {
    const spec = this.specs.get(instrumentId);
    if (spec === undefined) throw new Error(`${this.name} does not trade ${instrumentId}; it trades ${[...this.specs.keys()].join(', ')}`);
    const known = new Map([...this.desk.orders].filter(([, t]) => t.venueOrderId !== undefined).map(([clientId, t]) => [t.venueOrderId, clientId]));
    for (const [childId, clientId] of this.desk.childOwners) known.set(childId, clientId);
    const actionOf = (id: string): 'buy' | 'sell' | undefined => this.desk.orders.get(known.get(id) ?? '')?.spec.action;
    const page = this.o.profile.fillsPage === undefined ? {} : { page: this.o.profile.fillsPage };
    return this.read(() => readFillsSince({ exchange: this.o.exchange, clock: this.o.clock, clientIdOf: (id) => known.get(id), actionOf, repairOrder: (o) => repairedOrder(this.o.profile, o), ...page }, spec, sinceMs));
  }

  /** Whether the key in use can withdraw (the live command refuses such a key). Throws a VenueFailure. */
  withdrawPermission(): Promise<WithdrawPermission> {
    return this.read(() => withdrawPermission(this.o.profile.ccxtId, this.o.exchange));
  }

  /**
   * A trade the venue pushed (user data stream) for `clientId`: reported at once unless a poll reported it already.
   * The update may name the child order of a triggered conditional order (Binance sends ORDER_TRADE_UPDATE for the
   * child's order id): a known child is linked back to its conditional order. Without a trade, for a child not known
   * yet, or for an order this process did not place, the orders are read back by REST instead.
   */
  ingest(streamClientId: string, venueOrderId: string, trade: StreamTrade | undefined): Promise<void> {
    this.enqueue(() => this.desk.ingest(streamClientId, venueOrderId, trade));
    return this.queue;
  }

  /**
   * A conditional (algo) order's lifecycle pushed by the user data stream (Binance ALGO_UPDATE): its trigger, cancel,
   * expiry or rejection is reported once for our client id, by whichever of the stream and polling sees it first
   * (both go through the order's one record); FINISHED reads the child order back for its fills.
   */
  algoUpdate(update: StreamAlgoUpdate): Promise<void> {
    this.enqueue(() => this.desk.algoUpdate(update));
    return this.queue;
  }

  /** After a stream gap: the REST snapshot (adopting orders) and every live order read back, so no fill is lost. */
  async resync(reason: ResyncReason): Promise<void> {
    try {
      const snapshot = await this.snapshot();
      this.o.onAccount?.({ kind: 'resync', reason, snapshot });
    } catch (e) {
      this.o.onFailure?.(e instanceof VenueFailure ? e : this.failure(e));
    }
    await this.poll();
  }

  private enqueue(task: () => Promise<void>): void {
    // A bug inside a task must not wedge the queue: it is rethrown asynchronously, where the process sees it.
    this.queue = this.queue.then(task).catch((e: unknown) => {
      queueMicrotask(() => {
        throw e;
      });
    });
  }

  private async handle(command: VenueCommand): Promise<void> {
    switch (command.type) {
      case 'SubmitOrder':
        return this.desk.submit(command.order);
      case 'SubmitBracket': {
        // Emulated: the entry goes out; its fills make the keeper place and resize the reduce-only exits.
        const b = command.bracket;
        const problem = this.keeper.problem(b);
        if (problem === undefined) return this.keeper.submitBracket(b);
        const ms = this.o.clock.nowMs();
        for (const x of [b.entry, b.stopLoss, b.takeProfit]) {
          if (x !== undefined) this.emit({ type: 'OrderRejected', clientId: x.clientId, code: 'UNSUPPORTED', reason: this.redact(problem), tsVenue: ms, tsLocal: ms });
        }
        return;
      }
      case 'SubmitOco':
        return this.keeper.submitOco(command.orders);
      case 'CancelOrder':
        return this.keeper.ownsExit(command.clientId) ? this.keeper.withdraw(command.clientId) : this.desk.cancel(this.adoptedExits.venueIdOf(command.clientId));
      case 'ModifyOrder':
        if (this.keeper.ownsExit(command.clientId)) return this.keeper.modify(command);
        return this.adoptedExits.owns(command.clientId) ? this.adoptedExits.modify(command) : this.desk.modify(command);
      case 'CancelAll':
        this.keeper.closeInstrument(command.instrument);
        return this.desk.cancelAll(command.instrument);
    }
  }

  private classify(e: unknown): ClassifiedError {
    const c = classifyError(e, this.o.profile.errors, this.redact);
    if (c.meaning.kind === 'failure') this.o.onFailure?.(new VenueFailure(this.name, c));
    return c;
  }

  /** A read whose failure is thrown as a VenueFailure (redacted, with its code). */
  private async read<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } catch (e) {
      throw this.failure(e);
    }
  }

  private failure(e: unknown): VenueFailure {
    return new VenueFailure(this.name, classifyError(e, this.o.profile.errors, this.redact));
  }

  private emit(venueEvent: VenueEvent): void {
    const routed = this.adoptedExits.route(venueEvent);
    if (routed === 'drop') return;
    const event = routed ?? venueEvent;
    if (this.keeper.route(event)) return;
    this.sink?.onVenueEvent(event);
  }
}
