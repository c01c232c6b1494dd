// What a simulated run must say about its models, in words for the run metadata: fill model, latency, and per
// instrument the mark source (liquidation, equity) and the funding source. Must never change a model.
import type { SimVenueConfig } from './sim-config.js';
import type { FundingSeries, SimMarket } from './sim-market.js';

/** One line per model assumption, in a fixed order (run.json keeps them; reruns compare byte for byte). */
export function describeSimModels(config: SimVenueConfig, markets: readonly SimMarket[]): readonly string[] {
  const notes = [`fill model: ${JSON.stringify(config.fill)}`, `latency: ${JSON.stringify(config.latency)}`];
  for (const m of markets) {
    const id = m.ia.spec.id;
    notes.push(markNote(id, m));
    notes.push(m.funding === undefined ? `${id}: no funding charged (funding off or no funding history given)` : `${id}: funding from ${m.funding.timeMs.length} real settlements, ${fundingMarkNote(m.funding)}`);
  }
  return notes;
}

function markNote(id: string, m: SimMarket): string {
  if (m.markSource === 'mark-series') return `${id}: mark price from the mark-price series`;
  const proxy = 'mark proxy = traded price (bars: adverse extreme for liquidation, open at a funding time, close for equity)';
  if (m.markBars === 0) return `${id}: no mark series; ${proxy}`;
  const rest = m.markBars < m.bars ? `; the other bars: ${proxy}` : '';
  return `${id}: mark price from the mark-price kline of each bar for ${m.markBars} of ${m.bars} bars (liquidation on the mark's adverse extreme, low for a long and high for a short; equity at the mark close)${rest}`;
}

/** How many settlements carry their own mark. */
function fundingMarkNote(f: FundingSeries): string {
  let known = 0;
  if (f.markTicks !== undefined) for (let i = 0; i < f.markTicks.length; i++) if (f.markTicks[i]! > 0) known++;
  return known === 0 ? 'notional at the mark proxy' : `notional at the settlement's mark price for ${known} of ${f.timeMs.length} (the mark proxy for the rest)`;
}
