import { describe, expect, it } from 'vitest';
import { moneyFromText, type Money } from '../core/money.js';
import type { RoundTrip } from '../domain/round-trip.js';
import { rMultiple, tradeMetrics } from './trade-metrics.js';

const m = (text: string): Money => moneyFromText(text)!;

const BASE: RoundTrip = {
  id: 3,
  runId: 'run-a',
  source: 'paper',
  instrument: 'BINANCE:BTCUSDT',
  side: 'short',
  entryTimeMs: Date.parse('2025-05-04T15:33:00Z'),
  exitTimeMs: Date.parse('2025-05-04T16:05:30Z'),
  entryPrice: 70_000,
  exitPrice: 69_300,
  maxLots: 10,
  maxContracts: '0.01',
  entries: 1,
  exits: 1,
  // 0.01 BTC short from 70 000 to 69 300: gross 7; fees 0.0005 x (700 + 693) = 0.6965; funding paid 0.07.
  grossPnl: m('7'),
  fees: m('0.6965'),
  funding: m('-0.07'),
  netPnl: m('6.2335'),
  exitReason: 'take-profit',
  entryTag: 'vwap-bounce:short',
  // Stop at 70 350: 350 x 0.01 = 3.5 at risk.
  plannedStop: 70_350,
  plannedTarget: 69_300,
  initialRisk: m('3.5'),
  mae: m('-1.75'),
  mfe: m('7'),
  barsHeld: 33,
};

describe('trade metrics', () => {
  it('gives R as net P&L over the initial risk, and MAE/MFE in R', () => {
    const t = tradeMetrics(BASE);
    expect(t.rMultiple!, '6.2335 / 3.5').toBeCloseTo(1.781, 12);
    expect(t.maeR!, '-1.75 / 3.5').toBeCloseTo(-0.5, 12);
    expect(t.mfeR!, '7 / 3.5').toBeCloseTo(2, 12);
    expect(t.heldMs, '32 min 30 s').toBe(32 * 60_000 + 30_000);
    expect(t.netPnl).toBe('6.2335');
    expect(t.fees).toBe('0.6965');
    expect(t.funding).toBe('-0.07');
    expect(t.exitReason).toBe('take-profit');
    expect(t.entryTag).toBe('vwap-bounce:short');
  });

  it('has no R without a planned stop or without a positive risk', () => {
    const { plannedStop: _s, ...noStop } = BASE;
    expect(rMultiple(noStop), 'no stop, no R').toBeUndefined();
    expect(tradeMetrics(noStop).maeR).toBeUndefined();
    expect(rMultiple({ ...BASE, initialRisk: m('0') }), 'zero risk would divide by zero').toBeUndefined();
  });

  it('writes every money field as an exact decimal string, so JSON cannot round it', () => {
    const t = tradeMetrics(BASE);
    for (const key of ['grossPnl', 'fees', 'funding', 'netPnl', 'initialRisk', 'mae', 'mfe'] as const) {
      expect(typeof t[key], `${key} is money`).toBe('string');
    }
    expect(JSON.parse(JSON.stringify(t)).mae, 'round trip through JSON').toBe('-1.75');
  });
});
