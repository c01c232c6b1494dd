// `microfut contract <instrument>`: the whole spec of one instrument as a readable table, or one JSON object.
// Wiring only: lookup and expiry rules live in domain; nothing here computes contract math.
import type { Command } from 'commander';
import { type ExactDecimal, formatDecimal } from '../../../core/decimal.js';
import { formatIsoMs } from '../../../core/time.js';
import type { InstrumentSpec } from '../../../domain/instrument.js';
import type { ResolvedInstrument } from '../../../domain/registry.js';

interface ContractOptions {
  readonly json?: boolean;
  readonly specs?: string;
}

export function registerContract(program: Command): void {
  program
    .command('contract')
    .description('show an instrument spec: BINANCE:BTCUSDT, BTC/USDT:USDT, CME:MBT, CME:MBTZ5, COINBASE:BIT ...')
    .argument('<instrument>', 'VENUE:SYMBOL (TradingView style), a ccxt symbol, or a dated contract code')
    .option('--json', 'print one JSON object')
    .option('--specs <file>', 'a spec file that adds or overrides instruments (or set MICROFUT_SPECS)')
    .action(async (instrument: string, opts: ContractOptions) => showContract(instrument, opts));
}

async function showContract(instrument: string, opts: ContractOptions): Promise<void> {
  const { loadRegistry } = await import('../../../data/spec-files.js');
  const { listedContracts, lastTradingTimeMs } = await import('../../../domain/expiry.js');
  const { printJson, printKeyValues, printTable } = await import('../output.js');
  const resolved = loadRegistry(opts.specs === undefined ? {} : { userSpecsFile: opts.specs }).resolve(instrument);
  const { spec } = resolved;
  // The listing is "as of now": the CLI is the composition root, the only place that may read the wall clock.
  const nowMs = Date.now();
  const listed = listedContracts(spec, nowMs).map((c) => ({ code: c.code, lastTradingTime: formatIsoMs(c.lastTradingTimeMs) }));
  const named = resolved.contract && {
    code: resolved.contract.code,
    lastTradingTime: formatIsoMs(lastTradingTimeMs(spec, resolved.contract.year, resolved.contract.month) ?? 0),
  };
  if (opts.json === true) {
    printJson({ ...specJson(spec), origin: resolved.origin, ...(named ? { contract: named } : {}), ...(listed.length > 0 ? { listedContracts: listed } : {}) });
    return;
  }
  printKeyValues(specRows(resolved, named));
  if (spec.margin.kind === 'tiered') {
    process.stdout.write('\nmaintenance brackets (notional in ' + bracketUnit(spec) + '; maintenance = notional x rate - cum)\n');
    printTable(
      ['#', 'notional from', 'to', 'maint rate', 'cum', 'max leverage'],
      spec.margin.brackets.map((b) => [String(b.bracket), num(b.notionalFloor), Number.isFinite(b.notionalCap) ? num(b.notionalCap) : 'no limit', num(b.maintRate), num(b.cum), num(b.maxLeverage)]),
    );
  }
  if (listed.length > 0) {
    process.stdout.write('\nlisted contracts now\n');
    printTable(['code', 'last trading time (UTC)'], listed.map((c) => [c.code, c.lastTradingTime]));
  }
}

const dec = (d: ExactDecimal): string => formatDecimal(d);
/** Rates and bracket bounds are floats in the model; String gives their shortest exact-looking form. */
const num = (x: number): string => String(x);
const pct = (x: number): string => `${String(Number((x * 100).toPrecision(12)))} %`;

function bracketUnit(s: InstrumentSpec): string {
  return s.contractType === 'linear' ? s.settle : `${s.settle} (coin)`;
}

/** Quote value of one tick for one contract: tick x contractSize for linear; inverse has no fixed tick value. */
function tickValue(s: InstrumentSpec): string {
  if (s.contractType === 'inverse') return 'varies with price (inverse)';
  const units = BigInt(s.tick.stepUnits) * s.contractSize.units;
  return `${formatDecimal({ units, scale: s.tick.scale + s.contractSize.scale })} ${s.quote}`;
}

function lotsText(lots: number, s: InstrumentSpec): string {
  return formatDecimal({ units: BigInt(lots) * BigInt(s.lot.stepUnits), scale: s.lot.scale });
}

function specRows(r: ResolvedInstrument, named: { code: string; lastTradingTime: string } | undefined): [string, string][] {
  const s = r.spec;
  const sizeUnit = s.contractType === 'linear' ? s.base : s.quote;
  const rows: [string, string][] = [
    ['id', s.id],
    ['ccxt symbol', s.ccxtSymbol],
    ['description', s.description],
    ['type', `${s.contractType} (settles in ${s.settle})`],
    ['contract size', `${dec(s.contractSize)} ${sizeUnit}`],
    ['tick size', `${s.tick.step} ${s.quote}`],
    ['tick value', tickValue(s)],
    ['lot step', `${s.lot.step} contracts`],
    ['min quantity', `${lotsText(s.minQtyLots, s)} contracts`],
  ];
  if (s.maxQtyLots !== undefined) rows.push(['max quantity', `${lotsText(s.maxQtyLots, s)} contracts`]);
  if (s.minNotional !== undefined) rows.push(['min notional', `${dec(s.minNotional)} ${s.settle}`]);
  switch (s.margin.kind) {
    case 'tiered':
      rows.push(['margin', `tiered, max leverage ${num(s.margin.maxLeverage)}x`]);
      break;
    case 'fixed-per-contract':
      rows.push(['margin', `fixed: initial ${dec(s.margin.initialPerContract)} ${s.settle}, maintenance ${dec(s.margin.maintenancePerContract)} ${s.settle} per contract`]);
      break;
  }
  rows.push(['fees', `maker ${pct(s.fees.maker)}, taker ${pct(s.fees.taker)}`]);
  if (s.liquidationFeeRate !== undefined) rows.push(['liquidation fee', pct(s.liquidationFeeRate)]);
  switch (s.funding.kind) {
    case 'none':
      rows.push(['funding', 'none']);
      break;
    case 'periodic':
      rows.push(['funding', `every ${s.funding.intervalHours} h`]);
      break;
    case 'accrued':
      rows.push(['funding', `accrued every ${s.funding.accrualHours} h, settled at ${s.funding.settlementHoursUtc.map((h) => `${String(h).padStart(2, '0')}:00`).join(' and ')} UTC`]);
      break;
  }
  switch (s.expiry.kind) {
    case 'perpetual':
      rows.push(['expiry', 'perpetual']);
      break;
    case 'dated':
      rows.push(['expiry', expiryText(s.expiry)]);
      break;
  }
  if (named) rows.push(['contract', `${named.code}, last trading ${named.lastTradingTime}`]);
  rows.push(['source', s.source.url], ['source note', s.source.note], ['retrieved', s.source.retrieved], ['from file', r.origin]);
  for (const note of s.notes ?? []) rows.push(['note', note]);
  return rows;
}

function expiryText(e: Extract<InstrumentSpec['expiry'], { kind: 'dated' }>): string {
  const when = e.lastTradingLocalTime
    ? `${String(e.lastTradingLocalTime.hour).padStart(2, '0')}:${String(e.lastTradingLocalTime.minute).padStart(2, '0')} ${e.lastTradingLocalTime.timeZone}`
    : `${e.lastTradingHourUtc}:00 UTC`;
  if (e.fixedExpiryDate !== undefined) return `dated, one contract expiring ${e.fixedExpiryDate} (${e.tenorYears ?? '?'}-year tenor)`;
  const decs = e.additionalDecembers ? ` plus the nearest ${e.additionalDecembers} Decembers` : '';
  return `dated, ${e.listedCount} ${e.listingCycle} contracts${decs}; last trading day: last Friday of the month, ${when}`;
}

/** The spec as plain JSON: decimals as strings (exact), rates as numbers, grids as their step. */
export function specJson(s: InstrumentSpec): Record<string, unknown> {
  return {
    id: s.id,
    venue: s.venue,
    symbol: s.symbol,
    ccxtSymbol: s.ccxtSymbol,
    description: s.description,
    base: s.base,
    quote: s.quote,
    settle: s.settle,
    contractType: s.contractType,
    contractSize: dec(s.contractSize),
    tickSize: s.tick.step,
    tickValue: s.contractType === 'linear' ? tickValue(s).split(' ')[0] : undefined,
    lotSize: s.lot.step,
    minQty: lotsText(s.minQtyLots, s),
    maxQty: s.maxQtyLots === undefined ? undefined : lotsText(s.maxQtyLots, s),
    minNotional: s.minNotional === undefined ? undefined : dec(s.minNotional),
    margin:
      s.margin.kind === 'tiered'
        ? { kind: 'tiered', maxLeverage: s.margin.maxLeverage, brackets: s.margin.brackets.map((b) => ({ ...b, notionalCap: Number.isFinite(b.notionalCap) ? b.notionalCap : null })) }
        : { kind: s.margin.kind, initialPerContract: dec(s.margin.initialPerContract), maintenancePerContract: dec(s.margin.maintenancePerContract) },
    fees: s.fees,
    liquidationFeeRate: s.liquidationFeeRate,
    funding: s.funding,
    expiry: s.expiry,
    source: s.source,
    notes: s.notes,
  };
}
