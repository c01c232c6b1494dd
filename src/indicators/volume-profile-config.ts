// The settings of a volume profile: its scope, bucket, volume allocation and value-area share, with the
// validation that turns a user's config into them. Pure; must never hold profile state.
import { InputError } from '../core/errors.js';
import { gridFromStep, type Grid } from '../core/grid.js';
import { requireFinite, requireInteger } from './indicator.js';
import { validateAnchor, type PeriodAnchor, type PriceSource } from './vwap.js';

/** Which bars make the profile: those of the current anchor period, or the last `bars` bars. */
export type ProfileScope = { readonly kind: 'session'; readonly anchor: PeriodAnchor } | { readonly kind: 'window'; readonly bars: number };

/** How a bar's volume is placed: spread evenly over the buckets from its low to its high, or all at one price. */
export type VolumeAllocation = { readonly kind: 'uniform' } | { readonly kind: 'at-price'; readonly source: PriceSource };

export interface VolumeProfileConfig {
  /** The instrument's tick size as a decimal string, e.g. "0.1". */
  readonly tickSize: string;
  /** Bucket height in ticks (default 1). */
  readonly bucketTicks?: number;
  /** Default: the UTC-day session. */
  readonly scope?: ProfileScope;
  /** Default: uniform over the bar's range. */
  readonly allocation?: VolumeAllocation;
  /** Share of the volume the value area holds, in percent; default 70. */
  readonly valueAreaPct?: number;
  /** A high-volume node is a local peak with at least this multiple of the mean bucket volume; default 1.5. */
  readonly highNodeRatio?: number;
  /** A low-volume node is a local trough inside the profile with at most this multiple of the mean; default 0.5. */
  readonly lowNodeRatio?: number;
}

/** One bucket: prices from `lowPrice` (inclusive) to lowPrice + bucket height (exclusive), and its volume. */
export interface ProfileBucket {
  readonly lowPrice: number;
  readonly volume: number;
}

/** Output order: point of control, value-area high, value-area low (each a bucket's low price). */
export const VOLUME_PROFILE_OUTPUTS = ['poc', 'vah', 'val'] as const;

/** A config checked and completed with its defaults. */
export interface ResolvedProfileConfig {
  readonly grid: Grid;
  readonly bucketTicks: number;
  readonly scope: ProfileScope;
  /** Closed bars a window keeps besides the open one (window bars - 1); 0 for a session. */
  readonly closedBars: number;
  readonly allocation: VolumeAllocation;
  /** valueAreaPct / 100. */
  readonly valueAreaShare: number;
  readonly highNodeRatio: number;
  readonly lowNodeRatio: number;
}

/** Validates `config` (InputError naming the setting on a bad value) and fills in the defaults. */
export function resolveProfileConfig(config: VolumeProfileConfig): ResolvedProfileConfig {
  const grid = gridFromStep(config.tickSize);
  if (grid === undefined) throw new InputError('INVALID_OPTION', 'volume profile tick size', `"${config.tickSize}" is not a positive decimal`, 'give the instrument tick size, e.g. 0.1');
  const bucketTicks = requireInteger('volume profile bucket (ticks)', config.bucketTicks ?? 1, 1, 1_000_000);
  const scope = config.scope ?? { kind: 'session', anchor: { kind: 'utc-day' } };
  if (scope.kind === 'session') validateAnchor('volume profile', scope.anchor);
  const closedBars = scope.kind === 'window' ? requireInteger('volume profile window (bars)', scope.bars, 1) - 1 : 0;
  const pct = config.valueAreaPct ?? 70;
  if (!(pct > 0 && pct <= 100)) throw new InputError('OUT_OF_RANGE', 'volume profile value area %', `must be above 0 and at most 100, got ${pct}`, 'give a percentage such as 70');
  return {
    grid,
    bucketTicks,
    scope,
    closedBars,
    allocation: config.allocation ?? { kind: 'uniform' },
    valueAreaShare: pct / 100,
    highNodeRatio: requireFinite('volume profile high-node ratio', config.highNodeRatio ?? 1.5, 0),
    lowNodeRatio: requireFinite('volume profile low-node ratio', config.lowNodeRatio ?? 0.5, 0),
  };
}
