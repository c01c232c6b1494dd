// `microfut scale-plan`: a scale-in plan (split, triggers, trailed stops, worst case per stage) as a table or JSON.
// Wiring only: flags are parsed here and in ../flags.ts, the plan comes from src/risk/scale-plan.ts.
import type { Command } from 'commander';
import type { InstrumentSpec } from '../../../domain/instrument.js';
import type { Split, TriggerRule } from '../../../risk/scale-plan.js';
import type { InstrumentFlags } from '../flags.js';

interface ScalePlanOptions extends InstrumentFlags {
  readonly equity?: string;
  readonly riskPct?: string;
  readonly totalContracts?: string;
  readonly side?: string;
  readonly entry?: string;
  readonly stop?: string;
  readonly stopPct?: string;
  readonly split?: string;
  readonly trigger?: string;
  readonly leverage?: string;
  readonly json?: boolean;
}

const TRIGGER_HELP = 'when each add happens: pct:0.5 (+0.5 % beyond the previous entry), atr:2x35 (2 x an ATR of 35), level:70500,71000 (break of each level), rsi:60@70300,70600 (RSI crosses 60, planned at those prices), or prices 70350,70700';

export function registerScalePlan(program: Command): void {
  program
    .command('scale-plan')
    .description('plan a scale-in: per-step size and margin, average entry, trailed stop and worst-case loss at every stage')
    .option('--instrument <id>', 'VENUE:SYMBOL or ccxt symbol, e.g. COINBASE:BIT')
    .option('--multiplier <m>', 'ad-hoc linear contract: base units per contract, e.g. 0.01')
    .option('--tick <t>', 'ad-hoc contract price tick (default 0.01)')
    .option('--fee-maker <pct>', 'maker fee in percent (ad-hoc default 0)')
    .option('--fee-taker <pct>', 'taker fee in percent (ad-hoc default 0)')
    .option('--specs <file>', 'a spec file that adds or overrides instruments')
    .option('--equity <amount>', 'account equity in the settle asset')
    .option('--risk-pct <pct>', 'the budget no stage may lose more than, in percent of equity', '1')
    .option('--total-contracts <n>', 'the planned total size (default: the largest the budget allows at every stage)')
    .option('--side <side>', 'long or short (default: implied by the stop; long for --stop-pct)')
    .option('--entry <price>', 'first entry price, on the tick grid')
    .option('--stop <price>', 'initial stop price')
    .option('--stop-pct <pct>', 'initial stop distance in percent of the entry, rounded away from it')
    .option('--split <split>', '30/40/30, thirds, 1/4-1/4-1/2, or custom percentages such as 20/30/50', '30/40/30')
    .option('--trigger <rule>', TRIGGER_HELP)
    .option('--leverage <x>', 'leverage of every step (ignored by fixed-margin contracts)', '10')
    .option('--json', 'print one JSON object')
    .action(async (opts: ScalePlanOptions) => runScalePlan(opts));
}

type Flags = typeof import('../flags.js');

async function runScalePlan(o: ScalePlanOptions): Promise<void> {
  const f = await import('../flags.js');
  const { planScaleIn, PRESET_SPLITS, customSplit, splitPcts } = await import('../../../risk/scale-plan.js');
  const { InputError } = await import('../../../core/errors.js');
  const { printJson, printKeyValues, printTable } = await import('../output.js');

  const chosen = await f.instrumentFromFlags(o, '0.01');
  const { spec } = chosen;
  const equity = f.moneyFlag('--equity', o.equity, `equity in ${spec.settle}, e.g. 1000`);
  const riskPct = f.percentFlag('--risk-pct', o.riskPct, { what: 'the risk budget' });
  const totalLots = o.totalContracts === undefined ? undefined : f.sizeFlag('--total-contracts', o.totalContracts, spec);
  const side = o.side === undefined ? undefined : f.enumFlag('--side', o.side, ['long', 'short'] as const);
  const entryTicks = f.priceFlag('--entry', o.entry, spec.tick);
  f.requireOne('--stop', o.stop !== undefined, '--stop-pct', o.stopPct !== undefined, 'Give the initial stop as a price (--stop 69650) or a percentage (--stop-pct 0.5)');
  const stop = o.stop !== undefined
    ? { kind: 'price' as const, ticks: f.priceFlag('--stop', o.stop, spec.tick) }
    : { kind: 'pct' as const, pct: f.percentFlag('--stop-pct', o.stopPct, { what: 'the stop distance', maxPct: '1000' }) };
  const split = parseSplit(f, o.split ?? '30/40/30', PRESET_SPLITS, customSplit, spec);
  if (o.trigger === undefined) throw new InputError('MISSING_OPTION', '--trigger', 'is required', `Pass ${TRIGGER_HELP}`);
  const trigger = parseTrigger(f, o.trigger, spec);
  const leverage = f.leverageFlag(o.leverage, spec, '10');

  const r = planScaleIn({
    spec, equity, riskPct, entryTicks, stop, split, trigger, leverage,
    size: totalLots === undefined ? { kind: 'risk' } : { kind: 'total-lots', lots: totalLots },
    ...(side !== undefined ? { side } : {}),
  });
  if (!r.ok) throw f.denialError(r.error, spec, { stop: o.stop !== undefined ? '--stop' : '--stop-pct', totalContracts: totalLots === undefined ? '--risk-pct' : '--total-contracts' });
  const p = r.value;
  const price = (t: number): number => f.priceNumber(t, spec.tick);
  // The average entry is a float between grid prices: shown to two decimals beyond the tick.
  const avg = (t: number): number => Number((t * spec.tick.stepFloat).toFixed(spec.tick.scale + 2));
  const contracts = (lots: number): number => Number(f.formatPrice(lots, spec.lot));

  if (o.json === true) {
    printJson({
      instrument: chosen.label,
      settle: spec.settle,
      side: p.side,
      split: p.split.name,
      splitPct: splitPcts(p.split),
      riskBudgetQuote: f.moneyNumber(p.budget),
      totalContracts: contracts(p.totalLots),
      maxWorstCaseLossQuote: f.moneyNumber(p.maxWorstCaseLoss),
      steps: p.steps.map((s) => ({
        step: s.step,
        trigger: s.trigger,
        entryPrice: price(s.entryTicks),
        contracts: contracts(s.lots),
        marginQuote: f.moneyNumber(s.margin),
        totalContracts: contracts(s.totalLots),
        totalMarginQuote: f.moneyNumber(s.totalMargin),
        averageEntryPrice: avg(s.averageEntryTicks),
        stopPrice: price(s.stopTicks),
        worstCaseLossQuote: f.moneyNumber(s.worstCaseLoss),
      })),
      notes: chosen.notes,
    });
    return;
  }
  const m = (x: Parameters<Flags['moneyText']>[0]): string => f.moneyText(x, spec.settle);
  const rows: [string, string][] = [
    ['instrument', chosen.label],
    ['side', p.side],
    ['split', `${p.split.name} (${splitPcts(p.split).join(' / ')} %)`],
    ['total', `${f.formatPrice(p.totalLots, spec.lot)} contracts${totalLots === undefined ? ' (the most every stage allows)' : ''}`],
    ['risk budget', m(p.budget)],
    ['largest worst case', `${m(p.maxWorstCaseLoss)} (never above the budget)`],
  ];
  for (const n of chosen.notes) rows.push(['note', n]);
  printKeyValues(rows);
  process.stdout.write(`\nsteps (worst case = loss of the whole position at the stop after that step, before fees; stop after add 1 = first entry, then one tick behind the previous entry)\n`);
  printTable(
    ['step', 'trigger', 'entry', 'contracts', 'margin', 'total', 'avg entry', 'stop', 'worst case'],
    p.steps.map((s) => [
      String(s.step), s.trigger, f.formatPrice(s.entryTicks, spec.tick), f.formatPrice(s.lots, spec.lot), f.moneyText(s.margin, '').trim(),
      f.formatPrice(s.totalLots, spec.lot), String(avg(s.averageEntryTicks)), f.formatPrice(s.stopTicks, spec.tick), f.moneyText(s.worstCaseLoss, '').trim(),
    ]),
  );
}

function parseSplit(
  f: Flags,
  raw: string,
  presets: typeof import('../../../risk/scale-plan.js').PRESET_SPLITS,
  custom: typeof import('../../../risk/scale-plan.js').customSplit,
  spec: InstrumentSpec,
): Split {
  const text = raw.trim().toLowerCase();
  if (text === 'thirds' || text === '1/3-1/3-1/3') return presets.thirds;
  if (text === '1/4-1/4-1/2' || text === 'quarter-quarter-half') return presets['1/4-1/4-1/2'];
  const parts = text.split(/[/,]/).map((p) => f.decimalFlag('--split', p, { min: '0', minExclusive: true, max: '100', expected: 'percentages above 0 such as 30/40/30 that sum to 100, or thirds, or 1/4-1/4-1/2' }));
  if (parts.length < 2) {
    throw new (f.InputError)('INVALID_OPTION', '--split', `"${raw}" has only one part`, 'Give at least two parts, e.g. --split 50/50 or --split 30/40/30');
  }
  const r = custom(parts);
  if (!r.ok) throw f.denialError(r.error, spec);
  return r.value;
}

function parseTrigger(f: Flags, raw: string, spec: InstrumentSpec): TriggerRule {
  const text = raw.trim().toLowerCase();
  const colon = text.indexOf(':');
  const kind = colon < 0 ? 'price' : text.slice(0, colon);
  const body = colon < 0 ? text : text.slice(colon + 1);
  const prices = (list: string): number[] => list.split(',').map((p) => f.priceFlag('--trigger', p.trim(), spec.tick));
  switch (kind) {
    case 'price':
    case 'prices':
      return { kind: 'prices', ticks: prices(body) };
    case 'pct':
      return { kind: 'pct', pct: f.percentFlag('--trigger', body, { what: 'the move between adds', maxPct: '100' }) };
    case 'atr': {
      const [k, atr] = body.split('x');
      const kDec = f.positiveFlag('--trigger', k, 'ATR multiple as KxATR, e.g. atr:2x35');
      return { kind: 'atr', k: kDec, atrTicks: f.priceFlag('--trigger', atr ?? '', spec.tick) };
    }
    case 'level':
    case 'levels':
      return { kind: 'levels', ticks: prices(body) };
    case 'rsi': {
      const [threshold, at] = body.split('@');
      const t = f.decimalFlag('--trigger', threshold, { min: '0', minExclusive: true, max: '100', expected: 'an RSI threshold from 0 to 100 and the planned prices, e.g. rsi:60@70300,70600' });
      if (at === undefined) throw new (f.InputError)('MISSING_OPTION', '--trigger', 'an RSI trigger needs the prices the adds are planned at', 'Write it as rsi:60@70300,70600');
      return { kind: 'rsi', threshold: Number(t.units) / 10 ** t.scale, atTicks: prices(at) };
    }
    default:
      throw new (f.InputError)('INVALID_OPTION', '--trigger', `"${raw}" is not a trigger rule`, `Use ${TRIGGER_HELP}`);
  }
}
