// The bracket keeper's records: the host it drives, one protective exit (leg) and the group of exits protecting one
// position, with their constructors and the shared lookups. Data only; must never call the host.
import type { OrderSpec } from '../../domain/order.js';
import type { BracketSpec, VenueEvent } from '../venue.js';
import type { ExitRole } from './bracket-keeper-prices.js';

/** What the keeper needs from the venue adapter: place and cancel real orders, and talk to the session. */
export interface BracketHost {
  /** Places the order; resolves true when it is accepted and working. Its events come back through `route`. */
  place(spec: OrderSpec): Promise<boolean>;
  cancel(venueClientId: string): Promise<void>;
  /** Delivers an event to the session's sink. */
  deliver(event: VenueEvent): void;
  /** Runs `task` after the adapter's queued commands (serially with them). */
  schedule(task: () => Promise<void>): void;
  /** Why the venue refuses this order before sending; undefined when it can take it. */
  refusal(spec: OrderSpec): string | undefined;
  /**
   * The first fill of a bracket with no bracket before it, on position `key`: the lots of a position taken over at a
   * restart that its exits now protect too (the host retires the exits it adopted for them); undefined when none.
   */
  takeOver?(key: string, entryAction: OrderSpec['action']): number | undefined;
  nowMs(): number;
}

/** One protective exit as the session sees it (its own client id), and the venue order that currently plays it. */
export interface Leg {
  readonly role: ExitRole;
  template: OrderSpec;
  generation: number;
  live: { readonly venueId: string; readonly spec: OrderSpec; filledLots: number } | undefined;
  accepted: boolean;
  /** The session holds the exit as over (filled, or rejected at its first placement): never placed or told again. */
  finished: boolean;
  reportedQty: number;
  /** The session cancelled it: no longer kept. */
  withdrawn: boolean;
  /** The venue refused this exact shape; not retried until the position or the prices change. */
  refusedShape: string | undefined;
  /** Lots of this exit's fills told to the session (all its venue orders): at its reported size it is over. */
  deliveredLots: number;
  /** A ModifyOrder changed the template: the session hears OrderModified once the venue matches it. */
  modifyPending: boolean;
  /** The template before that modify, restored when the venue refuses the modified exit. */
  beforeModify: OrderSpec | undefined;
  /** The venue refused this stop as already crossed: it is played by a reduce-only market order now. */
  crossed: boolean;
}

/** The protection of one position (instrument and leg): the entries feeding it, its size and its exits. */
export interface Group {
  readonly key: string;
  readonly entryAction: OrderSpec['action'];
  readonly workingEntries: Set<string>;
  positionLots: number;
  sawFill: boolean;
  legs: Leg[];
  closed: boolean;
  /** A scale-in bracket whose exits take over at its entry's first fill. */
  successor: Group | undefined;
  /** BracketSpec.exitsFromFill: the exits are priced from the entry's first fill, before they are placed. */
  readonly fromFill: BracketSpec['exitsFromFill'];
  priced: boolean;
}

export interface LegRef {
  readonly group: Group;
  readonly leg: Leg;
}

/** The lookups the keeper and its exit sync share. */
export interface KeeperRegistry {
  /** Venue client id (base or `.N`) -> the exit it plays. */
  readonly legByVenueId: Map<string, LegRef>;
  /** The session's client id of a kept exit -> the exit. */
  readonly legByBase: Map<string, LegRef>;
  /** Venue orders being retired (replaced or closed): their cancel events are ours, not the session's. */
  readonly retiring: Set<string>;
}

/** Position key: instrument and leg (`net` in one-way mode). */
export const keyOf = (o: OrderSpec): string => `${o.instrument}|${o.positionSide ?? 'net'}`;
/** An order's shape without its client id: equal shapes need no replacement. */
export const shapeOf = (o: OrderSpec): string => JSON.stringify({ ...o, clientId: '' });

/** A new exit from the bracket's exit spec (always reduce-only), not placed yet. */
export function newLeg(x: OrderSpec, role: ExitRole): Leg {
  return {
    role,
    template: { ...x, effect: 'reduce-only' },
    generation: 0,
    live: undefined,
    accepted: false,
    finished: false,
    reportedQty: x.qtyLots,
    withdrawn: false,
    refusedShape: undefined,
    deliveredLots: 0,
    modifyPending: false,
    beforeModify: undefined,
    crossed: false,
  };
}

/** The group of a new bracket: flat, its entry working, its exits waiting for the entry's first fill. */
export function newGroup(b: BracketSpec): Group {
  const legs = b.takeProfit === undefined ? [newLeg(b.stopLoss, 'stop-loss')] : [newLeg(b.stopLoss, 'stop-loss'), newLeg(b.takeProfit, 'take-profit')];
  return {
    key: keyOf(b.entry),
    entryAction: b.entry.action,
    workingEntries: new Set([b.entry.clientId]),
    positionLots: 0,
    sawFill: false,
    legs,
    closed: false,
    successor: undefined,
    fromFill: b.exitsFromFill,
    priced: false,
  };
}
