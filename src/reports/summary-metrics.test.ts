import { describe, expect, it } from 'vitest';
import { moneyFromText, type Money } from '../core/money.js';
import type { RoundTrip } from '../domain/round-trip.js';
import { summaryMetrics } from './summary-metrics.js';

const ms = (iso: string): number => Date.parse(iso);
const money = (text: string): Money => {
  const m = moneyFromText(text);
  if (m === undefined) throw new Error(`bad money ${text}`);
  return m;
};

/** A round trip with the fields the summary reads; everything else neutral. */
function trip(p: {
  id: number;
  side?: 'long' | 'short';
  entry: string;
  exit: string;
  gross: string;
  fees: string;
  funding?: string;
  risk?: string;
  exitReason?: RoundTrip['exitReason'];
}): RoundTrip {
  const gross = money(p.gross);
  const fees = money(p.fees);
  const funding = money(p.funding ?? '0');
  return {
    id: p.id,
    runId: 'r1',
    source: 'backtest',
    instrument: 'BINANCE:BTCUSDT',
    side: p.side ?? 'long',
    entryTimeMs: ms(p.entry),
    exitTimeMs: ms(p.exit),
    entryPrice: 100,
    exitPrice: 101,
    maxLots: 1,
    maxContracts: '0.001',
    entries: 1,
    exits: 1,
    grossPnl: gross,
    fees,
    funding,
    netPnl: (gross - fees + funding) as Money,
    exitReason: p.exitReason ?? 'signal',
    ...(p.risk === undefined ? {} : { plannedStop: 99, initialRisk: money(p.risk) }),
    mae: money('-1'),
    mfe: money('1'),
    barsHeld: 1,
  };
}

// The small run written out. Nets: +150, -50, -30, -20, +100, 0, -100 (sum 50).
const TRADES: RoundTrip[] = [
  trip({ id: 1, entry: '2025-01-01T01:00Z', exit: '2025-01-01T05:00Z', gross: '160', fees: '10', risk: '50', exitReason: 'take-profit' }),
  trip({ id: 2, side: 'short', entry: '2025-01-01T10:00Z', exit: '2025-01-01T12:00Z', gross: '-40', fees: '8', funding: '-2', risk: '50', exitReason: 'stop-loss' }),
  trip({ id: 3, entry: '2025-01-02T02:00Z', exit: '2025-01-02T04:00Z', gross: '-25', fees: '5', risk: '25', exitReason: 'stop-loss' }),
  trip({ id: 4, entry: '2025-01-02T06:00Z', exit: '2025-01-02T08:00Z', gross: '-15', fees: '5' }),
  trip({ id: 5, side: 'short', entry: '2025-01-03T00:00Z', exit: '2025-01-03T12:00Z', gross: '110', fees: '8', funding: '-2', risk: '50', exitReason: 'take-profit' }),
  trip({ id: 6, entry: '2025-01-04T00:00Z', exit: '2025-01-04T01:00Z', gross: '6', fees: '6', risk: '20', exitReason: 'time-stop' }),
  trip({ id: 7, entry: '2025-01-04T10:00Z', exit: '2025-01-04T11:00Z', gross: '-90', fees: '10', risk: '100', exitReason: 'liquidation' }),
];

// Daily returns +1 %, -2 %, +3 %, -1 %, +2 %, each day closing at 23:00 UTC; the curve starts at midnight on day 1.
const RETURNS = [0.01, -0.02, 0.03, -0.01, 0.02];
const TIMES = ['2025-01-01T00:00Z', '2025-01-01T23:00Z', '2025-01-02T23:00Z', '2025-01-03T23:00Z', '2025-01-04T23:00Z', '2025-01-05T23:00Z'].map(ms);
const EQUITY = [10_000];
for (const r of RETURNS) EQUITY.push(EQUITY[EQUITY.length - 1]! * (1 + r));
const CURVE = { timeMs: Float64Array.from(TIMES), equity: Float64Array.from(EQUITY) };

const BARS = {
  openTimeMs: Float64Array.from([ms('2024-12-31T23:00Z'), ms('2025-01-01T00:00Z'), ms('2025-01-03T00:00Z'), ms('2025-01-05T23:00Z'), ms('2025-01-06T00:00Z')]),
  open: Float64Array.from([90, 100, 103, 104, 150]),
  close: Float64Array.from([95, 102, 104, 105, 200]),
};

describe('summaryMetrics on a small run written out by hand', () => {
  const s = summaryMetrics(TRADES, CURVE, { bars: BARS });

  it('sums P&L, fees and funding exactly', () => {
    expect(s.netPnl, '150 - 50 - 30 - 20 + 100 + 0 - 100').toBe('50.00');
    expect(s.grossPnl, '160 - 40 - 25 - 15 + 110 + 6 - 90').toBe('106.00');
    expect(s.feesPaid, '10 + 8 + 5 + 5 + 8 + 6 + 10').toBe('52.00');
    expect(s.fundingPaid, 'two trades received -2 each, i.e. paid 2 each').toBe('4.00');
    expect(s.feesShareOfGrossPct!, '52 / 106').toBeCloseTo((100 * 52) / 106, 12);
    expect(s.fundingShareOfGrossPct!, '4 / 106').toBeCloseTo((100 * 4) / 106, 12);
  });

  it('counts wins, losses, streaks and the extremes', () => {
    expect(s.trades).toBe(7);
    expect(s.wins, 'trades 1 and 5').toBe(2);
    expect(s.losses, 'trades 2, 3, 4 and 7; trade 6 is break-even').toBe(4);
    expect(s.winRatePct!, '2 of 7').toBeCloseTo((2 / 7) * 100, 12);
    expect(s.averageWin, '(150 + 100) / 2').toBe('125.00');
    expect(s.averageLoss, '(-50 - 30 - 20 - 100) / 4').toBe('-50.00');
    expect(s.payoffRatio, '125 / 50').toBe(2.5);
    expect(s.profitFactor, '250 / 200').toBe(1.25);
    expect(s.expectancy, '50 / 7 = 7.142857142..., rounded to 1e-8').toBe('7.14285714');
    expect(s.bestTrade).toEqual({ id: 1, netPnl: '150.00' });
    expect(s.worstTrade).toEqual({ id: 7, netPnl: '-100.00' });
    expect(s.longestLosingStreak, 'trades 2, 3, 4 in a row').toBe(3);
    expect(s.longestWinningStreak, 'no two wins in a row').toBe(1);
    expect(s.liquidations, 'trade 7').toBe(1);
  });

  it('averages R over the trades with a planned stop', () => {
    // R: 150/50 = 3, -50/50 = -1, -30/25 = -1.2, (trade 4: no stop), 100/50 = 2, 0/20 = 0, -100/100 = -1.
    expect(s.tradesWithR).toBe(6);
    expect(s.expectancyR!, '(3 - 1 - 1.2 + 2 + 0 - 1) / 6 = 0.3').toBeCloseTo(0.3, 12);
  });

  it('measures exposure as the share of the period with a position open', () => {
    // Held 4 + 2 + 2 + 2 + 12 + 1 + 1 = 24 h of the 119 h from 01-01 00:00 to 01-05 23:00.
    expect(s.exposurePct!).toBeCloseTo((100 * 24) / 119, 12);
  });

  it('dates the deepest drawdown from its peak to its trough and recovery', () => {
    // 10100 (01-01 23:00) -> 9898 (01-02, -2 %) -> 10194.94 (01-03, above the peak again); the later fall is -1 %.
    expect(s.maxDrawdown).toBeDefined();
    const dd = s.maxDrawdown!;
    expect(dd.pct, '9898 / 10100 - 1').toBeCloseTo(-2, 10);
    expect(dd.amount, '9898 - 10100').toBe('-202.00');
    expect(dd.peakMs).toBe(ms('2025-01-01T23:00Z'));
    expect(dd.troughMs).toBe(ms('2025-01-02T23:00Z'));
    expect(dd.recoveryMs).toBe(ms('2025-01-03T23:00Z'));
    expect(dd.durationMs, 'two days from peak to recovery').toBe(2 * 86_400_000);
  });

  it('computes Sharpe and Sortino from UTC daily closes, annualised with sqrt(365)', () => {
    expect(s.returnPeriods, 'five UTC days').toBe(5);
    // mean = 0.03 / 5 = 0.006; deviations 0.004, -0.026, 0.024, -0.016, 0.014; squares sum to 0.00172;
    // sample variance 0.00172 / 4 = 0.00043; sd = 0.0207364414...; Sharpe = 0.006 / sd x sqrt(365) = 5.5279417...
    expect(s.sharpe!).toBeCloseTo((0.006 / Math.sqrt(0.00043)) * Math.sqrt(365), 9);
    expect(s.sharpe!).toBeCloseTo(5.5279417, 6);
    // Downside: (0.02^2 + 0.01^2) / 5 = 0.0001, DD = 0.01; Sortino = 0.006 / 0.01 x sqrt(365) = 11.46298...
    expect(s.sortino!).toBeCloseTo(0.6 * Math.sqrt(365), 9);
  });

  it('compounds CAGR over a 365-day year and divides by the drawdown for Calmar', () => {
    // End 10000 x 1.01 x 0.98 x 1.03 x 0.99 x 1.02 = 10100 -> 9898 -> 10194.94 -> 10092.9906 -> 10294.850412,
    // after 4 days 23 h.
    expect(s.endEquity).toBe('10294.850412');
    expect(s.totalReturnPct).toBeCloseTo(2.94850412, 10);
    const years = (4 + 23 / 24) / 365;
    const cagr = 100 * (Math.pow(1.0294850412, 1 / years) - 1);
    expect(s.cagrPct!).toBeCloseTo(cagr, 4);
    expect(s.calmar!, 'CAGR % / 2 %').toBeCloseTo(cagr / 2, 4);
  });

  it('takes the market change from the bars inside the period only', () => {
    expect(s.marketChangePct!, 'open 100 at 01-01 00:00 to close 105 at 01-05 23:00').toBeCloseTo(5, 12);
  });
});

describe('summaryMetrics edge cases', () => {
  it('leaves a drawdown that never recovered without a recovery date', () => {
    const curve = { timeMs: Float64Array.from([0, 1, 2, 3]), equity: Float64Array.from([100, 120, 90, 110]) };
    const dd = summaryMetrics([], curve).maxDrawdown!;
    expect(dd.pct, '90 / 120 - 1').toBeCloseTo(-25, 12);
    expect(dd.recoveryMs, 'equity ended at 110, below the 120 peak').toBeUndefined();
    expect(dd.durationMs).toBeUndefined();
  });

  it('reports no drawdown, no ratios and no averages when nothing happened', () => {
    const s = summaryMetrics([], { timeMs: Float64Array.from([0]), equity: Float64Array.from([500]) });
    expect(s.maxDrawdown, 'equity never fell').toBeUndefined();
    expect(s.sharpe, 'one return is no spread').toBeUndefined();
    expect(s.winRatePct).toBeUndefined();
    expect(s.profitFactor, 'no losses').toBeUndefined();
    expect(s.cagrPct, 'a zero-length period has no rate').toBeUndefined();
    expect(s.exposurePct).toBeUndefined();
  });

  it('rejects a curve that does not start above zero, naming the input and the fix', () => {
    expect(() => summaryMetrics([], { timeMs: Float64Array.from([0, 1]), equity: Float64Array.from([0, 1]) })).toThrow(
      /equity curve: starts at 0, not above 0\. start the run with a positive balance/,
    );
  });

  it('rejects a curve that goes back in time', () => {
    expect(() => summaryMetrics([], { timeMs: Float64Array.from([5, 4]), equity: Float64Array.from([1, 1]) })).toThrow(/sample 1 goes back in time/);
  });
});
