// `microfut paper`: a strategy on live market data with simulated fills, behind the risk guard, journaled.
// Wiring only (src/live/paper-session.ts does the work); also the guard and session flags `live` shares.
// Must never ask for or read API keys.
import type { Command } from 'commander';
import { InputError } from '../../../core/errors.js';
import { moneyFromText, type Money } from '../../../core/money.js';
import { DEFAULT_GUARD_LIMITS, type GuardLimits } from '../../../risk/guard.js';

export interface SessionFlags {
  readonly strategy: string;
  readonly instrument: string;
  readonly venue: string;
  readonly baseUrl?: string;
  readonly journal?: string;
  readonly duration: string;
  readonly param: string[];
  readonly equity: string;
  readonly leverage: string;
  readonly replaySpeed: string;
  readonly riskPct: string;
  readonly marginCapPct: string;
  readonly maxLeverage: string;
  readonly maxPositionLots?: string;
  readonly dailyLossPct: string;
  readonly maxLosses: string;
  readonly depth: string;
  readonly depthStallMs: string;
  readonly spotQty?: string;
}

/** Adds the flags paper and live share. */
export function sessionOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--strategy <name|file>', 'a built-in strategy (e.g. ema-cross) or a .ts/.js file exporting one')
    .requiredOption('--instrument <id>', 'instrument id from the spec registry, e.g. BINANCE:BTCUSDT')
    .option('--venue <name>', 'venue profile: binanceusdm, bybit-linear, bybit-inverse, bingx, mexc or weex (its live trades feed the session)', 'binanceusdm')
    .option('--base-url <url>', 'REST base URL instead of the exchange (e.g. fakex: http://127.0.0.1:PORT); websockets use the same host')
    .option('--journal <file>', 'journal file (default: env MICROFUT_JOURNAL, else ~/.microfut/journal.sqlite)')
    .option('--duration <d>', 'how long to run: 30s, 10m, 2h', '10m')
    .option('--param <k=v>', 'strategy parameter (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--equity <amount>', 'paper starting balance in the settle asset', '10000')
    .option('--leverage <x>', 'leverage for initial margin', '10')
    .option('--replay-speed <x>', 'rehearsal against a faster-than-real-time fakex: bars last interval / X of stream time', '1')
    .option('--risk-pct <p>', 'risk guard: largest loss at the stop, percent of equity', String(DEFAULT_GUARD_LIMITS.riskPerTradePct))
    .option('--margin-cap-pct <p>', 'risk guard: largest initial margin, percent of equity', String(DEFAULT_GUARD_LIMITS.marginUtilisationPct))
    .option('--max-leverage <x>', 'risk guard: largest effective leverage (position notional / equity)', String(DEFAULT_GUARD_LIMITS.maxLeverage))
    .option('--max-position-lots <n>', 'risk guard: largest absolute position in lots')
    .option('--daily-loss-pct <p>', 'risk guard: entries stop after this loss since 00:00 UTC, percent', String(DEFAULT_GUARD_LIMITS.dailyLossPct))
    .option('--max-losses <n>', 'risk guard: entries stop after this many losing trades in a row (0 = off)', String(DEFAULT_GUARD_LIMITS.maxConsecutiveLosses))
    .option('--depth <on|off>', 'keep a local order book (snapshot + diffs); entries are refused while it is stale (gap, stall, drop)', 'on')
    .option('--depth-stall-ms <ms>', 'the order book is stale after this long without market data', '5000')
    .option('--spot-qty <qty>', 'hedge-keeper: the spot holding to hedge, base units (e.g. 0.5 BTC); replaces --param spotQty/schedule');
}

export function registerPaper(program: Command): void {
  sessionOptions(program.command('paper').description('run a strategy on live market data with simulated fills (no keys needed), behind the risk guard, journaled')).action(
    async (flags: SessionFlags) => runPaperCommand(flags),
  );
}

function positive(text: string, flag: string, allowZero = false): number {
  const x = Number(text);
  if (!Number.isFinite(x) || x < 0 || (!allowZero && x === 0)) throw new InputError('INVALID_OPTION', flag, `"${text}" is not a ${allowZero ? 'non-negative' : 'positive'} number`, `give a number such as ${allowZero ? '0 or ' : ''}5`);
  return x;
}

/** The guard limits from the flags. */
export function guardLimits(f: SessionFlags): GuardLimits {
  const maxPos = f.maxPositionLots === undefined ? undefined : positive(f.maxPositionLots, '--max-position-lots');
  if (maxPos !== undefined && !Number.isInteger(maxPos)) throw new InputError('INVALID_OPTION', '--max-position-lots', `"${f.maxPositionLots}" is not a whole number of lots`, 'give an integer such as 10');
  return {
    riskPerTradePct: positive(f.riskPct, '--risk-pct'),
    marginUtilisationPct: positive(f.marginCapPct, '--margin-cap-pct'),
    maxLeverage: positive(f.maxLeverage, '--max-leverage'),
    maxPositionLots: maxPos,
    dailyLossPct: positive(f.dailyLossPct, '--daily-loss-pct'),
    maxConsecutiveLosses: Math.floor(positive(f.maxLosses, '--max-losses', true)),
  };
}

/** "30s", "10m", "2h" in ms; `flag` names the input in the error. */
export function durationMs(text: string, flag = '--duration'): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(text);
  if (m === null) throw new InputError('INVALID_OPTION', flag, `"${text}" is not a duration`, 'give a number with s, m or h, e.g. 10m');
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
}

/**
 * Refuses a spot-holding flag (`--spot-qty`, `--spot-from-venue`) for a strategy other than the built-in hedge keeper,
 * and beside the `spotQty`/`schedule` params it replaces (two sources of one holding).
 */
export function checkSpotHoldingFlag(flag: string, strategy: { readonly name: string; readonly builtIn: boolean }, paramTexts: readonly string[]): void {
  if (!strategy.builtIn || strategy.name !== 'hedge-keeper') {
    throw new InputError('CONFLICTING_OPTIONS', flag, `feeds the built-in hedge-keeper only, not ${strategy.name}`, `drop ${flag}, or use --strategy hedge-keeper`);
  }
  const replaced = paramTexts.find((t) => /^\s*(spotQty|schedule)\s*=/.test(t));
  if (replaced !== undefined) throw new InputError('CONFLICTING_OPTIONS', flag, `and --param ${replaced} both give the spot holding`, `keep one: ${flag}, or --param spotQty / schedule for a fixed holding`);
}

/** A `--spot-qty` value: a non-negative quantity in base units. */
export function spotQtyOf(text: string): number {
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || x < 0) throw new InputError('INVALID_OPTION', '--spot-qty', `"${text}" is not a quantity`, 'give the spot holding in base units, e.g. 0.5 (BTC)');
  return x;
}

async function runPaperCommand(f: SessionFlags): Promise<void> {
  const { loadRegistry } = await import('../../../data/spec-files.js');
  const { loadStrategy } = await import('../../../backtest/strategy-loader.js');
  const { paramTexts, parseParams } = await import('../../../engine/strategy-params.js');
  const { openJournalDb, resolveJournalPath } = await import('../../../journal/journal-db.js');
  const { startPaper } = await import('../../../live/paper-session.js');
  const { depthWatchOf } = await import('../../../live/depth-feed.js');
  const { binanceWsBase } = await import('../../../live/trade-stream.js');
  const { depthFor, tradeStreamFor } = await import('../../../live/trade-stream-for.js');
  const spec = loadRegistry().get(f.instrument);
  const trades = tradeStreamFor({ venue: f.venue, spec, baseUrl: f.baseUrl, log: (line) => void process.stderr.write(`${line}\n`) });
  const loaded = await loadStrategy(f.strategy);
  const params = parseParams(loaded.definition.params, paramTexts(f.param));
  let strategy = loaded.definition;
  if (f.spotQty !== undefined) {
    checkSpotHoldingFlag('--spot-qty', { name: loaded.definition.name, builtIn: loaded.origin === 'built-in' }, f.param);
    const { givenSpotHolding, hedgeKeeperOn } = await import('../../../live/spot-holding.js');
    strategy = hedgeKeeperOn(givenSpotHolding(spotQtyOf(f.spotQty), spec.base));
  }
  const startingBalance = moneyFromText(f.equity);
  if (startingBalance === undefined || startingBalance <= 0) throw new InputError('INVALID_OPTION', '--equity', `"${f.equity}" is not a positive amount`, 'give a balance such as 10000');
  const limits = guardLimits(f);
  const depth = depthWatchOf(f, f.baseUrl);
  const { file, inputName } = resolveJournalPath(f.journal);
  const journal = openJournalDb(file, { create: true, inputName, durability: 'process-crash' });
  const clock = { nowMs: () => Date.now() as never };
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const handle = startPaper({
    spec,
    strategy,
    params,
    journal,
    wsBase: binanceWsBase(f.baseUrl),
    limits,
    equity: f.equity,
    startingBalance: startingBalance as Money,
    leverage: positive(f.leverage, '--leverage'),
    replaySpeed: positive(f.replaySpeed, '--replay-speed'),
    durationMs: durationMs(f.duration),
    depth: depthFor(f.venue, depth, log),
    trades,
    clock,
    config: { strategy: f.strategy, instrument: f.instrument, venue: f.venue, params, limits, equity: f.equity, leverage: f.leverage, ...(f.spotQty === undefined ? {} : { spotQty: f.spotQty }) },
    log,
  });
  process.stdout.write(`paper run ${handle.runId}: ${loaded.definition.name} on ${spec.id} for ${f.duration}; journal ${file}\n`);
  const onSignal = (): void => void handle.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const result = await handle.done;
  journal.close();
  const net = result.trips.reduce((s, t) => s + t.netPnl, 0) / 1e8;
  process.stdout.write(`finished ${handle.runId}: ${result.bars} bars, ${result.trips.length} round trips, net ${net.toFixed(2)} ${spec.settle}, ${handle.session.guarded.denials.length} orders refused by the risk guard\n`);
}
