// Binance USD-M user data stream payloads (ORDER_TRADE_UPDATE, ACCOUNT_UPDATE) from the fake exchange's updates
// (https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams). Pure formatting; must
// never include anything but the account's own orders, fills and balances.
import { formatCount } from '../../core/grid.js';
import { formatMoney } from '../../core/money.js';
import { balanceJson, positionRiskJson } from './account-views.js';
import type { ExchangeUpdate, FakeExchange } from './fake-exchange.js';

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
