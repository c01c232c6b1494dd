// `microfut hedge`: how many contracts to short against a spot holding, the hedge leg's margin and liquidation, and
// a P&L table over price moves with funding. Wiring only: the plan comes from src/risk/hedge.ts.
import type { Command } from 'commander';
import type { HedgeWarning } from '../../../risk/hedge.js';
import type { InstrumentFlags } from '../flags.js';

interface HedgeOptions extends InstrumentFlags {
  readonly spotQty?: string;
  readonly spotPrice?: string;
  readonly futuresPrice?: string;
  readonly leverage?: string;
  readonly marginMode?: string;
  readonly equity?: string;
  readonly hours?: string;
  readonly fundingRatePct?: string;
  readonly stepPct?: string;
  readonly json?: boolean;
}

export function registerHedge(program: Command): void {
  program
    .command('hedge')
    .description('short futures against spot coins: contracts, residual delta, margin, liquidation and a P&L table')
    .option('--spot-qty <qty>', 'spot holding in base units, e.g. 1.5 (BTC)')
    .option('--spot-price <price>', 'spot price in quote per base unit, e.g. 60000')
    .option('--instrument <id>', 'the futures contract, e.g. BINANCE:BTCUSDT, COINBASE:BIT, BYBIT:BTCUSD')
    .option('--multiplier <m>', 'ad-hoc linear contract: base units per contract, e.g. 0.01')
    .option('--tick <t>', 'ad-hoc contract price tick (default 0.01)')
    .option('--fee-maker <pct>', 'maker fee in percent of notional (overrides the instrument; ad-hoc default 0)')
    .option('--fee-taker <pct>', 'taker fee in percent of notional (overrides the instrument; ad-hoc default 0)')
    .option('--specs <file>', 'a spec file that adds or overrides instruments')
    .option('--futures-price <price>', 'where the short opens (default: the spot price rounded to the nearest tick)')
    .option('--leverage <x>', 'leverage of the hedge leg (ignored by fixed-margin contracts)', '2')
    .option('--margin-mode <mode>', 'isolated or cross (cross needs --equity, the futures wallet)', 'isolated')
    .option('--equity <amount>', 'futures wallet balance backing a cross-margin hedge, in the settle asset')
    .option('--hours <h>', 'how long the hedge stays on, for funding', '24')
    .option('--funding-rate-pct <pct>', 'funding rate per interval in percent (positive: the short receives)', '0.01')
    .option('--step-pct <pct>', 'step of the scenario table from -20 % to +20 %', '5')
    .option('--json', 'print one JSON object')
    .action(async (opts: HedgeOptions) => runHedge(opts));
}

async function runHedge(o: HedgeOptions): Promise<void> {
  const f = await import('../flags.js');
  const { planHedge } = await import('../../../risk/hedge.js');
  const { MARGIN_MODES } = await import('../../../risk/sizing.js');
  const { decimalToFloat, formatDecimal } = await import('../../../core/decimal.js');
  const { InputError } = await import('../../../core/errors.js');
  const { printJson, printKeyValues, printTable, printWarning } = await import('../output.js');

  const chosen = await f.instrumentFromFlags(o, '0.01');
  const { spec } = chosen;
  const spotQty = f.positiveFlag('--spot-qty', o.spotQty, `spot quantity in ${spec.base === 'BASE' ? 'base units' : spec.base}, e.g. 1.5`);
  const spotPrice = f.positiveFlag('--spot-price', o.spotPrice, 'spot price, e.g. 60000');
  const futuresEntryTicks = o.futuresPrice !== undefined
    ? f.priceFlag('--futures-price', o.futuresPrice, spec.tick)
    : f.priceFlag('--spot-price', formatDecimal(spotPrice), spec.tick, 'nearest');
  const leverage = f.leverageFlag(o.leverage, spec, '2');
  const marginMode = f.enumFlag('--margin-mode', o.marginMode, MARGIN_MODES, 'isolated');
  const crossWallet = o.equity === undefined ? undefined : f.moneyFlag('--equity', o.equity, `the futures wallet in ${spec.settle}`);
  if (marginMode === 'cross' && crossWallet === undefined) {
    throw new InputError('MISSING_OPTION', '--equity', 'is required with --margin-mode cross', `Pass the futures wallet balance in ${spec.settle} that backs the hedge, or use --margin-mode isolated`);
  }
  const hours = decimalToFloat(f.decimalFlag('--hours', o.hours ?? '24', { min: '0', max: '87600', expected: 'hours from 0 to 87600, e.g. 24' }));
  const fundingRatePct = decimalToFloat(f.decimalFlag('--funding-rate-pct', (o.fundingRatePct ?? '0.01').replace(/%$/, ''), { min: '-5', max: '5', expected: 'a funding rate in percent per interval between -5 and 5, e.g. 0.01' }));
  const stepPct = decimalToFloat(f.percentFlag('--step-pct', o.stepPct ?? '5', { what: 'the table step', maxPct: '20' }));
  const movesPct: number[] = [];
  for (let k = Math.floor(20 / stepPct); k >= 1; k--) movesPct.push(f.tidy(-k * stepPct));
  movesPct.push(0);
  for (let k = 1; k <= Math.floor(20 / stepPct); k++) movesPct.push(f.tidy(k * stepPct));

  const r = planHedge({
    spec, spotQty, spotPrice, futuresEntryTicks, leverage, marginMode, hours, fundingRate: fundingRatePct / 100, movesPct, feeOverride: chosen.feeOverride,
    ...(crossWallet !== undefined ? { crossWallet } : {}),
  });
  if (!r.ok) throw f.denialError(r.error, spec);
  const p = r.value;
  const warnings = p.warnings.map((w) => ({ code: w.code, message: warningText(w, spec.minQtyLots) }));
  for (const w of warnings) printWarning(w.message);
  const contracts = Number(f.formatPrice(p.lots, spec.lot));
  const px = (t: number): number => f.priceNumber(t, spec.tick);
  const quote = spec.quote;
  const base = chosen.adHoc ? 'base units' : spec.base;

  if (o.json === true) {
    printJson({
      instrument: chosen.label,
      settle: spec.settle,
      side: 'short',
      contracts,
      lots: p.lots,
      spotQty: decimalToFloat(spotQty),
      spotPrice: decimalToFloat(spotPrice),
      spotNotionalQuote: f.moneyNumber(p.spotNotional),
      futuresEntryPrice: px(futuresEntryTicks),
      hedgedBase: f.tidy(p.hedgedBase),
      residualBase: f.tidy(p.residualBase),
      residualQuote: f.moneyNumber(p.residual),
      notionalQuote: f.moneyNumber(p.notional),
      leverage: spec.margin.kind === 'tiered' ? leverage : null,
      marginMode,
      initialMarginQuote: f.moneyNumber(p.initialMargin),
      liquidationPrice: p.liquidation === undefined ? null : px(p.liquidation.ticks),
      liquidationMovePct: p.liquidationMovePct === undefined ? null : f.tidy(p.liquidationMovePct),
      hours,
      fundingPeriods: p.fundingPeriods,
      fundingQuote: f.moneyNumber(p.funding),
      scenarios: p.scenarios.map((s) => ({
        movePct: s.movePct,
        spotPrice: f.tidy(s.spotPrice),
        futuresPrice: px(s.futuresTicks),
        spotPnlQuote: f.moneyNumber(s.spotPnl),
        hedgePnlQuote: f.moneyNumber(s.hedgePnl),
        fundingQuote: f.moneyNumber(s.funding),
        feesQuote: f.moneyNumber(s.fees),
        netQuote: f.moneyNumber(s.net),
        liquidated: s.liquidated,
      })),
      notes: chosen.notes,
      warnings,
    });
    return;
  }
  const m = (x: Parameters<typeof f.moneyText>[0], asset: string = spec.settle): string => f.moneyText(x, asset);
  const rows: [string, string][] = [
    ['instrument', chosen.label],
    ['spot', `${formatDecimal(spotQty)} ${base} at ${formatDecimal(spotPrice)} ${quote} = ${m(p.spotNotional, quote)}`],
    ['short', `${f.formatPrice(p.lots, spec.lot)} contracts at ${f.formatPrice(futuresEntryTicks, spec.tick)} ${quote}`],
    ['hedged', `${f.tidy(p.hedgedBase)} ${base}`],
    ['unhedged delta', `${f.tidy(p.residualBase)} ${base} (${m(p.residual, quote)})`],
    ['notional', m(p.notional)],
    ['initial margin', `${m(p.initialMargin)} (${marginMode}${spec.margin.kind === 'tiered' ? `, ${leverage}x` : ', fixed per contract'})`],
    ['liquidation price', p.liquidation === undefined ? 'none' : `${f.formatPrice(p.liquidation.ticks, spec.tick)} ${quote} (+${(p.liquidationMovePct ?? 0).toFixed(2)} %)`],
    ['funding', `${m(p.funding, quote)} over ${hours} h (${p.fundingPeriods} funding time(s) at ${fundingRatePct} % each, at the entry price)`],
  ];
  for (const n of chosen.notes) rows.push(['note', n]);
  printKeyValues(rows);
  process.stdout.write(`\nP&L by price move, in ${quote} (fees: taker in and out; a liquidated leg loses its margin)\n`);
  const anyLiquidated = p.scenarios.some((s) => s.liquidated);
  printTable(
    ['move', 'spot price', 'spot P&L', 'hedge P&L', 'funding', 'fees', 'net', ...(anyLiquidated ? ['hedge leg'] : [])],
    p.scenarios.map((s) => [
      `${s.movePct > 0 ? '+' : ''}${s.movePct}%`,
      String(f.tidy(s.spotPrice)),
      f.moneyText(s.spotPnl, '').trim(),
      f.moneyText(s.hedgePnl, '').trim(),
      f.moneyText(s.funding, '').trim(),
      f.moneyText(s.fees, '').trim(),
      f.moneyText(s.net, '').trim(),
      ...(anyLiquidated ? [s.liquidated ? 'LIQUIDATED' : ''] : []),
    ]),
  );
}

function warningText(w: HedgeWarning, minLots: number): string {
  switch (w.code) {
    case 'LIQUIDATION_WITHIN_TABLE':
      return `the hedge leg is liquidated if the price rises ${w.liquidationMovePct.toFixed(2)} %: lower --leverage or add margin`;
    case 'MIN_QTY_ABOVE_HEDGE':
      return `the venue's minimum order (${minLots} lots) is more than the holding needs: the hedge is over-sized`;
  }
}
