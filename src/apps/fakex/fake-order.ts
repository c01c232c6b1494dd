// One order on the fake exchange as Binance reports it: ids, status, executed quantity and quote, and its JSON in
// Binance's regular-order and algo-order layouts. Amounts are exact decimals from ticks and lots; must never
// format a price or quantity through a float.
import { formatUnits } from '../../core/decimal.js';
import { formatCount } from '../../core/grid.js';
import type { Money } from '../../core/money.js';
import { formatMoney } from '../../core/money.js';
import type { InstrumentSpec } from '../../domain/instrument.js';
import type { OrderSpec } from '../../domain/order.js';
import type { BinanceOrderType } from './order-params.js';

export type BinanceOrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';
/**
 * Binance algo-order statuses fakex uses: NEW until the trigger, then TRIGGERED (its child order trades) and FINISHED
 * when the child ends, or CANCELED / EXPIRED before it, or REJECTED when the triggered order is refused (reduce-only
 * with nothing to reduce, margin).
 */
export type AlgoStatus = 'NEW' | 'TRIGGERED' | 'FINISHED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';

export interface FakeFill {
  readonly tradeId: number;
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly lots: number;
  readonly priceTicks: number;
  readonly maker: boolean;
  /** In the settle asset (USDT), exact. */
  readonly fee: Money;
  readonly realisedPnl: Money;
  readonly timeMs: number;
}

type Json = Record<string, unknown>;

export class FakeOrder {
  orderId: number;
  readonly spec: OrderSpec;
  readonly binanceType: BinanceOrderType;
  readonly algo: boolean;
  readonly createdMs: number;
  readonly workingType: string;
  status: BinanceOrderStatus = 'NEW';
  algoStatus: AlgoStatus = 'NEW';
  executedLots = 0;
  /** Sum over fills of lots x ticks (an integer: the quote amount in lot-step x tick-step units). */
  lotTicks = 0;
  updateMs: number;
  triggerMs = 0;
  /** For an algo order that triggered: the regular order that works for it. */
  child: FakeOrder | undefined;
  parent: FakeOrder | undefined;
  /** Why a triggered algo order was rejected (ALGO_UPDATE `rm`); '' otherwise. */
  rejectReason = '';

  constructor(orderId: number, spec: OrderSpec, binanceType: BinanceOrderType, algo: boolean, createdMs: number, workingType: string) {
    this.orderId = orderId;
    this.spec = spec;
    this.binanceType = binanceType;
    this.algo = algo;
    this.createdMs = createdMs;
    this.updateMs = createdMs;
    this.workingType = workingType;
  }

  get clientOrderId(): string {
    return this.spec.clientId;
  }

  isFinal(): boolean {
    return this.algo ? this.algoStatus !== 'NEW' : this.status === 'FILLED' || this.status === 'CANCELED' || this.status === 'EXPIRED';
  }

  fill(f: FakeFill): void {
    this.executedLots += f.lots;
    this.lotTicks += f.lots * f.priceTicks;
    this.updateMs = f.timeMs;
    this.status = this.executedLots >= this.spec.qtyLots ? 'FILLED' : 'PARTIALLY_FILLED';
    if (this.status === 'FILLED' && this.parent !== undefined) this.parent.algoStatus = 'FINISHED';
  }

  /** An algo order's trigger fired: it becomes TRIGGERED and a regular order (market, or limit) works for it. */
  trigger(timeMs: number): FakeOrder | undefined {
    if (!this.algo) return undefined;
    this.algoStatus = 'TRIGGERED';
    this.triggerMs = timeMs;
    this.updateMs = timeMs;
    const limit = this.spec.type === 'stop-limit' || this.spec.type === 'take-profit-limit';
    const child = new FakeOrder(0, this.spec, limit ? 'LIMIT' : 'MARKET', false, timeMs, this.workingType);
    child.parent = this;
    this.child = child;
    return child;
  }

  finish(status: 'CANCELED' | 'EXPIRED', timeMs: number): void {
    this.updateMs = timeMs;
    if (this.algo) this.algoStatus = status;
    else this.status = status;
    if (this.parent !== undefined && this.parent.algoStatus === 'TRIGGERED') this.parent.algoStatus = 'FINISHED';
  }

  /**
   * The matching engine refused the order a triggered algo order placed: the regular order ends EXPIRED (Binance's
   * status for a system-ended order) and its algo order REJECTED with the reason.
   */
  refuseTriggered(reason: string, timeMs: number): void {
    this.updateMs = timeMs;
    this.status = 'EXPIRED';
    if (this.parent === undefined) return;
    this.parent.algoStatus = 'REJECTED';
    this.parent.rejectReason = reason;
    this.parent.updateMs = timeMs;
  }

  /** Binance's regular order JSON (GET /fapi/v1/order; the POST reply adds cumQty). */
  toJson(instrument: InstrumentSpec): Json {
    const s = this.spec;
    const qty = (lots: number): string => formatCount(lots, instrument.lot, instrument.lot.scale);
    const px = (ticks: number | undefined): string => (ticks === undefined ? '0' : formatCount(ticks, instrument.tick, instrument.tick.scale));
    const limitTicks = 'limitTicks' in s ? s.limitTicks : undefined;
    const triggerTicks = 'triggerTicks' in s ? s.triggerTicks : undefined;
    return {
      orderId: this.orderId,
      symbol: instrument.symbol,
      status: this.status,
      clientOrderId: s.clientId,
      price: px(limitTicks),
      avgPrice: this.averagePrice(instrument),
      origQty: qty(s.qtyLots),
      executedQty: qty(this.executedLots),
      cumQty: qty(this.executedLots),
      cumQuote: this.cumQuote(instrument),
      timeInForce: 'timeInForce' in s ? s.timeInForce : 'GTC',
      type: this.binanceType,
      reduceOnly: s.effect === 'reduce-only',
      closePosition: false,
      side: s.action === 'buy' ? 'BUY' : 'SELL',
      positionSide: s.positionSide === undefined ? 'BOTH' : s.positionSide === 'long' ? 'LONG' : 'SHORT',
      stopPrice: px(triggerTicks),
      workingType: this.workingType,
      priceProtect: false,
      origType: this.parent?.binanceType ?? this.binanceType,
      priceMatch: 'NONE',
      selfTradePreventionMode: 'EXPIRE_MAKER',
      goodTillDate: 0,
      time: this.createdMs,
      updateTime: this.updateMs,
    };
  }

  /** Binance's algo order JSON (POST/GET /fapi/v1/algoOrder, openAlgoOrders). */
  toAlgoJson(instrument: InstrumentSpec): Json {
    const s = this.spec;
    const px = (ticks: number | undefined): string | null => (ticks === undefined ? null : formatCount(ticks, instrument.tick, instrument.tick.scale));
    return {
      algoId: this.orderId,
      clientAlgoId: s.clientId,
      algoType: 'CONDITIONAL',
      orderType: this.binanceType,
      symbol: instrument.symbol,
      side: s.action === 'buy' ? 'BUY' : 'SELL',
      positionSide: s.positionSide === undefined ? 'BOTH' : s.positionSide === 'long' ? 'LONG' : 'SHORT',
      timeInForce: 'timeInForce' in s ? s.timeInForce : 'GTC',
      quantity: formatCount(s.qtyLots, instrument.lot, instrument.lot.scale),
      algoStatus: this.algoStatus,
      actualOrderId: this.child === undefined ? '' : String(this.child.orderId),
      triggerPrice: px('triggerTicks' in s ? s.triggerTicks : undefined),
      price: px('limitTicks' in s ? s.limitTicks : undefined) ?? '0',
      ...(s.type === 'trailing-stop'
        ? { callbackRate: String(Math.round(s.callbackRate * 10_000) / 100), activatePrice: px(s.activationTicks) }
        : {}),
      icebergQuantity: null,
      selfTradePreventionMode: 'EXPIRE_MAKER',
      workingType: this.workingType,
      priceMatch: 'NONE',
      closePosition: false,
      priceProtect: false,
      reduceOnly: s.effect === 'reduce-only',
      createTime: this.createdMs,
      updateTime: this.updateMs,
      triggerTime: this.triggerMs,
      goodTillDate: 0,
    };
  }

  /** Quote filled, exact: sum(lots x ticks) x lot step x tick step. */
  cumQuote(instrument: InstrumentSpec): string {
    const units = BigInt(this.lotTicks) * BigInt(instrument.lot.stepUnits) * BigInt(instrument.tick.stepUnits);
    return formatUnits(units, instrument.lot.scale + instrument.tick.scale, 2);
  }

  /** Average fill price, truncated to 8 decimals beyond the tick (Binance also prints a long decimal here). */
  averagePrice(instrument: InstrumentSpec): string {
    if (this.executedLots === 0) return '0';
    const scaled = (BigInt(this.lotTicks) * BigInt(instrument.tick.stepUnits) * 10n ** 8n) / BigInt(this.executedLots);
    return formatUnits(scaled, instrument.tick.scale + 8, instrument.tick.scale);
  }
}

/** A fill as GET /fapi/v1/userTrades lists it. */
export function fillJson(f: FakeFill, order: FakeOrder | undefined, instrument: InstrumentSpec): Json {
  const quoteUnits = BigInt(f.lots * f.priceTicks) * BigInt(instrument.lot.stepUnits) * BigInt(instrument.tick.stepUnits);
  const s = order?.spec;
  return {
    symbol: instrument.symbol,
    id: f.tradeId,
    orderId: f.orderId,
    side: s?.action === 'sell' ? 'SELL' : 'BUY',
    price: formatCount(f.priceTicks, instrument.tick, instrument.tick.scale),
    qty: formatCount(f.lots, instrument.lot, instrument.lot.scale),
    realizedPnl: formatMoney(f.realisedPnl, 8),
    quoteQty: formatUnits(quoteUnits, instrument.lot.scale + instrument.tick.scale, 2),
    commission: formatMoney(f.fee, 8),
    commissionAsset: instrument.settle,
    time: f.timeMs,
    positionSide: s?.positionSide === undefined ? 'BOTH' : s.positionSide === 'long' ? 'LONG' : 'SHORT',
    buyer: s?.action === 'buy',
    maker: f.maker,
  };
}
