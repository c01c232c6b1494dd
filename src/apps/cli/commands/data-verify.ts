// `microfut data verify FILE... [--json]`: reads each file in bounded parts and runs the data checks on them (gaps
// with exact ranges, duplicates, order, OHLC sanity, units). Exit 0 only when every file is clean. Wiring only:
// never writes files.
import type { Command } from 'commander';
import { InputError } from '../../../core/errors.js';
import type { VerifyReport } from '../../../data/verify.js';

interface VerifyFlags {
  readonly json?: boolean;
  readonly symbol?: string;
  readonly partRows?: string;
}

/** A file that could not be parsed is reported like a failed check, so one bad file does not hide the others. */
type FileOutcome = { readonly report: VerifyReport } | { readonly file: string; readonly failure: InputError };

const iso = (ms: number | undefined): string => (ms === undefined ? '-' : new Date(ms).toISOString().replace('.000Z', 'Z'));

/** `--part-rows`: a whole number >= 1, or the library's default when absent. */
function partRowsOf(flag: string | undefined): number | undefined {
  if (flag === undefined) return undefined;
  if (!/^\d+$/.test(flag) || Number(flag) < 1 || !Number.isSafeInteger(Number(flag))) {
    throw new InputError('INVALID_OPTION', '--part-rows', `is "${flag}", expected a whole number of rows >= 1`, 'pass e.g. --part-rows 262144, or leave it out');
  }
  return Number(flag);
}

async function verifyOne(file: string, symbol: string | undefined, partRows: number | undefined): Promise<FileOutcome> {
  const { verifyFile } = await import('../../../data/verify-file.js');
  try {
    const { report } = await verifyFile(file, { ...(symbol ? { symbol } : {}), ...(partRows !== undefined ? { partRows } : {}) });
    return { report };
  } catch (e) {
    if (e instanceof InputError) return { file, failure: e };
    throw e;
  }
}

function toJson(o: FileOutcome): Record<string, unknown> {
  if ('failure' in o) {
    return { file: o.file, rows: 0, gaps: [], errors: [{ message: o.failure.message }], errorCount: 1, clean: false };
  }
  const r = o.report;
  return {
    file: r.file,
    kind: r.kind,
    format: r.format,
    rows: r.rows,
    first: r.firstMs ?? null,
    last: r.lastMs ?? null,
    firstIso: r.firstMs === undefined ? null : iso(r.firstMs),
    lastIso: r.lastMs === undefined ? null : iso(r.lastMs),
    timeUnit: r.timeUnit,
    intervalMs: r.intervalMs ?? null,
    gaps: r.gaps.map((g) => ({
      ...g,
      ...(g.of === 'trade ids' ? {} : { missingBars: g.missing, fromIso: iso(g.from), toIso: iso(g.to) }),
    })),
    duplicates: r.duplicates,
    outOfOrder: r.outOfOrder,
    ohlcViolations: r.ohlcViolations,
    errors: r.errors,
    errorCount: r.errorCount,
    warnings: r.warnings,
    clean: r.clean,
  };
}

function printHuman(outcomes: readonly FileOutcome[], printTable: (h: string[], rows: string[][]) => void): void {
  printTable(
    ['file', 'kind', 'rows', 'first (UTC)', 'last (UTC)', 'unit', 'gaps', 'errors', 'status'],
    outcomes.map((o) => {
      if ('failure' in o) return [o.file, '-', '0', '-', '-', '-', '-', '1', 'UNREADABLE'];
      const r = o.report;
      const missing = r.gaps.reduce((n, g) => n + g.missing, 0);
      return [
        r.file,
        r.kind,
        String(r.rows),
        iso(r.firstMs),
        iso(r.lastMs),
        r.timeUnit,
        r.gaps.length === 0 ? '0' : `${r.gaps.length} (${missing} missing)`,
        String(r.errorCount),
        r.clean ? 'clean' : 'PROBLEMS',
      ];
    }),
  );
  for (const o of outcomes) {
    if ('failure' in o) {
      process.stdout.write(`\n${o.file}:\n  error: ${o.failure.message}\n`);
      continue;
    }
    const r = o.report;
    if (r.clean && r.warnings.length === 0) continue;
    process.stdout.write(`\n${r.file}:\n`);
    for (const g of r.gaps.slice(0, 20)) {
      process.stdout.write(
        g.of === 'trade ids'
          ? `  gap: trade ids ${g.from} .. ${g.to} missing (${g.missing})\n`
          : `  gap: ${iso(g.from)} .. ${iso(g.to)} missing (${g.missing} ${g.of === 'bars' ? 'bars' : 'settlements'})\n`,
      );
    }
    if (r.gaps.length > 20) process.stdout.write(`  ... and ${r.gaps.length - 20} more gaps (see --json)\n`);
    for (const e of r.errors.slice(0, 20)) process.stdout.write(`  error${e.line === undefined ? '' : ` at line ${e.line}`}: ${e.message}\n`);
    if (r.errorCount > 20) process.stdout.write(`  ... and ${r.errorCount - 20} more errors\n`);
    for (const w of r.warnings) process.stdout.write(`  warning: ${w}\n`);
  }
}

/** Registers `verify` under the `data` command group. */
export function registerDataVerify(data: Command): void {
  data
    .command('verify')
    .description('check market-data files: gaps (exact missing ranges), duplicates, order, OHLC sanity, time units; exit 0 only when all are clean')
    .argument('<files...>', 'data files (.csv, .csv.gz, .zip, .jsonl, .json, websocket captures)')
    .option('--symbol <SYMBOL>', 'the symbol every file must hold')
    .option('--json', 'print one JSON object: per file rows, first, last (ms), gaps, errors')
    .option('--part-rows <N>', 'rows read into memory at a time (default 262144); the report does not depend on it')
    .action(async (files: string[], flags: VerifyFlags) => {
      const { printJson, printTable } = await import('../output.js');
      const partRows = partRowsOf(flags.partRows);
      const outcomes: FileOutcome[] = [];
      for (const file of files) outcomes.push(await verifyOne(file, flags.symbol, partRows));
      const clean = outcomes.every((o) => 'report' in o && o.report.clean);
      if (flags.json === true) printJson({ clean, files: outcomes.map(toJson) });
      else printHuman(outcomes, printTable);
      if (!clean) process.exitCode = 1;
    });
}
