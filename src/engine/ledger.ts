// The engine's own books: per instrument the position legs (one-way net, hedge long and short) with their
// round-trip builders, and the account's balance, fees and funding in exact Money. Kept from the venue's events
// alone, so the same code serves backtest, paper and live; read-only views for the strategy are updated in place.
// Must never decide a fill or a price: it records what the venue reported.
import type { Money } from '../core/money.js';
import { contractMathFor, type ContractMath } from '../domain/contract-math.js';
import type { InstrumentId, InstrumentSpec } from '../domain/instrument.js';
import { GridPosition } from '../domain/position.js';
import type { RoundTrip, TradeSource } from '../domain/round-trip.js';
import type { Side } from '../domain/side.js';
import { RoundTripBuilder } from './round-trips.js';
import type { AccountView, PositionView } from './strategy.js';

/** Leg indexes: one-way mode uses NET only; hedge mode LONG and SHORT. */
export const LEG_NET = 0;
export const LEG_LONG = 1;
export const LEG_SHORT = 2;

export const legOf = (positionSide: Side | undefined): number =>
  positionSide === undefined ? LEG_NET : positionSide === 'long' ? LEG_LONG : LEG_SHORT;

/** One instrument's positions and trips. */
export class InstrumentBook implements PositionView {
  readonly math: ContractMath;
  readonly legs: readonly GridPosition[];
  readonly builders: readonly RoundTripBuilder[];
  /** The last close in ticks: the price unrealised P&L and equity are valued at. 0 before the first bar. */
  lastCloseTicks = 0;
  /** True while any leg holds a position; kept by `refreshHeld` after every fill, so flat bars skip the P&L math. */
  held = false;

  constructor(
    readonly spec: InstrumentSpec,
    readonly index: number,
    runId: string,
    source: TradeSource,
    trips: RoundTrip[],
  ) {
    this.math = contractMathFor(spec);
    this.legs = [new GridPosition(this.math), new GridPosition(this.math), new GridPosition(this.math)];
    this.builders = this.legs.map((leg) => new RoundTripBuilder(spec, this.math, runId, source, trips, leg));
  }

  get instrument(): InstrumentId {
    return this.spec.id;
  }
  get signedLots(): number {
    return this.legs[LEG_NET]!.signedLots + this.legs[LEG_LONG]!.signedLots + this.legs[LEG_SHORT]!.signedLots;
  }
  get signedQty(): number {
    return this.signedLots * this.spec.lot.stepFloat;
  }
  get isFlat(): boolean {
    return this.signedLots === 0;
  }
  get entryPrice(): number | undefined {
    const ticks = this.legs[LEG_NET]!.averageEntryTicks() ?? this.legs[LEG_LONG]!.averageEntryTicks() ?? this.legs[LEG_SHORT]!.averageEntryTicks();
    return ticks === undefined ? undefined : (ticks * this.spec.tick.stepUnits) / 10 ** this.spec.tick.scale;
  }
  /** Call after any change of a leg's size. */
  refreshHeld(): void {
    this.held = this.legs[LEG_NET]!.signedLots !== 0 || this.legs[LEG_LONG]!.signedLots !== 0 || this.legs[LEG_SHORT]!.signedLots !== 0;
  }
  /** A bar closed with the open legs held through it: their trips' excursions at its extremes (ticks). Allocation-free. */
  markExtremes(lowTicks: number, highTicks: number): void {
    for (let leg = 0; leg < this.legs.length; leg++) {
      if (this.legs[leg]!.signedLots !== 0) this.builders[leg]!.markBar(lowTicks, highTicks);
    }
  }
  /** Unrealised P&L of all legs at the last close, in units (1e-8 of the settle asset). Allocation-free. */
  unrealisedUnits(): number {
    return this.held ? this.unrealisedUnitsAt(this.lastCloseTicks) : 0;
  }
  /** The one leg holding a position, or undefined when none or several do. */
  onlyHeldLeg(): GridPosition | undefined {
    let only: GridPosition | undefined;
    for (const pos of this.legs) {
      if (pos.signedLots === 0) continue;
      if (only !== undefined) return undefined;
      only = pos;
    }
    return only;
  }
  /** Unrealised P&L of all legs at `markTicks`, in units. Allocation-free. */
  unrealisedUnitsAt(markTicks: number): number {
    return this.legs[LEG_NET]!.unrealisedPnlUnits(markTicks) + this.legs[LEG_LONG]!.unrealisedPnlUnits(markTicks) + this.legs[LEG_SHORT]!.unrealisedPnlUnits(markTicks);
  }
  get unrealisedPnl(): number {
    return this.unrealisedUnits() / 1e8;
  }
}

/** The account in exact Money, with its float view for strategies. */
export class Ledger implements AccountView {
  balanceMoney: Money;
  realisedMoney = 0 as Money;
  feesMoney = 0 as Money;
  fundingMoney = 0 as Money;
  liquidations = 0;
  readonly books: InstrumentBook[] = [];

  constructor(
    readonly settleAsset: string,
    readonly startingBalance: Money,
  ) {
    this.balanceMoney = startingBalance;
  }

  get balance(): number {
    return this.balanceMoney / 1e8;
  }
  get realisedPnl(): number {
    return this.realisedMoney / 1e8;
  }
  get fees(): number {
    return this.feesMoney / 1e8;
  }
  get funding(): number {
    return this.fundingMoney / 1e8;
  }
  /** True when any book holds a position. */
  anyHeld(): boolean {
    for (let i = 0; i < this.books.length; i++) if (this.books[i]!.held) return true;
    return false;
  }

  /** Balance plus unrealised P&L of every book at its last close, in units. Allocation-free. */
  equityUnits(): number {
    let u = this.balanceMoney as number;
    for (let i = 0; i < this.books.length; i++) {
      const b = this.books[i]!;
      if (b.held) u += b.unrealisedUnits();
    }
    return u;
  }
  get equity(): number {
    return this.equityUnits() / 1e8;
  }
  /** Stores the equity (settle asset, float) in `out[i]`, so no float is returned from a call V8 may not inline. */
  writeEquity(out: Float64Array, i: number): void {
    out[i] = this.equityUnits() / 1e8;
  }

  /** Books a fill's realised P&L and fee. */
  onFill(realised: Money, fee: Money): void {
    this.realisedMoney = (this.realisedMoney + realised) as Money;
    this.feesMoney = (this.feesMoney + fee) as Money;
    this.balanceMoney = (this.balanceMoney + realised - fee) as Money;
  }

  onFunding(amount: Money): void {
    this.fundingMoney = (this.fundingMoney + amount) as Money;
    this.balanceMoney = (this.balanceMoney + amount) as Money;
  }
}
