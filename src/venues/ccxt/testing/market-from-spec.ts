// A ccxt unified market built from our instrument spec, so offline tests of venues whose market listing takes many
// endpoints (Bybit, BingX, MEXC, WEEX) can `setMarkets` instead of replaying them. Tests only.
import type { InstrumentSpec } from '../../../domain/instrument.js';
import { formatUnits } from '../../../core/decimal.js';

/** The market in ccxt's unified structure (https://docs.ccxt.com/#/README?id=market-structure); `id` is the venue's symbol. */
export function marketFromSpec(spec: InstrumentSpec, id: string = spec.symbol): Record<string, unknown> {
  const linear = spec.contractType === 'linear';
  return {
    id,
    symbol: spec.ccxtSymbol,
    base: spec.base,
    quote: spec.quote,
    settle: spec.settle,
    baseId: spec.base,
    quoteId: spec.quote,
    settleId: spec.settle,
    type: 'swap',
    spot: false,
    margin: false,
    swap: true,
    future: false,
    option: false,
    active: true,
    contract: true,
    linear,
    inverse: !linear,
    contractSize: Number(formatUnits(spec.contractSize.units, spec.contractSize.scale)),
    precision: { amount: spec.lot.stepFloat, price: spec.tick.stepFloat },
    limits: { amount: { min: spec.lot.stepFloat * spec.minQtyLots, max: undefined }, price: {}, cost: {}, leverage: {} },
    info: {},
  };
}
