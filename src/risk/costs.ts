// The cost check of a trade idea: fees in and out, funding over the hold, the net target and the break-even move,
// with a warning when costs eat more than a third of the target. Pure; never decides for the trader.
import { type ExactDecimal, decimalToFloat } from '../core/decimal.js';
import { divRound } from '../core/rounding.js';
import { addMoney, type Money, subMoney } from '../core/money.js';
import { contractMathFor, type ContractMath } from '../domain/contract-math.js';
import { feeRate, fillFee, type FeeRates, type Liquidity, roundTripFees, type RoundTripFees } from '../domain/fees.js';
import { expectedFundingPeriods, fundingCashFlow } from '../domain/funding.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import { sideSign, signed, type Side } from '../domain/side.js';
import { MS_PER_HOUR } from '../core/time.js';

/** Costs eating more than this share of the target get a warning (PRODUCT.md "warn when costs eat the target"). */
export const COST_SHARE_WARNING = 1 / 3;

export interface CostsInput {
  readonly spec: InstrumentSpec;
  readonly side: Side;
  readonly entryTicks: number;
  /** Size in lots; percentages do not depend on it, amounts do. */
  readonly lots: number;
  /** The take-profit distance in percent of the entry (0.2 = 0.2 %). */
  readonly targetPct: ExactDecimal;
  readonly entryLiquidity: Liquidity;
  readonly exitLiquidity: Liquidity;
  /** How long the trade is expected to stay open, in hours (0 = a scalp that never crosses a funding time). */
  readonly holdHours: number;
  /**
   * Funding rate per funding interval (or per accrual period for accrued funding), as a fraction: 0.0001 = 0.01 %.
   * Positive: longs pay. Ignored for contracts without funding.
   */
  readonly fundingRate: number;
  readonly feeOverride?: Partial<FeeRates>;
}

export type CostsWarning =
  | { readonly code: 'COSTS_EAT_TARGET'; readonly costsPct: number; readonly targetPct: number; readonly sharePct: number }
  | { readonly code: 'NET_TARGET_NOT_POSITIVE'; readonly netTargetPct: number };

export interface CostsPlan {
  readonly side: Side;
  readonly entryTicks: number;
  /** The take-profit price on the grid, rounded toward the entry so the target is never overstated. */
  readonly targetTicks: number;
  readonly lots: number;
  readonly entryFeeRate: number;
  readonly exitFeeRate: number;
  /** Funding periods counted: floor(hold / interval), the number a hold of that length surely crosses. */
  readonly fundingPeriods: number;
  /**
   * Percentages as the sources count them: each fee rate and the funding rate as a percent of the notional it is
   * charged on, summed. `netTargetPct` = target - costs.
   */
  readonly feesPct: number;
  readonly fundingPct: number;
  readonly costsPct: number;
  readonly netTargetPct: number;
  /** costs / target, in percent. */
  readonly costShareOfTargetPct: number;
  /** Exact amounts in the settle asset: P&L at the target, fees (each rounded up), funding cash flow (negative = paid). */
  readonly grossTarget: Money;
  readonly fees: RoundTripFees;
  readonly funding: Money;
  readonly netTarget: Money;
  /** The first grid price at which the trade nets zero after fees and funding; undefined if none exists. */
  readonly breakEvenTicks: number | undefined;
  /** breakEvenTicks - entry, in ticks in the trade's favour. */
  readonly breakEvenMoveTicks: number | undefined;
  readonly warnings: readonly CostsWarning[];
}

/** Rounds a float percentage to 10 decimals, so 0.2 - 0.08 reads 0.12 and not 0.12000000000000001. */
export const roundPct = (x: number): number => Math.round(x * 1e10) / 1e10;

/**
 * A price `pct` percent from the entry in the trade's favour (`direction` +1) or against it (-1), on the tick grid.
 * Exact: entry x (1 +/- pct/100) in bigint, rounded by `mode`.
 */
export function ticksAtPct(entryTicks: number, pct: ExactDecimal, sign: 1 | -1, mode: 'floor' | 'ceil'): number {
  const hundred = 100n * 10n ** BigInt(pct.scale);
  const num = BigInt(entryTicks) * (hundred + BigInt(sign) * pct.units);
  return Number(divRound(num, hundred, mode).q);
}

/**
 * The break-even exit: the first grid price (moving from the entry in the trade's favour) at which
 * P&L - entry fee - exit fee - `otherCosts` >= 0, all in exact Money from the domain's contract math and fee
 * rounding. Found by bisection over [entry, 2 x entry] for a long and [1 tick, entry] for a short; undefined when
 * no price in that range breaks even (fees near 100 %).
 */
export function breakEvenTicks(
  math: ContractMath,
  side: Side,
  lots: number,
  entryTicks: number,
  entryRate: number,
  exitRate: number,
  otherCosts: Money,
): number | undefined {
  const entryFee = fillFee(math, lots, entryTicks, entryRate);
  const net = (exit: number): number => math.pnl(signed(side, lots), entryTicks, exit) - entryFee - fillFee(math, lots, exit, exitRate) - otherCosts;
  const sign = sideSign(side);
  // `good` always nets >= 0, `bad` never does; net is monotone in the trade's direction.
  let bad = entryTicks;
  let good = sign === 1 ? 2 * entryTicks : 1;
  if (net(bad) >= 0) return entryTicks;
  if (net(good) < 0) return undefined;
  while (Math.abs(good - bad) > 1) {
    const mid = Math.floor((good + bad) / 2);
    if (net(mid) >= 0) good = mid;
    else bad = mid;
  }
  return good;
}

/**
 * Plans the costs of one trade. Funding: the cash flow at the entry price as mark, times the funding periods the
 * hold surely crosses (floor(hold / interval): the planner cannot know where in the interval you open).
 * Fees: Binance "Commission = Notional Value x Fee Rate" (https://www.binance.com/en/support/faq/360033544231), via
 * the domain's fee functions.
 */
export function planCosts(input: CostsInput): CostsPlan {
  const { spec, side, entryTicks, lots } = input;
  const math = contractMathFor(spec);
  const sign = sideSign(side);
  // Toward the entry: a long's target rounds down, a short's up, so the planned profit is never overstated.
  const targetTicks = ticksAtPct(entryTicks, input.targetPct, sign, sign === 1 ? 'floor' : 'ceil');
  const entryFeeRate = feeRate(spec, input.entryLiquidity, input.feeOverride);
  const exitFeeRate = feeRate(spec, input.exitLiquidity, input.feeOverride);
  const fundingPeriods = Math.floor(expectedFundingPeriods(spec.funding, input.holdHours * MS_PER_HOUR) + 1e-9);
  const fundingRate = spec.funding.kind === 'none' ? 0 : input.fundingRate;
  const fundingPerPeriod = fundingCashFlow(math, signed(side, lots), entryTicks, fundingRate);
  const funding = (fundingPerPeriod * fundingPeriods) as Money;
  const grossTarget = math.pnl(signed(side, lots), entryTicks, targetTicks);
  const fees = roundTripFees(math, lots, entryTicks, targetTicks, entryFeeRate, exitFeeRate);
  const netTarget = addMoney(subMoney(grossTarget, fees.totalFee), funding);

  const targetPct = decimalToFloat(input.targetPct);
  const feesPct = roundPct((entryFeeRate + exitFeeRate) * 100);
  // Paid funding is a cost: a long pays a positive rate.
  const fundingPct = roundPct(sign * fundingRate * fundingPeriods * 100);
  const costsPct = roundPct(feesPct + fundingPct);
  const netTargetPct = roundPct(targetPct - costsPct);
  const costShareOfTargetPct = roundPct((costsPct / targetPct) * 100);

  const be = breakEvenTicks(math, side, lots, entryTicks, entryFeeRate, exitFeeRate, -funding as Money);
  const warnings: CostsWarning[] = [];
  if (costsPct > targetPct * COST_SHARE_WARNING) {
    warnings.push({ code: 'COSTS_EAT_TARGET', costsPct, targetPct, sharePct: costShareOfTargetPct });
  }
  if (netTargetPct <= 0) warnings.push({ code: 'NET_TARGET_NOT_POSITIVE', netTargetPct });
  return {
    side,
    entryTicks,
    targetTicks,
    lots,
    entryFeeRate,
    exitFeeRate,
    fundingPeriods,
    feesPct,
    fundingPct,
    costsPct,
    netTargetPct,
    costShareOfTargetPct,
    grossTarget,
    fees,
    funding,
    netTarget,
    breakEvenTicks: be,
    breakEvenMoveTicks: be === undefined ? undefined : sign * (be - entryTicks),
    warnings,
  };
}
