// The simulated venue's account: wallet balance, positions per instrument and leg, margin set aside (isolated or
// cross), fees per fill, funding and liquidation, in exact Money. Must never decide fills or read market data: the
// venue tells it what filled, at which mark, and when funding settles.
import { InputError, InvariantError } from '../../core/errors.js';
import { type Money, subMoney } from '../../core/money.js';
import { mulDivRound } from '../../domain/contract-math.js';
import { fillFee, type Liquidity } from '../../domain/fees.js';
import { fundingCashFlow } from '../../domain/funding.js';
import type { InstrumentSpec } from '../../domain/instrument.js';
import { initialMargin, maintenanceMargin, marginUtilisation } from '../../domain/margin.js';
import type { Side } from '../../domain/side.js';
import type { MarginMode, PositionMode } from '../venue.js';
import { InstrumentAccount, type FeeOverrides } from './instrument-account.js';
import { LEG_LONG, LEG_NET, LEG_SHORT } from './sim-order-book.js';
import { legLiquidationBounds, liquidationFee, liquidationPriceTicks, type LiquidationClose } from './sim-liquidation.js';

/** The account settings the venue passes on from its config. */
export interface SimAccountConfig {
  readonly positionMode: PositionMode;
  readonly marginMode: MarginMode;
  readonly leverage: number;
  readonly fees: FeeOverrides;
  readonly startingBalance: Money;
}

/** The result of one fill on the account. */
export interface AccountFill {
  readonly realisedPnl: Money;
  readonly fee: Money;
}

/** One leg's funding payment. */
export interface LegFunding {
  readonly leg: number;
  readonly signedLots: number;
  readonly amount: Money;
}

/** Balance, equity and margin after an event (Binance's "wallet", "margin balance", "available balance"). */
export interface AccountMetrics {
  /** Wallet balance: start + realised P&L - fees + funding. */
  readonly balance: Money;
  readonly unrealisedPnl: Money;
  /** balance + unrealised P&L at the marks. */
  readonly equity: Money;
  /** Margin held by positions (isolated margin, or initial margin at entry in cross). */
  readonly positionMargin: Money;
  /** Initial margin reserved for working orders that may open or increase a position. */
  readonly orderMargin: Money;
  /** What new orders may use: balance (+ unrealised P&L in cross) - position margin - order margin. */
  readonly availableMargin: Money;
  /** (position + order margin) / equity; undefined when equity is not positive. */
  readonly marginUtilisation: number | undefined;
}

/** Running totals: the conservation law balance = start + realised - fees + funding holds on them exactly. */
export interface AccountTotals {
  readonly realisedPnl: Money;
  readonly fees: Money;
  readonly funding: Money;
  readonly liquidations: number;
}

/** The wallet and the positions of every instrument of one simulated venue. */
export class SimAccount {
  readonly instruments: readonly InstrumentAccount[];
  balance: Money;
  orderMargin = 0 as Money;
  private realised = 0;
  private fees = 0;
  private funding = 0;
  private liquidations = 0;

  constructor(
    specs: readonly InstrumentSpec[],
    readonly config: SimAccountConfig,
  ) {
    if (specs.length === 0) throw new InputError('MISSING_OPTION', 'venue.instruments', 'no instrument was given', 'Give at least one instrument');
    const settle = specs[0]!.settle;
    for (const s of specs) {
      if (s.settle !== settle) {
        throw new InputError('CONFLICTING_OPTIONS', 'venue.instruments', `${s.id} settles in ${s.settle}, ${specs[0]!.id} in ${settle}`, 'Run instruments that settle in one asset on one simulated account');
      }
    }
    this.instruments = specs.map((s, i) => new InstrumentAccount(s, i, config.fees));
    this.balance = config.startingBalance;
  }

  get settleAsset(): string {
    return this.instruments[0]!.spec.settle;
  }

  totals(): AccountTotals {
    return { realisedPnl: this.realised as Money, fees: this.fees as Money, funding: this.funding as Money, liquidations: this.liquidations };
  }

  /** The leg index an order's fill goes to: LEG_NET in one-way mode, the named leg in hedge mode. */
  legFor(positionSide: Side | undefined): number {
    if (this.config.positionMode === 'one-way') return LEG_NET;
    return positionSide === 'short' ? LEG_SHORT : LEG_LONG;
  }

  /** The fee rate of a fill by its liquidity (the spec's rate unless the config overrides it). */
  rate(ia: InstrumentAccount, liquidity: Liquidity): number {
    return liquidity === 'maker' ? ia.makerRate : ia.takerRate;
  }

  /** Initial margin of `lots` at a price at the configured leverage (fixed per contract where the venue sets it). */
  initialMarginFor(ia: InstrumentAccount, lots: number, priceTicks: number): Money {
    return initialMargin(ia.spec, ia.math, lots, priceTicks, this.config.leverage);
  }

  /**
   * Applies a fill of `lots` (action +1 buy, -1 sell) at `priceTicks` to a leg: realised P&L and the fee
   * (notional x maker/taker rate, rounded up: fees.ts) go to the balance; margin is set aside for the opening part
   * at the configured leverage and released pro rata for the closing part. Liquidation prices are recomputed.
   */
  applyFill(ia: InstrumentAccount, leg: number, action: number, lots: number, priceTicks: number, liquidity: Liquidity): AccountFill {
    const position = ia.legs[leg]!;
    const before = position.signedLots;
    const fee = fillFee(ia.math, lots, priceTicks, this.rate(ia, liquidity));
    const realisedPnl = position.applyFill(action * lots, priceTicks);
    const closing = before !== 0 && Math.sign(before) !== action ? Math.min(lots, Math.abs(before)) : 0;
    if (closing > 0) {
      const held = ia.legMargin[leg]!;
      ia.legMargin[leg] = closing === Math.abs(before) ? 0 : held - mulDivRound(held, closing, Math.abs(before), 'nearest');
    }
    if (lots > closing) ia.legMargin[leg] = ia.legMargin[leg]! + this.initialMarginFor(ia, lots - closing, priceTicks);
    this.book(realisedPnl, fee, 0);
    this.recomputeLiquidation();
    return { realisedPnl, fee };
  }

  /**
   * Settles one funding payment on every open leg of an instrument: -(signed notional at the mark) x rate, rounded
   * toward minus infinity (funding.ts). Returns one entry per leg that paid or received.
   */
  settleFunding(ia: InstrumentAccount, rate: number, markTicks: number): readonly LegFunding[] {
    const paid: LegFunding[] = [];
    for (let leg = 0; leg < 3; leg++) {
      const lots = ia.legs[leg]!.signedLots;
      if (lots === 0) continue;
      const amount = fundingCashFlow(ia.math, lots, markTicks, rate);
      this.book(0, 0, amount);
      paid.push({ leg, signedLots: lots, amount });
    }
    if (paid.length > 0) this.recomputeLiquidation();
    return paid;
  }

  /**
   * Liquidates one leg at `triggerTicks` (the liquidation price, or the open when the bar opened beyond it), never
   * beyond the bankruptcy price, charging the liquidation fee capped by the margin left (see sim-liquidation.ts).
   */
  liquidate(ia: InstrumentAccount, leg: number, triggerTicks: number): LiquidationClose {
    const position = ia.legs[leg]!;
    const lots = position.signedLots;
    if (lots === 0) throw new InvariantError('an open leg to liquidate', `leg ${leg} of ${ia.spec.id} is flat`);
    const priceTicks = liquidationPriceTicks(lots, triggerTicks, lots > 0 ? ia.bankruptLower[leg]! : ia.bankruptUpper[leg]!);
    const realisedPnl = position.applyFill(-lots, priceTicks);
    const marginLeft = (this.config.marginMode === 'isolated' ? ia.legMargin[leg]! : this.balance) + realisedPnl;
    const fee = liquidationFee(ia, Math.abs(lots), priceTicks, marginLeft);
    ia.legMargin[leg] = 0;
    this.book(realisedPnl, fee, 0);
    this.liquidations += 1;
    this.recomputeLiquidation();
    return { lots: Math.abs(lots), long: lots > 0, priceTicks, realisedPnl, fee };
  }

  /** Reserves (positive) or releases (negative) initial margin for working orders. */
  reserveOrderMargin(amount: Money): void {
    this.orderMargin = (this.orderMargin + amount) as Money;
  }

  /**
   * `metrics().availableMargin` without building the metrics object: what new orders may use, balance (+ unrealised
   * P&L in cross) - position margin - order margin. Checked on every order's arrival.
   */
  availableMargin(): Money {
    let crossUnrealised = 0;
    let positionMargin = 0;
    const cross = this.config.marginMode === 'cross';
    for (let i = 0; i < this.instruments.length; i++) {
      const ia = this.instruments[i]!;
      if (cross) crossUnrealised += ia.unrealisedPnl();
      positionMargin += ia.legMargin[0]! + ia.legMargin[1]! + ia.legMargin[2]!;
    }
    return subMoney((this.balance + crossUnrealised) as Money, (positionMargin + this.orderMargin) as Money);
  }

  /** Balance, equity and margin at the current marks. */
  metrics(): AccountMetrics {
    let unrealised = 0;
    let crossUnrealised = 0;
    let positionMargin = 0;
    for (const ia of this.instruments) {
      const u = ia.unrealisedPnl();
      unrealised += u;
      if (this.config.marginMode === 'cross') crossUnrealised += u;
      for (let leg = 0; leg < 3; leg++) positionMargin += ia.legMargin[leg]!;
    }
    const equity = (this.balance + unrealised) as Money;
    const held = (positionMargin + this.orderMargin) as Money;
    return {
      balance: this.balance,
      unrealisedPnl: unrealised as Money,
      equity,
      positionMargin: positionMargin as Money,
      orderMargin: this.orderMargin,
      availableMargin: subMoney((this.balance + crossUnrealised) as Money, held),
      marginUtilisation: marginUtilisation(held, equity),
    };
  }

  /**
   * Recomputes every leg's liquidation and bankruptcy bounds after anything that moves them (a fill, funding, a
   * liquidation). Isolated: each leg on its own margin (the venue's formula, liquidation.ts). Cross: all legs of an
   * instrument on the shared wallet, with the other instruments' maintenance margin and unrealised P&L at their
   * current marks (held fixed until the next recompute: with one instrument this is exact).
   */
  recomputeLiquidation(): void {
    for (const ia of this.instruments) {
      let otherMaintenance = 0;
      let otherUnrealised = 0;
      if (this.config.marginMode === 'cross') {
        for (const other of this.instruments) {
          if (other === ia || other.markTicks <= 0) continue;
          otherUnrealised += other.unrealisedPnl();
          for (const p of other.legs) {
            if (p.signedLots !== 0) otherMaintenance += maintenanceMargin(other.spec, other.math, Math.abs(p.signedLots), other.markTicks);
          }
        }
      }
      legLiquidationBounds(ia, this.config.marginMode, this.balance, otherMaintenance as Money, otherUnrealised as Money);
    }
  }

  private book(realisedPnl: number, fee: number, funding: number): void {
    this.realised += realisedPnl;
    this.fees += fee;
    this.funding += funding;
    const next = this.balance + realisedPnl - fee + funding;
    if (!Number.isSafeInteger(next)) throw new InvariantError('a balance within the safe-integer range of Money', String(next));
    this.balance = next as Money;
  }
}
