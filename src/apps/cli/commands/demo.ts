// `microfut demo`: the first thing a new user runs. Fetches a week of real BTCUSDT 1m bars and funding from the public
// data site (or reads --data), backtests vwap-bounce, records it in a journal, prints the summary and writes the
// outputs and HTML report. Wiring only: every step is a library call; a failed step leaves no half-written output.
import type { Command } from 'commander';
import { InputError } from '../../../core/errors.js';

interface DemoFlags {
  readonly data?: string;
  readonly out: string;
  readonly baseUrl?: string;
  readonly week: string;
  readonly journal?: string;
  readonly json?: boolean;
}

const INSTRUMENT = 'BINANCE:BTCUSDT';
const SYMBOL = 'BTCUSDT';
/** A week inside ../shared/data's BTCUSDT 1m file, so the offline and downloaded demos give the same run. */
const DEFAULT_WEEK = '2025-W20';
const PREFERRED_STRATEGY = 'vwap-bounce';
const FALLBACK_STRATEGY = 'ema-cross';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('fetch a week of real BTCUSDT 1m bars and funding, backtest vwap-bounce, print the summary and write the HTML report')
    .option('--data <file|dir>', 'work offline from a kline file or a directory laid out like ../shared/data')
    .option('--out <dir>', 'where the downloads, cache, run files, report and journal go', 'microfut-demo')
    .option('--base-url <url>', 'the public data site or a mirror (default: $MICROFUT_DATA_URL, else https://data.binance.vision)')
    .option('--week <YYYY-Www>', 'the ISO week to run (UTC, Monday to Sunday)', DEFAULT_WEEK)
    .option('--journal <file>', 'record the run in this journal (default: <out>/journal.sqlite)')
    .option('--json', 'print one JSON object')
    .action(async (flags: DemoFlags) => {
      await runDemo(flags);
    });
}

const dayText = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Downloads the week's daily kline files and the funding months into <out>/downloads and imports them into <out>/cache. */
async function fetchWeek(out: string, baseUrlFlag: string | undefined, fromMs: number, toMs: number, say: (line: string) => void): Promise<string> {
  const { join } = await import('node:path');
  const { planVisionFiles } = await import('../../../data/binance-vision.js');
  const { DEFAULT_VISION_URL, downloadVisionFiles } = await import('../../../data/download.js');
  const { importFile } = await import('../../../data/import.js');
  const { DATA_URL_ENV } = await import('./data-download.js');
  const baseUrl = (baseUrlFlag ?? process.env[DATA_URL_ENV] ?? DEFAULT_VISION_URL).replace(/\/+$/, '');
  try {
    new URL(baseUrl);
  } catch {
    throw new InputError('INVALID_OPTION', baseUrlFlag !== undefined ? '--base-url' : DATA_URL_ENV, `"${baseUrl}" is not a URL`, 'give the archive root, e.g. https://data.binance.vision');
  }
  const from = dayText(fromMs);
  const to = dayText(toMs);
  const files = [
    ...planVisionFiles({ market: 'um', kind: 'klines', symbol: SYMBOL, interval: '1m', fromDate: from, toDate: to }),
    ...planVisionFiles({ market: 'um', kind: 'fundingRate', symbol: SYMBOL, interval: undefined, fromDate: from, toDate: to }),
  ];
  const dir = join(out, 'downloads');
  say(`fetching ${files.length} files of ${SYMBOL} 1m bars and funding (${from} .. ${to}) from ${baseUrl}`);
  const report = await downloadVisionFiles({ baseUrl, dir, files });
  if (report.failures.length > 0) {
    const f = report.failures[0]!;
    throw new InputError('NOT_FOUND', f.file.path, `could not be fetched from ${baseUrl} (${f.error.message})`, 'check the connection or --base-url, or work offline with --data ../shared/data');
  }
  const cacheDir = join(out, 'cache');
  for (const r of report.results) await importFile(r.localPath, { cacheDir, venue: 'binance', market: 'um', symbol: SYMBOL });
  say(`fetched ${report.results.length} files (${report.requests} requests), verified by sha256 and imported`);
  return cacheDir;
}

async function runDemo(flags: DemoFlags): Promise<void> {
  const { join, resolve } = await import('node:path');
  const { isoWeekPeriod } = await import('../../../reports/review.js');
  const { BUILT_IN_STRATEGIES } = await import('../../../strategies/index.js');
  const { parseBacktestConfig } = await import('../../../backtest/backtest-config.js');
  const { checkOutDir, summaryJson, writeOutputs } = await import('../../../backtest/outputs.js');
  const { loadRegistry } = await import('../../../data/spec-files.js');
  const { defaultCacheDir } = await import('../../../data/cache.js');
  const { runBacktest } = await import('../../../backtest/run-backtest.js');
  const { checkJournalTarget, journalBacktest } = await import('./backtest.js');
  const { printJson, printKeyValues, printWarning } = await import('../output.js');
  const t0 = performance.now();
  const say = (line: string): void => {
    if (flags.json !== true) process.stderr.write(`${line}\n`);
  };
  const period = isoWeekPeriod(flags.week);
  const out = resolve(flags.out);
  checkOutDir(out);
  const runDir = join(out, 'run');
  const journalWhere = await checkJournalTarget(flags.journal ?? join(out, 'journal.sqlite'));
  const strategy = BUILT_IN_STRATEGIES.has(PREFERRED_STRATEGY) ? PREFERRED_STRATEGY : FALLBACK_STRATEGY;
  const notices = strategy === PREFERRED_STRATEGY ? [] : [`${PREFERRED_STRATEGY} is not built in yet: running ${FALLBACK_STRATEGY} instead`];
  for (const n of notices) printWarning(n);
  const config = parseBacktestConfig({
    strategy,
    instrument: INSTRUMENT,
    from: dayText(period.fromMs),
    to: dayText(period.toMs + 1),
    ...(flags.data !== undefined ? { data: flags.data } : {}),
    out: runDir,
  });
  const cacheDir = flags.data !== undefined ? defaultCacheDir() : await fetchWeek(out, flags.baseUrl, period.fromMs, period.toMs, say);
  const startedMs = Date.now();
  const run = await runBacktest(config, { registry: loadRegistry({}), cacheDir });
  const journaled = await journalBacktest(run, journalWhere, startedMs);
  const written = writeOutputs(run, runDir);
  let report: string | undefined;
  try {
    const { writeHtmlReport } = await import('../../../reports/html/write-html-report.js');
    report = (await writeHtmlReport(runDir)).html;
  } catch (e) {
    // The run, its files and the journal are already written: a report failure is reported, not fatal to the demo.
    notices.push(`the HTML report was not written: ${(e as Error).message}${e instanceof InputError ? '' : ' (a bug: please report it)'}`);
    printWarning(notices[notices.length - 1]!);
  }
  const seconds = (performance.now() - t0) / 1000;
  const s = summaryJson(run);
  const next = [
    `microfut review --journal ${journaled.file} --week ${period.label}`,
    `microfut journal list --journal ${journaled.file} --run ${journaled.runId}`,
    `microfut backtest --strategy ${strategy} --instrument ${INSTRUMENT} --data <file|dir> --param key=value ...`,
  ];
  if (flags.json === true) {
    printJson({ week: period.label, strategy, instrument: INSTRUMENT, summary: s, files: written, report: report ?? null, journal: journaled, seconds, notices, next });
    return;
  }
  for (const w of run.warnings) printWarning(w);
  const asset = run.spec.settle;
  const money = (x: unknown): string => (x === null || x === undefined ? '-' : `${String(x)} ${asset}`);
  process.stdout.write(`\nmicrofut demo: ${strategy} on ${INSTRUMENT} 1m, week ${period.label} (${dayText(period.fromMs)} .. ${dayText(period.toMs)} UTC), real Binance data, fees and funding charged\n\n`);
  printKeyValues([
    ['bars', String(s.bars)],
    ['trades', String(s.trades)],
    ['win rate', s.winRate === null ? '-' : `${((s.winRate as number) * 100).toFixed(1)} %`],
    ['net P&L', money(s.netPnl)],
    ['average trade', money(s.averageTrade)],
    ['expectancy (R)', s.expectancyR === null ? '-' : (s.expectancyR as number).toFixed(3)],
    ['profit factor', s.profitFactor === null ? '-' : (s.profitFactor as number).toFixed(2)],
    ['max drawdown', `${(s.maxDrawdownPct as number).toFixed(2)} %`],
    ['fees / funding', `${money(s.fees)} / ${money(s.funding)}`],
    ['final equity', money(s.finalEquity)],
  ]);
  process.stdout.write(`\n${report !== undefined ? `report   ${report}\n` : ''}files    ${runDir}\njournal  ${journaled.file} (run ${journaled.runId})\ntook     ${seconds.toFixed(1)} s\n\nnext:\n${next.map((n) => `  ${n}`).join('\n')}\n`);
}
