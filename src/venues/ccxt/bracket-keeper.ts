// Emulated brackets and OCO for venues without them (Binance USD-M): from the entry's first fill a reduce-only stop
// and take-profit rest on the venue, sized to the position they protect, replaced (new one first, then the old one
// cancelled) on partial fills, scale-ins and moves, and cancelled once the position is flat. Must never leave a
// protected position without its stop on purpose, and never send anything itself: it drives its host's calls.
import type { Lots } from '../../core/grid.js';
import type { OrderSpec } from '../../domain/order.js';
import type { BracketSpec, VenueCommand, VenueEvent } from '../venue.js';

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
  nowMs(): number;
}

type Role = 'stop-loss' | 'take-profit';

/** One protective exit as the session sees it (its own client id), and the venue order that currently plays it. */
interface Leg {
  readonly role: Role;
  template: OrderSpec;
  generation: number;
  live: { readonly venueId: string; readonly spec: OrderSpec; filledLots: number } | undefined;
  accepted: boolean;
  /** Its venue order filled completely: the exit did its job and is not placed again. */
  finished: boolean;
  reportedQty: number;
  /** The session cancelled it: no longer kept. */
  withdrawn: boolean;
  /** The venue refused this exact shape; not retried until the position or the prices change. */
  refusedShape: string | undefined;
}

/** The protection of one position (instrument and leg): the entries feeding it, its size and its exits. */
interface Group {
  readonly key: string;
  readonly entryAction: OrderSpec['action'];
  readonly workingEntries: Set<string>;
  positionLots: number;
  sawFill: boolean;
  legs: Leg[];
  closed: boolean;
  /** A scale-in bracket whose exits take over at its entry's first fill. */
  successor: Group | undefined;
}

/** Client ids get `.N` appended for replacements: bases are limited so the result fits the venue's 36 characters. */
export const MAX_BRACKET_BASE_ID = 32;
const STOP_TYPES = new Set<OrderSpec['type']>(['stop-market', 'stop-limit', 'trailing-stop']);
const TP_TYPES = new Set<OrderSpec['type']>(['limit', 'take-profit-market', 'take-profit-limit']);

const keyOf = (o: OrderSpec): string => `${o.instrument}|${o.positionSide ?? 'net'}`;
const shapeOf = (o: OrderSpec): string => JSON.stringify({ ...o, clientId: '' });

export class BracketKeeper {
  private readonly groups = new Map<string, Group>();
  private readonly byEntry = new Map<string, Group>();
  private readonly legByVenueId = new Map<string, { group: Group; leg: Leg }>();
  private readonly legByBase = new Map<string, { group: Group; leg: Leg }>();
  /** Venue orders being retired (replaced or closed): their cancel events are ours, not the session's. */
  private readonly retiring = new Set<string>();
  private readonly ocoPeers = new Map<string, readonly string[]>();

  constructor(private readonly host: BracketHost) {}

  /** Why this bracket cannot be kept; undefined when it can. The exits must close what the entry opens. */
  problem(b: BracketSpec): string | undefined {
    const exits = b.takeProfit === undefined ? [b.stopLoss] : [b.stopLoss, b.takeProfit];
    if (b.exitsFromFill !== undefined) return 'exits priced from the fill are not placed by this venue: send ModifyOrder on the exits after the entry fills';
    if (!STOP_TYPES.has(b.stopLoss.type)) return `a bracket stop must be stop-market, stop-limit or trailing-stop, not ${b.stopLoss.type}`;
    if (b.takeProfit !== undefined && !TP_TYPES.has(b.takeProfit.type)) return `a bracket take-profit must be limit or take-profit, not ${b.takeProfit.type}`;
    for (const x of exits) {
      if (keyOf(x) !== keyOf(b.entry) || x.action === b.entry.action) return 'a bracket exit must be on the entry instrument and leg, with the opposite action';
      if (x.clientId.length > MAX_BRACKET_BASE_ID) return `exit client id ${x.clientId} is longer than ${MAX_BRACKET_BASE_ID} characters (replacements append ".N")`;
      if (this.legByBase.has(x.clientId) || this.legByVenueId.has(x.clientId)) return `client id ${x.clientId} was used before`;
      if (this.groups.get(keyOf(x))?.successor !== undefined) return 'a scale-in bracket on this position still waits for its entry to fill: wait for it or cancel it first';
      const refused = this.host.refusal({ ...x, effect: 'reduce-only' });
      if (refused !== undefined) return refused;
    }
    return undefined;
  }

  /** Registers the bracket (checked with `problem`) and places its entry; exits follow the entry's fills. */
  async submitBracket(b: BracketSpec): Promise<void> {
    const leg = (x: OrderSpec, role: Role): Leg => ({
      role,
      template: { ...x, effect: 'reduce-only' },
      generation: 0,
      live: undefined,
      accepted: false,
      finished: false,
      reportedQty: x.qtyLots,
      withdrawn: false,
      refusedShape: undefined,
    });
    const legs = b.takeProfit === undefined ? [leg(b.stopLoss, 'stop-loss')] : [leg(b.stopLoss, 'stop-loss'), leg(b.takeProfit, 'take-profit')];
    const group: Group = { key: keyOf(b.entry), entryAction: b.entry.action, workingEntries: new Set([b.entry.clientId]), positionLots: 0, sawFill: false, legs, closed: false, successor: undefined };
    for (const l of legs) this.legByBase.set(l.template.clientId, { group, leg: l });
    const current = this.groups.get(group.key);
    if (current !== undefined && !current.closed && current.entryAction === group.entryAction) current.successor = group;
    else this.groups.set(group.key, group);
    this.byEntry.set(b.entry.clientId, group);
    await this.host.place(b.entry);
  }

  /** OCO: every order is placed; the first fill of one cancels the others (the venue has no native OCO). */
  async submitOco(orders: readonly OrderSpec[]): Promise<void> {
    const ids = orders.map((o) => o.clientId);
    for (const id of ids) this.ocoPeers.set(id, ids.filter((x) => x !== id));
    for (const o of orders) await this.host.place(o);
  }

  /** Whether the session's client id names a kept exit (so cancel and modify come here). */
  ownsExit(clientId: string): boolean {
    return this.legByBase.has(clientId);
  }

  /** The session cancels an exit: it is no longer kept, and its venue order is cancelled. */
  async withdraw(clientId: string): Promise<void> {
    const hit = this.legByBase.get(clientId);
    if (hit === undefined) return;
    hit.leg.withdrawn = true;
    await this.retire(hit.group, hit.leg, 'cancelled on request');
  }

  /** The session moves an exit (e.g. the stop to breakeven): its prices change; its size always follows the position. */
  modify(command: Extract<VenueCommand, { type: 'ModifyOrder' }>): void {
    const hit = this.legByBase.get(command.clientId);
    if (hit === undefined) return;
    const t = hit.leg.template;
    const next = { ...t } as Record<string, unknown>;
    if (command.triggerTicks !== undefined && 'triggerTicks' in t) next['triggerTicks'] = command.triggerTicks;
    if (command.limitTicks !== undefined && 'limitTicks' in t) next['limitTicks'] = command.limitTicks;
    hit.leg.template = next as unknown as OrderSpec;
    hit.leg.refusedShape = undefined;
    this.host.schedule(() => this.reconcile(hit.group));
  }

  /** Before a cancel-all: every kept exit on the instrument is let go, so nothing re-places it. */
  closeInstrument(instrument: string): void {
    for (const g of this.groups.values()) {
      if (!g.key.startsWith(`${instrument}|`)) continue;
      g.closed = true;
      if (g.successor !== undefined) g.successor.closed = true;
    }
  }

  /**
   * Sees every event the adapter produces before the session does. Returns true when the event concerns a venue
   * order the keeper plays an exit with (it is translated to the exit's own client id, or kept back).
   */
  route(e: VenueEvent): boolean {
    if (!('clientId' in e)) return false;
    const hit = this.legByVenueId.get(e.clientId);
    if (hit === undefined) {
      this.observe(e);
      return false;
    }
    const { group, leg } = hit;
    const base = leg.template.clientId;
    const stamp = { tsVenue: e.tsVenue, tsLocal: e.tsLocal };
    switch (e.type) {
      case 'OrderAccepted':
        if (!leg.accepted) this.host.deliver({ ...e, clientId: base });
        leg.accepted = true;
        return true;
      case 'OrderTriggered':
        this.host.deliver({ ...e, clientId: base });
        return true;
      case 'OrderFilled':
        group.positionLots -= e.lots;
        if (leg.live?.venueId === e.clientId) {
          leg.live.filledLots += e.lots;
          if (leg.live.filledLots >= leg.live.spec.qtyLots) {
            leg.live = undefined;
            leg.finished = true;
          }
        }
        this.host.deliver({ ...e, clientId: base });
        this.reconcileSoon(group);
        return true;
      case 'OrderCancelled':
      case 'OrderExpired':
        if (this.retiring.delete(e.clientId)) return true;
        if (leg.live?.venueId === e.clientId) leg.live = undefined;
        // Cancelled on the venue by someone else: kept exits are placed again while the position is open.
        if (group.closed || leg.withdrawn) this.host.deliver({ ...e, clientId: base });
        else this.reconcileSoon(group);
        return true;
      case 'OrderRejected':
        if (!leg.accepted) this.host.deliver({ ...e, clientId: base, reason: `the ${leg.role} could not rest on the venue: ${e.reason}` });
        else this.host.deliver({ type: 'ModifyRejected', clientId: base, code: e.code, reason: `the resized ${leg.role} was refused; the previous one still rests: ${e.reason}`, ...stamp });
        return true;
      case 'CancelRejected':
        // The order is gone or filled already; its fills arrive on their own, and the next pass sees the truth.
        this.reconcileSoon(group);
        return true;
      case 'OrderModified':
      case 'ModifyRejected':
        return true;
    }
  }

  /** Entries of a group and plain orders on a protected position move its size; OCO peers are cancelled on a fill. */
  private observe(e: VenueEvent): void {
    if (e.type === 'OrderFilled') {
      const peers = this.ocoPeers.get(e.clientId);
      if (peers !== undefined) {
        for (const p of peers) this.ocoPeers.delete(p);
        this.ocoPeers.delete(e.clientId);
        this.host.schedule(async () => {
          for (const p of peers) await this.host.cancel(p);
        });
      }
    }
    const entryOf = this.byEntry.get(('clientId' in e && e.clientId) || '');
    if (entryOf !== undefined) {
      switch (e.type) {
        case 'OrderFilled': {
          const group = this.adopt(entryOf);
          group.positionLots += e.lots;
          group.sawFill = true;
          this.reconcileSoon(group);
          return;
        }
        case 'OrderCancelled':
        case 'OrderExpired':
        case 'OrderRejected':
        {
          entryOf.workingEntries.delete(e.clientId);
          const current = this.groups.get(entryOf.key);
          if (current?.successor === entryOf && entryOf.workingEntries.size === 0) current.successor = undefined;
          this.reconcileSoon(entryOf);
          return;
        }
        default:
          return;
      }
    }
    if (e.type !== 'OrderFilled') return;
    const key = `${e.instrument}|${e.positionSide ?? 'net'}`;
    const g = this.groups.get(key);
    if (g === undefined || g.closed) return;
    g.positionLots += e.action === g.entryAction ? e.lots : -e.lots;
    this.reconcileSoon(g);
  }

  /** A scale-in bracket's first fill: it takes over the position and the venue orders of the one before. */
  private adopt(entryOf: Group): Group {
    const current = this.groups.get(entryOf.key);
    if (current === undefined || current === entryOf || current.successor !== entryOf) return entryOf;
    entryOf.positionLots += current.positionLots;
    entryOf.sawFill = current.sawFill;
    for (const id of current.workingEntries) {
      entryOf.workingEntries.add(id);
      this.byEntry.set(id, entryOf);
    }
    current.closed = true;
    current.successor = undefined;
    for (const old of current.legs) {
      const heir = entryOf.legs.find((l) => l.role === old.role);
      const live = old.live;
      old.live = undefined;
      if (heir !== undefined && live !== undefined && heir.live === undefined) {
        heir.live = live;
        this.legByVenueId.set(live.venueId, { group: entryOf, leg: heir });
      } else if (live !== undefined) {
        this.retiring.add(live.venueId);
        this.host.schedule(() => this.host.cancel(live.venueId));
      }
      this.legByBase.delete(old.template.clientId);
      if (old.accepted && !old.finished) this.host.deliver({ type: 'OrderCancelled', clientId: old.template.clientId, reason: `replaced by the scale-in's ${old.role}`, tsVenue: this.host.nowMs(), tsLocal: this.host.nowMs() });
    }
    this.groups.set(entryOf.key, entryOf);
    return entryOf;
  }

  private reconcileSoon(group: Group): void {
    this.host.schedule(() => this.reconcile(group));
  }

  /** Makes the venue match the position: one stop (and take-profit) of its size, or none once it is flat. */
  private async reconcile(group: Group): Promise<void> {
    if (group.closed) return;
    if (group.positionLots <= 0) {
      if (group.sawFill || group.workingEntries.size === 0) {
        group.closed = true;
        for (const leg of group.legs) await this.retire(group, leg, group.sawFill ? 'the position is flat (one-cancels-other)' : 'the entry ended without a fill');
      }
      return;
    }
    // The stop first: it is the one that must never be missing.
    for (const leg of group.legs) {
      if (leg.withdrawn || leg.finished || group.closed) continue;
      const desired: OrderSpec = { ...leg.template, qtyLots: group.positionLots as Lots };
      const shape = shapeOf(desired);
      if ((leg.live !== undefined && shapeOf(leg.live.spec) === shape) || leg.refusedShape === shape) continue;
      leg.generation += 1;
      const venueId = leg.generation === 1 ? leg.template.clientId : `${leg.template.clientId}.${leg.generation}`;
      const spec = { ...desired, clientId: venueId };
      this.legByVenueId.set(venueId, { group, leg });
      const old = leg.live;
      // Set before placing, so fills that arrive with the answer are counted against it.
      leg.live = { venueId, spec, filledLots: 0 };
      if (!(await this.host.place(spec))) {
        leg.live = old;
        leg.refusedShape = shape;
        continue;
      }
      if (old !== undefined) {
        this.retiring.add(old.venueId);
        await this.host.cancel(old.venueId);
      }
      if (leg.accepted && (leg.reportedQty !== desired.qtyLots || old !== undefined)) {
        leg.reportedQty = desired.qtyLots;
        this.host.deliver({ type: 'OrderModified', clientId: leg.template.clientId, order: { ...desired, clientId: leg.template.clientId }, tsVenue: this.host.nowMs(), tsLocal: this.host.nowMs() });
      }
    }
  }

  /** Cancels the exit's venue order and tells the session the exit is over. */
  private async retire(group: Group, leg: Leg, reason: string): Promise<void> {
    const live = leg.live;
    leg.live = undefined;
    if (live !== undefined) {
      this.retiring.add(live.venueId);
      await this.host.cancel(live.venueId);
    }
    const base = leg.template.clientId;
    if (this.legByBase.get(base)?.group === group) {
      this.legByBase.delete(base);
      if (!leg.finished) this.host.deliver({ type: 'OrderCancelled', clientId: base, reason, tsVenue: this.host.nowMs(), tsLocal: this.host.nowMs() });
    }
  }
}
