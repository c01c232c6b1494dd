// `microfut journal list|show|note|tag|export|runs|check|rebuild`: reads and annotates the trading journal.
// Wiring only: flags in, journal library calls, printed results out. Never writes to a journal on bad input.
import type { Command } from 'commander';
import { InputError } from '../../../core/errors.js';
import { formatMoney, type Money } from '../../../core/money.js';
import { asTimestampMs, formatIsoMs } from '../../../core/time.js';
import type { ExitReason, TradeSource } from '../../../domain/round-trip.js';
import type { JournalDb } from '../../../journal/journal-db.js';
import { eventTimeMs } from '../../../journal/journal-events.js';
import type { JournalTrade, TradeFilter } from '../../../journal/journal-queries.js';
import { enumFlag, moneyNumber } from '../flags.js';
import { printJson, printKeyValues, printTable } from '../output.js';

interface JournalFlags {
  readonly journal?: string;
  readonly json?: boolean;
}

interface FilterFlags extends JournalFlags {
  readonly run?: string;
  readonly instrument?: string;
  readonly from?: string;
  readonly to?: string;
  readonly tag?: string;
  readonly exitReason?: string;
  readonly source?: string;
}

const SOURCES: readonly TradeSource[] = ['backtest', 'paper', 'live'];
const systemClock = { nowMs: () => asTimestampMs(Date.now()) };

async function withJournal<T>(flags: JournalFlags, create: boolean, body: (j: JournalDb) => T | Promise<T>): Promise<T> {
  const { openJournalDb, resolveJournalPath } = await import('../../../journal/journal-db.js');
  const where = resolveJournalPath(flags.journal);
  const j = openJournalDb(where.file, { create, inputName: where.inputName });
  try {
    return await body(j);
  } finally {
    j.close();
  }
}

async function filterFromFlags(f: FilterFlags): Promise<TradeFilter> {
  const { parseDateRange } = await import('../../../journal/date-range.js');
  const { EXIT_REASONS } = await import('../../../journal/journal-queries.js');
  const { normaliseTag } = await import('../../../journal/annotations.js');
  const nonEmpty = (flag: string, v: string | undefined): string | undefined => {
    if (v !== undefined && v.trim() === '') throw new InputError('INVALID_OPTION', flag, 'is empty', `Pass a value after ${flag} or leave it out`);
    return v?.trim();
  };
  const runId = nonEmpty('--run', f.run);
  const instrument = nonEmpty('--instrument', f.instrument);
  const exitReason = f.exitReason === undefined ? undefined : enumFlag<ExitReason>('--exit-reason', f.exitReason, EXIT_REASONS);
  const source = f.source === undefined ? undefined : enumFlag<TradeSource>('--source', f.source, SOURCES);
  return {
    ...parseDateRange(f.from, f.to),
    ...(runId === undefined ? {} : { runId }),
    ...(instrument === undefined ? {} : { instrument }),
    ...(f.tag === undefined ? {} : { tag: normaliseTag(f.tag, '--tag') }),
    ...(exitReason === undefined ? {} : { exitReason }),
    ...(source === undefined ? {} : { source }),
  };
}

function tradeIdArg(raw: string): number {
  const n = /^\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InputError('INVALID_OPTION', 'trade id', `"${raw}" is not a trade id`, 'Pass the number from the id column of `microfut journal list`, e.g. 42');
  }
  return n;
}

/** "45s", "3m 20s", "2h 05m", "1d 03h": the largest two units. */
export function durationText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d ${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h`;
}

/** The one asset all of a run's money is in; undefined when its instruments settle in different assets. */
const singleSettle = (assets: readonly string[]): string | undefined => (new Set(assets).size === 1 ? assets[0] : undefined);
const minuteText = (ms: number): string => formatIsoMs(ms).slice(0, 16).replace('T', ' ');
const amount = (m: Money | undefined, asset: string | undefined): string =>
  m === undefined ? '-' : asset === undefined ? formatMoney(m, 2) : `${formatMoney(m, 2)} ${asset}`;
const opt = <T>(v: T | undefined, show: (x: T) => string = String): string => (v === undefined ? '-' : show(v));
const nullable = <T, U>(v: T | undefined, f: (x: T) => U): U | null => (v === undefined ? null : f(v));

function tradeJson(t: JournalTrade): Record<string, unknown> {
  return {
    ...t,
    entryTime: formatIsoMs(t.entryTimeMs),
    exitTime: formatIsoMs(t.exitTimeMs),
    settle: t.settle ?? null,
    plannedEntry: t.plannedEntry ?? null,
    plannedStop: t.plannedStop ?? null,
    plannedTarget: t.plannedTarget ?? null,
    grossPnl: moneyNumber(t.grossPnl),
    fees: moneyNumber(t.fees),
    funding: moneyNumber(t.funding),
    netPnl: moneyNumber(t.netPnl),
    initialRisk: nullable(t.initialRisk, moneyNumber),
    mae: moneyNumber(t.mae),
    mfe: moneyNumber(t.mfe),
    hit: t.hit ?? null,
    entryTag: t.entryTag ?? null,
    reason: t.reason ?? null,
  };
}

function printTradeTable(trades: readonly JournalTrade[]): void {
  printTable(
    ['id', 'run', 'instrument', 'side', 'entry (UTC)', 'held', 'entry', 'exit', 'net', 'exit reason', 'hit', 'tags'],
    trades.map((t) => [
      String(t.tradeId),
      t.runId,
      t.instrument,
      t.side,
      minuteText(t.entryTimeMs),
      durationText(t.heldMs),
      String(t.entryPrice),
      String(t.exitPrice),
      amount(t.netPnl, t.settle),
      t.exitReason,
      t.hit ?? '-',
      t.tags.join(' '),
    ]),
  );
  const bySettle = new Map<string, { net: number; wins: number; n: number }>();
  for (const t of trades) {
    const k = t.settle ?? '';
    const s = bySettle.get(k) ?? { net: 0, wins: 0, n: 0 };
    bySettle.set(k, { net: s.net + t.netPnl, wins: s.wins + (t.netPnl > 0 ? 1 : 0), n: s.n + 1 });
  }
  for (const [asset, s] of bySettle) {
    process.stdout.write(`${s.n} trades, ${s.wins} won, net ${amount(s.net as Money, asset === '' ? undefined : asset)}\n`);
  }
  if (trades.length === 0) process.stdout.write('no trades match\n');
}

async function list(f: FilterFlags): Promise<void> {
  const filter = await filterFromFlags(f);
  const { listTrades } = await import('../../../journal/journal-queries.js');
  await withJournal(f, false, (j) => {
    const trades = listTrades(j.db, filter);
    if (f.json === true) printJson({ journal: j.file, filter, count: trades.length, trades: trades.map(tradeJson) });
    else printTradeTable(trades);
  });
}

async function show(rawId: string, f: JournalFlags): Promise<void> {
  const tradeId = tradeIdArg(rawId);
  const { getRun, getTrade, tradeEvents } = await import('../../../journal/journal-queries.js');
  const { describeEvent, gridsOf, priceText } = await import('../../../journal/event-text.js');
  await withJournal(f, false, (j) => {
    const t = getTrade(j.db, tradeId);
    if (t === undefined) throw new InputError('NOT_FOUND', 'trade id', `there is no trade ${tradeId} in ${j.file}`, 'Run `microfut journal list` to see trade ids');
    const grids = gridsOf(getRun(j.db, t.runId)?.instruments ?? []);
    const tick = grids.get(t.instrument)?.tick;
    const events = tradeEvents(j.db, t);
    if (f.json === true) {
      printJson({ trade: tradeJson(t), events: events.map((e) => ({ seq: e.seq, text: describeEvent(e.event, grids), event: e.event })) });
      return;
    }
    const px = (p: number | undefined): string => priceText(p, tick);
    const rMultiple = t.initialRisk === undefined || t.initialRisk <= 0 ? '-' : (t.netPnl / t.initialRisk).toFixed(2);
    printKeyValues([
      ['trade', `${t.tradeId} (round trip ${t.seqInRun} of run ${t.runId}, ${t.source})`],
      ['instrument', `${t.instrument} ${t.side}, up to ${t.maxContracts} contracts`],
      ['entry', `${formatIsoMs(t.entryTimeMs)} at ${px(t.entryPrice)} (planned ${px(t.plannedEntry)}), ${t.entries} fill(s)`],
      ['exit', `${formatIsoMs(t.exitTimeMs)} at ${px(t.exitPrice)}, ${t.exits} fill(s)`],
      ['held', `${durationText(t.heldMs)} (${t.barsHeld} bars)`],
      ['planned stop / target', `${px(t.plannedStop)} / ${px(t.plannedTarget)}`],
      ['exit reason', `${t.exitReason}${t.hit === undefined ? '' : ` (${t.hit} hit)`}`],
      ['reason', opt(t.reason)],
      ['entry tag', opt(t.entryTag)],
      ['gross / fees / funding', `${amount(t.grossPnl, t.settle)} / ${amount(t.fees, t.settle)} / ${amount(t.funding, t.settle)}`],
      ['net', amount(t.netPnl, t.settle)],
      ['initial risk / R', `${amount(t.initialRisk, t.settle)} / ${rMultiple}`],
      ['MAE / MFE', `${amount(t.mae, t.settle)} / ${amount(t.mfe, t.settle)}`],
      ['tags', t.tags.length === 0 ? '-' : t.tags.join(' ')],
    ]);
    for (const n of t.notes) process.stdout.write(`note ${minuteText(n.tsMs)}: ${n.text}\n`);
    process.stdout.write('\n');
    printTable(['seq', 'time (UTC)', 'event', 'what'], events.map((e) => [String(e.seq), formatIsoMs(eventTimeMs(e.event)), e.event.type, describeEvent(e.event, grids)]));
  });
}

async function note(rawId: string, words: readonly string[], f: JournalFlags): Promise<void> {
  const tradeId = tradeIdArg(rawId);
  const { addNote } = await import('../../../journal/annotations.js');
  await withJournal(f, false, (j) => {
    addNote(j.db, tradeId, words.join(' '), systemClock);
    process.stdout.write(`added a note to trade ${tradeId}\n`);
  });
}

async function tag(rawId: string, tags: readonly string[], f: JournalFlags): Promise<void> {
  const tradeId = tradeIdArg(rawId);
  const { addTags } = await import('../../../journal/annotations.js');
  const { getTrade } = await import('../../../journal/journal-queries.js');
  await withJournal(f, false, (j) => {
    addTags(j.db, tradeId, tags, systemClock);
    process.stdout.write(`trade ${tradeId} tags: ${getTrade(j.db, tradeId)?.tags.join(' ') ?? ''}\n`);
  });
}

async function exportCsv(f: FilterFlags & { readonly out?: string }): Promise<void> {
  if (f.out === undefined || f.out.trim() === '') throw new InputError('MISSING_OPTION', '--out', 'is required', 'Pass --out FILE.csv');
  const out = f.out;
  const filter = await filterFromFlags(f);
  const { listTrades } = await import('../../../journal/journal-queries.js');
  const { tradesToCsv, writeFileAtomically } = await import('../../../journal/trade-csv.js');
  await withJournal(f, false, (j) => {
    const trades = listTrades(j.db, filter);
    writeFileAtomically(out, tradesToCsv(trades), '--out');
    process.stdout.write(`wrote ${trades.length} trades to ${out}\n`);
  });
}

async function runs(f: JournalFlags): Promise<void> {
  const { listRuns } = await import('../../../journal/journal-queries.js');
  await withJournal(f, false, (j) => {
    const all = listRuns(j.db);
    if (f.json === true) {
      printJson({ journal: j.file, runs: all.map((r) => ({ ...r, finishedMs: r.finishedMs ?? null, netPnl: moneyNumber(r.netPnl), summary: r.summary ?? null })) });
      return;
    }
    printTable(
      ['run', 'source', 'strategy', 'instruments', 'started (UTC)', 'status', 'trades', 'net', 'events'],
      all.map((r) => [
        r.runId,
        r.source,
        r.strategy,
        r.instruments.map((i) => i.id).join(' '),
        minuteText(r.startedMs),
        r.status,
        String(r.tradeCount),
        amount(r.netPnl, singleSettle(r.instruments.map((i) => i.settle))),
        String(r.eventCount),
      ]),
    );
    if (all.length === 0) process.stdout.write('no runs yet\n');
  });
}

async function check(f: JournalFlags): Promise<void> {
  const { checkJournal } = await import('../../../journal/journal-check.js');
  await withJournal(f, false, (j) => {
    const c = checkJournal(j.db);
    if (f.json === true) printJson({ journal: j.file, ...c });
    else {
      printKeyValues([
        ['journal', j.file],
        ['events / trades', `${c.events} / ${c.trades}`],
        ['integrity', c.integrity.join('; ')],
        ['foreign keys', c.foreignKeyViolations === 0 ? 'ok' : `${c.foreignKeyViolations} broken`],
        ['projections', c.projectionDifferences.length === 0 ? 'equal to a rebuild from the events' : c.projectionDifferences.map((d) => `${d.table}: ${d.extra} extra, ${d.missing} missing`).join('; ')],
      ]);
      if (!c.consistent) process.stdout.write('run `microfut journal rebuild` to recompute the projections from the events\n');
    }
    if (!c.consistent) process.exitCode = 1;
  });
}

async function rebuild(f: JournalFlags): Promise<void> {
  const { rebuildProjections } = await import('../../../journal/projections.js');
  await withJournal(f, false, (j) => {
    const n = rebuildProjections(j.db);
    process.stdout.write(`rebuilt runs, trades, notes, tags and orders from ${n} events\n`);
  });
}

const JOURNAL_HELP = 'journal file (default: $MICROFUT_JOURNAL, else ~/.microfut/journal.sqlite)';

function withFilters(c: Command): Command {
  return c
    .option('--run <id>', 'only trades of this run')
    .option('--instrument <id>', 'only this instrument: BINANCE:BTCUSDT, or BTCUSDT on any venue')
    .option('--from <date>', 'entries from this UTC date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MMZ)')
    .option('--to <date>', 'entries up to this UTC date (the whole day) or time')
    .option('--tag <tag>', 'only trades with this tag')
    .option('--exit-reason <reason>', 'only trades that ended this way (stop-loss, take-profit, ...)')
    .option('--source <source>', 'backtest, paper or live');
}

/** Creates `microfut journal` and its subcommands. */
export function registerJournal(program: Command): void {
  const j = program.command('journal').description('the trading journal: list, inspect, annotate and export trades');
  withFilters(j.command('list').description('list trades, oldest entry first'))
    .option('--journal <file>', JOURNAL_HELP)
    .option('--json', 'print one JSON object')
    .action((o: FilterFlags) => list(o));
  j.command('show <tradeId>').description('one trade: plan vs actual, money, notes and the events behind it')
    .option('--journal <file>', JOURNAL_HELP)
    .option('--json', 'print one JSON object')
    .action((id: string, o: JournalFlags) => show(id, o));
  j.command('note <tradeId> <text...>').description('add a free-text note to a trade')
    .option('--journal <file>', JOURNAL_HELP)
    .action((id: string, text: string[], o: JournalFlags) => note(id, text, o));
  j.command('tag <tradeId> <tags...>').description('add tags to a trade')
    .option('--journal <file>', JOURNAL_HELP)
    .action((id: string, tags: string[], o: JournalFlags) => tag(id, tags, o));
  withFilters(j.command('export').description('write trades as CSV (all or nothing: a temp file renamed into place)'))
    .option('--out <file>', 'the CSV file to write')
    .option('--journal <file>', JOURNAL_HELP)
    .action((o: FilterFlags & { out?: string }) => exportCsv(o));
  j.command('runs').description('list runs, newest first')
    .option('--journal <file>', JOURNAL_HELP)
    .option('--json', 'print one JSON object')
    .action((o: JournalFlags) => runs(o));
  j.command('check').description('check integrity and that projections equal a rebuild from the events (exit 1 if not)')
    .option('--journal <file>', JOURNAL_HELP)
    .option('--json', 'print one JSON object')
    .action((o: JournalFlags) => check(o));
  j.command('rebuild').description('recompute runs, trades, notes, tags and orders from the events')
    .option('--journal <file>', JOURNAL_HELP)
    .action((o: JournalFlags) => rebuild(o));
}
