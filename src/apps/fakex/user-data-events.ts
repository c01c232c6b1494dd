// Binance USD-M user data stream payloads (ORDER_TRADE_UPDATE for regular orders, ALGO_UPDATE for conditional ones,
// ACCOUNT_UPDATE) from the fake exchange's updates
// (https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams). Pure formatting; must
// never include anything but the account's own orders, fills and balances.
import { formatCount } from '../../core/grid.js';
import { formatMoney } from '../../core/money.js';
import { balanceJson, positionRiskJson } from './account-views.js';
import type { ExchangeUpdate, FakeExchange } from './fake-exchange.js';
import type { FakeOrder } from './fake-order.js';

type Json = Record<string, unknown>;

/** The event for one exchange update at server time `nowMs`. */
export function userDataEvent(x: FakeExchange, u: ExchangeUpdate, nowMs: number): Json {
  switch (u.kind) {
    case 'account': {
      const b = balanceJson(x, nowMs)[0]!;
      return {
        e: 'ACCOUNT_UPDATE',
        E: nowMs,
        T: nowMs,
        a: {
          m: u.reason,
          B: [{ a: b.asset, wb: b.balance, cw: b.crossWalletBalance, bc: '0' }],
          P: positionRiskJson(x, nowMs, true).map((p) => ({
            s: p.symbol, pa: p.positionAmt, ep: p.entryPrice, bep: p.breakEvenPrice, cr: '0', up: p.unRealizedProfit, mt: p.marginType, iw: p.isolatedWallet, ps: p.positionSide,
          })),
        },
      };
    }
    case 'order': {
      if (u.order.algo) return algoUpdateEvent(x, u.order, nowMs);
      const spec = x.spec;
      const o = u.order.toJson(spec);
      const f = u.fill;
      return {
        e: 'ORDER_TRADE_UPDATE',
        E: nowMs,
        T: f?.timeMs ?? nowMs,
        o: {
          s: spec.symbol, c: o.clientOrderId, S: o.side, o: o.type, f: o.timeInForce, q: o.origQty, p: o.price, ap: o.avgPrice, sp: o.stopPrice,
          x: u.execution, X: o.status, i: o.orderId,
          l: f === undefined ? '0' : formatCount(f.lots, spec.lot, spec.lot.scale),
          z: o.executedQty,
          L: f === undefined ? '0' : formatCount(f.priceTicks, spec.tick, spec.tick.scale),
          N: spec.settle, n: f === undefined ? '0' : formatMoney(f.fee, 8),
          T: f?.timeMs ?? nowMs, t: f?.tradeId ?? 0, b: '0', a: '0', m: f?.maker ?? false, R: o.reduceOnly, wt: o.workingType, ot: o.origType, ps: o.positionSide,
          cp: false, rp: f === undefined ? '0' : formatMoney(f.realisedPnl, 8), pP: false, si: 0, ss: 0, V: 'EXPIRE_MAKER', pm: 'NONE', gtd: 0,
        },
      };
    }
  }
}

/**
 * ALGO_UPDATE for a conditional order after a change, with its status after it (`X`), the regular order working for
 * it once triggered (`ai`, with its average price `ap`, filled quantity `aq` and type `act`) and a rejection's reason
 * (`rm`), as https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Algo-Order-Update
 * lays it out (its example labels T event time and E transaction time; fakex sends the same ms in both).
 */
export function algoUpdateEvent(x: FakeExchange, order: FakeOrder, nowMs: number): Json {
  const spec = x.spec;
  const a = order.toAlgoJson(spec);
  const child = order.child;
  return {
    e: 'ALGO_UPDATE',
    T: nowMs,
    E: nowMs,
    o: {
      caid: a['clientAlgoId'], aid: a['algoId'], at: 'CONDITIONAL', o: a['orderType'], s: spec.symbol, S: a['side'], ps: a['positionSide'], f: a['timeInForce'], q: a['quantity'],
      X: order.algoStatus,
      ai: child === undefined ? '' : String(child.orderId),
      ap: child === undefined ? '0' : child.averagePrice(spec),
      aq: formatCount(child?.executedLots ?? 0, spec.lot, spec.lot.scale),
      act: child === undefined ? '0' : child.binanceType,
      tp: a['triggerPrice'] ?? '0', p: a['price'], V: 'EXPIRE_MAKER', wt: a['workingType'], pm: 'NONE', cp: false, pP: false, R: a['reduceOnly'],
      tt: order.triggerMs, gtd: 0, rm: order.rejectReason,
    },
  };
}
