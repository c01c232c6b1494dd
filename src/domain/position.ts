// A position on the instrument's grid: signed lots and the exact entry value (linear: total cost in tick-lots), so
// adds and partial closes are exact; realised P&L on every reduce, unrealised P&L at a mark; hedge mode as two legs.
// Must never apply fees or funding (the account does) and never allocate per fill or per mark.
import { InvariantError } from '../core/errors.js';
import { type Money } from '../core/money.js';
import { unitsToMoney, type ContractMath } from './contract-math.js';
import { sideOfSigned, type Side, type SideSign } from './side.js';

/**
 * One position (one-way mode, or one leg in hedge mode). Entry value is kept per "epoch" (since the position last
 * grew): a reduce closes the share cumulative-closed / lots-at-epoch of the epoch's value, rounded to the nearest
 * tick-lot, so splitting a closing fill into pieces closes exactly the same value, and the value closed plus the
 * value still open always equals the value opened (linear: exactly, in integers).
 */
export class GridPosition {
  private lots = 0;
  /** Entry value of the open lots (linear: sum of ticks x lots, an integer; inverse: sum of lots / ticks). */
  private value = 0;
  private epochValue = 0;
  private epochLots = 0;
  private closedInEpoch = 0;
  /** Realised P&L in units, unrounded for inverse; Money figures are rounded from this running total. */
  private realisedUnits = 0;
  private realisedMoney = 0 as Money;

  constructor(readonly math: ContractMath) {}

  /** Signed size in lots: positive long, negative short, 0 flat. */
  get signedLots(): number {
    return this.lots;
  }

  /** The side held, undefined when flat. */
  get side(): Side | undefined {
    return sideOfSigned(this.lots);
  }

  /** The additive entry value of the open lots (see ContractMath.entryValue). */
  get entryValue(): number {
    return this.value;
  }

  /** Total realised P&L (before fees and funding), rounded to the nearest 1e-8 of the settle asset. */
  get realisedPnl(): Money {
    return this.realisedMoney;
  }

  /** Average entry price in ticks (a float: linear cost / lots, inverse harmonic); undefined when flat. */
  averageEntryTicks(): number | undefined {
    return this.lots === 0 ? undefined : this.math.averageEntryTicks(Math.abs(this.lots), this.value);
  }

  /** Unrealised P&L in units (float) of closing the whole position at `markTicks`. Allocation-free. */
  unrealisedPnlUnits(markTicks: number): number {
    if (this.lots === 0) return 0;
    const sign: SideSign = this.lots > 0 ? 1 : -1;
    return this.math.pnlUnitsFromEntryValue(sign, sign * this.lots, this.value, markTicks);
  }

  /** Unrealised P&L at `markTicks`, rounded to the nearest 1e-8 (linear on an exact grid: exact). */
  unrealisedPnl(markTicks: number): Money {
    return unitsToMoney(this.unrealisedPnlUnits(markTicks), 'nearest');
  }

  /**
   * Applies a fill of `signedLots` (positive buys, negative sells) at `priceTicks` and returns the P&L it realised
   * (0 when it only adds). A fill larger than the position closes it and opens the rest on the other side.
   */
  applyFill(signedLots: number, priceTicks: number): Money {
    if (!Number.isSafeInteger(signedLots) || !Number.isSafeInteger(priceTicks) || priceTicks <= 0) {
      throw new InvariantError('a fill of integer lots at a positive integer tick price', `${signedLots} lots at ${priceTicks} ticks`);
    }
    if (signedLots === 0) return 0 as Money;
    const before = this.realisedMoney;
    let rest = signedLots;
    if (this.lots !== 0 && Math.sign(rest) !== Math.sign(this.lots)) {
      const closing = Math.min(Math.abs(rest), Math.abs(this.lots));
      this.reduce(closing, priceTicks);
      rest -= Math.sign(rest) * closing;
    }
    if (rest !== 0) this.add(rest, priceTicks);
    return (this.realisedMoney - before) as Money;
  }

  private add(signedLots: number, priceTicks: number): void {
    this.value += this.math.entryValue(Math.abs(signedLots), priceTicks);
    this.lots += signedLots;
    this.epochValue = this.value;
    this.epochLots = Math.abs(this.lots);
    this.closedInEpoch = 0;
  }

  private reduce(closing: number, priceTicks: number): void {
    const sign: SideSign = this.lots > 0 ? 1 : -1;
    const closedCumulative = this.closedInEpoch + closing;
    const remaining = this.epochLots - closedCumulative;
    // The value left open is the epoch's share of the remaining lots: depends only on the cumulative close.
    const openValue = remaining === 0 ? 0 : this.epochValue - this.math.entryValueShare(this.epochValue, closedCumulative, this.epochLots);
    const closedValue = this.value - openValue;
    this.realisedUnits += this.math.pnlUnitsFromEntryValue(sign, closing, closedValue, priceTicks);
    this.realisedMoney = unitsToMoney(this.realisedUnits, 'nearest');
    this.value = openValue;
    this.closedInEpoch = closedCumulative;
    this.lots -= sign * closing;
  }
}

/**
 * Hedge mode: a long leg and a short leg of one instrument, held at once. A fill names its leg; opening the long
 * leg buys, closing it sells (and the reverse for the short). A leg never flips side: a close larger than the leg
 * is a caller bug (venues reject it as reduce-only).
 */
export class HedgePosition {
  readonly long: GridPosition;
  readonly short: GridPosition;

  constructor(math: ContractMath) {
    this.long = new GridPosition(math);
    this.short = new GridPosition(math);
  }

  /** Applies a fill to one leg (`signedLots` as the venue sees it: + buys, - sells); returns the realised P&L. */
  applyFill(leg: Side, signedLots: number, priceTicks: number): Money {
    const position = this.leg(leg);
    const after = position.signedLots + signedLots;
    if (leg === 'long' ? after < 0 : after > 0) {
      throw new InvariantError(`a ${leg} hedge-mode leg that keeps its side`, `${position.signedLots} lots changed by ${signedLots}`);
    }
    return position.applyFill(signedLots, priceTicks);
  }

  leg(side: Side): GridPosition {
    switch (side) {
      case 'long':
        return this.long;
      case 'short':
        return this.short;
    }
  }

  /** Net signed lots (long leg plus short leg). */
  get netLots(): number {
    return this.long.signedLots + this.short.signedLots;
  }

  /** Realised P&L of both legs. */
  get realisedPnl(): Money {
    return (this.long.realisedPnl + this.short.realisedPnl) as Money;
  }

  /** Unrealised P&L of both legs at a mark, in units (float). Allocation-free. */
  unrealisedPnlUnits(markTicks: number): number {
    return this.long.unrealisedPnlUnits(markTicks) + this.short.unrealisedPnlUnits(markTicks);
  }

  /** Unrealised P&L of both legs at a mark, each rounded to the nearest 1e-8 as the venue shows them. */
  unrealisedPnl(markTicks: number): Money {
    return (this.long.unrealisedPnl(markTicks) + this.short.unrealisedPnl(markTicks)) as Money;
  }
}
