// Risk-based position size: equity x risk % over the loss per lot at the stop, rounded down to the lot, with the
// margin, liquidation, fee and venue-minimum checks around it. Pure; refusals are returned as denials, never thrown.
import type { ExactDecimal } from '../core/decimal.js';
import { countToFloat, type Grid } from '../core/grid.js';
import { asMoney, type Money, MONEY_UNITS, moneyFromText } from '../core/money.js';
import { formatDecimal } from '../core/decimal.js';
import { err, ok, type Result } from '../core/result.js';
import { divRound } from '../core/rounding.js';
import { contractMathFor, type ContractMath } from '../domain/contract-math.js';
import { feeRate, type FeeRates, type Liquidity, roundTripFees, type RoundTripFees } from '../domain/fees.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import { bankruptcyPrices, conservativeTicks, type GridPrice, isolatedLiquidation, liquidationPrices } from '../domain/liquidation.js';
import { initialMargin, maintenanceBrackets, maxLeverageFor } from '../domain/margin.js';
import { sideSign, signed, type Side } from '../domain/side.js';
import type { PlanDenial } from './check.js';
import { breakEvenTicks, ticksAtPct } from './costs.js';

/** The default ceiling of margin utilisation before a warning (PRODUCT.md: "at most 10 % of equity by default"). */
export const DEFAULT_MAX_UTILISATION_PCT = 10;

/** The largest notional the planner handles exactly: half the safe-integer range of Money units. */
const MAX_NOTIONAL_UNITS = Number.MAX_SAFE_INTEGER / 2;

export type MarginMode = 'isolated' | 'cross';
export const MARGIN_MODES: readonly MarginMode[] = ['isolated', 'cross'];

/** A stop as a price on the grid, or as a percentage of the entry (rounded away from the entry onto the grid). */
export type StopInput = { readonly kind: 'price'; readonly ticks: number } | { readonly kind: 'pct'; readonly pct: ExactDecimal };

export interface SizingInput {
  readonly spec: InstrumentSpec;
  /** Account equity in the settle asset (USDT, USD; the coin for inverse contracts). */
  readonly equity: Money;
  /** Risk per trade in percent of equity (1 = 1 %), in (0, 100]. */
  readonly riskPct: ExactDecimal;
  readonly entryTicks: number;
  readonly stop: StopInput;
  /** Undefined: implied by the stop (below the entry = long); a percentage stop without a side means long. */
  readonly side?: Side;
  /** Used for tiered (crypto) margin; fixed-per-contract margin ignores it. */
  readonly leverage: number;
  readonly marginMode: MarginMode;
  /** When true the budget covers the loss at the stop plus the round-trip fees. */
  readonly includeFees: boolean;
  /** Liquidity of the entry order; the exit at the stop is a stop-market order and always pays the taker rate. */
  readonly entryLiquidity: Liquidity;
  readonly maxUtilisationPct?: number;
  readonly feeOverride?: Partial<FeeRates>;
}

export type SizingWarning =
  | { readonly code: 'MARGIN_UTILISATION_HIGH'; readonly utilisationPct: number; readonly maxPct: number }
  | { readonly code: 'CAPPED_AT_MAX_QTY'; readonly maxLots: number; readonly budgetLots: number };

export interface SizingPlan {
  readonly side: Side;
  readonly entryTicks: number;
  /** The stop used for sizing, on the grid (a percentage stop after rounding away from the entry). */
  readonly stopTicks: number;
  readonly stopDistanceTicks: number;
  readonly lots: number;
  /** The budget: equity x risk %, rounded down to 1e-8. */
  readonly budget: Money;
  /** Loss at the stop before fees (positive), as the sources count risk. */
  readonly risk: Money;
  /** Round-trip fees of entering at the entry and leaving at the stop. */
  readonly fees: RoundTripFees;
  /** risk + fees: what a stop-out really costs. */
  readonly lossWithFees: Money;
  readonly notional: Money;
  readonly initialMargin: Money;
  readonly leverage: number | undefined;
  /** The highest leverage the venue allows for this notional; undefined for fixed-per-contract margin. */
  readonly maxLeverage: number | undefined;
  readonly marginUtilisationPct: number;
  readonly liquidation: GridPrice | undefined;
  readonly bankruptcy: GridPrice | undefined;
  /** How far the liquidation price lies beyond the stop, in ticks (positive = safely beyond). */
  readonly liquidationBeyondStopTicks: number | undefined;
  readonly breakEvenTicks: number | undefined;
  readonly warnings: readonly SizingWarning[];
}

/** What the CLI knows of a contract given only as `--multiplier M --tick T`. */
export interface AdHocContractTerms {
  /** Base units per contract, e.g. 0.01 BTC. */
  readonly multiplier: ExactDecimal;
  readonly tick: Grid;
  /** Fee rates as fractions; default 0 (an ad-hoc contract has no known fees, and the CLI says so). */
  readonly fees?: FeeRates;
}

/** Maintenance rate assumed for an ad-hoc contract: Binance BTCUSDT's first tier (0.4 %), a typical micro level. */
export const AD_HOC_MAINT_RATE = 0.004;
/** The highest leverage an ad-hoc contract accepts (Binance's highest). */
export const AD_HOC_MAX_LEVERAGE = 125;

/**
 * An ad-hoc linear contract: quote USD, lot 1 contract, minimum 1, tiered margin with one bracket
 * (AD_HOC_MAINT_RATE, up to AD_HOC_MAX_LEVERAGE), no funding, perpetual, liquidation by the generic
 * margin-balance = maintenance rule (Binance's formula, which is why its venue reads BINANCE).
 */
export function adHocContract(terms: AdHocContractTerms): InstrumentSpec {
  const mult = formatDecimal(terms.multiplier);
  return {
    id: 'BINANCE:ADHOC',
    venue: 'BINANCE',
    symbol: 'ADHOC',
    ccxtSymbol: 'ADHOC/USD:USD',
    description: `ad-hoc linear contract: multiplier ${mult}, tick ${terms.tick.step}, quote USD`,
    base: 'BASE',
    quote: 'USD',
    settle: 'USD',
    contractType: 'linear',
    contractSize: terms.multiplier,
    tick: terms.tick,
    lot: { step: '1', stepUnits: 1, scale: 0, stepFloat: 1 },
    minQtyLots: 1,
    margin: {
      kind: 'tiered',
      maxLeverage: AD_HOC_MAX_LEVERAGE,
      brackets: [{ bracket: 1, notionalFloor: 0, notionalCap: Number.POSITIVE_INFINITY, maintRate: AD_HOC_MAINT_RATE, cum: 0, maxLeverage: AD_HOC_MAX_LEVERAGE }],
    },
    fees: terms.fees ?? { maker: 0, taker: 0 },
    funding: { kind: 'none' },
    expiry: { kind: 'perpetual' },
    source: { url: 'docs/planner.md', note: 'an ad-hoc contract given on the command line (--multiplier, --tick)', retrieved: 'n/a' },
  };
}

/** Equity x risk % / 100, rounded down to 1e-8 (exact, bigint). */
export function riskBudget(equity: Money, riskPct: ExactDecimal): Money {
  const den = 100n * 10n ** BigInt(riskPct.scale);
  return asMoney(Number(divRound(BigInt(equity) * riskPct.units, den, 'floor').q));
}

/**
 * The stop on the grid and the side: a percentage stop is rounded away from the entry (never tighter than asked);
 * the side is the given one or implied by the stop (below the entry = long).
 */
export function resolveStop(entryTicks: number, stop: StopInput, side: Side | undefined): Result<{ readonly side: Side; readonly stopTicks: number }, PlanDenial> {
  switch (stop.kind) {
    case 'pct': {
      const s: Side = side ?? 'long';
      const stopTicks = s === 'long' ? ticksAtPct(entryTicks, stop.pct, -1, 'floor') : ticksAtPct(entryTicks, stop.pct, 1, 'ceil');
      if (stopTicks <= 0) return err({ code: 'STOP_BEYOND_ZERO', stopPct: Number(formatDecimal(stop.pct)) });
      if (stopTicks === entryTicks) return err({ code: 'STOP_AT_ENTRY', entryTicks });
      return ok({ side: s, stopTicks });
    }
    case 'price': {
      if (stop.ticks === entryTicks) return err({ code: 'STOP_AT_ENTRY', entryTicks });
      const implied: Side = stop.ticks < entryTicks ? 'long' : 'short';
      if (side !== undefined && side !== implied) return err({ code: 'STOP_ON_WRONG_SIDE', side, entryTicks, stopTicks: stop.ticks });
      return ok({ side: implied, stopTicks: stop.ticks });
    }
  }
}

/**
 * The largest whole number of lots whose cost at the stop stays within the budget. `estimate` is the float guess
 * (budget / unrounded cost of one lot); the answer is then pinned with the exact Money `cost` by galloping and
 * bisection, so it never exceeds the budget by the measure reported. `cost(n)` must not decrease as n grows.
 */
export function largestWithin(budget: Money, cost: (lots: number) => number, estimate: number): number {
  if (cost(1) > budget) return 0;
  const fits = (n: number): boolean => cost(n) <= budget;
  let lo = 1;
  let hi: number;
  const guess = Number.isFinite(estimate) ? Math.max(1, Math.floor(estimate)) : 1;
  if (fits(guess)) {
    lo = guess;
    let step = 1;
    while (fits(lo + step)) {
      lo += step;
      step *= 2;
    }
    hi = lo + step;
  } else {
    hi = guess;
    let step = 1;
    while (hi - step > 1 && !fits(hi - step)) {
      hi -= step;
      step *= 2;
    }
    lo = Math.max(1, hi - step);
  }
  // Invariant: fits(lo), !fits(hi).
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Liquidation and bankruptcy of the position: isolated on its initial margin, cross on the whole equity. */
function liquidationOf(spec: InstrumentSpec, math: ContractMath, side: Side, lots: number, entryTicks: number, im: Money, equity: Money, mode: MarginMode): { liquidation: GridPrice | undefined; bankruptcy: GridPrice | undefined; immediate: boolean } {
  switch (mode) {
    case 'isolated': {
      const r = isolatedLiquidation(spec, math, side, lots, entryTicks, im);
      return { liquidation: r.liquidation, bankruptcy: r.bankruptcy, immediate: r.immediate };
    }
    case 'cross': {
      // Binance's cross formula with this as the only position: WB = equity, TMM1 = UPNL1 = 0.
      const account = { walletBalance: equity / MONEY_UNITS, otherMaintenance: 0, otherUnrealisedPnl: 0 };
      const leg = { side, size: math.positionSize(lots), entryPrice: countToFloat(entryTicks, spec.tick), brackets: maintenanceBrackets(spec, lots) };
      const pick = (p: { lower: number | undefined; upper: number | undefined }): number | undefined => (side === 'long' ? p.lower : p.upper);
      const grid = (price: number | undefined): GridPrice | undefined => {
        if (price === undefined) return undefined;
        const ticks = conservativeTicks(price, side, spec.tick);
        return ticks === undefined ? undefined : { price, ticks };
      };
      const lp = pick(liquidationPrices(spec.contractType, account, [leg]));
      const immediate = lp !== undefined && (side === 'long' ? lp >= leg.entryPrice : lp <= leg.entryPrice);
      return { liquidation: grid(lp), bankruptcy: grid(pick(bankruptcyPrices(spec.contractType, account, [leg]))), immediate };
    }
  }
}

/**
 * Plans a risk-based size. Budget = equity x risk % (rounded down to 1e-8); lots = the most whole lots whose loss at
 * the stop (plus round-trip fees with `includeFees`) fits the budget (PRODUCT.md: $5,000, 1 %, 0.01 BTC at $70,000,
 * 1 % stop -> $7 a contract -> 7 contracts, $49 at risk). Refuses, with the numbers: one lot over budget, below the
 * venue's minimum quantity or notional, leverage above the bracket's maximum, margin above equity, liquidation at
 * or before the stop. Warns above the margin-utilisation ceiling and when capped at the venue's maximum quantity.
 */
export function planSize(input: SizingInput): Result<SizingPlan, PlanDenial> {
  const { spec, equity, entryTicks } = input;
  const resolved = resolveStop(entryTicks, input.stop, input.side);
  if (!resolved.ok) return resolved;
  const { side, stopTicks } = resolved.value;
  const math = contractMathFor(spec);
  const budget = riskBudget(equity, input.riskPct);
  const entryRate = feeRate(spec, input.entryLiquidity, input.feeOverride);
  const exitRate = feeRate(spec, 'taker', input.feeOverride);
  const lossAt = (lots: number): Money => -math.pnl(signed(side, lots), entryTicks, stopTicks) as Money;
  const feesAt = (lots: number): RoundTripFees => roundTripFees(math, lots, entryTicks, stopTicks, entryRate, exitRate);
  const cost = (lots: number): number => lossAt(lots) + (input.includeFees ? feesAt(lots).totalFee : 0);

  const warnings: SizingWarning[] = [];
  const oneLotUnits = -math.pnlUnits(signed(side, 1), entryTicks, stopTicks) + (input.includeFees ? (math.notionalUnits(1, entryTicks) * entryRate + math.notionalUnits(1, stopTicks) * exitRate) : 0);
  let lots = largestWithin(budget, cost, budget / oneLotUnits);
  if (lots === 0) {
    const one = cost(1);
    return err({ code: 'ONE_LOT_EXCEEDS_RISK', riskOneLot: asMoney(one), budget, excess: asMoney(one - budget) });
  }
  if (spec.maxQtyLots !== undefined && lots > spec.maxQtyLots) {
    warnings.push({ code: 'CAPPED_AT_MAX_QTY', maxLots: spec.maxQtyLots, budgetLots: lots });
    lots = spec.maxQtyLots;
  }
  if (lots < spec.minQtyLots) {
    return err({ code: 'BELOW_MIN_QTY', lots, minLots: spec.minQtyLots, riskAtMin: asMoney(cost(spec.minQtyLots)), budget });
  }
  // Beyond about 90 million units of the settle asset Money is no longer exact: far beyond any micro account.
  if (math.notionalUnits(lots, entryTicks) > MAX_NOTIONAL_UNITS) return err({ code: 'SIZE_TOO_LARGE', lots });
  const notional = math.notional(lots, entryTicks);
  const minNotional = spec.minNotional === undefined ? undefined : moneyFromText(formatDecimal(spec.minNotional), 'ceil');
  if (minNotional !== undefined && notional < minNotional) return err({ code: 'BELOW_MIN_NOTIONAL', notional, minNotional });

  const maxLeverage = maxLeverageFor(spec.margin, notional / MONEY_UNITS);
  const usesLeverage = spec.margin.kind === 'tiered';
  if (usesLeverage && maxLeverage !== undefined && input.leverage > maxLeverage) {
    return err({ code: 'LEVERAGE_ABOVE_MAX', leverage: input.leverage, maxLeverage });
  }
  const im = initialMargin(spec, math, lots, entryTicks, input.leverage);
  if (im > equity) return err({ code: 'INSUFFICIENT_MARGIN', initialMargin: im, equity });
  const marginUtilisationPct = (im / equity) * 100;
  const maxPct = input.maxUtilisationPct ?? DEFAULT_MAX_UTILISATION_PCT;
  if (marginUtilisationPct > maxPct) warnings.push({ code: 'MARGIN_UTILISATION_HIGH', utilisationPct: marginUtilisationPct, maxPct });

  const liq = liquidationOf(spec, math, side, lots, entryTicks, im, equity, input.marginMode);
  const sign = sideSign(side);
  if (liq.immediate) return err({ code: 'LIQUIDATION_BEFORE_STOP', side, liquidationTicks: liq.liquidation?.ticks ?? entryTicks, stopTicks });
  if (liq.liquidation !== undefined && sign * (liq.liquidation.ticks - stopTicks) >= 0) {
    return err({ code: 'LIQUIDATION_BEFORE_STOP', side, liquidationTicks: liq.liquidation.ticks, stopTicks });
  }
  const fees = feesAt(lots);
  const risk = lossAt(lots);
  return ok({
    side,
    entryTicks,
    stopTicks,
    stopDistanceTicks: Math.abs(entryTicks - stopTicks),
    lots,
    budget,
    risk,
    fees,
    lossWithFees: asMoney(risk + fees.totalFee),
    notional,
    initialMargin: im,
    leverage: usesLeverage ? input.leverage : undefined,
    maxLeverage,
    marginUtilisationPct,
    liquidation: liq.liquidation,
    bankruptcy: liq.bankruptcy,
    liquidationBeyondStopTicks: liq.liquidation === undefined ? undefined : sign * (stopTicks - liq.liquidation.ticks),
    breakEvenTicks: breakEvenTicks(math, side, lots, entryTicks, entryRate, exitRate, 0 as Money),
    warnings,
  });
}

/**
 * Equity left after `n` consecutive full stops at `riskPct` each, each sized on the equity then left:
 * drawdown = 1 - (1 - r)^n, in percent (PRODUCT.md: five straight 1 % stops cost about 5 %, 4.90 % compounded).
 */
export function consecutiveStopsDrawdownPct(riskPct: number, n: number): number {
  return (1 - (1 - riskPct / 100) ** n) * 100;
}
