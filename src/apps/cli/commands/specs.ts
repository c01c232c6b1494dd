// `microfut specs list` (the registry as a table or JSON) and `microfut specs import-binance` (spec file from Binance
// payloads). Wiring only; on any bad input nothing is written.
import type { Command } from 'commander';
import { formatDecimal } from '../../../core/decimal.js';
import { InputError } from '../../../core/errors.js';
import { VENUE_IDS, type InstrumentSpec, type VenueId } from '../../../domain/instrument.js';

interface ListOptions {
  readonly venue?: string;
  readonly json?: boolean;
  readonly specs?: string;
}

interface ImportOptions {
  readonly exchangeInfo?: string;
  readonly brackets?: string;
  readonly symbols?: string;
  readonly out?: string;
  readonly maker: string;
  readonly taker: string;
  readonly fundingHours?: string;
}

export function registerSpecs(program: Command): void {
  const specs = program.command('specs').description('the instrument spec registry: list it, or import specs from exchange payloads');
  specs
    .command('list')
    .description('list the known instruments')
    .option('--venue <venue>', `only one venue (${VENUE_IDS.join(', ')})`)
    .option('--json', 'print one JSON object')
    .option('--specs <file>', 'a spec file that adds or overrides instruments (or set MICROFUT_SPECS)')
    .action(async (opts: ListOptions) => listSpecs(opts));
  specs
    .command('import-binance')
    .description('build a spec file from Binance USD-M GET /fapi/v1/exchangeInfo and GET /fapi/v1/leverageBracket payloads')
    .option('--exchange-info <file>', 'the saved exchangeInfo JSON')
    .option('--brackets <file>', 'the saved leverageBracket JSON')
    .option('--symbols <list>', 'comma-separated symbols, e.g. BTCUSDT,ETHUSDT (default: all trading perpetuals)')
    .option('--out <file>', 'where to write the spec file')
    .option('--maker <rate>', 'maker fee rate (fraction)', '0.0002')
    .option('--taker <rate>', 'taker fee rate (fraction)', '0.0005')
    .option('--funding-hours <list>', 'funding intervals that are not 8 h, e.g. ENAUSDT=4,LAYERUSDT=1')
    .action(async (opts: ImportOptions) => importBinance(opts));
}

async function listSpecs(opts: ListOptions): Promise<void> {
  const { loadRegistry } = await import('../../../data/spec-files.js');
  const { printJson, printTable } = await import('../output.js');
  const venue = opts.venue === undefined ? undefined : venueFlag(opts.venue);
  const registry = loadRegistry(opts.specs === undefined ? {} : { userSpecsFile: opts.specs });
  const specs = registry.list(venue);
  if (opts.json === true) {
    printJson({ count: specs.length, instruments: specs.map((s) => ({ ...summary(s), origin: registry.originOf(s.id) })) });
    return;
  }
  printTable(
    ['id', 'ccxt symbol', 'type', 'contract', 'tick', 'lot', 'expiry', 'description'],
    specs.map((s) => {
      const row = summary(s);
      return [row.id, row.ccxtSymbol, row.contractType, row.contractSize, row.tick, row.lot, row.expiry, row.description];
    }),
  );
}

function summary(s: InstrumentSpec) {
  const unit = s.contractType === 'linear' ? s.base : s.quote;
  return {
    id: s.id,
    ccxtSymbol: s.ccxtSymbol,
    contractType: s.contractType,
    contractSize: `${formatDecimal(s.contractSize)} ${unit}`,
    tick: s.tick.step,
    lot: s.lot.step,
    expiry: s.expiry.kind,
    description: s.description,
  };
}

function venueFlag(raw: string): VenueId {
  const v = raw.trim().toUpperCase();
  const found = VENUE_IDS.find((x) => x === v);
  if (found === undefined) throw new InputError('INVALID_OPTION', '--venue', `"${raw}" is not a known venue`, `Pass one of: ${VENUE_IDS.join(', ')}`);
  return found;
}

async function importBinance(opts: ImportOptions): Promise<void> {
  const { readFileSync, writeFileSync, renameSync, existsSync } = await import('node:fs');
  const { basename, dirname } = await import('node:path');
  const { specsFromBinance } = await import('../../../domain/binance-exchange-info.js');
  const { parseDecimal } = await import('../../../core/decimal.js');
  const { printKeyValues } = await import('../output.js');
  const required = (flag: string, v: string | undefined, what: string): string => {
    if (v === undefined || v.trim() === '') throw new InputError('MISSING_OPTION', flag, 'is required', `Pass ${flag} ${what}`);
    return v;
  };
  const infoFile = required('--exchange-info', opts.exchangeInfo, 'FILE (the saved GET /fapi/v1/exchangeInfo JSON)');
  const bracketsFile = required('--brackets', opts.brackets, 'FILE (the saved GET /fapi/v1/leverageBracket JSON)');
  const out = required('--out', opts.out, 'FILE (where to write the spec file)');
  for (const [flag, rate] of [['--maker', opts.maker], ['--taker', opts.taker]] as const) {
    const d = parseDecimal(rate);
    if (d === undefined || d.scale < 0) throw new InputError('INVALID_NUMBER', flag, `"${rate}" is not a decimal fraction`, `Pass ${flag} as a fraction, e.g. 0.0002 for 0.02 %`);
  }
  if (!existsSync(dirname(out) || '.')) throw new InputError('NOT_FOUND', '--out', `the folder of ${out} does not exist`, 'create the folder first or pass another path');
  const readJson = (flag: string, file: string): unknown => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new InputError('NOT_FOUND', `${flag} ${file}`, 'cannot be read', 'check the path');
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new InputError('INVALID_FILE', `${flag} ${file}`, `is not valid JSON (${e instanceof Error ? e.message : String(e)})`, 'save the endpoint response unchanged');
    }
  };
  const fundingIntervalHours = fundingHoursFlag(opts.fundingHours);
  const symbols = opts.symbols === undefined ? undefined : opts.symbols.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '');
  const result = specsFromBinance(readJson('--exchange-info', infoFile), readJson('--brackets', bracketsFile), {
    ...(symbols !== undefined ? { symbols } : {}),
    fees: { maker: opts.maker, taker: opts.taker },
    fundingIntervalHours,
    exchangeInfoName: basename(infoFile),
    bracketsName: basename(bracketsFile),
  });
  if (!result.ok) {
    const [first, ...more] = result.error;
    const flagOf = { exchangeInfo: `--exchange-info ${infoFile}`, brackets: `--brackets ${bracketsFile}`, symbols: '--symbols', fees: '--maker/--taker' } as const;
    throw new InputError('INVALID_DATA', first ? flagOf[first.input] : '--exchange-info', `${first?.problem ?? 'cannot be converted'}${more.length > 0 ? ` (and ${more.length} more)` : ''}`, first?.fix ?? '');
  }
  const tmp = `${out}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(result.value, null, 2)}\n`);
  renameSync(tmp, out);
  printKeyValues([
    ['wrote', out],
    ['instruments', String(result.value.instruments.length)],
  ]);
}

/** "ENAUSDT=4,LAYERUSDT=1" -> { ENAUSDT: 4, LAYERUSDT: 1 }. */
export function fundingHoursFlag(raw: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (raw === undefined) return out;
  for (const part of raw.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const m = /^([A-Za-z0-9]+)=(\d+)$/.exec(part);
    const hours = m ? Number(m[2]) : undefined;
    if (!m || hours === undefined || hours < 1 || hours > 24) {
      throw new InputError('INVALID_OPTION', '--funding-hours', `"${part}" is not SYMBOL=HOURS`, 'Pass e.g. ENAUSDT=4,LAYERUSDT=1 (hours 1 to 24)');
    }
    out[(m[1] ?? '').toUpperCase()] = hours;
  }
  return out;
}
