// The backtest's configuration: one zod schema is the single source of its types, defaults and help text (the CLI
// builds its flags from the descriptions here). Validated once at start; must never hold run state.
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { BAR_INTERVALS } from '../engine/strategy.js';

const DECIMAL_TEXT = /^\d+(\.\d{1,8})?$/;
const TIME_TEXT = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z?)?$/;

export const backtestConfigSchema = z.object({
  strategy: z.string().min(1).describe('a built-in strategy name (ema-cross) or the path of a strategy module (.js, or .ts where Node can load it)'),
  instrument: z.string().min(1).describe('the instrument id, e.g. BINANCE:BTCUSDT (see `microfut specs list`)'),
  from: z.string().regex(TIME_TEXT, 'a UTC date YYYY-MM-DD or time YYYY-MM-DDTHH:MM[:SS]').optional().describe('first bar to run, UTC, inclusive (default: the data\'s start)'),
  to: z.string().regex(TIME_TEXT, 'a UTC date YYYY-MM-DD or time YYYY-MM-DDTHH:MM[:SS]').optional().describe('end of the run, UTC, exclusive (default: the data\'s end)'),
  interval: z
    .enum(BAR_INTERVALS, { error: () => `not a bar interval: use one of ${BAR_INTERVALS.join(', ')}` })
    .optional()
    .describe("bar interval of the run (default: the strategy's data.bars; others only when the strategy accepts them): klines of that interval, else the finest finer klines resampled exactly"),
  data: z.string().min(1).optional().describe('a kline file, or a directory laid out like ../shared/data (<venue>/<market>/klines/...); default: the cache'),
  fundingFile: z.string().min(1).optional().describe('a funding-rate history file (default: the fundingRate folder beside the klines, or the cache)'),
  markFile: z.string().min(1).optional().describe("mark-price klines (e.g. markPriceKlines/BTCUSDT-markPrice-8h-...csv) for the funding notional at each settlement and, when of the bars' interval (e.g. 1m), for liquidation on each bar's mark (default: the markPriceKlines folder beside the data; none: the bar open for funding, the bar's adverse extreme for liquidation)"),
  spotData: z.string().min(1).optional().describe('spot klines for a strategy that reads the spot series (hedge-keeper, basis): a file, or a directory searched for spot klines (default: --data when it is a directory)'),
  fill: z.enum(['bar', 'trades', 'quotes']).default('bar').describe('fill model: bar (OHLC), trades (the trade tape) or quotes (best bid/ask: --data names bookTicker files)'),
  intrabar: z.enum(['stop-first', 'proximity']).default('stop-first').describe('bar model: order of prices inside a bar (stop-first is conservative)'),
  limitFill: z.enum(['through', 'touch']).default('through').describe('bar model: a resting limit fills when price trades through it, or when it touches it'),
  queue: z.enum(['none', 'volume-ahead']).default('none').describe('trade model: a limit fills only when the tape trades through it (none), or also at its price once the quoted size ahead has traded'),
  slippageTicks: z.number().int().min(0).max(100_000).default(0).describe('trade model: ticks added against market and stop orders to the next trade price'),
  params: z.record(z.string(), z.string()).default({}).describe('strategy parameters as key=value'),
  out: z.string().min(1).optional().describe('directory to write trades.csv, equity.csv, events.jsonl and run.json into'),
  json: z.boolean().default(false).describe('print one JSON summary object instead of tables'),
  feeMakerPct: z.number().min(-1).max(1).optional().describe('maker fee in percent of notional (default: the instrument\'s)'),
  feeTakerPct: z.number().min(-1).max(1).optional().describe('taker fee in percent of notional (default: the instrument\'s)'),
  funding: z.enum(['on', 'off']).default('on').describe('settle funding from the real funding-rate history'),
  equity: z.string().regex(DECIMAL_TEXT, 'a positive decimal amount with at most 8 decimals').default('10000').describe('starting balance in the settle asset'),
  leverage: z.number().positive().max(200).default(10).describe('leverage for initial margin (notional / leverage)'),
  positionMode: z.enum(['one-way', 'hedge']).default('one-way').describe('one net position, or long and short legs'),
  marginMode: z.enum(['isolated', 'cross']).default('cross').describe('margin per position, or the whole balance shared'),
  latencyMs: z.number().int().min(0).max(3_600_000).default(0).describe('milliseconds from a decision to its arrival at the venue'),
  seed: z.number().int().min(0).max(4_294_967_295).default(1).describe('seed of ctx.random'),
});

export type BacktestConfigInput = z.input<typeof backtestConfigSchema>;
export type BacktestConfig = z.output<typeof backtestConfigSchema>;

/** The CLI flag of each config field, for messages. */
export const FLAG_OF: { readonly [K in keyof BacktestConfig]: string } = {
  strategy: '--strategy',
  instrument: '--instrument',
  from: '--from',
  to: '--to',
  interval: '--interval',
  data: '--data',
  fundingFile: '--funding-file',
  markFile: '--mark-file',
  spotData: '--spot-data',
  fill: '--fill',
  intrabar: '--intrabar',
  limitFill: '--limit-fill',
  queue: '--queue',
  slippageTicks: '--slippage-ticks',
  params: '--param',
  out: '--out',
  json: '--json',
  feeMakerPct: '--fee-maker',
  feeTakerPct: '--fee-taker',
  funding: '--funding',
  equity: '--equity',
  leverage: '--leverage',
  positionMode: '--position-mode',
  marginMode: '--margin-mode',
  latencyMs: '--latency-ms',
  seed: '--seed',
};

/** Validates a config; the first problem becomes an InputError naming its flag. */
export function parseBacktestConfig(input: BacktestConfigInput): BacktestConfig {
  const parsed = backtestConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? '') as keyof BacktestConfig;
    const flag = FLAG_OF[key] ?? key;
    throw new InputError('INVALID_OPTION', flag, issue.message, `Fix ${flag} (see microfut backtest --help)`);
  }
  const c = parsed.data;
  if (c.from !== undefined && c.to !== undefined && timeOf(c.from) >= timeOf(c.to)) {
    throw new InputError('CONFLICTING_OPTIONS', '--from and --to', `${c.from} is not before ${c.to}`, 'Give a --from earlier than --to');
  }
  return c;
}

/** Epoch ms of a --from/--to text (UTC; a date alone is its midnight). */
export function timeOf(text: string): number {
  const iso = text.length === 10 ? `${text}T00:00:00Z` : `${text.replace(' ', 'T')}${text.endsWith('Z') ? '' : 'Z'}`;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new InputError('INVALID_OPTION', '--from/--to', `"${text}" is not a valid UTC time`, 'Give a date like 2025-05-04 or a time like 2025-05-04T15:30');
  return ms;
}
