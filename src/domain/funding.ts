// Funding of perpetual contracts: the payment at each funding time is the signed position notional at the mark
// price times the rate (longs pay shorts when the rate is positive), and the times come from the instrument's
// funding model. Must never read the clock: callers pass the times.
import { asTimestampMs, MS_PER_HOUR, type TimestampMs } from '../core/time.js';
import { type Money } from '../core/money.js';
import { unitsToMoney, type ContractMath } from './contract-math.js';
import type { FundingModel } from './instrument.js';

/**
 * The funding cash flow of a position, in units (1e-8 of the settle asset, a float) from the trader's side:
 * -(signed notional at mark) x rate. A long (positive `signedNotionalUnits`) pays when the rate is positive, a short
 * receives. Binance: "Funding Fee = Notional Value x Funding Rate; rate > 0: longs pay, shorts receive"
 * (https://www.binance.com/es/support/announcement/what-fees-are-generated-in-binance-futures-trading-98488a516eb84e3eb34605683dffd554).
 * Allocation-free.
 */
export const fundingCashFlowUnits = (signedNotionalUnits: number, rate: number): number => -signedNotionalUnits * rate;

/**
 * The funding cash flow of `signedLots` (positive long) at a mark price and rate, rounded down (toward minus
 * infinity: a payment is never understated, a receipt never overstated). Negative = the trader pays.
 * Inverse contracts pay in coin on the coin notional (contracts x value / mark).
 */
export function fundingCashFlow(math: ContractMath, signedLots: number, markTicks: number, rate: number): Money {
  const sign = signedLots < 0 ? -1 : 1;
  const notional = sign * math.notionalUnits(sign * signedLots, markTicks);
  return unitsToMoney(fundingCashFlowUnits(notional, rate), 'floor');
}

/**
 * The first funding time strictly after `afterMs`. Funding times are whole multiples of the interval counted from
 * 00:00 UTC (Binance 8 h: 00:00, 08:00, 16:00 UTC; 4 h and 1 h symbols likewise); the accrued model (Coinbase
 * Derivatives US perpetual-style) accrues every `accrualHours`. Undefined for contracts without funding.
 */
export function nextFundingTimeMs(model: FundingModel, afterMs: number): TimestampMs | undefined {
  const step = fundingStepMs(model);
  if (step === undefined) return undefined;
  return asTimestampMs((Math.floor(afterMs / step) + 1) * step);
}

/** How many funding (or accrual) times fall in (startMs, endMs]: the count a position held over that span pays. */
export function fundingTimesBetween(model: FundingModel, startMs: number, endMs: number): number {
  const step = fundingStepMs(model);
  if (step === undefined || endMs <= startMs) return 0;
  return Math.floor(endMs / step) - Math.floor(startMs / step);
}

/** The spacing of funding times in ms, or undefined when the contract has no funding. */
export function fundingStepMs(model: FundingModel): number | undefined {
  switch (model.kind) {
    case 'none':
      return undefined;
    case 'periodic':
      return model.intervalHours * MS_PER_HOUR;
    case 'accrued':
      return model.accrualHours * MS_PER_HOUR;
  }
}

/**
 * Expected funding periods in a hold of `holdMs` (a planning estimate, not a schedule: the real count depends on
 * when the hold starts; use fundingTimesBetween with times for that). A fraction, e.g. 0.5 for 4 h at 8 h.
 */
export function expectedFundingPeriods(model: FundingModel, holdMs: number): number {
  const step = fundingStepMs(model);
  return step === undefined || holdMs <= 0 ? 0 : holdMs / step;
}
