// One instrument's part of the simulated account: its positions per leg, the margin set aside per leg, the
// liquidation bounds in ticks and the latest mark. Plain state read in the venue's hot loop; must never decide fills.
import type { Money } from '../../core/money.js';
import { contractMathFor, type ContractMath } from '../../domain/contract-math.js';
import { feeRate } from '../../domain/fees.js';
import type { InstrumentSpec } from '../../domain/instrument.js';
import { GridPosition } from '../../domain/position.js';

/** Fee overrides (fractions of notional); undefined keeps the instrument's rate. */
export interface FeeOverrides {
  readonly maker?: number | undefined;
  readonly taker?: number | undefined;
}

/** One instrument's positions and margin. Legs are indexed LEG_NET (one-way), LEG_LONG and LEG_SHORT (hedge). */
export class InstrumentAccount {
  readonly math: ContractMath;
  readonly legs: readonly GridPosition[];
  /** Margin set aside per leg (Money): isolated margin, or in cross the initial margin held at entry. */
  readonly legMargin = new Float64Array(3);
  /**
   * Liquidation bounds per leg in ticks: a long leg (or a net long) is liquidated at or below `liqLower`, a short at
   * or above `liqUpper`. An infinite bound means no price liquidates (a flat leg, or margin beyond the notional).
   */
  readonly liqLower = new Float64Array(3);
  readonly liqUpper = new Float64Array(3);
  /** Bankruptcy bound per leg in ticks (same sides), the worst price a liquidation closes at. */
  readonly bankruptLower = new Float64Array(3);
  readonly bankruptUpper = new Float64Array(3);
  /** The tightest bounds over all legs: the one comparison per bar. */
  anyLiqLower = Number.NEGATIVE_INFINITY;
  anyLiqUpper = Number.POSITIVE_INFINITY;
  /** The latest mark in ticks (the mark series, or the bar close as proxy); 0 until the first price. */
  markTicks = 0;
  readonly makerRate: number;
  readonly takerRate: number;

  constructor(
    readonly spec: InstrumentSpec,
    readonly index: number,
    fees: FeeOverrides,
  ) {
    this.math = contractMathFor(spec);
    this.legs = [new GridPosition(this.math), new GridPosition(this.math), new GridPosition(this.math)];
    this.makerRate = feeRate(spec, 'maker', fees.maker === undefined ? {} : { maker: fees.maker });
    this.takerRate = feeRate(spec, 'taker', fees.taker === undefined ? {} : { taker: fees.taker });
    this.liqLower.fill(Number.NEGATIVE_INFINITY);
    this.liqUpper.fill(Number.POSITIVE_INFINITY);
    this.bankruptLower.fill(Number.NEGATIVE_INFINITY);
    this.bankruptUpper.fill(Number.POSITIVE_INFINITY);
  }

  /** Unrealised P&L of all legs at the current mark, each rounded to the nearest 1e-8 as venues show it. */
  unrealisedPnl(): Money {
    if (this.markTicks <= 0) return 0 as Money;
    let sum = 0;
    for (const p of this.legs) if (p.signedLots !== 0) sum += p.unrealisedPnl(this.markTicks);
    return sum as Money;
  }
}
