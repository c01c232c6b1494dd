// Makes the venue's exit orders match a protected position: one reduce-only stop (and take-profit) of its size at
// the exits' prices, replaced new-first, closed at market when the stop is already crossed, and retired once flat.
// Must never cancel a stop before its replacement rests, and never tell the session about an exit it holds as over.
import type { Lots } from '../../core/grid.js';
import type { OrderSpec } from '../../domain/order.js';
import type { BracketSpec } from '../venue.js';
import type { BracketHost, Group, KeeperRegistry, Leg } from './bracket-keeper-legs.js';
import { shapeOf } from './bracket-keeper-legs.js';
import { exitPricedFromFill } from './bracket-keeper-prices.js';

export class ExitSync {
  constructor(
    private readonly host: BracketHost,
    private readonly reg: KeeperRegistry,
  ) {}

  /** Makes the venue match the position: one stop (and take-profit) of its size, or none once it is flat. */
  async reconcile(group: Group): Promise<void> {
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
      // A fill seen while placing an earlier leg may have closed the position: the next pass retires the exits.
      if (group.positionLots <= 0) break;
      // A market close playing a crossed stop: nothing to compare until it has filled.
      if (leg.withdrawn || leg.finished || group.closed || leg.live?.spec.type === 'market') continue;
      await this.placeLeg(group, leg);
    }
  }

  /** Cancels the exit's venue order and tells the session the exit is over (unless it holds it as over already). */
  async retire(group: Group, leg: Leg, reason: string): Promise<void> {
    const live = leg.live;
    leg.live = undefined;
    if (live !== undefined) {
      this.reg.retiring.add(live.venueId);
      await this.host.cancel(live.venueId);
    }
    const base = leg.template.clientId;
    if (this.reg.legByBase.get(base)?.group === group) {
      this.reg.legByBase.delete(base);
      if (!leg.finished) this.host.deliver({ type: 'OrderCancelled', clientId: base, reason, tsVenue: this.host.nowMs(), tsLocal: this.host.nowMs() });
    }
  }

  /** Tells the session the exit's current prices and size (what rests on the venue now). */
  reportModified(leg: Leg): void {
    leg.modifyPending = false;
    leg.beforeModify = undefined;
    const ts = this.host.nowMs();
    this.host.deliver({ type: 'OrderModified', clientId: leg.template.clientId, order: { ...leg.template, qtyLots: leg.reportedQty as Lots }, tsVenue: ts, tsLocal: ts });
  }

  /**
   * The entry's first fill prices the bracket's exits (BracketSpec.exitsFromFill), before they are first placed, so
   * the stop never rests at the placeholder price. Later fills resize them only.
   */
  priceFromFill(group: Group, f: NonNullable<BracketSpec['exitsFromFill']>, fillTicks: number): void {
    group.priced = true;
    for (const leg of group.legs) {
      const pct = leg.role === 'stop-loss' ? f.stopLossPct : f.takeProfitPct;
      if (pct === undefined) continue;
      // The fill's prices supersede a move made before it (the simulated venue does the same).
      leg.template = exitPricedFromFill(leg.template, leg.role, fillTicks, pct);
      leg.modifyPending = false;
      leg.beforeModify = undefined;
    }
  }

  /** Places the exit at the position's size when what rests differs, then cancels what it replaces. */
  private async placeLeg(group: Group, leg: Leg): Promise<void> {
    const desired: OrderSpec = { ...leg.template, qtyLots: group.positionLots as Lots };
    const shape = shapeOf(desired);
    if ((leg.live !== undefined && shapeOf(leg.live.spec) === shape) || leg.refusedShape === shape) return;
    const old = leg.live;
    // Set before placing, so fills that arrive with the answer are counted against it.
    const venueId = this.nextVenueId(group, leg);
    const spec: OrderSpec = { ...desired, clientId: venueId };
    leg.live = { venueId, spec, filledLots: 0 };
    if (!(await this.host.place(spec))) {
      leg.live = old;
      if (leg.crossed) return this.closeAtMarket(group, leg);
      leg.refusedShape = shape;
      // A refused move leaves the previous exit resting (ModifyRejected was delivered): it keeps its prices.
      if (leg.modifyPending && leg.beforeModify !== undefined) leg.template = leg.beforeModify;
      leg.modifyPending = false;
      leg.beforeModify = undefined;
      return;
    }
    if (old !== undefined) {
      this.reg.retiring.add(old.venueId);
      await this.host.cancel(old.venueId);
    }
    // The cancel may have found the old order filled: then the exit is over and nothing more is said about it.
    if (leg.finished) return;
    if (leg.accepted && (leg.reportedQty !== desired.qtyLots || old !== undefined || leg.modifyPending)) {
      leg.reportedQty = desired.qtyLots;
      this.reportModified(leg);
    }
  }

  /**
   * The stop is already crossed (the venue refused it as one that would trigger at once): a reduce-only market order
   * for the position, under the stop's next venue id, so its fill reaches the session as the stop's fill (exit reason
   * stop-loss); a previous stop still resting is cancelled after it.
   */
  private async closeAtMarket(group: Group, leg: Leg): Promise<void> {
    const t = leg.template;
    const venueId = this.nextVenueId(group, leg);
    const spec: OrderSpec = { clientId: venueId, instrument: t.instrument, action: t.action, qtyLots: group.positionLots as Lots, effect: 'reduce-only', positionSide: t.positionSide, type: 'market' };
    const old = leg.live;
    leg.live = { venueId, spec, filledLots: 0 };
    if (!(await this.host.place(spec))) {
      leg.live = old;
    } else if (old !== undefined) {
      this.reg.retiring.add(old.venueId);
      await this.host.cancel(old.venueId);
    }
  }

  /** The next venue client id of the exit (`base`, then `base.2`, ...), registered as playing it. */
  private nextVenueId(group: Group, leg: Leg): string {
    leg.generation += 1;
    const venueId = leg.generation === 1 ? leg.template.clientId : `${leg.template.clientId}.${leg.generation}`;
    this.reg.legByVenueId.set(venueId, { group, leg });
    return venueId;
  }
}
