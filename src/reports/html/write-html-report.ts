// Writes a run's HTML report with its JSON and CSV beside it (report.html, report.json, report.trades.csv), all or
// nothing: temporary files in the target folder, renamed only when every one is complete. Must never write into
// the run's own files or leave a partial report.
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../../core/errors.js';
import { loadRegistry } from '../../data/spec-files.js';
import type { ContractTerms } from '../../domain/contract-math.js';
import { intervalMsOf, loadRunBars, runIntervalOf, smallestGapMs } from '../run-bars.js';
import { readRunDir } from '../run-files.js';
import { reportModel, type ReportModel, type ReportTrade } from './report-model.js';
import { renderReportHtml } from './render-report.js';

export interface HtmlReportOptions {
  /** A candle file to draw instead of the one run.json names (e.g. when the run was made in another folder). */
  readonly barsFile?: string;
  /** A user spec file for the instrument's contract terms (R-multiples need them). */
  readonly specsFile?: string;
}

export interface HtmlReportFiles {
  readonly html: string;
  readonly json: string;
  readonly csv: string;
  readonly model: ReportModel;
}

/** The instrument's contract terms from the spec registry, or undefined when it is not there (no R-multiples then). */
function termsOf(id: string, specsFile: string | undefined): ContractTerms | undefined {
  try {
    return loadRegistry(specsFile === undefined ? {} : { userSpecsFile: specsFile }).get(id);
  } catch (e) {
    if (e instanceof InputError && specsFile === undefined) return undefined;
    throw e;
  }
}

const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const opt = (x: number | string | undefined): string => (x === undefined ? '' : String(x));

/** The report's trade table as CSV: trades.csv's figures plus R-multiples, MAE/MFE in R and the regime at entry. */
export function reportTradesCsv(trades: readonly ReportTrade[]): string {
  const header = 'id,side,entry_time,exit_time,held_seconds,qty,entry_price,exit_price,planned_stop,planned_target,net_pnl,r_multiple,mae,mfe,mae_r,mfe_r,fees,funding,exit_reason,entry_tag,regime';
  const rows = trades.map((t) =>
    [
      t.id, t.side, new Date(t.entryTimeMs).toISOString(), new Date(t.exitTimeMs).toISOString(), t.heldMs / 1000, t.maxContracts, t.entryPrice, t.exitPrice,
      opt(t.plannedStop), opt(t.plannedTarget), t.netPnl, opt(t.rMultiple), t.mae, t.mfe, opt(t.maeR), opt(t.mfeR), t.fees, t.funding, t.exitReason,
      csvField(t.entryTag ?? ''), t.regime ?? 'unknown',
    ].join(','),
  );
  return `${[header, ...rows].join('\n')}\n`;
}

/**
 * Reads the run in `runDir` with its bars (when they can be found) and builds the report's model. Throws an
 * InputError for a missing or corrupt run folder.
 */
export async function buildReportModel(runDir: string, options: HtmlReportOptions = {}): Promise<ReportModel> {
  const probe = readRunDir(runDir);
  const terms = termsOf(probe.run.instrument.id, options.specsFile);
  const run = terms === undefined ? probe : readRunDir(runDir, { terms });
  const notes: string[] = terms === undefined ? [`R-multiples not shown: ${run.run.instrument.id} is not in the spec registry`] : [];
  const toMs = Date.parse(String(run.run.summary?.to ?? '')) || run.equity.timeMs[run.equity.timeMs.length - 1]!;
  const loaded = await loadRunBars(run.run, toMs, options.barsFile);
  if (loaded.note !== undefined) notes.push(loaded.note);
  const barIntervalMs = loaded.origin?.intervalMs ?? intervalMsOf(runIntervalOf(run.run) ?? '') ?? smallestGapMs(run.equity.timeMs) ?? 60_000;
  return reportModel({ run, bars: loaded.bars, barsOrigin: loaded.origin, barIntervalMs, notes });
}

/** Writes `contents` (path -> text) all or nothing: temporary files beside each target, renamed when all are written. */
export function writeAllOrNothing(contents: readonly (readonly [string, string])[], inputName: string): void {
  const temps = contents.map(([path]) => join(dirname(path), `.${basename(path)}.${process.pid}.tmp`));
  try {
    contents.forEach(([, text], i) => writeFileSync(temps[i]!, text));
    contents.forEach(([path], i) => renameSync(temps[i]!, path));
  } catch (e) {
    for (const t of temps) rmSync(t, { force: true });
    throw new InputError('INVALID_FILE', inputName, `cannot write the report (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'Pass a path in a folder you can write');
  }
}

/** Checks that `file` can be an HTML output: ends in .html and its folder exists. */
export function requireHtmlOut(file: string, inputName: string): string {
  const out = resolve(file);
  if (!/\.html?$/i.test(out)) throw new InputError('INVALID_OPTION', inputName, 'does not end in .html', 'Pass a file name such as report.html');
  if (!existsSync(dirname(out)) || !statSync(dirname(out)).isDirectory()) {
    throw new InputError('NOT_FOUND', inputName, `the folder ${dirname(out)} does not exist`, 'Create it first or pass a path in an existing folder');
  }
  return out;
}

/**
 * Reads the run in `runDir`, builds the report and writes `outFile` (default `<runDir>/report.html`) with
 * `<name>.json` (every figure of the page) and `<name>.trades.csv` beside it. Returns the paths and the model.
 * Throws an InputError for a missing or corrupt run folder, and then writes nothing.
 */
export async function writeHtmlReport(runDir: string, outFile?: string, options: HtmlReportOptions = {}): Promise<HtmlReportFiles> {
  const model = await buildReportModel(runDir, options);
  const out = requireHtmlOut(outFile ?? join(runDir, 'report.html'), `--out ${outFile ?? join(runDir, 'report.html')}`);
  const stem = out.replace(/\.html?$/i, '');
  const files = { html: out, json: `${stem}.json`, csv: `${stem}.trades.csv` };
  const { chart: _chart, ...figures } = model;
  writeAllOrNothing(
    [
      [files.html, renderReportHtml(model)],
      [files.json, `${JSON.stringify({ ...figures, drawdowns: model.chart.drawdowns }, null, 2)}\n`],
      [files.csv, reportTradesCsv(model.trades)],
    ],
    `--out ${outFile ?? out}`,
  );
  return { ...files, model };
}
