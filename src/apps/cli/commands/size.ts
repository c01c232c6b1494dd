// `microfut size`: risk-based position size for one trade, as a table or one JSON object.
// Wiring only: flags are parsed in ../flags.ts and the plan comes from src/risk/sizing.ts; nothing here computes.
import type { Command } from 'commander';
import type { ChosenInstrument, InstrumentFlags } from '../flags.js';
import type { SizingPlan, SizingWarning } from '../../../risk/sizing.js';

interface SizeOptions extends InstrumentFlags {
  readonly equity?: string;
  readonly riskPct?: string;
  readonly entry?: string;
  readonly stop?: string;
  readonly stopPct?: string;
  readonly side?: string;
  readonly leverage?: string;
  readonly marginMode?: string;
  readonly includeFees?: boolean;
  readonly entryOrder?: string;
  readonly maxUtilisationPct?: string;
  readonly json?: boolean;
}

export function registerSize(program: Command): void {
  program
    .command('size')
    .description('risk-based position size: contracts, risk, margin, liquidation, fees and break-even for one trade')
    .option('--instrument <id>', 'VENUE:SYMBOL or ccxt symbol, e.g. COINBASE:BIT, BINANCE:BTCUSDT')
    .option('--multiplier <m>', 'ad-hoc linear contract: base units per contract, e.g. 0.01 (with --tick)')
    .option('--tick <t>', 'ad-hoc contract price tick, e.g. 0.01')
    .option('--fee-maker <pct>', 'maker fee in percent of notional (overrides the instrument; ad-hoc default 0)')
    .option('--fee-taker <pct>', 'taker fee in percent of notional (overrides the instrument; ad-hoc default 0)')
    .option('--specs <file>', 'a spec file that adds or overrides instruments')
    .option('--equity <amount>', 'account equity in the settle asset (USDT, USD; the coin for inverse contracts)')
    .option('--risk-pct <pct>', 'risk per trade in percent of equity', '1')
    .option('--entry <price>', 'entry price, on the tick grid')
    .option('--stop <price>', 'stop price, on the tick grid (below the entry for a long)')
    .option('--stop-pct <pct>', 'stop distance in percent of the entry, rounded away from the entry onto the grid')
    .option('--side <side>', 'long or short (default: implied by the stop; long for --stop-pct)')
    .option('--leverage <x>', 'leverage for initial margin (ignored by fixed-margin contracts)', '10')
    .option('--margin-mode <mode>', 'isolated or cross (cross: the whole equity backs the position)', 'isolated')
    .option('--include-fees', 'make the risk budget cover the round-trip fees too')
    .option('--entry-order <type>', 'maker or taker entry (the stop exit always pays taker)', 'taker')
    .option('--max-utilisation-pct <pct>', 'warn when initial margin exceeds this percent of equity', '10')
    .option('--json', 'print one JSON object')
    .action(async (opts: SizeOptions) => runSize(opts));
}

async function runSize(o: SizeOptions): Promise<void> {
  const f = await import('../flags.js');
  const { planSize, consecutiveStopsDrawdownPct, MARGIN_MODES } = await import('../../../risk/sizing.js');
  const { contractMathFor } = await import('../../../domain/contract-math.js');
  const { decimalToFloat } = await import('../../../core/decimal.js');
  const { printJson, printKeyValues, printWarning } = await import('../output.js');

  const chosen = await f.instrumentFromFlags(o);
  const { spec } = chosen;
  const equity = f.moneyFlag('--equity', o.equity, `equity in ${spec.settle}, e.g. 5000`);
  const riskPct = f.percentFlag('--risk-pct', o.riskPct, { what: 'the risk per trade' });
  const entryTicks = f.priceFlag('--entry', o.entry, spec.tick);
  f.requireOne('--stop', o.stop !== undefined, '--stop-pct', o.stopPct !== undefined, 'Give the stop as a price (--stop 69300) or a percentage of the entry (--stop-pct 1)');
  const stop = o.stop !== undefined
    ? { kind: 'price' as const, ticks: f.priceFlag('--stop', o.stop, spec.tick) }
    : { kind: 'pct' as const, pct: f.percentFlag('--stop-pct', o.stopPct, { what: 'the stop distance', maxPct: '1000' }) };
  const side = o.side === undefined ? undefined : f.enumFlag('--side', o.side, ['long', 'short'] as const);
  const leverage = f.leverageFlag(o.leverage, spec, '10');
  const marginMode = f.enumFlag('--margin-mode', o.marginMode, MARGIN_MODES, 'isolated');
  const entryLiquidity = f.enumFlag('--entry-order', o.entryOrder, ['maker', 'taker'] as const, 'taker');
  const maxUtilisationPct = decimalToFloat(f.percentFlag('--max-utilisation-pct', o.maxUtilisationPct, { what: 'the margin utilisation ceiling' }));

  const r = planSize({
    spec,
    equity,
    riskPct,
    entryTicks,
    stop,
    ...(side !== undefined ? { side } : {}),
    leverage,
    marginMode,
    includeFees: o.includeFees === true,
    entryLiquidity,
    maxUtilisationPct,
    feeOverride: chosen.feeOverride,
  });
  if (!r.ok) throw f.denialError(r.error, spec, { stop: o.stop !== undefined ? '--stop' : '--stop-pct' });
  const p = r.value;
  const math = contractMathFor(spec);
  const riskPctNumber = decimalToFloat(riskPct);
  const fiveStopsPct = consecutiveStopsDrawdownPct(riskPctNumber, 5);
  const warnings = p.warnings.map((w) => ({ code: w.code, message: warningText(w, f.pctText) }));
  for (const w of warnings) printWarning(w.message);

  const px = (t: number): number => f.priceNumber(t, spec.tick);
  const pctOfEntry = (ticks: number): number => f.tidy((ticks / p.entryTicks) * 100);
  if (o.json === true) {
    printJson({
      instrument: chosen.label,
      settle: spec.settle,
      side: p.side,
      entryPrice: px(p.entryTicks),
      stopPrice: px(p.stopTicks),
      stopDistanceTicks: p.stopDistanceTicks,
      stopDistancePct: pctOfEntry(p.stopDistanceTicks),
      contracts: Number(f.formatPrice(p.lots, spec.lot)),
      lots: p.lots,
      quantityBase: f.tidy(math.baseQuantity(p.lots, p.entryTicks)),
      riskBudgetQuote: f.moneyNumber(p.budget),
      riskQuote: f.moneyNumber(p.risk),
      riskPctOfEquity: f.tidy((p.risk / equity) * 100),
      feesQuote: f.moneyNumber(p.fees.totalFee),
      entryFeeQuote: f.moneyNumber(p.fees.entryFee),
      exitFeeQuote: f.moneyNumber(p.fees.exitFee),
      lossWithFeesQuote: f.moneyNumber(p.lossWithFees),
      includeFees: o.includeFees === true,
      notionalQuote: f.moneyNumber(p.notional),
      leverage: p.leverage ?? null,
      maxLeverage: p.maxLeverage ?? null,
      marginMode,
      initialMarginQuote: f.moneyNumber(p.initialMargin),
      marginUtilisationPct: f.tidy(p.marginUtilisationPct),
      liquidationPrice: p.liquidation === undefined ? null : px(p.liquidation.ticks),
      bankruptcyPrice: p.bankruptcy === undefined ? null : px(p.bankruptcy.ticks),
      liquidationBeyondStopTicks: p.liquidationBeyondStopTicks ?? null,
      breakEvenPrice: p.breakEvenTicks === undefined ? null : px(p.breakEvenTicks),
      fiveStopsDrawdownPct: f.tidy(fiveStopsPct),
      notes: chosen.notes,
      warnings,
    });
    return;
  }
  printKeyValues(sizeRows(p, chosen, { equity: f.moneyText(equity, spec.settle), riskPct: riskPctNumber, fiveStopsPct, marginMode, stopGivenAsPct: o.stop === undefined }, f));
}

type Flags = typeof import('../flags.js');

function sizeRows(
  p: SizingPlan,
  chosen: ChosenInstrument,
  ctx: { equity: string; riskPct: number; fiveStopsPct: number; marginMode: string; stopGivenAsPct: boolean },
  f: Flags,
): [string, string][] {
  const { spec } = chosen;
  const price = (t: number): string => `${f.formatPrice(t, spec.tick)} ${spec.quote}`;
  const m = (x: Parameters<Flags['moneyText']>[0]): string => f.moneyText(x, spec.settle);
  const rows: [string, string][] = [
    ['instrument', chosen.label],
    ['side', p.side],
    ['entry', price(p.entryTicks)],
    ['stop', `${price(p.stopTicks)}${ctx.stopGivenAsPct ? ' (from --stop-pct, rounded away from the entry)' : ''}`],
    ['stop distance', `${p.stopDistanceTicks} ticks, ${f.pctText((p.stopDistanceTicks / p.entryTicks) * 100)}`],
    ['contracts', `${f.formatPrice(p.lots, spec.lot)} (rounded down to the lot ${spec.lot.step})`],
    ['equity', ctx.equity],
    ['risk budget', `${m(p.budget)} (${ctx.riskPct} % of equity)`],
    ['risk at stop', `${m(p.risk)} before fees`],
    ['round-trip fees', `${m(p.fees.totalFee)} (entry ${m(p.fees.entryFee)}, exit at stop ${m(p.fees.exitFee)})`],
    ['loss at stop with fees', m(p.lossWithFees)],
    ['notional', m(p.notional)],
    ['leverage', p.leverage === undefined ? 'fixed margin per contract' : `${p.leverage}x (max ${p.maxLeverage ?? '?'}x at this notional)`],
    ['initial margin', `${m(p.initialMargin)} (${ctx.marginMode})`],
    ['margin utilisation', `${f.pctText(p.marginUtilisationPct)} of equity`],
    ['liquidation price', p.liquidation === undefined ? 'none (the margin covers any move)' : `${price(p.liquidation.ticks)} (${p.liquidationBeyondStopTicks ?? 0} ticks beyond the stop)`],
    ['break-even exit', p.breakEvenTicks === undefined ? 'none' : `${price(p.breakEvenTicks)} (after round-trip fees)`],
    ['five straight stops', `cost ${f.pctText(ctx.fiveStopsPct)} of equity (compounded)`],
  ];
  for (const n of chosen.notes) rows.push(['note', n]);
  return rows;
}

function warningText(w: SizingWarning, pct: (x: number) => string): string {
  switch (w.code) {
    case 'MARGIN_UTILISATION_HIGH':
      return `margin utilisation ${pct(w.utilisationPct)} of equity is above ${pct(w.maxPct)}: lower the size or raise --leverage`;
    case 'CAPPED_AT_MAX_QTY':
      return `the budget allows ${w.budgetLots} lots but the venue's maximum order is ${w.maxLots} lots: capped`;
  }
}
