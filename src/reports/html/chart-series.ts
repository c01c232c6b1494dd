// The series the report's charts draw: candles with EMA and VWAP overlays, trade entries/exits with their planned
// stops and targets, equity against buy-and-hold, and the underwater curve. Long runs are grouped into coarser
// candles so the page stays light. Pure; must never change a trade or an equity value, only group them for display.
import type { BarColumns } from '../../data/columns.js';
import type { RoundTrip } from '../../domain/round-trip.js';
import { emaBatch } from '../../indicators/ema.js';
import { vwapBatch } from '../../indicators/vwap.js';
import { deepestDrawdowns, drawdownEpisodes, underwaterPct } from '../drawdown.js';
import type { EquityCurve } from '../equity-curve.js';

/** Most candles the page draws; a longer run is shown in candles of a whole multiple of the bar length. */
export const MAX_DISPLAY_CANDLES = 20_000;
/** How many of the deepest drawdowns the underwater chart marks. */
export const TOP_DRAWDOWNS = 5;

export interface Overlay {
  readonly name: string;
  readonly color: string;
  /** One value per display candle; null where the indicator has none yet. */
  readonly values: readonly (number | null)[];
}

export interface ChartTrade {
  readonly id: number;
  readonly side: 'long' | 'short';
  /** Display-candle times (epoch seconds) of the entry and the exit. */
  readonly entryT: number;
  readonly exitT: number;
  readonly entry: number;
  readonly exit: number;
  readonly stop: number | null;
  readonly target: number | null;
  readonly win: boolean;
}

export interface ChartDrawdown {
  readonly rank: number;
  readonly pct: number;
  readonly amount: number;
  readonly peakT: number;
  readonly troughT: number;
  readonly recoveryT: number | null;
}

/** Everything the page's scripts draw. Times are epoch seconds (lightweight-charts' UTCTimestamp). */
export interface ChartData {
  readonly barIntervalMs: number;
  /** The length of one display candle: barIntervalMs x the grouping factor. */
  readonly displayIntervalMs: number;
  readonly candles: { readonly t: number[]; readonly o: number[]; readonly h: number[]; readonly l: number[]; readonly c: number[] };
  readonly overlays: readonly Overlay[];
  readonly trades: readonly ChartTrade[];
  readonly equity: { readonly t: number[]; readonly equity: number[]; readonly buyHold: (number | null)[]; readonly underwaterPct: number[] };
  readonly drawdowns: readonly ChartDrawdown[];
}

export interface ChartInput {
  /** Bars of the traded instrument up to the run's end (earlier bars warm the overlays up), or undefined. */
  readonly bars: BarColumns | undefined;
  readonly barIntervalMs: number;
  readonly fromMs: number;
  readonly toMs: number;
  readonly trades: readonly RoundTrip[];
  readonly curve: EquityCurve;
  /** EMA periods to overlay. */
  readonly emaPeriods: readonly number[];
}

const EMA_COLORS = ['#f59e0b', '#8b5cf6', '#06b6d4'];
const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/** EMA periods worth drawing for a strategy: its integer parameters named like an EMA, else 20 and 50. */
export function emaPeriodsOf(params: Readonly<Record<string, unknown>> | undefined): readonly number[] {
  const found = Object.entries(params ?? {})
    .filter(([k, v]) => /ema|fast|slow/i.test(k) && typeof v === 'number' && Number.isInteger(v) && v >= 2 && v <= 1000)
    .map(([, v]) => v as number);
  return found.length > 0 ? [...new Set(found)].sort((a, b) => a - b).slice(0, EMA_COLORS.length) : [20, 50];
}

/** Index of the first time >= ms (binary search over ascending times). */
function lowerBound(times: Float64Array, ms: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Builds every chart series. Display candles group `factor` bars; trades and equity snap to the candle they fall in. */
export function chartData(input: ChartInput): ChartData {
  const { bars, barIntervalMs, fromMs, toMs } = input;
  const start = bars ? lowerBound(bars.openTimeMs, fromMs) : 0;
  const end = bars ? lowerBound(bars.openTimeMs, toMs) : 0;
  const windowBars = bars ? end - start : input.curve.timeMs.length;
  const factor = Math.max(1, Math.ceil(windowBars / MAX_DISPLAY_CANDLES));
  const groupMs = barIntervalMs * factor;
  const slot = (ms: number): number => Math.floor(ms / groupMs) * groupMs;
  const sec = (ms: number): number => Math.round(ms / 1000);

  const candles = { t: [] as number[], o: [] as number[], h: [] as number[], l: [] as number[], c: [] as number[] };
  const overlays: Overlay[] = [];
  const closeBySlot = new Map<number, number>();
  let firstOpen: number | undefined;
  if (bars && end > start) {
    const series: { name: string; color: string; values: Float64Array }[] = input.emaPeriods.map((p, k) => {
      const out = new Float64Array(end);
      emaBatch(bars.close.subarray(0, end), p, out);
      return { name: `EMA ${p}`, color: EMA_COLORS[k % EMA_COLORS.length]!, values: out };
    });
    const vwap = new Float64Array(end);
    const head = { ...bars, length: end, openTimeMs: bars.openTimeMs.subarray(0, end), open: bars.open.subarray(0, end), high: bars.high.subarray(0, end), low: bars.low.subarray(0, end), close: bars.close.subarray(0, end), volume: bars.volume.subarray(0, end) };
    vwapBatch(head, { anchor: { kind: 'utc-day' } }, [vwap]);
    series.push({ name: 'VWAP (UTC day)', color: '#2563eb', values: vwap });
    const values = series.map(() => [] as (number | null)[]);
    firstOpen = bars.open[start]!;
    for (let i = start; i < end; i++) {
      const s = slot(bars.openTimeMs[i]!);
      const last = candles.t.length - 1;
      if (last >= 0 && candles.t[last] === sec(s)) {
        candles.h[last] = Math.max(candles.h[last]!, bars.high[i]!);
        candles.l[last] = Math.min(candles.l[last]!, bars.low[i]!);
        candles.c[last] = bars.close[i]!;
        series.forEach((o, k) => (values[k]![last] = Number.isNaN(o.values[i]!) ? null : round(o.values[i]!, 6)));
      } else {
        candles.t.push(sec(s));
        candles.o.push(bars.open[i]!);
        candles.h.push(bars.high[i]!);
        candles.l.push(bars.low[i]!);
        candles.c.push(bars.close[i]!);
        series.forEach((o, k) => values[k]!.push(Number.isNaN(o.values[i]!) ? null : round(o.values[i]!, 6)));
      }
      closeBySlot.set(s, bars.close[i]!);
    }
    series.forEach((o, k) => overlays.push({ name: o.name, color: o.color, values: values[k]! }));
  }

  const curve = input.curve;
  const uw = underwaterPct(curve);
  const equity = { t: [] as number[], equity: [] as number[], buyHold: [] as (number | null)[], underwaterPct: [] as number[] };
  const startEquity = curve.equity[0]!;
  for (let i = 0; i < curve.timeMs.length; i++) {
    // An equity sample is stamped at its bar's close; it belongs to the candle of that bar's open.
    const s = slot(curve.timeMs[i]! - barIntervalMs);
    const last = equity.t.length - 1;
    const close = closeBySlot.get(s);
    const buyHold = close === undefined || firstOpen === undefined ? null : round((startEquity * close) / firstOpen, 8);
    if (last >= 0 && equity.t[last] === sec(s)) {
      equity.equity[last] = round(curve.equity[i]!, 8);
      equity.buyHold[last] = buyHold;
      equity.underwaterPct[last] = Math.min(equity.underwaterPct[last]!, round(uw[i]!, 6));
    } else {
      equity.t.push(sec(s));
      equity.equity.push(round(curve.equity[i]!, 8));
      equity.buyHold.push(buyHold);
      equity.underwaterPct.push(round(uw[i]!, 6));
    }
  }

  const trades = input.trades.map(
    (t): ChartTrade => ({
      id: t.id,
      side: t.side,
      entryT: sec(slot(t.entryTimeMs)),
      exitT: sec(slot(t.exitTimeMs)),
      entry: t.entryPrice,
      exit: t.exitPrice,
      stop: t.plannedStop ?? null,
      target: t.plannedTarget ?? null,
      win: t.netPnl > 0,
    }),
  );
  const drawdowns = deepestDrawdowns(drawdownEpisodes(curve), TOP_DRAWDOWNS).map(
    (d, k): ChartDrawdown => ({
      rank: k + 1,
      pct: round(d.pct, 4),
      amount: round(d.amount, 8),
      peakT: sec(slot(d.peakMs - barIntervalMs)),
      troughT: sec(slot(d.troughMs - barIntervalMs)),
      recoveryT: d.recoveryMs === undefined ? null : sec(slot(d.recoveryMs - barIntervalMs)),
    }),
  );
  return { barIntervalMs, displayIntervalMs: groupMs, candles, overlays, trades, equity, drawdowns };
}
