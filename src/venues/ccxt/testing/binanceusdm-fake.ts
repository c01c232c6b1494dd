// A small stateful Binance USD-M REST fake for offline tests of the ccxt adapter: orders, fills at one fixed price,
// one one-way position, wallet balance, in Binance's documented response formats and error codes
// (https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api). Never a matching engine:
// the full loopback exchange is `microfut fakex`.
import type { HttpCall, HttpReply } from './recorded-transport.js';

/** A fake order in Binance's wire format (decimal strings). */
type WireOrder = Record<string, string | number | boolean>;

export interface BinanceFakeOptions {
  /** The exchangeInfo body to serve (a recorded GET /fapi/v1/exchangeInfo answer). */
  readonly exchangeInfo: unknown;
  /** The one price everything trades at, as Binance prints it, e.g. "70000.0". */
  readonly priceText: string;
  /** Wallet balance in USDT, e.g. "1000". */
  readonly walletText: string;
  readonly nowMs: () => number;
}

const ok = (body: unknown): HttpReply => ({ status: 200, body });
const fail = (code: number, msg: string): HttpReply => ({ status: 400, body: { code, msg } });

export class BinanceUsdmFake {
  private readonly orders = new Map<number, WireOrder>();
  private readonly trades: Record<string, string | number | boolean>[] = [];
  private nextId = 1000;
  private positionQty = 0;
  /** Replies that replace the next call to a path (fault injection), first in first out. */
  private readonly scripted: { path: string; reply: HttpReply; stateful: boolean }[] = [];

  constructor(private readonly o: BinanceFakeOptions) {}

  /** Answers the next call to `path` with `reply`; `afterApplying` first lets the call change state (5xx after accept). */
  failNext(path: string, reply: HttpReply, afterApplying = false): void {
    this.scripted.push({ path, reply, stateful: afterApplying });
  }

  /** How many orders the venue holds with this client id (for "exactly one order per intent"). */
  ordersWithClientId(clientId: string): number {
    return [...this.orders.values()].filter((o) => o['clientOrderId'] === clientId).length;
  }

  readonly handle = (call: HttpCall): HttpReply => {
    const i = this.scripted.findIndex((s) => s.path === call.path);
    if (i >= 0) {
      const [s] = this.scripted.splice(i, 1);
      if (s !== undefined) {
        if (s.stateful) this.route(call);
        return s.reply;
      }
    }
    return this.route(call);
  };

  private route(call: HttpCall): HttpReply {
    const key = `${call.method} ${call.path}`;
    const p = call.params;
    switch (key) {
      case 'GET /fapi/v1/exchangeInfo':
        return ok(this.o.exchangeInfo);
      case 'GET /sapi/v1/capital/config/getall':
      case 'GET /sapi/v1/margin/allPairs':
      case 'GET /fapi/v1/openAlgoOrders':
        return ok([]);
      case 'POST /fapi/v1/order':
        return this.place(p);
      case 'GET /fapi/v1/order': {
        const o = this.find(p);
        return o === undefined ? fail(-2013, 'Order does not exist.') : ok(o);
      }
      case 'DELETE /fapi/v1/order': {
        const o = this.find(p);
        if (o === undefined || o['status'] !== 'NEW') return fail(-2011, 'Unknown order sent.');
        o['status'] = 'CANCELED';
        o['updateTime'] = this.o.nowMs();
        return ok(o);
      }
      case 'GET /fapi/v1/openOrders':
        return ok([...this.orders.values()].filter((o) => o['status'] === 'NEW'));
      case 'GET /fapi/v1/userTrades':
        return ok(this.trades.filter((t) => p['orderId'] === undefined || String(t['orderId']) === p['orderId']));
      case 'GET /fapi/v3/account':
        return ok(this.account());
      case 'GET /fapi/v1/leverageBracket':
        return ok([{ symbol: 'BTCUSDT', brackets: [{ bracket: 1, initialLeverage: 125, notionalCap: 50000, notionalFloor: 0, maintMarginRatio: 0.004, cum: 0 }] }]);
      case 'GET /fapi/v3/positionRisk':
        return ok(this.positionQty === 0 ? [] : [this.position()]);
      case 'GET /fapi/v2/positionRisk':
        // v2 lists the symbol flat or not, with its margin type and leverage.
        return ok([{ ...this.position(), marginType: 'cross', leverage: '20', isAutoAddMargin: 'false', maxNotionalValue: '250000' }]);
      case 'GET /fapi/v1/positionSide/dual':
        return ok({ dualSidePosition: false });
      case 'DELETE /fapi/v1/allOpenOrders':
        for (const o of this.orders.values()) if (o['status'] === 'NEW') o['status'] = 'CANCELED';
        return ok({ code: 200, msg: 'The operation of cancel all open order is done.' });
      default:
        return { status: 404, body: { code: -5000, msg: `the fake has no ${key}` } };
    }
  }

  private find(p: Readonly<Record<string, string>>): WireOrder | undefined {
    if (p['orderId'] !== undefined) return this.orders.get(Number(p['orderId']));
    return [...this.orders.values()].find((o) => o['clientOrderId'] === p['origClientOrderId']);
  }

  private place(p: Readonly<Record<string, string>>): HttpReply {
    if (p['symbol'] !== 'BTCUSDT') return fail(-1121, 'Invalid symbol.');
    const clientId = p['newClientOrderId'] ?? `fake-${this.nextId}`;
    if ([...this.orders.values()].some((o) => o['clientOrderId'] === clientId && o['status'] === 'NEW')) return fail(-4116, 'ClientOrderId is duplicated.');
    const qty = Number(p['quantity']);
    const buy = p['side'] === 'BUY';
    const price = Number(this.o.priceText);
    const marketable = p['type'] === 'MARKET' || (p['price'] !== undefined && (buy ? Number(p['price']) >= price : Number(p['price']) <= price));
    if (p['reduceOnly'] === 'true' && !(buy ? this.positionQty < 0 : this.positionQty > 0)) return fail(-2022, 'ReduceOnly Order is rejected.');
    if (p['timeInForce'] === 'GTX' && marketable) {
      return fail(-5022, 'Due to the order could not be executed as maker, the Post Only order will be rejected.');
    }
    const now = this.o.nowMs();
    const id = this.nextId++;
    const order: WireOrder = {
      orderId: id,
      symbol: 'BTCUSDT',
      status: 'NEW',
      clientOrderId: clientId,
      price: p['price'] ?? '0',
      avgPrice: '0.00',
      origQty: p['quantity'] ?? '0',
      executedQty: '0',
      cumQty: '0',
      cumQuote: '0',
      timeInForce: p['timeInForce'] ?? 'GTC',
      type: p['type'] ?? 'LIMIT',
      origType: p['type'] ?? 'LIMIT',
      reduceOnly: p['reduceOnly'] === 'true',
      closePosition: false,
      side: p['side'] ?? 'BUY',
      positionSide: p['positionSide'] ?? 'BOTH',
      stopPrice: '0',
      workingType: 'CONTRACT_PRICE',
      priceProtect: false,
      priceMatch: 'NONE',
      selfTradePreventionMode: 'NONE',
      goodTillDate: 0,
      updateTime: now,
    };
    this.orders.set(id, order);
    if (marketable) {
      order['status'] = 'FILLED';
      order['executedQty'] = order['cumQty'] = p['quantity'] ?? '0';
      order['avgPrice'] = this.o.priceText;
      order['cumQuote'] = String(qty * price);
      this.positionQty = Math.round((this.positionQty + (buy ? qty : -qty)) * 1e8) / 1e8;
      this.trades.push({
        buyer: buy,
        commission: (qty * price * 0.0005).toFixed(8),
        commissionAsset: 'USDT',
        id: 5000 + this.trades.length,
        maker: false,
        orderId: id,
        price: this.o.priceText,
        qty: p['quantity'] ?? '0',
        quoteQty: String(qty * price),
        realizedPnl: '0',
        side: p['side'] ?? 'BUY',
        positionSide: 'BOTH',
        symbol: 'BTCUSDT',
        time: now,
      });
    }
    return ok(order);
  }

  private position(): Record<string, string | number> {
    return {
      symbol: 'BTCUSDT',
      positionSide: 'BOTH',
      positionAmt: String(this.positionQty),
      entryPrice: this.o.priceText,
      breakEvenPrice: this.o.priceText,
      markPrice: this.o.priceText,
      unRealizedProfit: '0.00000000',
      liquidationPrice: '0',
      isolatedMargin: '0',
      notional: String(this.positionQty * Number(this.o.priceText)),
      marginAsset: 'USDT',
      isolatedWallet: '0',
      initialMargin: '0',
      maintMargin: '0',
      positionInitialMargin: '0',
      openOrderInitialMargin: '0',
      adl: 0,
      bidNotional: '0',
      askNotional: '0',
      updateTime: this.o.nowMs(),
    };
  }

  private account(): Record<string, unknown> {
    const w = this.o.walletText;
    const asset = { asset: 'USDT', walletBalance: w, unrealizedProfit: '0', marginBalance: w, maintMargin: '0', initialMargin: '0', positionInitialMargin: '0', openOrderInitialMargin: '0', crossWalletBalance: w, crossUnPnl: '0', availableBalance: w, maxWithdrawAmount: w, updateTime: this.o.nowMs() };
    return { totalInitialMargin: '0', totalMaintMargin: '0', totalWalletBalance: w, totalUnrealizedProfit: '0', totalMarginBalance: w, totalPositionInitialMargin: '0', totalOpenOrderInitialMargin: '0', totalCrossWalletBalance: w, totalCrossUnPnl: '0', availableBalance: w, maxWithdrawAmount: w, assets: [asset], positions: [] };
  }
}
