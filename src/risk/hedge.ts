// A short futures hedge against spot coins: contracts to short, the residual unhedged delta, the hedge leg's margin
// and liquidation, and a P&L table over price moves with funding over the hedge's life. Pure; denials are returned.
import { decimalToFloat, type ExactDecimal } from '../core/decimal.js';
import { countToFloat } from '../core/grid.js';
import { addMoney, type Money, moneyFromFloat, MONEY_UNITS } from '../core/money.js';
import { err, ok, type Result } from '../core/result.js';
import { roundFloat } from '../core/rounding.js';
import { MS_PER_HOUR } from '../core/time.js';
import { contractMathFor, type ContractMath } from '../domain/contract-math.js';
import { feeRate, type FeeRates, fillFee } from '../domain/fees.js';
import { expectedFundingPeriods, fundingCashFlow } from '../domain/funding.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import { conservativeTicks, type GridPrice, isolatedLiquidation, liquidationPrices } from '../domain/liquidation.js';
import { initialMargin, maintenanceBrackets, maxLeverageFor } from '../domain/margin.js';
import type { PlanDenial } from './check.js';
import type { MarginMode } from './sizing.js';

/** The moves of the default scenario table, in percent: -20 to +20 in steps of 5. */
export const DEFAULT_MOVES_PCT: readonly number[] = [-20, -15, -10, -5, 0, 5, 10, 15, 20];

export interface HedgeInput {
  readonly spec: InstrumentSpec;
  /** Spot holding in base units (1.5 BTC). */
  readonly spotQty: ExactDecimal;
  /** Spot price in quote (USD/USDT) per base unit. */
  readonly spotPrice: ExactDecimal;
  /** Where the short is opened, on the futures tick grid (the CLI uses the spot price rounded to the tick). */
  readonly futuresEntryTicks: number;
  readonly leverage: number;
  readonly marginMode: MarginMode;
  /** Futures wallet balance backing a cross-margin hedge, in the settle asset; isolated uses the initial margin. */
  readonly crossWallet?: Money;
  /** How long the hedge stays on, in hours. */
  readonly hours: number;
  /** Funding rate per interval as a fraction (0.0001 = 0.01 %); positive: longs pay, so the short receives. */
  readonly fundingRate: number;
  readonly movesPct: readonly number[];
  readonly feeOverride?: Partial<FeeRates>;
}

/** One row of the scenario table. Amounts in the quote asset (inverse settle amounts converted at that price). */
export interface HedgeScenario {
  readonly movePct: number;
  readonly spotPrice: number;
  readonly futuresTicks: number;
  readonly spotPnl: Money;
  readonly hedgePnl: Money;
  readonly funding: Money;
  readonly fees: Money;
  readonly net: Money;
  /** True when this price is at or beyond the hedge leg's liquidation price: the leg's margin is then lost. */
  readonly liquidated: boolean;
}

export type HedgeWarning =
  | { readonly code: 'LIQUIDATION_WITHIN_TABLE'; readonly liquidationMovePct: number }
  | { readonly code: 'MIN_QTY_ABOVE_HEDGE'; readonly minLots: number };

export interface HedgePlan {
  /** Lots to short: spot quantity / base quantity of one lot, rounded toward zero (never over-hedged). */
  readonly lots: number;
  readonly spotNotional: Money;
  readonly hedgedBase: number;
  /** Spot quantity left unhedged, in base units (>= 0), and its value at the spot price. */
  readonly residualBase: number;
  readonly residual: Money;
  readonly notional: Money;
  readonly initialMargin: Money;
  readonly maxLeverage: number | undefined;
  readonly liquidation: GridPrice | undefined;
  /** How far the price must rise to liquidate the short, in percent of the entry. */
  readonly liquidationMovePct: number | undefined;
  readonly fundingPeriods: number;
  /** Funding over the whole hedge at the entry price, in quote; positive = the short receives. */
  readonly funding: Money;
  readonly scenarios: readonly HedgeScenario[];
  readonly warnings: readonly HedgeWarning[];
}

/** A settle-asset amount in quote at a price: as is for linear; coin x price for inverse (nearest 1e-8). */
function toQuote(spec: InstrumentSpec, amount: Money, price: number): Money {
  return spec.contractType === 'linear' ? amount : moneyFromFloat((amount / MONEY_UNITS) * price, 'nearest');
}

function hedgeLiquidation(spec: InstrumentSpec, math: ContractMath, lots: number, entryTicks: number, im: Money, input: HedgeInput): GridPrice | undefined {
  switch (input.marginMode) {
    case 'isolated':
      return isolatedLiquidation(spec, math, 'short', lots, entryTicks, im).liquidation;
    case 'cross': {
      const account = { walletBalance: (input.crossWallet ?? im) / MONEY_UNITS, otherMaintenance: 0, otherUnrealisedPnl: 0 };
      const leg = { side: 'short' as const, size: math.positionSize(lots), entryPrice: countToFloat(entryTicks, spec.tick), brackets: maintenanceBrackets(spec, lots) };
      const upper = liquidationPrices(spec.contractType, account, [leg]).upper;
      const ticks = upper === undefined ? undefined : conservativeTicks(upper, 'short', spec.tick);
      return upper === undefined || ticks === undefined ? undefined : { price: upper, ticks };
    }
  }
}

/**
 * Plans a short hedge of a spot holding. Contracts = spot quantity / base units per contract (PRODUCT.md: 1.5 BTC
 * with 0.01 BTC contracts -> short 150; a 10 % drop loses $9,000 on spot and gains $9,000 on the hedge). Funding:
 * the short's cash flow at the entry price for each funding time the hedge surely crosses (floor(hours /
 * interval)). Scenario fees: taker in and out. A scenario beyond the liquidation price loses the leg's margin.
 */
export function planHedge(input: HedgeInput): Result<HedgePlan, PlanDenial> {
  const { spec, futuresEntryTicks: entryTicks } = input;
  const math = contractMathFor(spec);
  const spotQty = decimalToFloat(input.spotQty);
  const spotPrice = decimalToFloat(input.spotPrice);
  const perLot = math.baseQuantity(1, entryTicks);
  const lots = roundFloat(spotQty / perLot, 'toward-zero') ?? 0;
  if (lots < 1) return err({ code: 'HEDGE_BELOW_ONE_LOT', spotPerLot: `${perLot} ${spec.base} a lot` });
  const warnings: HedgeWarning[] = [];
  if (lots < spec.minQtyLots) warnings.push({ code: 'MIN_QTY_ABOVE_HEDGE', minLots: spec.minQtyLots });
  const hedgeLots = Math.max(lots, spec.minQtyLots);
  const notional = math.notional(hedgeLots, entryTicks);
  const maxLeverage = maxLeverageFor(spec.margin, notional / MONEY_UNITS);
  if (spec.margin.kind === 'tiered' && maxLeverage !== undefined && input.leverage > maxLeverage) {
    return err({ code: 'LEVERAGE_ABOVE_MAX', leverage: input.leverage, maxLeverage });
  }
  const im = initialMargin(spec, math, hedgeLots, entryTicks, input.leverage);
  const liquidation = hedgeLiquidation(spec, math, hedgeLots, entryTicks, im, input);
  const entryPrice = countToFloat(entryTicks, spec.tick);
  const liquidationMovePct = liquidation === undefined ? undefined : (countToFloat(liquidation.ticks, spec.tick) / entryPrice - 1) * 100;
  const maxMove = Math.max(...input.movesPct);
  if (liquidationMovePct !== undefined && liquidationMovePct <= maxMove) warnings.push({ code: 'LIQUIDATION_WITHIN_TABLE', liquidationMovePct });

  const fundingPeriods = Math.floor(expectedFundingPeriods(spec.funding, input.hours * MS_PER_HOUR) + 1e-9);
  const rate = spec.funding.kind === 'none' ? 0 : input.fundingRate;
  const funding = toQuote(spec, (fundingCashFlow(math, -hedgeLots, entryTicks, rate) * fundingPeriods) as Money, entryPrice);
  const taker = feeRate(spec, 'taker', input.feeOverride);
  const entryFee = fillFee(math, hedgeLots, entryTicks, taker);
  const lostMargin = (input.marginMode === 'cross' ? (input.crossWallet ?? im) : im) as Money;

  const scenarios = input.movesPct.map((movePct): HedgeScenario => {
    const price = spotPrice * (1 + movePct / 100);
    const futuresTicks = Math.max(1, roundFloat(entryTicks * (1 + movePct / 100), 'nearest') ?? entryTicks);
    const futuresPrice = countToFloat(futuresTicks, spec.tick);
    const liquidated = liquidation !== undefined && futuresTicks >= liquidation.ticks;
    const legPnl = liquidated ? (-lostMargin as Money) : math.pnl(-hedgeLots, entryTicks, futuresTicks);
    const hedgePnl = toQuote(spec, legPnl, futuresPrice);
    const fees = toQuote(spec, addMoney(entryFee, liquidated ? (0 as Money) : fillFee(math, hedgeLots, futuresTicks, taker)), futuresPrice);
    const spotPnl = moneyFromFloat(spotQty * (price - spotPrice), 'nearest');
    return { movePct, spotPrice: price, futuresTicks, spotPnl, hedgePnl, funding, fees, net: addMoney(spotPnl, hedgePnl, funding, -fees as Money), liquidated };
  });

  const hedgedBase = math.baseQuantity(lots, entryTicks);
  const residualBase = Math.max(0, spotQty - hedgedBase);
  return ok({
    lots: hedgeLots,
    spotNotional: moneyFromFloat(spotQty * spotPrice, 'nearest'),
    hedgedBase,
    residualBase,
    residual: moneyFromFloat(residualBase * spotPrice, 'nearest'),
    notional,
    initialMargin: im,
    maxLeverage,
    liquidation,
    liquidationMovePct,
    fundingPeriods,
    funding,
    scenarios,
    warnings,
  });
}
