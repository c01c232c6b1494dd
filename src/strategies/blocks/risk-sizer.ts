// Sizes every scalp entry with the planner (src/risk/sizing.ts `planSize`): a fixed percent of equity at risk at the
// stop including round-trip fees, then cut down to the margin-utilisation cap. Pure; must never round a size up or
// let a refusal pass silently (every refusal comes back with its reason).
import { parseDecimal } from '../../core/decimal.js';
import { countFromFloat, countToFloat } from '../../core/grid.js';
import { formatMoney, moneyFromFloat, MONEY_UNITS, type Money } from '../../core/money.js';
import { contractMathFor } from '../../domain/contract-math.js';
import type { InstrumentSpec } from '../../domain/instrument.js';
import { initialMargin } from '../../domain/margin.js';
import { describeDenial } from '../../risk/check.js';
import { largestWithin, planSize } from '../../risk/sizing.js';

export interface RiskSizerConfig {
  /** Percent of equity at risk per entry (PRODUCT.md: default 1, 0.5-1 allowed). */
  readonly riskPct: number;
  /** Most initial margin of one entry, percent of equity (PRODUCT.md: 10 by default). */
  readonly maxUtilisationPct: number;
  /** Leverage the margin is computed at; must match the venue's (the backtest's --leverage, default 10). */
  readonly leverage: number;
  /**
   * Cost added to every taker fill, percent of notional: the spread and slippage a bar cannot show (small caps).
   * Budgeted like a fee, so the risk at the stop still fits when fills are worse than the bar's prices.
   */
  readonly slippagePct: number;
}

/** An accepted size. Money amounts in the settle asset (1e-8 units). */
export interface EntrySize {
  readonly lots: number;
  readonly entryTicks: number;
  readonly stopTicks: number;
  /** equity x risk %, rounded down. */
  readonly budget: Money;
  /** Loss at the stop plus round-trip fees (with the slippage allowance) for `lots`: never above `budget`. */
  readonly lossAtStop: Money;
  readonly marginUtilisationPct: number;
  /** Notional / equity. */
  readonly effectiveLeverage: number;
  /** True when the utilisation cap, not the risk budget, set the size. */
  readonly cappedByMargin: boolean;
}

export type SizeOutcome = { readonly ok: true; readonly size: EntrySize } | { readonly ok: false; readonly reason: string };

/**
 * Sizes a long or short entered no worse than `entryPrice` with its stop at `stopPrice` (floats; the entry rounds
 * against us onto the tick grid, the stop away from the entry, so the plan is never rosier than the orders).
 * lots = most whole lots with (loss at stop + fees) <= equity x riskPct (planSize), then the most lots whose
 * initial margin (notional / leverage, domain/margin.ts) stays within maxUtilisationPct of equity.
 * The planner's own refusals (one lot over budget, below the minimum quantity or notional, leverage above the
 * bracket's maximum, liquidation before the stop) come back as the reason.
 */
export function sizeEntry(spec: InstrumentSpec, equity: number, side: 'long' | 'short', entryPrice: number, stopPrice: number, c: RiskSizerConfig): SizeOutcome {
  const long = side === 'long';
  const entryTicks = countFromFloat(entryPrice, spec.tick, long ? 'ceil' : 'floor');
  const stopTicks = countFromFloat(stopPrice, spec.tick, long ? 'floor' : 'ceil');
  if (entryTicks === undefined || stopTicks === undefined || stopTicks <= 0) return { ok: false, reason: `entry ${entryPrice} or stop ${stopPrice} is not a price` };
  if (long ? stopTicks >= entryTicks : stopTicks <= entryTicks) return { ok: false, reason: `stop ${stopPrice} is not ${long ? 'below' : 'above'} the entry ${entryPrice}` };
  const equityMoney = moneyFromFloat(equity, 'floor');
  if (!(equityMoney > 0)) return { ok: false, reason: `equity ${equity} is not positive` };
  const riskPct = parseDecimal(String(c.riskPct));
  if (riskPct === undefined) return { ok: false, reason: `risk ${c.riskPct} % is not a decimal` };
  const plan = planSize({
    spec,
    equity: equityMoney,
    riskPct,
    entryTicks,
    stop: { kind: 'price', ticks: stopTicks },
    side,
    leverage: c.leverage,
    marginMode: 'cross',
    includeFees: true,
    entryLiquidity: 'taker',
    maxUtilisationPct: c.maxUtilisationPct,
    feeOverride: { maker: spec.fees.maker + c.slippagePct / 100, taker: spec.fees.taker + c.slippagePct / 100 },
  });
  if (!plan.ok) {
    const text = describeDenial(plan.error, spec.tick, spec.settle);
    return { ok: false, reason: `${plan.error.code}: ${text.problem}` };
  }
  const p = plan.value;
  let lots = p.lots;
  let lossAtStop = p.lossWithFees;
  let utilisation = p.marginUtilisationPct;
  const math = contractMathFor(spec);
  const cappedByMargin = utilisation > c.maxUtilisationPct;
  if (cappedByMargin) {
    const marginCap = moneyFromFloat((equity * c.maxUtilisationPct) / 100, 'floor');
    const marginOf = (n: number): number => initialMargin(spec, math, n, entryTicks, c.leverage);
    lots = largestWithin(marginCap, marginOf, (lots * c.maxUtilisationPct) / utilisation);
    if (lots < Math.max(1, spec.minQtyLots)) {
      return { ok: false, reason: `MARGIN_CAP: one lot needs ${formatMoney(marginOf(Math.max(1, spec.minQtyLots)) as Money, 2)} ${spec.settle} margin, above ${c.maxUtilisationPct} % of equity` };
    }
    // Fewer lots lose proportionally less at the stop: the loss scales with lots (fees too, up to rounding up).
    lossAtStop = moneyFromFloat((p.lossWithFees * lots) / p.lots / MONEY_UNITS, 'ceil');
    utilisation = (marginOf(lots) / equityMoney) * 100;
    const minNotional = spec.minNotional === undefined ? undefined : Number(spec.minNotional.units) / 10 ** spec.minNotional.scale;
    if (minNotional !== undefined && math.notional(lots, entryTicks) / MONEY_UNITS < minNotional) {
      return { ok: false, reason: `MARGIN_CAP: the ${lots} lots the margin cap allows are below the minimum notional ${minNotional} ${spec.quote}` };
    }
  }
  const notional = (lots * spec.lot.stepFloat * countToFloat(entryTicks, spec.tick) * Number(spec.contractSize.units)) / 10 ** spec.contractSize.scale;
  return {
    ok: true,
    size: { lots, entryTicks, stopTicks, budget: p.budget, lossAtStop, marginUtilisationPct: utilisation, effectiveLeverage: notional / equity, cappedByMargin },
  };
}
