// The simulated venue's configuration: one zod schema is the single source of its types, defaults and help text,
// validated once when a venue is built. Variants, not flags. Must never hold run state.
import { z } from 'zod';
import { InputError } from '../../core/errors.js';
import { moneyFromText, type Money } from '../../core/money.js';

const barFill = z.object({
  kind: z.literal('bar'),
  intrabar: z
    .enum(['stop-first', 'proximity'])
    .default('stop-first')
    .describe('order of prices inside a bar: stop-first (conservative) or proximity (open, nearer extreme, farther extreme, close)'),
  limitFill: z
    .enum(['through', 'touch'])
    .default('through')
    .describe('a resting limit fills when price trades strictly through it (through) or reaches it (touch)'),
});

const tradeFill = z.object({
  kind: z.literal('trades'),
  queue: z
    .enum(['none', 'volume-ahead'])
    .default('none')
    .describe('none: a limit fills only when the tape trades through it; volume-ahead: trades at the limit fill it once the quoted size ahead of it has traded'),
  slippageTicks: z.number().int().min(0).default(0).describe('ticks added against a market (or stop-market) order to the next trade price'),
});

const quoteFill = z.object({ kind: z.literal('quotes') });

/** How fills are decided: from bars, from the real trade tape, or from the real best bid / ask. */
export const fillConfigSchema = z.discriminatedUnion('kind', [barFill, tradeFill, quoteFill]);

/** Time between a decision (a command's tsLocal) and its arrival at the venue. */
export const latencyConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('constant'), ms: z.number().int().min(0).describe('milliseconds from decision to arrival') }),
]);

const DECIMAL_TEXT = /^\d+(\.\d{1,8})?$/;

export const simVenueConfigSchema = z.object({
  fill: fillConfigSchema.default({ kind: 'bar', intrabar: 'stop-first', limitFill: 'through' }),
  latency: latencyConfigSchema.default({ kind: 'none' }),
  positionMode: z.enum(['one-way', 'hedge']).default('one-way').describe('one net position per instrument, or long and short legs'),
  marginMode: z.enum(['isolated', 'cross']).default('cross').describe('margin set aside per position, or the whole balance shared'),
  leverage: z.number().positive().max(200).default(10).describe('leverage for initial margin (notional / leverage)'),
  fees: z
    .object({
      maker: z.number().min(-0.01).max(0.01).optional().describe('maker fee as a fraction of notional (0.0002 = 0.02 %); default: the instrument spec'),
      taker: z.number().min(-0.01).max(0.01).optional().describe('taker fee as a fraction of notional; default: the instrument spec'),
    })
    .default({}),
  funding: z.enum(['on', 'off']).default('on').describe('settle funding from the funding-rate history'),
  startingBalance: z
    .string()
    .regex(DECIMAL_TEXT, 'a decimal amount of the settle asset with at most 8 decimals, e.g. "10000"')
    .default('10000')
    .describe('wallet balance at the start, in the settle asset (coin for inverse contracts)'),
});

export type SimVenueConfigInput = z.input<typeof simVenueConfigSchema>;
export type SimVenueConfig = z.output<typeof simVenueConfigSchema>;
export type FillConfig = SimVenueConfig['fill'];

/** The validated config and the starting balance as Money. */
export interface ResolvedSimConfig {
  readonly config: SimVenueConfig;
  readonly startingBalance: Money;
}

/**
 * Validates a config once; a bad value becomes an InputError naming the field (`venue.<path>`), the problem and
 * the fix, so nothing is built from it.
 */
export function resolveSimConfig(input: SimVenueConfigInput = {}): ResolvedSimConfig {
  const parsed = simVenueConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.');
    throw new InputError('INVALID_OPTION', `venue.${path}`, issue.message, 'Fix this venue setting (see docs/simulated-venue.md for the allowed values)');
  }
  const startingBalance = moneyFromText(parsed.data.startingBalance);
  if (startingBalance === undefined || startingBalance <= 0) {
    throw new InputError('OUT_OF_RANGE', 'venue.startingBalance', `${parsed.data.startingBalance} is not a positive amount`, 'Give a starting balance above zero');
  }
  return { config: parsed.data, startingBalance };
}
