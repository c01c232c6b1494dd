// Emulated brackets and OCO for venues without them (Binance USD-M): from the entry's first fill a reduce-only stop
// and take-profit rest on the venue (priced from that fill when the bracket asks), sized to the position they
// protect, replaced (new one first, then the old one cancelled) on partial fills, scale-ins and moves, and cancelled
// once the position is flat. Must never leave a protected position without its stop on purpose, and never send
// anything itself: it drives its host's calls.
import type { OrderSpec } from '../../domain/order.js';
import type { BracketSpec, VenueCommand, VenueEvent } from '../venue.js';
import { keyOf, newGroup, type BracketHost, type Group, type LegRef } from './bracket-keeper-legs.js';
import { exitsFromFillProblem } from './bracket-keeper-prices.js';
import { ExitSync } from './bracket-keeper-sync.js';

export type { BracketHost } from './bracket-keeper-legs.js';

/** Client ids get `.N` appended for replacements: bases are limited so the result fits the venue's 36 characters. */
export const MAX_BRACKET_BASE_ID = 32;
const STOP_TYPES = new Set<OrderSpec['type']>(['stop-market', 'stop-limit', 'trailing-stop']);
const TP_TYPES = new Set<OrderSpec['type']>(['limit', 'take-profit-market', 'take-profit-limit']);

export class BracketKeeper {
  private readonly groups = new Map<string, Group>();
  private readonly byEntry = new Map<string, Group>();
  private readonly legByVenueId = new Map<string, LegRef>();
  private readonly legByBase = new Map<string, LegRef>();
  /** Venue orders being retired (replaced or closed): their cancel events are ours, not the session's. */
  private readonly retiring = new Set<string>();
  private readonly ocoPeers = new Map<string, readonly string[]>();
  private readonly sync: ExitSync;

  constructor(private readonly host: BracketHost) {
    this.sync = new ExitSync(host, { legByVenueId: this.legByVenueId, legByBase: this.legByBase, retiring: this.retiring });
  }

  /** Why this bracket cannot be kept; undefined when it can. The exits must close what the entry opens. */
  problem(b: BracketSpec): string | undefined {
    const exits = b.takeProfit === undefined ? [b.stopLoss] : [b.stopLoss, b.takeProfit];
    const fromFill = exitsFromFillProblem(b);
    if (fromFill !== undefined) return fromFill;
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
    const group = newGroup(b);
    for (const l of group.legs) this.legByBase.set(l.template.clientId, { group, leg: l });
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

  /** Whether a venue client id is a bracket's entry or one of the venue orders playing its exits. */
  knows(venueClientId: string): boolean {
    return this.byEntry.has(venueClientId) || this.legByVenueId.has(venueClientId);
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
    await this.sync.retire(hit.group, hit.leg, 'cancelled on request');
  }

  /**
   * The session moves an exit (e.g. the stop to breakeven, or to the price its entry's fill gives): its prices
   * change; its size always follows the position. A resting exit is replaced (the new one placed before the old one
   * is cancelled); one not placed yet takes the prices when it is. The session hears OrderModified once the venue
   * matches (at once when it already does: the keeper priced it from the fill), or ModifyRejected.
   */
  modify(command: Extract<VenueCommand, { type: 'ModifyOrder' }>): void {
    const hit = this.legByBase.get(command.clientId);
    const { leg, group } = hit ?? {};
    if (leg === undefined || group === undefined || leg.withdrawn || leg.finished || group.closed) {
      const ts = this.host.nowMs();
      this.host.deliver({ type: 'ModifyRejected', clientId: command.clientId, code: 'UNKNOWN_ORDER', reason: `no working exit ${command.clientId} (filled, cancelled or flat)`, tsVenue: ts, tsLocal: ts });
      return;
    }
    const t = leg.template;
    const next = { ...t } as Record<string, unknown>;
    if (command.triggerTicks !== undefined && 'triggerTicks' in t) next['triggerTicks'] = command.triggerTicks;
    if (command.limitTicks !== undefined && 'limitTicks' in t) next['limitTicks'] = command.limitTicks;
    leg.beforeModify ??= t;
    leg.template = next as unknown as OrderSpec;
    leg.refusedShape = undefined;
    leg.modifyPending = true;
    this.host.schedule(async () => {
      await this.sync.reconcile(group);
      if (leg.modifyPending && leg.accepted && leg.live !== undefined && !leg.finished) this.sync.reportModified(leg);
    });
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
        leg.deliveredLots += e.lots;
        // A fill of a venue order being replaced (a modify racing the fill): once the session has the exit's whole
        // size it sees the exit as filled, so nothing more is told about it and it is not placed again.
        if (leg.deliveredLots >= leg.reportedQty) leg.finished = true;
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
        // A stop the venue refuses as already crossed (Binance -2021 "would immediately trigger") has done its job:
        // the position is closed at market in its name instead of being left without a stop (reconcile).
        if (leg.role === 'stop-loss' && e.code === 'PRICE_OUT_OF_BOUNDS' && group.positionLots > 0 && !leg.crossed) {
          leg.crossed = true;
          return true;
        }
        if (!leg.accepted) {
          // The session now holds this exit as rejected (terminal): it is never placed or reported again.
          leg.finished = true;
          this.host.deliver({ ...e, clientId: base, reason: `the ${leg.role} could not rest on the venue: ${e.reason}` });
        } else this.host.deliver({ type: 'ModifyRejected', clientId: base, code: e.code, reason: `the resized ${leg.role} was refused; the previous one still rests: ${e.reason}`, ...stamp });
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
          if (entryOf.fromFill !== undefined && !entryOf.priced) this.sync.priceFromFill(entryOf, entryOf.fromFill, e.priceTicks);
          // A scale-in on a position a restart took over (adopted-exits.ts): the exits cover that position too.
          const inherited = group.sawFill ? undefined : this.host.takeOver?.(group.key, group.entryAction);
          if (inherited !== undefined) group.positionLots = inherited;
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
    this.host.schedule(() => this.sync.reconcile(group));
  }
}
