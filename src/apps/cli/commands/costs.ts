// `microfut costs`: fees, funding, net target and break-even move of one trade idea, as a table or one JSON object.
// Wiring only: flags are parsed in ../flags.ts and the numbers come from src/risk/costs.ts; nothing here computes.
import type { Command } from 'commander';
import type { CostsWarning } from '../../../risk/costs.js';
import type { InstrumentFlags } from '../flags.js';

interface CostsOptions extends InstrumentFlags {
  readonly entry?: string;
  readonly targetPct?: string;
  readonly side?: string;
  readonly entryOrder?: string;
  readonly exitOrder?: string;
  readonly holdHours?: string;
  readonly fundingRatePct?: string;
  readonly contracts?: string;
  readonly json?: boolean;
}

export function registerCosts(program: Command): void {
  program
    .command('costs')
    .description('fees, funding, net target and break-even move of a trade; warns when costs eat over a third of the target')
    .option('--instrument <id>', 'VENUE:SYMBOL or ccxt symbol, e.g. BINANCE:BTCUSDT')
    .option('--multiplier <m>', 'ad-hoc linear contract: base units per contract, e.g. 0.01')
    .option('--tick <t>', 'ad-hoc contract price tick (default 0.01)')
    .option('--fee-maker <pct>', 'maker fee in percent of notional (overrides the instrument; ad-hoc default 0)')
    .option('--fee-taker <pct>', 'taker fee in percent of notional (overrides the instrument; ad-hoc default 0)')
    .option('--specs <file>', 'a spec file that adds or overrides instruments')
    .option('--entry <price>', 'entry price, on the tick grid')
    .option('--target-pct <pct>', 'take-profit distance in percent of the entry, e.g. 0.2')
    .option('--side <side>', 'long or short', 'long')
    .option('--entry-order <type>', 'maker or taker entry', 'taker')
    .option('--exit-order <type>', 'maker or taker exit (a resting take-profit limit is maker)', 'maker')
    .option('--hold-hours <h>', 'expected time in the trade, in hours', '0')
    .option('--funding-rate-pct <pct>', 'funding rate per funding interval in percent (positive: longs pay)', '0.01')
    .option('--contracts <n>', 'size in contracts, on the lot grid (default: the minimum order)')
    .option('--json', 'print one JSON object')
    .action(async (opts: CostsOptions) => runCosts(opts));
}

async function runCosts(o: CostsOptions): Promise<void> {
  const f = await import('../flags.js');
  const { planCosts } = await import('../../../risk/costs.js');
  const { decimalToFloat } = await import('../../../core/decimal.js');
  const { printJson, printKeyValues, printWarning } = await import('../output.js');

  const chosen = await f.instrumentFromFlags(o, '0.01');
  const { spec } = chosen;
  const entryTicks = f.priceFlag('--entry', o.entry, spec.tick);
  const targetPct = f.percentFlag('--target-pct', o.targetPct, { what: 'the take-profit distance' });
  const side = f.enumFlag('--side', o.side, ['long', 'short'] as const, 'long');
  const entryLiquidity = f.enumFlag('--entry-order', o.entryOrder, ['maker', 'taker'] as const, 'taker');
  const exitLiquidity = f.enumFlag('--exit-order', o.exitOrder, ['maker', 'taker'] as const, 'maker');
  const holdHours = decimalToFloat(f.decimalFlag('--hold-hours', o.holdHours ?? '0', { min: '0', max: '87600', expected: 'hours from 0 to 87600, e.g. 8' }));
  const fundingRatePct = decimalToFloat(f.decimalFlag('--funding-rate-pct', (o.fundingRatePct ?? '0.01').replace(/%$/, ''), { min: '-5', max: '5', expected: 'a funding rate in percent per interval between -5 and 5, e.g. 0.01' }));
  const lots = o.contracts === undefined ? spec.minQtyLots : f.sizeFlag('--contracts', o.contracts, spec);

  const c = planCosts({ spec, side, entryTicks, lots, targetPct, entryLiquidity, exitLiquidity, holdHours, fundingRate: fundingRatePct / 100, feeOverride: chosen.feeOverride });
  const notes = [...chosen.notes];
  if (spec.funding.kind === 'none') notes.push(`${chosen.adHoc ? 'this contract' : spec.id} has no funding: the funding rate is ignored`);
  const warnings = c.warnings.map((w) => ({ code: w.code, message: warningText(w) }));
  for (const w of warnings) printWarning(w.message);
  const px = (t: number): number => f.priceNumber(t, spec.tick);
  const targetPctNumber = decimalToFloat(targetPct);

  if (o.json === true) {
    printJson({
      instrument: chosen.label,
      settle: spec.settle,
      side,
      entryPrice: px(entryTicks),
      targetPrice: px(c.targetTicks),
      contracts: Number(f.formatPrice(lots, spec.lot)),
      targetPct: targetPctNumber,
      entryFeePct: f.tidy(c.entryFeeRate * 100),
      exitFeePct: f.tidy(c.exitFeeRate * 100),
      feesPct: c.feesPct,
      fundingPeriods: c.fundingPeriods,
      fundingPct: c.fundingPct,
      costsPct: c.costsPct,
      netTargetPct: c.netTargetPct,
      costShareOfTargetPct: c.costShareOfTargetPct,
      grossTargetQuote: f.moneyNumber(c.grossTarget),
      feesQuote: f.moneyNumber(c.fees.totalFee),
      fundingQuote: f.moneyNumber(c.funding),
      netTargetQuote: f.moneyNumber(c.netTarget),
      breakEvenPrice: c.breakEvenTicks === undefined ? null : px(c.breakEvenTicks),
      breakEvenMoveTicks: c.breakEvenMoveTicks ?? null,
      notes,
      warnings,
    });
    return;
  }
  const m = (x: Parameters<typeof f.moneyText>[0]): string => f.moneyText(x, spec.settle);
  const pct = (x: number): string => `${x} %`;
  const rows: [string, string][] = [
    ['instrument', chosen.label],
    ['side', side],
    ['entry', `${f.formatPrice(entryTicks, spec.tick)} ${spec.quote}`],
    ['target', `${f.formatPrice(c.targetTicks, spec.tick)} ${spec.quote} (${pct(targetPctNumber)})`],
    ['contracts', `${f.formatPrice(lots, spec.lot)} (pass --contracts for the amounts of your size)`],
    ['fees', `${pct(c.feesPct)} (${entryLiquidity} ${f.tidy(c.entryFeeRate * 100)} % in, ${exitLiquidity} ${f.tidy(c.exitFeeRate * 100)} % out)`],
    ['funding', `${pct(c.fundingPct)} (${c.fundingPeriods} funding time(s) in ${holdHours} h at ${fundingRatePct} % each)`],
    ['costs', `${pct(c.costsPct)} = ${pct(c.costShareOfTargetPct)} of the target`],
    ['net target', pct(c.netTargetPct)],
    ['gross at target', m(c.grossTarget)],
    ['fees amount', m(c.fees.totalFee)],
    ['funding amount', `${m(c.funding)} (negative = paid)`],
    ['net at target', m(c.netTarget)],
    ['break-even exit', c.breakEvenTicks === undefined ? 'none' : `${f.formatPrice(c.breakEvenTicks, spec.tick)} ${spec.quote} (${c.breakEvenMoveTicks ?? 0} ticks in your favour)`],
  ];
  for (const n of notes) rows.push(['note', n]);
  printKeyValues(rows);
}

function warningText(w: CostsWarning): string {
  switch (w.code) {
    case 'COSTS_EAT_TARGET':
      return `costs of ${w.costsPct} % eat ${w.sharePct} % of the ${w.targetPct} % target (more than a third): widen the target, use maker orders or hold shorter`;
    case 'NET_TARGET_NOT_POSITIVE':
      return `the net target is ${w.netTargetPct} %: this trade loses money even when the target is hit`;
  }
}
