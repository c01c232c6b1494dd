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
}

/** Adds the flags paper and live share. */
export function sessionOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--strategy <name|file>', 'a built-in strategy (e.g. ema-cross) or a .ts/.js file exporting one')
    .requiredOption('--instrument <id>', 'instrument id from the spec registry, e.g. BINANCE:BTCUSDT')
    .option('--venue <name>', 'venue profile: binanceusdm (market data for paper is Binance USD-M only)', 'binanceusdm')
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
    .option('--max-losses <n>', 'risk guard: entries stop after this many losing trades in a row (0 = off)', String(DEFAULT_GUARD_LIMITS.maxConsecutiveLosses));
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

/** "30s", "10m", "2h" in ms. */
export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(text);
  if (m === null) throw new InputError('INVALID_OPTION', '--duration', `"${text}" is not a duration`, 'give a number with s, m or h, e.g. 10m');
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
}

async function runPaperCommand(f: SessionFlags): Promise<void> {
  const { loadRegistry } = await import('../../../data/spec-files.js');
  const { loadStrategy } = await import('../../../backtest/strategy-loader.js');
  const { paramTexts, parseParams } = await import('../../../engine/strategy-params.js');
  const { openJournalDb, resolveJournalPath } = await import('../../../journal/journal-db.js');
  const { startPaper } = await import('../../../live/paper-session.js');
  const { binanceWsBase } = await import('../../../live/trade-stream.js');
  if (f.venue !== 'binanceusdm') throw new InputError('INVALID_OPTION', '--venue', `paper market data is wired for binanceusdm only, not ${f.venue}`, 'use --venue binanceusdm (or rehearse on fakex with --base-url)');
  const spec = loadRegistry().get(f.instrument);
  const loaded = await loadStrategy(f.strategy);
  const params = parseParams(loaded.definition.params, paramTexts(f.param));
  const startingBalance = moneyFromText(f.equity);
  if (startingBalance === undefined || startingBalance <= 0) throw new InputError('INVALID_OPTION', '--equity', `"${f.equity}" is not a positive amount`, 'give a balance such as 10000');
  const limits = guardLimits(f);
  const { file, inputName } = resolveJournalPath(f.journal);
  const journal = openJournalDb(file, { create: true, inputName, durability: 'process-crash' });
  const clock = { nowMs: () => Date.now() as never };
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const handle = startPaper({
    spec,
    strategy: loaded.definition,
    params,
    journal,
    wsBase: binanceWsBase(f.baseUrl),
    limits,
    equity: f.equity,
    startingBalance: startingBalance as Money,
    leverage: positive(f.leverage, '--leverage'),
    replaySpeed: positive(f.replaySpeed, '--replay-speed'),
    durationMs: durationMs(f.duration),
    clock,
    config: { strategy: f.strategy, instrument: f.instrument, venue: f.venue, params, limits, equity: f.equity, leverage: f.leverage },
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
