// Binance USD-M account payloads built from the fake exchange's venue: balance, account and positionRisk in the v2
// and v3 layouts ccxt reads. Read-only views; must never change the account.
import { countToFloat, formatCount } from '../../core/grid.js';
import { formatMoney, type Money } from '../../core/money.js';
import type { FakeExchange } from './fake-exchange.js';

type Json = Record<string, unknown>;
const usd = (m: Money | number): string => formatMoney(m as Money, 8);

/** GET /fapi/v2|v3/balance: one row for the settle asset. */
export function balanceJson(x: FakeExchange, nowMs: number): Json[] {
  const m = x.metrics();
  const cross = x.account.marginMode === 'cross';
  return [
    {
      accountAlias: 'fakex',
      asset: x.spec.settle,
      balance: usd(m.balance),
      crossWalletBalance: usd(m.balance),
      crossUnPnl: usd(cross ? m.unrealisedPnl : 0),
      availableBalance: usd(m.availableMargin),
      maxWithdrawAmount: usd(Math.max(0, m.availableMargin)),
      marginAvailable: true,
      updateTime: nowMs,
    },
  ];
}

/** GET /fapi/v2|v3/positionRisk. `includeFlat`: v2 lists the symbol even without a position (v3 does not). */
export function positionRiskJson(x: FakeExchange, nowMs: number, includeFlat: boolean): Json[] {
  const snap = x.snapshot();
  const spec = x.spec;
  const mark = x.bestTicks === undefined ? 0 : (x.bestTicks.bid + x.bestTicks.ask) / 2;
  const markText = String(countToFloat(mark, spec.tick));
  const rows: Json[] = snap.positions.map((p) => {
    const entry = countToFloat(p.entryTicks, spec.tick);
    const qty = countToFloat(p.signedLots, spec.lot);
    const upnl = qty * (countToFloat(mark, spec.tick) - entry);
    return {
      symbol: spec.symbol,
      positionAmt: formatCount(p.signedLots, spec.lot, spec.lot.scale),
      entryPrice: String(entry),
      breakEvenPrice: String(entry),
      markPrice: markText,
      unRealizedProfit: upnl.toFixed(8),
      liquidationPrice: '0',
      leverage: String(x.account.leverage),
      maxNotionalValue: '0',
      marginType: x.account.marginMode,
      isolatedMargin: p.isolatedMargin === undefined ? '0' : usd(p.isolatedMargin),
      isAutoAddMargin: 'false',
      positionSide: p.positionSide === undefined ? 'BOTH' : p.positionSide === 'long' ? 'LONG' : 'SHORT',
      notional: (qty * countToFloat(mark, spec.tick)).toFixed(8),
      isolatedWallet: p.isolatedMargin === undefined ? '0' : usd(p.isolatedMargin),
      updateTime: nowMs,
    };
  });
  if (rows.length === 0 && includeFlat) {
    const sides = x.account.positionMode === 'hedge' ? ['LONG', 'SHORT'] : ['BOTH'];
    for (const positionSide of sides) {
      rows.push({
        symbol: spec.symbol, positionAmt: '0', entryPrice: '0', breakEvenPrice: '0', markPrice: markText, unRealizedProfit: '0', liquidationPrice: '0',
        leverage: String(x.account.leverage), maxNotionalValue: '0', marginType: x.account.marginMode, isolatedMargin: '0', isAutoAddMargin: 'false',
        positionSide, notional: '0', isolatedWallet: '0', updateTime: 0,
      });
    }
  }
  return rows;
}

/** GET /fapi/v2|v3/account: totals, the settle asset and the positions. */
export function accountJson(x: FakeExchange, nowMs: number): Json {
  const m = x.metrics();
  const margin = (m.positionMargin + m.orderMargin) as Money;
  return {
    feeTier: 0,
    canTrade: true,
    canDeposit: true,
    canWithdraw: false,
    updateTime: 0,
    multiAssetsMargin: false,
    totalInitialMargin: usd(margin),
    totalMaintMargin: '0.00000000',
    totalWalletBalance: usd(m.balance),
    totalUnrealizedProfit: usd(m.unrealisedPnl),
    totalMarginBalance: usd(m.equity),
    totalPositionInitialMargin: usd(m.positionMargin),
    totalOpenOrderInitialMargin: usd(m.orderMargin),
    totalCrossWalletBalance: usd(m.balance),
    totalCrossUnPnl: usd(m.unrealisedPnl),
    availableBalance: usd(m.availableMargin),
    maxWithdrawAmount: usd(Math.max(0, m.availableMargin)),
    assets: [
      {
        asset: x.spec.settle,
        walletBalance: usd(m.balance),
        unrealizedProfit: usd(m.unrealisedPnl),
        marginBalance: usd(m.equity),
        maintMargin: '0.00000000',
        initialMargin: usd(margin),
        positionInitialMargin: usd(m.positionMargin),
        openOrderInitialMargin: usd(m.orderMargin),
        crossWalletBalance: usd(m.balance),
        crossUnPnl: usd(m.unrealisedPnl),
        availableBalance: usd(m.availableMargin),
        maxWithdrawAmount: usd(Math.max(0, m.availableMargin)),
        marginAvailable: true,
        updateTime: nowMs,
      },
    ],
    positions: positionRiskJson(x, nowMs, true).map((p) => ({ ...p, initialMargin: '0', maintMargin: '0', positionInitialMargin: '0', openOrderInitialMargin: '0', isolated: x.account.marginMode === 'isolated' })),
  };
}
