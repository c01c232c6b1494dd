// `microfut compare <runA> <runB> ...`: run folders side by side, printed as a table (or JSON) and optionally
// rendered as one HTML page. Wiring only; on bad input nothing is written.
import type { Command } from 'commander';
import { InputError } from '../../../core/errors.js';

interface CompareFlags {
  readonly json?: boolean;
  readonly html?: string;
  readonly specs?: string;
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare run folders (from backtest --out) side by side; the best value of each figure is marked')
    .argument('<runDirs...>', 'two or more folders written by `microfut backtest --out DIR`')
    .option('--json', 'print the comparison as one JSON object')
    .option('--html <file.html>', 'also write the side-by-side table as a self-contained HTML page')
    .option('--specs <file>', 'a spec file with the instruments, or set MICROFUT_SPECS')
    .action(async (runDirs: string[], flags: CompareFlags) => compare(runDirs, flags));
}

/** Column names: each folder's name, or its run id where two folders share a name. */
function runNames(dirs: readonly string[], runIds: readonly string[], base: (p: string) => string): string[] {
  const names = dirs.map(base);
  return names.map((n, i) => (names.indexOf(n) !== names.lastIndexOf(n) ? `${n} (${runIds[i]})` : n));
}

async function compare(runDirs: string[], flags: CompareFlags): Promise<void> {
  if (runDirs.length < 2) throw new InputError('MISSING_OPTION', '<runDirs...>', `got ${runDirs.length} run folder`, 'Pass two or more run folders');
  const { basename, resolve } = await import('node:path');
  const { buildReportModel, requireHtmlOut, writeAllOrNothing } = await import('../../../reports/html/write-html-report.js');
  const { compareRuns } = await import('../../../reports/comparison.js');
  const { renderComparison } = await import('../../../reports/render-terminal.js');
  const { renderComparisonHtml } = await import('../../../reports/html/comparison-html.js');
  const { printJson, printWarning } = await import('../output.js');
  const htmlOut = flags.html === undefined ? undefined : requireHtmlOut(flags.html, `--html ${flags.html}`);
  const models = [];
  for (const dir of runDirs) models.push(await buildReportModel(dir, flags.specs === undefined ? {} : { specsFile: flags.specs }));
  const names = runNames(runDirs, models.map((m) => m.runId), (p) => basename(resolve(p)));
  const comparison = compareRuns(models.map((m, i) => ({ name: names[i]!, summary: m.summary })));
  if (htmlOut !== undefined) {
    const runs = models.map((m, i) => ({ name: names[i]!, runId: m.runId, strategy: m.strategy, params: m.params, instrument: m.instrument, settleAsset: m.settleAsset }));
    writeAllOrNothing([[htmlOut, renderComparisonHtml(comparison, runs)]], `--html ${flags.html}`);
  }
  if (flags.json) {
    printJson({ ...comparison, runIds: models.map((m) => m.runId), ...(htmlOut === undefined ? {} : { html: htmlOut }) });
    return;
  }
  models.forEach((m, i) => m.notes.forEach((n) => printWarning(`${names[i]}: ${n}`)));
  process.stdout.write(renderComparison(comparison));
  if (htmlOut !== undefined) process.stdout.write(`wrote ${htmlOut}\n`);
}
