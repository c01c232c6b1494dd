// `microfut data download`: fetches Binance public data files (or a mirror's) into a local folder, verified by
// sha256. Wiring only: validates flags, draws the progress bar, prints the result; never parses market data.
import type { Command } from 'commander';
import { InputError } from '../../../core/errors.js';
import {
  VISION_INTERVALS,
  VISION_KINDS,
  VISION_MARKETS,
  type VisionInterval,
  type VisionKind,
  type VisionMarket,
} from '../../../data/binance-vision.js';
import type { DownloadEvent, DownloadReport } from '../../../data/download.js';
import { enumFlag, integerFlag } from '../flags.js';
import { printJson, printTable, printWarning } from '../output.js';

/** The environment variable that overrides the archive's base URL (a mirror), below --base-url. */
export const DATA_URL_ENV = 'MICROFUT_DATA_URL';

interface DownloadFlags {
  readonly symbol: string;
  readonly market: string;
  readonly kind: string;
  readonly interval?: string;
  readonly from: string;
  readonly to: string;
  readonly dir: string;
  readonly baseUrl?: string;
  readonly concurrency: string;
  readonly retries: string;
  readonly json?: boolean;
}

/** Case-sensitive choice: archive paths are case-sensitive (aggTrades, 1mo), unlike enumFlag's lower-cased words. */
const exactChoice = <T extends string>(flag: string, value: string, allowed: readonly T[]): T => {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError('INVALID_OPTION', flag, `"${value}" is not one of ${allowed.join(', ')}`, `Pass one of: ${allowed.join(', ')} (as written)`);
};

function baseUrlOf(flag: string | undefined, defaultUrl: string): string {
  const fromEnv = process.env[DATA_URL_ENV];
  const [input, value] = flag !== undefined ? ['--base-url', flag] : fromEnv ? [DATA_URL_ENV, fromEnv] : ['--base-url', defaultUrl];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError('INVALID_OPTION', input, `"${value}" is not a URL`, 'Give the archive root, e.g. https://data.binance.vision');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError('INVALID_OPTION', input, `${url.protocol} URLs are not supported`, 'Use an http:// or https:// URL');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new InputError('INVALID_OPTION', input, 'the URL has a query or fragment', 'Give only the archive root, e.g. https://data.binance.vision');
  }
  return url.toString().replace(/\/+$/, '');
}

/** A progress bar with ETA on an interactive terminal; nothing under CI or when stderr is not a TTY. */
async function progressReporter(): Promise<{ readonly onEvent: (e: DownloadEvent) => void; readonly stop: () => void }> {
  if (!process.stderr.isTTY || process.env.CI) return { onEvent: () => undefined, stop: () => undefined };
  const { default: progress } = await import('cli-progress');
  const bar = new progress.SingleBar(
    { format: 'downloading {bar} {value}/{total} files | {mib} MiB | ETA {eta_formatted}', stream: process.stderr, hideCursor: true, clearOnComplete: true },
    progress.Presets.shades_classic,
  );
  let bytes = 0;
  let started = false;
  return {
    onEvent: (e) => {
      switch (e.type) {
        case 'total':
          if (!started) bar.start(e.files, 0, { mib: '0.0' });
          else bar.setTotal(e.files);
          started = true;
          return;
        case 'file-done':
          bytes += e.result.outcome === 'downloaded' ? e.result.bytes : 0;
          bar.increment(1, { mib: (bytes / 1_048_576).toFixed(1) });
          return;
        case 'file-failed':
          bar.increment(1);
          return;
        case 'retry':
        case 'monthly-replaced':
          return;
      }
    },
    stop: () => bar.stop(),
  };
}

function printReport(report: DownloadReport, json: boolean, baseUrl: string, dir: string): void {
  if (json) {
    printJson({
      baseUrl,
      dir,
      requests: report.requests,
      files: report.results.map((r) => ({ path: r.file.path, localPath: r.localPath, outcome: r.outcome, bytes: r.bytes, sha256: r.sha256 })),
      failures: report.failures.map((f) => ({ path: f.file.path, code: f.error.code, message: f.error.message })),
    });
    return;
  }
  printTable(
    ['file', 'period', 'outcome', 'bytes'],
    report.results.map((r) => [r.file.fileName, r.file.period, r.outcome, String(r.bytes)]),
  );
  const fresh = report.results.filter((r) => r.outcome === 'downloaded').length;
  process.stdout.write(`${fresh} downloaded, ${report.results.length - fresh} already present and verified, ${report.failures.length} failed; files under ${dir}\n`);
}

/** Registers `download` under the `data` command group. */
export function registerDataDownload(data: Command): void {
  data
    .command('download')
    .description('Download Binance public data files (data.binance.vision layout), verifying each .CHECKSUM (sha256); resumable')
    .requiredOption('--symbol <SYMBOL>', 'exchange symbol, e.g. BTCUSDT (USD-M, spot) or BTCUSD_PERP (COIN-M)')
    .option('--market <market>', `market: ${VISION_MARKETS.join('|')}`, 'um')
    .option('--kind <kind>', `data kind: ${Object.keys(VISION_KINDS).join('|')}`, 'klines')
    .option('--interval <interval>', `candle interval for klines and mark/index/premium klines: ${VISION_INTERVALS.join('|')}`)
    .requiredOption('--from <YYYY-MM-DD>', 'first UTC day (inclusive)')
    .requiredOption('--to <YYYY-MM-DD>', 'last UTC day (inclusive)')
    .option('--dir <DIR>', 'folder to download into (files keep the archive layout below it)', '.microfut/downloads')
    .option('--base-url <URL>', `archive root or a mirror (default: $${DATA_URL_ENV} or https://data.binance.vision)`)
    .option('--concurrency <n>', 'parallel downloads, 1 to 4', '3')
    .option('--retries <n>', 'extra attempts after 5xx, dropped connections and checksum mismatches, 0 to 10', '4')
    .option('--json', 'print one JSON object instead of a table')
    .action(async (flags: DownloadFlags) => {
      const { planVisionFiles } = await import('../../../data/binance-vision.js');
      const { downloadVisionFiles, DEFAULT_VISION_URL } = await import('../../../data/download.js');
      const market = enumFlag<VisionMarket>('--market', flags.market, VISION_MARKETS);
      const kind = exactChoice<VisionKind>('--kind', flags.kind, Object.keys(VISION_KINDS) as VisionKind[]);
      const interval = flags.interval === undefined ? undefined : exactChoice<VisionInterval>('--interval', flags.interval, VISION_INTERVALS);
      const concurrency = integerFlag('--concurrency', flags.concurrency, { min: 1, max: 4, what: 'parallel downloads' });
      const retries = integerFlag('--retries', flags.retries, { min: 0, max: 10, what: 'extra attempts' });
      const baseUrl = baseUrlOf(flags.baseUrl, DEFAULT_VISION_URL);
      if (flags.dir.trim() === '') throw new InputError('INVALID_OPTION', '--dir', 'the folder name is empty', 'Give a folder, e.g. --dir data');
      const files = planVisionFiles({ market, kind, symbol: flags.symbol, interval, fromDate: flags.from, toDate: flags.to });

      const progress = await progressReporter();
      let report: DownloadReport;
      try {
        report = await downloadVisionFiles({ baseUrl, dir: flags.dir, files, concurrency, retries, onEvent: progress.onEvent });
      } finally {
        progress.stop();
      }
      printReport(report, flags.json === true, baseUrl, flags.dir);
      const [first, ...others] = report.failures;
      if (!first) return;
      if (flags.json) {
        process.exitCode = 2;
        return;
      }
      for (const f of others) printWarning(f.error.message);
      const more = others.length > 0 ? ` (${others.length} more failed, listed above)` : '';
      throw new InputError(first.error.code, first.error.input, `${first.error.problem}${more}`, first.error.fix);
    });
}
