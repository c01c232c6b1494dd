// Journal trades as CSV (RFC 4180) and the all-or-nothing file write behind `journal export`. Money columns are
// exact decimals; free-text columns are guarded against spreadsheet formula injection. Must never leave a partial file.
import { closeSync, existsSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { formatMoney, type Money } from '../core/money.js';
import { formatIsoMs } from '../core/time.js';
import type { JournalTrade } from './journal-queries.js';

/** The CSV header, in column order. Money columns are in the trade's `settle` asset. */
export const TRADE_CSV_COLUMNS: readonly string[] = [
  'trade_id', 'run_id', 'seq_in_run', 'source', 'instrument', 'side', 'entry_time', 'exit_time', 'held_seconds',
  'planned_entry', 'entry_price', 'planned_stop', 'planned_target', 'exit_price', 'max_contracts', 'entries', 'exits',
  'settle', 'gross_pnl', 'fees', 'funding', 'net_pnl', 'initial_risk', 'mae', 'mfe', 'exit_reason', 'hit',
  'entry_tag', 'reason', 'bars_held', 'tags', 'notes',
];

const money = (m: Money | undefined): string => (m === undefined ? '' : formatMoney(m, 0));
const num = (x: number | undefined): string => (x === undefined ? '' : String(x));

/**
 * Quotes a field when it holds a comma, quote or line break (RFC 4180 section 2). Free text that a spreadsheet would
 * run as a formula (starting with = + - @, tab or CR) gets a leading apostrophe: OWASP "CSV Injection",
 * https://owasp.org/www-community/attacks/CSV_Injection. Numbers are never passed through this guard.
 */
export function csvText(text: string): string {
  const guarded = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return csvField(guarded);
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV row for a trade, in TRADE_CSV_COLUMNS order. */
export function tradeCsvRow(t: JournalTrade): string {
  return [
    String(t.tradeId),
    csvText(t.runId),
    String(t.seqInRun),
    t.source,
    t.instrument,
    t.side,
    formatIsoMs(t.entryTimeMs),
    formatIsoMs(t.exitTimeMs),
    String(t.heldMs / 1000),
    num(t.plannedEntry),
    num(t.entryPrice),
    num(t.plannedStop),
    num(t.plannedTarget),
    num(t.exitPrice),
    t.maxContracts,
    String(t.entries),
    String(t.exits),
    csvText(t.settle ?? ''),
    money(t.grossPnl),
    money(t.fees),
    money(t.funding),
    money(t.netPnl),
    money(t.initialRisk),
    money(t.mae),
    money(t.mfe),
    t.exitReason,
    t.hit ?? '',
    csvText(t.entryTag ?? ''),
    csvText(t.reason ?? ''),
    String(t.barsHeld),
    csvText(t.tags.join(' ')),
    csvText(t.notes.map((n) => n.text).join(' | ')),
  ].join(',');
}

/** The whole CSV document: header, one row per trade, CRLF line ends as RFC 4180 asks. */
export function tradesToCsv(trades: readonly JournalTrade[]): string {
  return [TRADE_CSV_COLUMNS.join(','), ...trades.map(tradeCsvRow)].join('\r\n') + '\r\n';
}

/**
 * Writes `content` to `file` all-or-nothing: into a temporary file in the same folder, flushed to disk, then renamed
 * over the target (atomic on POSIX). On any failure the temporary file is removed and an existing target is left as
 * it was. Errors name `inputName` (the flag) with the fix.
 */
export function writeFileAtomically(file: string, content: string, inputName: string): void {
  const target = resolve(file);
  const dir = dirname(target);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError('INVALID_FILE', inputName, `the folder ${dir} does not exist`, 'Create the folder first or pass a path in an existing folder');
  }
  if (existsSync(target) && statSync(target).isDirectory()) {
    throw new InputError('INVALID_FILE', inputName, `${target} is a folder`, 'Pass a file name, e.g. --out trades.csv');
  }
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx');
    writeSync(fd, content);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    if (existsSync(temp)) unlinkSync(temp);
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new InputError('INVALID_FILE', inputName, `cannot write ${target} (${reason})`, 'Pass --out with a path in a folder you can write');
  }
}
