// `microfut backtest`: flags -> the backtest config schema -> run (with a progress bar on a terminal) -> summary
// tables or one JSON object, and the output files with --out. Wiring only: every bad flag is refused before the run
// starts, and nothing is written unless the whole run succeeded.
import type { Command } from 'commander';
import type { LoadedQuotes } from '../../../backtest/load-quotes.js';
import type { LoadedTrades } from '../../../backtest/load-trades.js';
import { InputError } from '../../../core/errors.js';

interface BacktestFlags {
  readonly strategy?: string;
  readonly instrument?: string;
  readonly from?: string;
  readonly to?: string;
  readonly interval?: string;
  readonly data?: string;
  readonly fundingFile?: string;
  readonly markFile?: string;
  readonly spotData?: string;
  readonly fill?: string;
  readonly intrabar?: string;
  readonly limitFill?: string;
  readonly queue?: string;
  readonly slippageTicks?: string;
  readonly param: string[];
  readonly out?: string;
  readonly json?: boolean;
  readonly report?: boolean;
  readonly feeMaker?: string;
  readonly feeTaker?: string;
  readonly funding?: string;
  readonly equity?: string;
  readonly leverage?: string;
  readonly positionMode?: string;
  readonly marginMode?: string;
  readonly latencyMs?: string;
  readonly seed?: string;
  readonly specs?: string;
  /** A path, or false for --no-journal. */
  readonly journal?: string | false;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** A numeric flag: undefined when absent, an InputError naming the flag when not a number. */
function numberFlag(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim().replace(/%$/, '');
  const x = Number(text);
  if (text === '' || !Number.isFinite(x)) throw new InputError('INVALID_NUMBER', flag, `"${raw}" is not a number`, `pass a number to ${flag}`);
  return x;
}

export function registerBacktest(program: Command): void {
  program
    .command('backtest')
    .description('run a strategy over real bars through the simulated venue: fees, funding, margin and liquidation included')
    .option('--strategy <name|file>', 'built-in strategy (ema-cross) or the path of a strategy module (.js)')
    .option('--instrument <id>', 'instrument id, e.g. BINANCE:BTCUSDT')
    .option('--from <utc>', 'first bar, UTC date or time, inclusive (default: the start of the data)')
    .option('--to <utc>', 'end, UTC date or time, exclusive (default: the end of the data)')
    .option('--interval <1m|3m|5m|15m|30m|1h|2h|4h|1d>', "bar interval of the run (default: the strategy's); built from finer klines (e.g. 1m) when no klines of it are found")
    .option('--data <file|dir>', 'kline file, or a directory laid out like ../shared/data (default: the cache)')
    .option('--funding-file <file>', 'funding-rate history (default: the fundingRate folder beside the klines, or the cache)')
    .option('--mark-file <file>', 'mark-price klines for the funding notional at each settlement (default: the markPriceKlines folder beside --data; none: the bar open)')
    .option('--spot-data <file|dir>', 'spot klines for strategies that read the spot series (hedge-keeper, basis); default: --data when it is a directory')
    .option('--fill <model>', 'fill model: bar (OHLC bars), trades (the trade tape; --data names trades or aggTrades files) or quotes (best bid/ask; --data names bookTicker files)', 'bar')
    .option('--intrabar <rule>', 'bar model: stop-first (conservative) or proximity', 'stop-first')
    .option('--limit-fill <rule>', 'bar model: a limit fills when price trades through it, or touches it', 'through')
    .option('--queue <model>', 'trade model: none (limits fill when the tape trades through) or volume-ahead', 'none')
    .option('--slippage-ticks <n>', 'trade model: ticks added against market and stop orders', '0')
    .option('--param <key=value>', 'a strategy parameter (repeatable), e.g. --param fast=9', collect, [])
    .option('--out <dir>', 'write trades.csv, equity.csv, events.jsonl and run.json here')
    .option('--json', 'print one JSON summary object')
    .option('--report', 'also write the HTML report (report.html, with report.json and report.trades.csv) into --out')
    .option('--fee-maker <pct>', 'maker fee, percent of notional (default: the instrument\'s)')
    .option('--fee-taker <pct>', 'taker fee, percent of notional (default: the instrument\'s)')
    .option('--funding <on|off>', 'charge funding from the real funding-rate history', 'on')
    .option('--equity <amount>', 'starting balance in the settle asset', '10000')
    .option('--leverage <x>', 'leverage for initial margin', '10')
    .option('--position-mode <mode>', 'one-way or hedge', 'one-way')
    .option('--margin-mode <mode>', 'cross or isolated', 'cross')
    .option('--latency-ms <ms>', 'milliseconds from a decision to its arrival at the venue', '0')
    .option('--seed <n>', 'seed of the strategy\'s ctx.random', '1')
    .option('--specs <file>', 'a spec file that adds or overrides instruments')
    .option('--journal <file>', 'record the run in this journal (default: $MICROFUT_JOURNAL, else ~/.microfut/journal.sqlite)')
    .option('--no-journal', 'do not record the run in the journal')
    .action(async (flags: BacktestFlags) => {
      await runCommand(flags);
    });
}

async function runCommand(flags: BacktestFlags): Promise<void> {
  const { parseBacktestConfig } = await import('../../../backtest/backtest-config.js');
  const { paramTexts } = await import('../../../engine/strategy-params.js');
  if (flags.strategy === undefined) throw new InputError('MISSING_OPTION', '--strategy', 'is required', 'pass --strategy ema-cross or the path of a strategy module');
  if (flags.instrument === undefined) throw new InputError('MISSING_OPTION', '--instrument', 'is required', 'pass --instrument, e.g. BINANCE:BTCUSDT');
  const config = parseBacktestConfig({
    strategy: flags.strategy,
    instrument: flags.instrument,
    ...(flags.from !== undefined ? { from: flags.from } : {}),
    ...(flags.to !== undefined ? { to: flags.to } : {}),
    ...(flags.interval !== undefined ? { interval: flags.interval as never } : {}),
    ...(flags.data !== undefined ? { data: flags.data } : {}),
    ...(flags.fundingFile !== undefined ? { fundingFile: flags.fundingFile } : {}),
    ...(flags.markFile !== undefined ? { markFile: flags.markFile } : {}),
    ...(flags.spotData !== undefined ? { spotData: flags.spotData } : {}),
    fill: flags.fill as never,
    intrabar: flags.intrabar as never,
    limitFill: flags.limitFill as never,
    queue: flags.queue as never,
    ...(flags.slippageTicks !== undefined ? { slippageTicks: numberFlag('--slippage-ticks', flags.slippageTicks) } : {}),
    params: paramTexts(flags.param),
    ...(flags.out !== undefined ? { out: flags.out } : {}),
    json: flags.json === true,
    ...(flags.feeMaker !== undefined ? { feeMakerPct: numberFlag('--fee-maker', flags.feeMaker) } : {}),
    ...(flags.feeTaker !== undefined ? { feeTakerPct: numberFlag('--fee-taker', flags.feeTaker) } : {}),
    funding: flags.funding as never,
    ...(flags.equity !== undefined ? { equity: flags.equity.trim() } : {}),
    ...(flags.leverage !== undefined ? { leverage: numberFlag('--leverage', flags.leverage) } : {}),
    positionMode: flags.positionMode as never,
    marginMode: flags.marginMode as never,
    ...(flags.latencyMs !== undefined ? { latencyMs: numberFlag('--latency-ms', flags.latencyMs) } : {}),
    ...(flags.seed !== undefined ? { seed: numberFlag('--seed', flags.seed) } : {}),
  });
  if (flags.report === true && config.out === undefined) {
    throw new InputError('MISSING_OPTION', '--report', 'needs a run folder to write into', 'pass --out DIR as well');
  }
  const { checkOutDir, summaryJson, writeOutputs } = await import('../../../backtest/outputs.js');
  if (config.out !== undefined) checkOutDir(config.out);
  const { loadRegistry } = await import('../../../data/spec-files.js');
  const { defaultCacheDir } = await import('../../../data/cache.js');
  const { runBacktest } = await import('../../../backtest/run-backtest.js');
  const { printJson, printKeyValues, printWarning } = await import('../output.js');
  const registry = loadRegistry(flags.specs === undefined ? {} : { userSpecsFile: flags.specs });
  const journalFile = flags.journal === false ? undefined : await checkJournalTarget(flags.journal);
  const startedMs = Date.now();
  const bar = await progressBar();
  let run;
  try {
    run = await runBacktest(config, { registry, cacheDir: defaultCacheDir() }, {
      onData: (data) => {
        if (config.json) return;
        for (const v of data.verify) {
          process.stderr.write(`verified ${v.file}: ${v.rows} rows, ${v.gaps === 0 ? 'no gaps' : `${v.gaps} gaps (${v.missingBars} missing bars)`}\n`);
        }
        const from = data.barOrigin?.resampledFrom;
        if (from !== undefined) process.stderr.write(`bars: ${data.barOrigin!.interval} resampled exactly from ${from.interval} klines (${from.sources.join(', ')}): ${data.bars.length} bars\n`);
        bar?.start('tickTrades' in data ? (data as LoadedTrades).trades.length : 'tickQuotes' in data ? (data as LoadedQuotes).tickQuotes.length : data.bars.length, 0);
      },
      onProgress: (done) => bar?.update(done),
    });
  } finally {
    bar?.stop();
  }
  const journaled = journalFile === undefined ? undefined : await journalBacktest(run, journalFile, startedMs);
  const written: string[] = config.out !== undefined ? [...writeOutputs(run, config.out)] : [];
  if (flags.report === true && config.out !== undefined) {
    const { writeHtmlReport } = await import('../../../reports/html/write-html-report.js');
    const files = await writeHtmlReport(config.out, undefined, flags.specs === undefined ? {} : { specsFile: flags.specs });
    written.push(files.html, files.json, files.csv);
  }
  if (config.json) {
    printJson({ ...summaryJson(run), ...(written.length > 0 ? { files: written } : {}), ...(journaled !== undefined ? { journal: journaled } : {}) });
    return;
  }
  for (const w of run.warnings) printWarning(w);
  const s = summaryJson(run);
  const asset = run.spec.settle;
  const fmt = (x: unknown, unit = ''): string => (x === null || x === undefined ? '-' : `${String(x)}${unit}`);
  const params = Object.entries(run.strategy.params).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  process.stdout.write(`${run.runId}: ${run.strategy.name} (${params}) on ${run.spec.id}, ${fmt(s.from)} .. ${fmt(s.to)}\n\n`);
  printKeyValues([
    ['bars', String(s.bars)],
    ['trades (closed)', String(s.trades)],
    ['win rate', s.winRate === null ? '-' : `${((s.winRate as number) * 100).toFixed(2)} %`],
    ['net P&L', `${fmt(s.netPnl)} ${asset}`],
    ['average trade (expectancy)', `${fmt(s.averageTrade)} ${asset}`],
    ['expectancy (R)', fmt(s.expectancyR)],
    ['profit factor', fmt(s.profitFactor)],
    ['max drawdown', `${(s.maxDrawdownPct as number).toFixed(2)} %`],
    ['fees', `${fmt(s.fees)} ${asset}`],
    ['funding', `${fmt(s.funding)} ${asset}`],
    ['liquidations', String(s.liquidations)],
    ['final equity', `${fmt(s.finalEquity)} ${asset}`],
  ]);
  for (const note of run.result.endNotes) process.stdout.write(`${note}\n`);
  for (const o of run.result.openTrips) {
    process.stdout.write(`open at the end (not counted as a trade): ${o.trip.side} ${o.trip.maxContracts} from ${new Date(o.trip.entryTimeMs).toISOString()}, unrealised net ${(o.trip.netPnl / 1e8).toFixed(2)} ${asset}\n`);
  }
  if (run.summary.trades === 0) {
    const f = run.result.funnel;
    process.stdout.write(`\nwhy no trades: signals ${f.signals} -> sent ${f.sent} -> accepted by the venue ${f.venueAccepted} -> fills ${f.fills}\n`);
    const reasons = f.topReasons();
    if (reasons.length === 0) process.stdout.write('  no order was refused: the strategy never signalled, or its positions never closed\n');
    for (const r of reasons) process.stdout.write(`  ${r.count} x ${r.reason}\n`);
  }
  for (const w of written) process.stdout.write(`wrote ${w}\n`);
  if (journaled !== undefined) process.stdout.write(`journal: run ${journaled.runId}, ${journaled.trades} trades, ${journaled.events} events in ${journaled.file} (${journaled.ms} ms)\n`);
}

/** Resolves --journal / $MICROFUT_JOURNAL / the default and refuses a folder before the run, creating nothing. */
export async function checkJournalTarget(flag: string | undefined): Promise<{ readonly file: string; readonly inputName: string }> {
  const { resolveJournalPath } = await import('../../../journal/journal-db.js');
  const { existsSync, statSync } = await import('node:fs');
  const where = resolveJournalPath(flag);
  if (existsSync(where.file) && statSync(where.file).isDirectory()) {
    throw new InputError('INVALID_FILE', where.inputName, `${where.file} is a folder, not a journal file`, 'pass --journal with a file path, or --no-journal');
  }
  return where;
}

/** Records a finished run in the journal (src/backtest/journal-sink.ts), batched 1024 events a transaction. */
export async function journalBacktest(
  run: import('../../../backtest/run-backtest.js').BacktestRun,
  where: { readonly file: string; readonly inputName: string },
  startedMs: number,
): Promise<{ readonly file: string; readonly runId: string; readonly trades: number; readonly events: number; readonly ms: number }> {
  const { openJournalDb } = await import('../../../journal/journal-db.js');
  const { JournalWriter } = await import('../../../journal/journal-writer.js');
  const { getRun } = await import('../../../journal/journal-queries.js');
  const { recordBacktest } = await import('../../../backtest/journal-sink.js');
  const { asTimestampMs } = await import('../../../core/time.js');
  const t0 = performance.now();
  const j = openJournalDb(where.file, { create: true, inputName: where.inputName });
  try {
    const writer = new JournalWriter(j.db, { clock: { nowMs: () => asTimestampMs(Date.now()) }, batchSize: 1024 });
    const r = recordBacktest(run, { port: writer, runExists: (id) => getRun(j.db, id) !== undefined, startedMs, finishedMs: Date.now() });
    return { file: j.file, runId: r.runId, trades: r.trades, events: r.events, ms: Math.round(performance.now() - t0) };
  } finally {
    j.close();
  }
}

/** A progress bar on stderr when it is a terminal and not under CI; undefined otherwise (quiet). */
async function progressBar(): Promise<{ start(total: number, value: number): void; update(value: number): void; stop(): void } | undefined> {
  if (process.stderr.isTTY !== true || process.env.CI !== undefined) return undefined;
  const { default: progress } = await import('cli-progress');
  return new progress.SingleBar({ stream: process.stderr, format: 'backtest [{bar}] {percentage}% {value}/{total} events', hideCursor: true }, progress.Presets.shades_classic);
}
