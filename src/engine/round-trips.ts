// Builds round trips (flat -> flat, scale-ins and partial exits included) from the fills of one position leg, with
// fees, funding, MAE/MFE and bars held; the exit reason is the reason of the closing fill. Must never change a
// position or a balance: it only records what the engine applied.
import { formatCount } from '../core/grid.js';
import type { Money } from '../core/money.js';
import { unitsToMoney, type ContractMath } from '../domain/contract-math.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import type { GridPosition } from '../domain/position.js';
import type { ExitReason, RoundTrip, TradeSource } from '../domain/round-trip.js';
import type { Side } from '../domain/side.js';

/** What the engine knows about an opening fill beyond its numbers. */
export interface EntryInfo {
  readonly tag: string | undefined;
  readonly plannedStopTicks: number | undefined;
  readonly plannedTargetTicks: number | undefined;
}

/** The numbers of a trip still open, reported apart from the closed trades. */
export interface OpenTrip {
  readonly trip: RoundTrip;
  /** Lots still held (signed: + long, - short) and the price it was valued at (the last close), in ticks. */
  readonly signedLots: number;
  readonly markTicks: number;
}

/**
 * One leg's round-trip builder. The engine calls `foldExtremes` before it changes the leg, `onFill` with the leg's
 * size before the fill, and `markBar` at every bar close while the leg is held; trips are appended to the shared
 * `trips` array in the order they close.
 */
export class RoundTripBuilder {
  private open = false;
  private side: Side = 'long';
  private entryTimeMs = 0;
  private entryBar = 0;
  private entryLots = 0;
  private entryTickLots = 0;
  private exitLots = 0;
  private exitTickLots = 0;
  private maxLots = 0;
  private entries = 0;
  private exits = 0;
  private gross = 0;
  private fees = 0;
  private funding = 0;
  private maeUnits = 0;
  private mfeUnits = 0;
  /** Lowest low and highest high of the bars marked since the leg last changed (+/-Infinity when none). */
  private lowTicks = Number.POSITIVE_INFINITY;
  private highTicks = Number.NEGATIVE_INFINITY;
  private info: EntryInfo = { tag: undefined, plannedStopTicks: undefined, plannedTargetTicks: undefined };
  /** The last size formatted for `maxContracts` (undefined before the first trip) and its text. */
  private lastLots: number | undefined = undefined;
  private lastContracts = '';
  /** 10 ^ the tick's decimal scale (see `price`). */
  private readonly tickDivisor: number;

  constructor(
    private readonly spec: InstrumentSpec,
    private readonly math: ContractMath,
    private readonly runId: string,
    private readonly source: TradeSource,
    private readonly trips: RoundTrip[],
    /** The leg this builder records (read for the excursions; never changed here). */
    private readonly position: GridPosition,
  ) {
    this.tickDivisor = 10 ** spec.tick.scale;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /**
   * Records a fill of `signedLots` (+ buy, - sell) at `priceTicks` on a leg that held `lotsBefore` (signed), which
   * realised `realised` and paid `fee`. A fill that crosses zero closes the trip and opens the next with the rest;
   * its fee is split by quantity (rounded to the nearest 1e-8, the closing part first).
   */
  onFill(lotsBefore: number, signedLots: number, priceTicks: number, timeMs: number, bar: number, fee: Money, realised: Money, reason: ExitReason, info: EntryInfo): void {
    const lots = Math.abs(signedLots);
    const closing = lotsBefore !== 0 && Math.sign(signedLots) !== Math.sign(lotsBefore) ? Math.min(lots, Math.abs(lotsBefore)) : 0;
    const opening = lots - closing;
    const closeFee = opening === 0 ? fee : Math.round((fee * closing) / lots);
    if (closing > 0) {
      this.exitLots += closing;
      this.exitTickLots += closing * priceTicks;
      this.exits++;
      this.fees += closeFee;
      this.gross += realised;
      if (closing === Math.abs(lotsBefore)) this.close(timeMs, bar, reason);
    }
    if (opening > 0) {
      if (!this.open) this.start(signedLots > 0 ? 'long' : 'short', timeMs, bar, info);
      this.entryLots += opening;
      this.entryTickLots += opening * priceTicks;
      this.entries++;
      this.fees += fee - closeFee;
      this.maxLots = Math.max(this.maxLots, Math.abs(lotsBefore + signedLots));
    }
  }

  /** Funding paid (negative) or received on the open trip. */
  onFunding(amount: Money): void {
    if (this.open) this.funding += amount;
  }

  /**
   * A bar closed with this leg held: remembers its extremes (ticks). The excursion is folded into MAE/MFE only when
   * the position is about to change (`foldExtremes`) or the trip is read: between two changes the leg's P&L is a
   * monotonic function of price, so its worst and best over those bars are its P&L at their lowest low and highest
   * high. A held bar then costs two comparisons instead of two P&L evaluations.
   */
  markBar(lowTicks: number, highTicks: number): void {
    if (lowTicks < this.lowTicks) this.lowTicks = lowTicks;
    if (highTicks > this.highTicks) this.highTicks = highTicks;
  }

  /**
   * Folds the bars marked since the last change into MAE/MFE, at the leg's current size and the trip's realised P&L
   * so far. The engine calls it before anything changes the leg (a fill, a liquidation).
   */
  foldExtremes(): void {
    if (this.lowTicks > this.highTicks) return;
    const position = this.position;
    if (this.open && position.signedLots !== 0) {
      const atLow = position.unrealisedPnlUnits(this.lowTicks);
      const atHigh = position.unrealisedPnlUnits(this.highTicks);
      const realisedUnits = this.gross;
      const worst = realisedUnits + (atLow < atHigh ? atLow : atHigh);
      const best = realisedUnits + (atLow < atHigh ? atHigh : atLow);
      if (worst < this.maeUnits) this.maeUnits = worst;
      if (best > this.mfeUnits) this.mfeUnits = best;
    }
    this.lowTicks = Number.POSITIVE_INFINITY;
    this.highTicks = Number.NEGATIVE_INFINITY;
  }

  /** The open trip valued at `markTicks` as if closed there (exit reason end-of-data), or undefined when flat. */
  openTrip(signedLots: number, markTicks: number, timeMs: number, bar: number, unrealised: Money): OpenTrip | undefined {
    if (!this.open) return undefined;
    this.foldExtremes();
    const trip = this.record(timeMs, bar, 'end-of-data', this.exitLots + Math.abs(signedLots), this.exitTickLots + Math.abs(signedLots) * markTicks, this.gross + unrealised);
    return { trip, signedLots, markTicks };
  }

  private start(side: Side, timeMs: number, bar: number, info: EntryInfo): void {
    this.open = true;
    this.side = side;
    this.entryTimeMs = timeMs;
    this.entryBar = bar;
    this.entryLots = 0;
    this.entryTickLots = 0;
    this.exitLots = 0;
    this.exitTickLots = 0;
    this.maxLots = 0;
    this.entries = 0;
    this.exits = 0;
    this.gross = 0;
    this.fees = 0;
    this.funding = 0;
    this.maeUnits = 0;
    this.mfeUnits = 0;
    this.lowTicks = Number.POSITIVE_INFINITY;
    this.highTicks = Number.NEGATIVE_INFINITY;
    this.info = info;
  }

  private close(timeMs: number, bar: number, reason: ExitReason): void {
    this.trips.push(this.record(timeMs, bar, reason, this.exitLots, this.exitTickLots, this.gross));
    this.open = false;
  }

  private record(timeMs: number, bar: number, reason: ExitReason, exitLots: number, exitTickLots: number, gross: number): RoundTrip {
    const entryTicks = this.entryTickLots / this.entryLots;
    const { plannedStopTicks, plannedTargetTicks, tag } = this.info;
    const initialRisk = plannedStopTicks === undefined ? undefined : Math.abs(this.math.pnl(this.maxLots, Math.round(entryTicks), plannedStopTicks)) as Money;
    // One literal with every key (absent ones undefined, which JSON and the readers treat as missing): every trip
    // shares one shape, and no temporary objects are spread per trade.
    return {
      id: this.trips.length + 1,
      runId: this.runId,
      source: this.source,
      instrument: this.spec.id,
      side: this.side,
      entryTimeMs: this.entryTimeMs,
      exitTimeMs: timeMs,
      entryPrice: this.price(entryTicks),
      exitPrice: this.price(exitTickLots / exitLots),
      maxLots: this.maxLots,
      maxContracts: this.contractsText(this.maxLots),
      entries: this.entries,
      exits: this.exits,
      grossPnl: gross as Money,
      fees: this.fees as Money,
      funding: this.funding as Money,
      netPnl: (gross - this.fees + this.funding) as Money,
      exitReason: reason,
      entryTag: tag,
      plannedStop: plannedStopTicks === undefined ? undefined : this.price(plannedStopTicks),
      plannedTarget: plannedTargetTicks === undefined ? undefined : this.price(plannedTargetTicks),
      initialRisk,
      mae: unitsToMoney(Math.min(0, this.maeUnits), 'nearest'),
      mfe: unitsToMoney(Math.max(0, this.mfeUnits), 'nearest'),
      barsHeld: bar - this.entryBar,
    };
  }

  /** `formatCount` of lots, remembering the last one: fixed-notional strategies repeat the same size trip after trip. */
  private contractsText(lots: number): string {
    if (lots !== this.lastLots) {
      this.lastLots = lots;
      this.lastContracts = formatCount(lots, this.spec.lot);
    }
    return this.lastContracts;
  }

  /** A price in ticks as a float: dividing by the power of ten (not multiplying by the float step) keeps grid prices exact (1034567 -> 103456.7). */
  private price(ticks: number): number {
    return (ticks * this.spec.tick.stepUnits) / this.tickDivisor;
  }
}
