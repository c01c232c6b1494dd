// `microfut data import FILE... [--cache-dir DIR] [--venue V --market M --symbol S]`: verifies each file and
// converts it once into the columnar cache. Wiring only; a file that fails leaves nothing in the cache.
import type { Command } from 'commander';
import { InputError } from '../../../core/errors.js';
import type { ImportResult } from '../../../data/import.js';

interface ImportFlags {
  readonly cacheDir?: string;
  readonly venue?: string;
  readonly market?: string;
  readonly symbol?: string;
  readonly replace?: boolean;
  readonly json?: boolean;
}

interface Progress {
  tick(file: string): void;
  stop(): void;
}

/** A progress bar on an interactive terminal; silent when stderr is not a TTY or under CI. */
async function progressBar(total: number): Promise<Progress> {
  if (!process.stderr.isTTY || process.env.CI || total < 2) return { tick: () => undefined, stop: () => undefined };
  const { default: progress } = await import('cli-progress');
  const bar = new progress.SingleBar(
    { format: 'import [{bar}] {value}/{total} files | ETA {eta_formatted} | {file}', stream: process.stderr, hideCursor: true },
    progress.Presets.shades_classic,
  );
  bar.start(total, 0, { file: '' });
  return { tick: (file) => bar.increment(1, { file }), stop: () => bar.stop() };
}

/** Registers `import` under the `data` command group. */
export function registerDataImport(data: Command): void {
  data
    .command('import')
    .description('verify data files and convert them into the columnar cache (partitioned venue/market/symbol/kind/month)')
    .argument('<files...>', 'data files (.csv, .csv.gz, .zip): klines, mark/index/premium klines, trades, aggTrades, bookTicker, bookDepth, fundingRate, markPrice')
    .option('--cache-dir <DIR>', 'cache folder (default: $MICROFUT_CACHE or ~/.microfut/cache)')
    .option('--venue <venue>', 'venue, e.g. binance (default: from the path)')
    .option('--market <market>', 'market, e.g. um, cm, spot, linear (default: from the path)')
    .option('--symbol <SYMBOL>', 'symbol; a file holding another symbol is refused (default: from the file)')
    .option('--replace', 'overwrite cached months instead of merging with them')
    .option('--json', 'print one JSON object')
    .action(async (files: string[], flags: ImportFlags) => {
      const { importFile } = await import('../../../data/import.js');
      const { defaultCacheDir } = await import('../../../data/cache.js');
      const { printJson, printTable, printWarning } = await import('../output.js');
      if (flags.cacheDir !== undefined && flags.cacheDir.trim() === '') {
        throw new InputError('INVALID_OPTION', '--cache-dir', 'the folder name is empty', 'give a folder, e.g. --cache-dir .cache');
      }
      const cacheDir = flags.cacheDir ?? defaultCacheDir();
      const bar = await progressBar(files.length);
      const done: ImportResult[] = [];
      const failed: { file: string; error: InputError }[] = [];
      try {
        for (const file of files) {
          try {
            done.push(
              await importFile(file, {
                cacheDir,
                ...(flags.venue ? { venue: flags.venue } : {}),
                ...(flags.market ? { market: flags.market } : {}),
                ...(flags.symbol ? { symbol: flags.symbol } : {}),
                ...(flags.replace ? { replace: true } : {}),
              }),
            );
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
            failed.push({ file, error: e });
          }
          bar.tick(file);
        }
      } finally {
        bar.stop();
      }
      if (flags.json === true) {
        printJson({
          cacheDir,
          imported: done.map((r) => ({
            file: r.file,
            key: r.key,
            rows: r.rows,
            gaps: r.report.gaps,
            partitions: r.partitions.map((p) => ({ month: p.month, rows: p.rows, alreadyCached: p.alreadyCached })),
          })),
          failed: failed.map((f) => ({ file: f.file, error: f.error.message })),
        });
      } else {
        if (done.length > 0) {
          printTable(
            ['file', 'series', 'rows', 'months', 'gaps'],
            done.map((r) => [
              r.file,
              [r.key.venue, r.key.market, r.key.symbol, r.key.interval ? `${r.key.kind}-${r.key.interval}` : r.key.kind].join('/'),
              String(r.rows),
              r.partitions.map((p) => p.month).join(' '),
              String(r.report.gaps.length),
            ]),
          );
          process.stdout.write(`cache: ${cacheDir}\n`);
        }
        for (const r of done) if (r.report.gaps.length > 0) printWarning(`${r.file}: ${r.report.gaps.length} gaps cached as they are (see microfut data verify)`);
        for (const f of failed) process.stderr.write(`error: ${f.error.message}\n`);
      }
      if (failed.length > 0) process.exitCode = 2;
    });
}
