// The price and quantity grids. Prices are integer ticks, quantities integer lots, both safe-integer numbers.
// Decimal strings are converted exactly at the edges; floats only through the named, documented calls below.
import type { Brand } from './brand.js';
import { type ExactDecimal, formatUnits, parseDecimal, unitsAtScale } from './decimal.js';
import { err, ok, type Result } from './result.js';
import { divRound, roundFloat, type Rounding } from './rounding.js';

/** A price as an integer count of the instrument's tick size. */
export type Ticks = Brand<number, 'Ticks'>;
/** A quantity as an integer count of the instrument's lot (quantity step). */
export type Lots = Brand<number, 'Lots'>;

export const asTicks = (n: number): Ticks => n as Ticks;
export const asLots = (n: number): Lots => n as Lots;

/** A grid step such as a tick size 0.10 or a lot step 0.001: value = stepUnits x 10^-scale, stepUnits > 0. */
export interface Grid {
  /** The step as a normalised decimal string, e.g. "0.1". */
  readonly step: string;
  readonly stepUnits: number;
  readonly scale: number;
  /** The step as a float, for the named lossy conversions only. */
  readonly stepFloat: number;
}

/** Why a value could not be placed on a grid. */
export type GridProblem =
  | { readonly kind: 'not-a-number'; readonly text: string }
  | { readonly kind: 'off-grid'; readonly text: string; readonly step: string; readonly below: string; readonly above: string }
  | { readonly kind: 'too-large'; readonly text: string };

/** Builds a grid from a positive decimal step ("0.1", "0.001", "5", "1e-8"). Undefined when not a positive decimal. */
export function gridFromStep(stepText: string): Grid | undefined {
  const d = parseDecimal(stepText);
  if (!d || d.units <= 0n) return undefined;
  return gridFromDecimal(d);
}

export function gridFromDecimal(d: ExactDecimal): Grid | undefined {
  if (d.units <= 0n || d.units > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  const stepUnits = Number(d.units);
  const step = formatUnits(d.units, d.scale);
  return { step, stepUnits, scale: d.scale, stepFloat: Number(step) };
}

/**
 * Converts a decimal string to an integer count of grid steps, exactly. `exact` refuses values off the grid;
 * the other modes round as named (see Rounding).
 */
export function countFromText(text: string, grid: Grid, mode: Rounding): Result<number, GridProblem> {
  const d = parseDecimal(text);
  if (!d) return err({ kind: 'not-a-number', text });
  return countFromDecimal(d, grid, mode, text);
}

export function countFromDecimal(d: ExactDecimal, grid: Grid, mode: Rounding, text = ''): Result<number, GridProblem> {
  const scale = Math.max(d.scale, grid.scale);
  const num = unitsAtScale(d, scale);
  const den = BigInt(grid.stepUnits) * 10n ** BigInt(scale - grid.scale);
  const { q, exact } = divRound(num, den, mode);
  if (!exact && mode === 'exact') {
    const below = divRound(num, den, 'floor').q;
    return err({
      kind: 'off-grid',
      text,
      step: grid.step,
      below: formatCount(Number(below), grid),
      above: formatCount(Number(below + 1n), grid),
    });
  }
  if (q > BigInt(Number.MAX_SAFE_INTEGER) || q < BigInt(Number.MIN_SAFE_INTEGER)) return err({ kind: 'too-large', text });
  return ok(Number(q));
}

/** Formats a count of grid steps as an exact decimal string, e.g. 700000 ticks of 0.1 -> "70000". */
export function formatCount(count: number, grid: Grid, minDecimals = 0): string {
  return formatUnits(BigInt(count) * BigInt(grid.stepUnits), grid.scale, minDecimals);
}

/** Formats with exactly the grid's number of decimals, as exchanges print prices ("70000.0" for a 0.1 tick). */
export function formatCountFixed(count: number, grid: Grid): string {
  return formatCount(count, grid, grid.scale);
}

/** The named lossy conversion from grid steps to a float (for indicators, ratios and reports). */
export function countToFloat(count: number, grid: Grid): number {
  // Dividing by a power of ten (exact in binary for the integer part) gives the correctly rounded float.
  return (count * grid.stepUnits) / 10 ** grid.scale;
}

/**
 * The named conversion from a float (a computed liquidation price, a percentage stop, a parsed CSV field) to grid
 * steps. Float noise within 1e-9 relative of a grid point counts as that point; otherwise rounds by `mode`.
 * Returns undefined only for `exact` off the grid or a non-finite input.
 */
export function countFromFloat(x: number, grid: Grid, mode: Rounding): number | undefined {
  if (!Number.isFinite(x)) return undefined;
  return roundFloat((x * 10 ** grid.scale) / grid.stepUnits, mode);
}

/** A readable sentence for a grid problem, naming the input. */
export function describeGridProblem(p: GridProblem): string {
  switch (p.kind) {
    case 'not-a-number':
      return `"${p.text}" is not a decimal number`;
    case 'off-grid':
      return `${p.text} is not a multiple of the step ${p.step} (nearest: ${p.below} or ${p.above})`;
    case 'too-large':
      return `${p.text} is too large to represent exactly`;
  }
}
