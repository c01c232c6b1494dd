// Reads a Binance USD-M new-order request (POST /fapi/v1/order or /fapi/v1/algoOrder parameters) into our OrderSpec
// on the instrument's tick and lot grid, or the Binance error the exchange would send. Never rounds a price or a
// quantity: off-grid values are refused, as Binance refuses them.
import { countFromText } from '../../core/grid.js';
import type { InstrumentSpec } from '../../domain/instrument.js';
import type { OrderAction, OrderSpec, PositionEffect, TimeInForce } from '../../domain/order.js';
import type { Side } from '../../domain/side.js';
import type { PositionMode } from '../../venues/venue.js';
import { BINANCE_ERRORS, invalidParameter, missingParameter, unsupported, type BinanceError } from './binance-errors.js';

/** Binance's order types on USD-M; the conditional ones go through the algo endpoint (`algoType=CONDITIONAL`). */
export const REGULAR_TYPES = ['LIMIT', 'MARKET'] as const;
export const ALGO_TYPES = ['STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'] as const;
export type BinanceOrderType = (typeof REGULAR_TYPES)[number] | (typeof ALGO_TYPES)[number];

export interface ParsedOrder {
  readonly spec: OrderSpec;
  readonly binanceType: BinanceOrderType;
  /** The client id the caller sent; undefined when the exchange must make one. */
  readonly clientId: string | undefined;
  readonly workingType: string;
}

/** Binance's rule for client order ids: `^[\.A-Z\:/a-z0-9_-]{1,36}$`. */
const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

type Parsed = { readonly ok: true; readonly order: ParsedOrder } | { readonly ok: false; readonly error: BinanceError };
const fail = (error: BinanceError): Parsed => ({ ok: false, error });

/**
 * `algo` says which endpoint was called: regular orders must be LIMIT or MARKET (-4120 otherwise, as Binance
 * answers since conditional orders moved to the algo service), algo orders one of ALGO_TYPES. `makeClientId` is
 * used when no client id was sent.
 */
export function parseOrderParams(p: URLSearchParams, spec: InstrumentSpec, positionMode: PositionMode, algo: boolean, makeClientId: () => string): Parsed {
  const type = (algo ? (p.get('type') ?? p.get('orderType')) : p.get('type')) ?? '';
  if (type === '') return fail(missingParameter('type'));
  const isRegular = (REGULAR_TYPES as readonly string[]).includes(type);
  const isAlgo = (ALGO_TYPES as readonly string[]).includes(type);
  if (!isRegular && !isAlgo) return fail(invalidParameter(-1116, 'Invalid orderType.'));
  if (!algo && isAlgo) return fail(BINANCE_ERRORS.useAlgoEndpoint);
  if (algo && isRegular) return fail(invalidParameter(-1116, 'Invalid orderType.'));
  if (algo && p.get('algoType') !== 'CONDITIONAL') return fail(missingParameter('algoType'));
  if (p.get('closePosition') === 'true') return fail(unsupported('closePosition; send quantity with reduceOnly=true'));
  const sideText = p.get('side');
  if (sideText !== 'BUY' && sideText !== 'SELL') return fail(missingParameter('side'));
  const action: OrderAction = sideText === 'BUY' ? 'buy' : 'sell';

  const positionSideText = p.get('positionSide') ?? 'BOTH';
  let positionSide: Side | undefined;
  if (positionMode === 'one-way') {
    if (positionSideText !== 'BOTH') return fail(BINANCE_ERRORS.positionSideMismatch);
  } else {
    if (positionSideText !== 'LONG' && positionSideText !== 'SHORT') return fail(BINANCE_ERRORS.positionSideMismatch);
    positionSide = positionSideText === 'LONG' ? 'long' : 'short';
    if (p.has('reduceOnly')) return fail(invalidParameter(-1106, "Parameter 'reduceOnly' sent when not required."));
  }
  const effect: PositionEffect = p.get('reduceOnly') === 'true' ? 'reduce-only' : 'open-or-reduce';

  const clientIdParam = algo ? p.get('clientAlgoId') : p.get('newClientOrderId');
  if (clientIdParam !== null && !CLIENT_ID.test(clientIdParam)) return fail(invalidParameter(-4015, 'Client order id is not valid.'));
  const clientId = clientIdParam ?? undefined;

  const qtyText = p.get('quantity');
  if (qtyText === null) return fail(missingParameter('quantity'));
  const qty = countFromText(qtyText, spec.lot, 'exact');
  if (!qty.ok) return fail(qty.error.kind === 'off-grid' ? invalidParameter(-4023, 'Qty not increased by step size.') : missingParameter('quantity'));
  if (qty.value <= 0) return fail(invalidParameter(-4003, 'Quantity less than or equal to zero.'));

  const price = (name: string): { readonly ticks: number } | BinanceError => {
    const text = p.get(name);
    if (text === null) return missingParameter(name);
    const r = countFromText(text, spec.tick, 'exact');
    if (!r.ok) return r.error.kind === 'off-grid' ? invalidParameter(-4014, 'Price not increased by tick size.') : missingParameter(name);
    if (r.value <= 0) return invalidParameter(-4013, 'Price less than min price.');
    return { ticks: r.value };
  };
  const tifText = p.get('timeInForce') ?? 'GTC';
  if (!['GTC', 'IOC', 'FOK', 'GTX'].includes(tifText)) return fail(invalidParameter(-1115, 'Invalid timeInForce.'));
  const timeInForce = tifText as TimeInForce;

  const base = {
    clientId: clientId ?? makeClientId(),
    instrument: spec.id,
    action,
    qtyLots: qty.value,
    effect,
    ...(positionSide === undefined ? {} : { positionSide }),
  };
  const orderType = type as BinanceOrderType;
  const done = (spec: OrderSpec): Parsed => ({ ok: true, order: { spec, binanceType: orderType, clientId, workingType: p.get('workingType') ?? 'CONTRACT_PRICE' } });
  const trigger = (): { readonly ticks: number } | BinanceError => price(p.has('triggerPrice') ? 'triggerPrice' : 'stopPrice');
  switch (orderType) {
    case 'MARKET':
      return done({ ...base, type: 'market' } as OrderSpec);
    case 'LIMIT': {
      const limit = price('price');
      if ('code' in limit) return fail(limit);
      return done({ ...base, type: 'limit', limitTicks: limit.ticks, timeInForce } as OrderSpec);
    }
    case 'STOP_MARKET':
    case 'TAKE_PROFIT_MARKET': {
      const t = trigger();
      if ('code' in t) return fail(t);
      return done({ ...base, type: orderType === 'STOP_MARKET' ? 'stop-market' : 'take-profit-market', triggerTicks: t.ticks } as OrderSpec);
    }
    case 'STOP':
    case 'TAKE_PROFIT': {
      const t = trigger();
      if ('code' in t) return fail(t);
      const limit = price('price');
      if ('code' in limit) return fail(limit);
      return done({ ...base, type: orderType === 'STOP' ? 'stop-limit' : 'take-profit-limit', triggerTicks: t.ticks, limitTicks: limit.ticks, timeInForce } as OrderSpec);
    }
    case 'TRAILING_STOP_MARKET': {
      const rateText = p.get('callbackRate');
      const ratePct = rateText === null ? NaN : Number(rateText);
      if (!Number.isFinite(ratePct)) return fail(missingParameter('callbackRate'));
      let activation: number | undefined;
      if (p.has('activationPrice')) {
        const a = price('activationPrice');
        if ('code' in a) return fail(a);
        activation = a.ticks;
      }
      return done({ ...base, type: 'trailing-stop', callbackRate: ratePct / 100, ...(activation === undefined ? {} : { activationTicks: activation }) } as OrderSpec);
    }
  }
}
