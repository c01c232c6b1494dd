import ccxt from 'ccxt';
import { describe, expect, test } from 'vitest';
import { loadRegistry } from '../../data/spec-files.js';
import { specFromCcxtOrder } from './order-mapping.js';

const spec = loadRegistry().get('BINANCE:BTCUSDT');
const binance = new ccxt.binanceusdm();

/**
 * A resting Binance USD-M conditional order as GET /fapi/v1/openAlgoOrders lists it (field names from
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Query-Algo-Order), read by
 * ccxt's own parser: the reference for what the adapter gets back at a restart.
 */
function algoOrder(orderType: string, extra: Record<string, unknown> = {}): ReturnType<typeof binance.parseOrder> {
  return binance.parseOrder({
    algoId: 5,
    clientAlgoId: 'mf1649e7-o10.5',
    algoType: 'CONDITIONAL',
    orderType,
    symbol: 'BTCUSDT',
    side: 'SELL',
    positionSide: 'BOTH',
    timeInForce: 'GTC',
    quantity: '0.002',
    algoStatus: 'NEW',
    actualOrderId: '',
    triggerPrice: '61833.2',
    price: '0',
    workingType: 'CONTRACT_PRICE',
    reduceOnly: true,
    createTime: 1_723_161_600_000,
    updateTime: 1_723_161_600_000,
    ...extra,
  });
}

describe('specFromCcxtOrder on Binance conditional orders read back', () => {
  test('a resting TAKE_PROFIT_MARKET reads back as a take-profit, not a stop', () => {
    const parsed = algoOrder('TAKE_PROFIT_MARKET');
    // The premise: ccxt folds the type into `market` with no takeProfitPrice, so only the raw type can tell.
    expect(parsed.type, 'ccxt reports take_profit_market as market').toBe('market');
    expect(specFromCcxtOrder(parsed, spec), 'a bracket target adopted at restart must not look like a second stop').toEqual({
      clientId: 'mf1649e7-o10.5',
      instrument: spec.id,
      action: 'sell',
      qtyLots: 2,
      effect: 'reduce-only',
      type: 'take-profit-market',
      // 61833.2 / 0.1 tick
      triggerTicks: 618_332,
    });
  });

  test('a resting STOP_MARKET still reads back as a stop-market', () => {
    expect(specFromCcxtOrder(algoOrder('STOP_MARKET'), spec)?.type, 'the stop is what restart protection looks for').toBe('stop-market');
  });

  test('a resting TAKE_PROFIT (limit) reads back as a take-profit-limit', () => {
    expect(specFromCcxtOrder(algoOrder('TAKE_PROFIT', { price: '61840.0' }), spec), 'limit 61840.0 / 0.1 tick').toMatchObject({ type: 'take-profit-limit', triggerTicks: 618_332, limitTicks: 618_400 });
  });

  test('a resting TRAILING_STOP_MARKET reads back as a trailing stop with its callback rate', () => {
    // callbackRate is in percent on Binance: 0.5 % is 0.005.
    expect(specFromCcxtOrder(algoOrder('TRAILING_STOP_MARKET', { callbackRate: '0.5', activatePrice: '61833.2' }), spec), 'not a stop-market at the activation price').toMatchObject({ type: 'trailing-stop', callbackRate: 0.005 });
  });
});
