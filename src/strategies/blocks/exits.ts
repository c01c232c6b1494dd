// Exit prices of a scalp: the take-profit that rests as a limit from the entry, the stop beyond the level that
// invalidates the setup, ATR-based targets, and the time stop. Pure arithmetic on floats in the quote asset; must
// never place orders (the scalp desk does, as one bracket, so both exits work from the first fill).

export type Side = 'long' | 'short';

/** How the take-profit is set. */
export type TargetRule =
  /** `rewardRisk` x the stop distance beyond the entry. */
  | { readonly kind: 'reward-risk'; readonly rewardRisk: number }
  /**
   * `k` x ATR beyond the entry. Seed "Micro-Futures Scalping with Precision", 4.3: "If the average true range (ATR)
   * on the 1-minute chart is $5, a reasonable target might be $2 to $3 per contract", i.e. k = 0.4-0.6.
   */
  | { readonly kind: 'atr'; readonly k: number }
  /** A fixed percent of the entry (the sources' 0.1-0.5 % scalp targets). */
  | { readonly kind: 'pct'; readonly pct: number };

export const TARGET_KINDS = ['reward-risk', 'atr', 'pct'] as const;

/** The default and range of the ATR multiple, from the $5 ATR -> $2-3 target example. */
export const ATR_TARGET_K = { default: 0.5, min: 0.4, max: 0.6 } as const;

/** Signed direction of a side: +1 long, -1 short. */
export const dir = (side: Side): 1 | -1 => (side === 'long' ? 1 : -1);

/**
 * The take-profit price for an entry at `entry` with its stop at `stop`. `atr` is the current ATR (quote asset);
 * undefined when the rule needs it and it is not known yet.
 */
export function targetPrice(side: Side, entry: number, stop: number, rule: TargetRule, atr: number | undefined): number | undefined {
  const d = dir(side);
  switch (rule.kind) {
    case 'reward-risk':
      return entry + d * rule.rewardRisk * Math.abs(entry - stop);
    case 'atr':
      return atr === undefined ? undefined : entry + d * rule.k * atr;
    case 'pct':
      return entry * (1 + (d * rule.pct) / 100);
  }
}

/**
 * The stop just beyond a level (a touch candle's low, a broken range edge): `bufferTicks` ticks of `tick` below it
 * for a long, above it for a short. "Set a tight stop-loss just below the low of the candle that touched VWAP" and
 * "use the broken support/resistance level as the initial stop-loss" (seed, 4.2).
 */
export function stopBeyond(side: Side, level: number, tick: number, bufferTicks: number): number {
  return level - dir(side) * bufferTicks * tick;
}

/**
 * The time stop: a scalp that has not reached either exit within `maxBars` bars is closed at market (the seed, 4.3:
 * "letting small winning trades turn into losses by holding on too long"). 0 = off.
 */
export class TimeStop {
  private entryBar: number | undefined;

  constructor(readonly maxBars: number) {}

  /** The position opened at bar `index` (the bar whose processing filled the entry). */
  start(index: number): void {
    this.entryBar = index;
  }

  clear(): void {
    this.entryBar = undefined;
  }

  /** Bars held at bar `index`, undefined when no position is timed. */
  barsHeld(index: number): number | undefined {
    return this.entryBar === undefined ? undefined : index - this.entryBar;
  }

  /** True once the position has been held `maxBars` bars or more. */
  due(index: number): boolean {
    const held = this.barsHeld(index);
    return this.maxBars > 0 && held !== undefined && held >= this.maxBars;
  }
}
