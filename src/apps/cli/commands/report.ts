// `microfut report <runDir>`: the HTML report of a backtest run (one self-contained file, its JSON and CSV beside it)
// and the summary and leaks in the terminal. Wiring only; on bad input nothing is written.
import type { Command } from 'commander';

interface ReportFlags {
  readonly out?: string;
  readonly data?: string;
  readonly specs?: string;
  readonly json?: boolean;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write the HTML report of a run folder (from backtest --out): charts, splits, leaks and the trade table')
    .argument('<runDir>', 'a folder written by `microfut backtest --out DIR`')
    .option('--out <file.html>', 'where to write the report (default <runDir>/report.html); .json and .trades.csv go beside it')
    .option('--data <file>', 'the candle file to draw, when the one run.json names is not found from here')
    .option('--specs <file>', 'a spec file with the instrument (for R-multiples), or set MICROFUT_SPECS')
    .option('--json', 'print the written paths and the summary as one JSON object')
    .action(async (runDir: string, flags: ReportFlags) => report(runDir, flags));
}

async function report(runDir: string, flags: ReportFlags): Promise<void> {
  const { writeHtmlReport } = await import('../../../reports/html/write-html-report.js');
  const { renderLeaks, renderSummary } = await import('../../../reports/render-terminal.js');
  const { printJson, printWarning } = await import('../output.js');
  const written = await writeHtmlReport(runDir, flags.out, {
    ...(flags.data === undefined ? {} : { barsFile: flags.data }),
    ...(flags.specs === undefined ? {} : { specsFile: flags.specs }),
  });
  const m = written.model;
  if (flags.json) {
    printJson({ html: written.html, json: written.json, csv: written.csv, runId: m.runId, trades: m.trades.length, notes: m.notes, summary: m.summary });
    return;
  }
  for (const note of m.notes) printWarning(note);
  process.stdout.write(`${m.runId}: ${m.strategy} on ${m.instrument}\n\n${renderSummary(m.summary, m.settleAsset)}\nbiggest leaks\n${renderLeaks(m.leaks, 10)}\n`);
  process.stdout.write(`wrote ${written.html}\nwrote ${written.json}\nwrote ${written.csv}\n`);
}
