// The planner commands' edge: raw flag strings into exact values (decimals, percents, enums, prices on a grid) and
// exact results back into printable decimals. Every bad value becomes an InputError naming the flag, the problem
// and the fix; never parses through a float.
import { compareDecimal, type ExactDecimal, formatDecimal, parseDecimal } from '../../core/decimal.js';
import { InputError } from '../../core/errors.js';
import { countFromText, describeGridProblem, formatCount, type Grid, gridFromDecimal } from '../../core/grid.js';
import { formatMoney, moneyFromText, type Money } from '../../core/money.js';
import type { Rounding } from '../../core/rounding.js';
import type { FeeRates } from '../../domain/fees.js';
import type { InstrumentSpec } from '../../domain/instrument.js';
import { describeDenial, type PlanDenial, type PlanField } from '../../risk/check.js';

export { InputError };

/** Bounds for a decimal flag; both inclusive unless `minExclusive`. */
export interface DecimalBounds {
  readonly min?: string;
  readonly minExclusive?: boolean;
  readonly max?: string;
  /** A phrase for the fix, e.g. "a percentage between 0 and 100 such as 1 or 0.5". */
  readonly expected: string;
}

const dec = (text: string): ExactDecimal => {
  const d = parseDecimal(text);
  if (!d) throw new RangeError(`bad bound ${text}`);
  return d;
};

/**
 * Parses a required decimal flag exactly ("70000", "0.01", "1e-3"). Refuses missing, non-numeric and out-of-range
 * values with an InputError naming `flag`.
 */
export function decimalFlag(flag: string, raw: string | undefined, bounds: DecimalBounds): ExactDecimal {
  if (raw === undefined) {
    throw new InputError('MISSING_OPTION', flag, 'is required', `Pass ${flag} with ${bounds.expected}`);
  }
  const d = parseDecimal(raw);
  if (!d) {
    throw new InputError('INVALID_NUMBER', flag, `"${raw}" is not a decimal number`, `Pass ${bounds.expected}`);
  }
  if (bounds.min !== undefined) {
    const c = compareDecimal(d, dec(bounds.min));
    if (c < 0 || (c === 0 && bounds.minExclusive === true)) {
      const rel = bounds.minExclusive === true ? 'above' : 'at least';
      throw new InputError('OUT_OF_RANGE', flag, `${raw} is too small (must be ${rel} ${bounds.min})`, `Pass ${bounds.expected}`);
    }
  }
  if (bounds.max !== undefined && compareDecimal(d, dec(bounds.max)) > 0) {
    throw new InputError('OUT_OF_RANGE', flag, `${raw} is too large (must be at most ${bounds.max})`, `Pass ${bounds.expected}`);
  }
  return d;
}

/** Like decimalFlag but undefined when the flag was not given. */
export function optionalDecimalFlag(flag: string, raw: string | undefined, bounds: DecimalBounds): ExactDecimal | undefined {
  return raw === undefined ? undefined : decimalFlag(flag, raw, bounds);
}

/** A strictly positive decimal (equity, price, quantity, multiplier). */
export const positiveFlag = (flag: string, raw: string | undefined, what: string): ExactDecimal =>
  decimalFlag(flag, raw, { min: '0', minExclusive: true, expected: `a positive ${what}` });

/**
 * A percentage flag: "1" and "1%" both mean one percent. Returns the percent number (1 for 1 %), exact.
 * `maxPct` defaults to 100.
 */
export function percentFlag(flag: string, raw: string | undefined, opts: { readonly min?: string; readonly minExclusive?: boolean; readonly maxPct?: string; readonly what: string }): ExactDecimal {
  const text = raw?.trim().endsWith('%') === true ? raw.trim().slice(0, -1) : raw;
  const max = opts.maxPct ?? '100';
  return decimalFlag(flag, text, {
    min: opts.min ?? '0',
    minExclusive: opts.minExclusive ?? true,
    max,
    expected: `${opts.what} as a percentage above ${opts.min ?? '0'} and at most ${max}, e.g. 1 for 1 %`,
  });
}

/** A money amount in whole units of an asset ("5000", "49.5"); at most 8 decimals, strictly positive. */
export function moneyFlag(flag: string, raw: string | undefined, what: string): Money {
  const d = positiveFlag(flag, raw, what);
  const m = moneyFromText(formatDecimal(d), 'exact');
  if (m === undefined) {
    throw new InputError('OUT_OF_RANGE', flag, `${raw ?? ''} needs more than 8 decimals or is too large`, `Pass ${what} with at most 8 decimals and below 90 million`);
  }
  return m;
}

/** One of a closed set of words; anything else names the allowed values. */
export function enumFlag<T extends string>(flag: string, raw: string | undefined, allowed: readonly T[], fallback?: T): T {
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw new InputError('MISSING_OPTION', flag, 'is required', `Pass ${flag} with one of: ${allowed.join(', ')}`);
  }
  const found = allowed.find((a) => a === raw.trim().toLowerCase());
  if (found === undefined) {
    throw new InputError('INVALID_OPTION', flag, `"${raw}" is not one of ${allowed.join(', ')}`, `Pass one of: ${allowed.join(', ')}`);
  }
  return found;
}

/** A positive whole number (hours, counts). */
export function integerFlag(flag: string, raw: string | undefined, opts: { readonly min: number; readonly max: number; readonly what: string }): number {
  const expected = `${opts.what} as a whole number from ${opts.min} to ${opts.max}`;
  const d = decimalFlag(flag, raw, { min: String(opts.min), max: String(opts.max), expected });
  if (d.scale > 0) throw new InputError('INVALID_NUMBER', flag, `${raw ?? ''} is not a whole number`, `Pass ${expected}`);
  return Number(formatDecimal(d));
}

/**
 * A price on the instrument's tick grid, as an integer count of ticks. `exact` refuses a price off the grid and
 * names the two nearest valid prices; other modes round as named.
 */
export function priceFlag(flag: string, raw: string | undefined, tick: Grid, mode: Rounding = 'exact'): number {
  return gridFlag(flag, raw, tick, 'price', 'tick', mode);
}

/** A size in contracts on the instrument's lot grid, in lots; at least the venue's minimum order. */
export function sizeFlag(flag: string, raw: string | undefined, spec: InstrumentSpec): number {
  const lots = gridFlag(flag, raw, spec.lot, 'number of contracts', 'lot', 'exact');
  if (lots < spec.minQtyLots) {
    const min = formatCount(spec.minQtyLots, spec.lot);
    throw new InputError('OUT_OF_RANGE', flag, `${raw ?? ''} is below the minimum order of ${min} contracts`, `Pass at least ${min}`);
  }
  return lots;
}

function gridFlag(flag: string, raw: string | undefined, grid: Grid, what: string, gridName: string, mode: Rounding): number {
  const d = positiveFlag(flag, raw, what);
  const r = countFromText(formatDecimal(d), grid, mode);
  if (!r.ok) {
    const fix = r.error.kind === 'off-grid'
      ? `Use a ${what} on the ${grid.step} ${gridName} grid, e.g. ${r.error.below} or ${r.error.above}`
      : `Pass a smaller ${what}`;
    throw new InputError('OFF_GRID', flag, describeGridProblem({ ...r.error, text: raw ?? '' }), fix);
  }
  return r.value;
}

/** Refuses two flags given together. */
export function refuseBoth(a: string, aGiven: boolean, b: string, bGiven: boolean, fix: string): void {
  if (aGiven && bGiven) throw new InputError('CONFLICTING_OPTIONS', `${a} and ${b}`, 'were both given', fix);
}

/** Requires exactly one of two flags. */
export function requireOne(a: string, aGiven: boolean, b: string, bGiven: boolean, fix: string): void {
  refuseBoth(a, aGiven, b, bGiven, fix);
  if (!aGiven && !bGiven) throw new InputError('MISSING_OPTION', `${a} or ${b}`, 'neither was given', fix);
}

/** Formats a tick count for messages. */
export const formatPrice = (ticks: number, tick: Grid): string => formatCount(ticks, tick);

/** Money as a JSON number, through its exact decimal string (so 49 prints as 49, not 49.00000000001). */
export const moneyNumber = (m: Money): number => Number(formatMoney(m, 0));
/** A price in ticks as a JSON number, through its exact decimal string. */
export const priceNumber = (ticks: number, tick: Grid): number => Number(formatCount(ticks, tick));
/** Money for a table: at least 2 decimals, with the asset. */
export const moneyText = (m: Money, asset: string): string => `${formatMoney(m, 2)} ${asset}`;
/** A float percentage for a table, to 2 decimals (or more when it would read 0.00). */
export const pctText = (x: number): string => `${Math.abs(x) >= 0.01 || x === 0 ? x.toFixed(2) : x.toPrecision(2)} %`;
/** Rounds a float for JSON to 10 significant decimals, so float noise does not show. */
export const tidy = (x: number): number => Number(x.toPrecision(12));

/** The flags every planner command shares to name its contract. */
export interface InstrumentFlags {
  readonly instrument?: string;
  readonly multiplier?: string;
  readonly tick?: string;
  readonly feeMaker?: string;
  readonly feeTaker?: string;
  readonly specs?: string;
}

/** The contract a command plans with, how to name it, and what a person should know about where it came from. */
export interface ChosenInstrument {
  readonly spec: InstrumentSpec;
  /** `BINANCE:BTCUSDT`, or `ad-hoc (multiplier 0.01, tick 0.01)`. */
  readonly label: string;
  readonly adHoc: boolean;
  /** Fee rates given by --fee-maker/--fee-taker (percent flags converted to fractions). */
  readonly feeOverride: Partial<FeeRates>;
  readonly notes: readonly string[];
}

const feePctFlag = (flag: string, raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  const d = decimalFlag(flag, raw.trim().replace(/%$/, ''), { min: '-1', max: '1', expected: 'a fee in percent of notional between -1 and 1, e.g. 0.05 for 0.05 %' });
  return Number(formatDecimal(d)) / 100;
};

/**
 * Resolves `--instrument ID` (through the registry, with the user's `--specs` file) or an ad-hoc contract from
 * `--multiplier M` and `--tick T` (tick defaults to `tickDefault` when given). Exactly one of the two ways.
 */
export async function instrumentFromFlags(o: InstrumentFlags, tickDefault?: string): Promise<ChosenInstrument> {
  const feeOverride: { maker?: number; taker?: number } = {};
  const maker = feePctFlag('--fee-maker', o.feeMaker);
  const taker = feePctFlag('--fee-taker', o.feeTaker);
  if (maker !== undefined) feeOverride.maker = maker;
  if (taker !== undefined) feeOverride.taker = taker;
  requireOne('--instrument', o.instrument !== undefined, '--multiplier', o.multiplier !== undefined, 'Name a contract with --instrument ID (e.g. COINBASE:BIT), or describe one with --multiplier M --tick T');
  refuseBoth('--instrument', o.instrument !== undefined, '--tick', o.tick !== undefined, 'The instrument has its own tick; drop --tick, or use --multiplier M --tick T for an ad-hoc contract');
  if (o.instrument !== undefined) {
    const { loadRegistry } = await import('../../data/spec-files.js');
    const spec = loadRegistry(o.specs === undefined ? {} : { userSpecsFile: o.specs }).get(o.instrument);
    return { spec, label: spec.id, adHoc: false, feeOverride, notes: [] };
  }
  const multiplier = positiveFlag('--multiplier', o.multiplier, 'contract size in base units, e.g. 0.01');
  const tickText = o.tick ?? tickDefault;
  if (tickText === undefined) throw new InputError('MISSING_OPTION', '--tick', 'is required with --multiplier', 'Pass the price tick, e.g. --tick 0.01');
  const tickDec = positiveFlag('--tick', tickText, 'price tick, e.g. 0.01');
  const tick = gridFromDecimal(tickDec);
  if (tick === undefined) throw new InputError('OUT_OF_RANGE', '--tick', `${tickText} is too fine`, 'Pass a tick with at most 15 significant digits');
  const { adHocContract, AD_HOC_MAINT_RATE, AD_HOC_MAX_LEVERAGE } = await import('../../risk/sizing.js');
  const fees = { maker: feeOverride.maker ?? 0, taker: feeOverride.taker ?? 0 };
  const spec = adHocContract({ multiplier, tick, fees });
  const notes = [
    `ad-hoc contract: linear, ${formatDecimal(multiplier)} base units a contract, tick ${tick.step}, lot 1 contract, quote USD, no funding`,
    `maintenance margin ${AD_HOC_MAINT_RATE * 100} % of notional, leverage up to ${AD_HOC_MAX_LEVERAGE}x (assumed)`,
    maker === undefined && taker === undefined ? 'fees 0: pass --fee-taker and --fee-maker (percent) to count them' : `fees maker ${fees.maker * 100} %, taker ${fees.taker * 100} %`,
  ];
  if (o.tick === undefined) notes.push(`tick ${tick.step} assumed: pass --tick to change it`);
  return { spec, label: `ad-hoc (multiplier ${formatDecimal(multiplier)}, tick ${tick.step})`, adHoc: true, feeOverride, notes };
}

/** `--leverage`: above 0 and at most the instrument's maximum; irrelevant (undefined) for fixed-per-contract margin. */
export function leverageFlag(raw: string | undefined, spec: InstrumentSpec, fallback: string): number {
  const max = spec.margin.kind === 'tiered' ? String(spec.margin.maxLeverage) : undefined;
  const d = decimalFlag('--leverage', raw ?? fallback, {
    min: '0',
    minExclusive: true,
    ...(max !== undefined ? { max } : {}),
    expected: `a leverage above 0${max !== undefined ? ` and at most ${max} (this instrument's maximum)` : ''}, e.g. 10`,
  });
  return Number(formatDecimal(d));
}

const FLAG_OF: { readonly [F in PlanField]: string } = {
  equity: '--equity',
  riskPct: '--risk-pct',
  entry: '--entry',
  stop: '--stop',
  side: '--side',
  leverage: '--leverage',
  instrument: '--instrument',
  split: '--split',
  trigger: '--trigger',
  totalContracts: '--total-contracts',
  spotQty: '--spot-qty',
  targetPct: '--target-pct',
};

/** A planner's refusal as the one-line error the CLI prints (exit 2), naming the flag a user changes. */
export function denialError(d: PlanDenial, spec: InstrumentSpec, flagFor: Partial<Record<PlanField, string>> = {}): InputError {
  const text = describeDenial(d, spec.tick, spec.settle);
  const code = d.code === 'STOP_ON_WRONG_SIDE' ? 'WRONG_SIDE' : 'OUT_OF_RANGE';
  return new InputError(code, flagFor[text.field] ?? FLAG_OF[text.field], text.problem, text.fix);
}
