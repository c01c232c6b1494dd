// The scalp desk: the part every scalp shares once its pattern has fired. Runs the entry checklist and the circuit
// breaker, sizes with the planner, sends one bracket (IOC limit entry, resting limit take-profit, stop-market) so the
// stop works from the first fill, enforces the time stop and journals every decision. Must never look for setups:
// the strategy does, and hands over a side, a stop and a reason.
import type { BarView, FillView, OrderUpdateView, PositionView, QuoteView, StrategyContext } from '../../engine/strategy.js';
import type { Ema } from '../../indicators/ema.js';
import type { Atr } from '../../indicators/atr.js';
import type { Rsi } from '../../indicators/rsi.js';
import type { Sma } from '../../indicators/sma.js';
import type { Vwap } from '../../indicators/vwap.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { EntryChecklist, type MomentumRule, type VwapRule } from './entry-checklist.js';
import { dir, type Side, targetPrice, type TargetRule, TimeStop } from './exits.js';
import { sizeEntry } from './risk-sizer.js';
import type { ScalpParams } from './scalp-params.js';

/** A setup the strategy found: the side, the stop (quote asset), why, and optionally its own target (e.g. VWAP). */
export interface ScalpSignal {
  readonly side: Side;
  readonly stop: number;
  readonly reason: string;
  readonly target?: number;
  /** Stochastic %K at the signal, for the checklist's `rsi-reversal` momentum item. */
  readonly stochK?: number;
}

/** How the strategy wants the checklist's VWAP and momentum items read (see entry-checklist.ts). */
export interface DeskRules {
  readonly vwap: VwapRule;
  readonly momentum: MomentumRule;
  readonly oversold?: number;
  readonly overbought?: number;
  readonly stochOversold?: number;
  readonly stochOverbought?: number;
}

const DAY_MS = 86_400_000;
const money = (x: number): string => x.toFixed(2);

function targetRuleOf(p: ScalpParams): TargetRule {
  switch (p.target) {
    case 'reward-risk':
      return { kind: 'reward-risk', rewardRisk: p.rewardRisk };
    case 'atr':
      return { kind: 'atr', k: p.atrK };
    case 'pct':
      return { kind: 'pct', pct: p.targetPct };
  }
}

export class ScalpDesk {
  readonly checklist: EntryChecklist;
  readonly breaker: CircuitBreaker;
  readonly timeStop: TimeStop;
  /** The shared indicators, fed by `update` before the strategy reads them. */
  readonly vwap: Vwap;
  readonly emaFast: Ema;
  readonly emaSlow: Ema;
  readonly rsi: Rsi;
  readonly atr: Atr;
  /** Average quote volume (volume x close) a bar over `volumeWindow` bars. */
  readonly quoteVolume: Sma;
  sizerRefusals = 0;
  entriesSent = 0;
  entriesExpired = 0;
  timeStops = 0;
  private readonly position: PositionView;
  private readonly targetRule: TargetRule;
  private spreadPct: number | undefined;
  private barIndex = -1;
  private day: number | undefined;
  private entryId: string | undefined;
  private balanceBeforeEntry = 0;
  private inTrade = false;
  private closing = false;

  constructor(
    private readonly ctx: StrategyContext,
    private readonly p: ScalpParams,
    private readonly name: string,
    rules: DeskRules,
  ) {
    this.position = ctx.position();
    this.targetRule = targetRuleOf(p);
    this.checklist = new EntryChecklist({
      timeframesMin: [1, 3],
      minQuoteVolume: p.minQuoteVolume,
      maxSpreadPct: p.maxSpreadPct,
      vwap: rules.vwap,
      momentum: rules.momentum,
      oversold: rules.oversold ?? 30,
      overbought: rules.overbought ?? 70,
      stochOversold: rules.stochOversold ?? 20,
      stochOverbought: rules.stochOverbought ?? 80,
      minRewardRisk: p.minRewardRisk,
      idealRewardRisk: p.idealRewardRisk,
    });
    this.breaker = new CircuitBreaker({ maxConsecutiveLosses: p.maxConsecutiveLosses, dailyLossLimitPct: p.dailyLossLimitPct }, (t) => ctx.note(`${name}: ${t}`));
    this.timeStop = new TimeStop(p.timeStopBars);
    this.vwap = ctx.indicators.vwap();
    this.emaFast = ctx.indicators.ema(p.emaFast);
    this.emaSlow = ctx.indicators.ema(p.emaSlow);
    this.rsi = ctx.indicators.rsi(p.rsiPeriod);
    this.atr = ctx.indicators.atr(p.atrPeriod);
    this.quoteVolume = ctx.indicators.sma(p.volumeWindow);
  }

  /** True when a new setup may be looked at: flat, nothing working, not closing. */
  get ready(): boolean {
    return this.position.isFlat && this.ctx.orders.workingCount === 0 && !this.closing;
  }

  /** Feeds the shared indicators and the breaker, writes the daily tally, and fires the time stop. Call first in onBar. */
  update(bar: BarView): void {
    this.barIndex = bar.index;
    const day = Math.floor(bar.openTimeMs / DAY_MS);
    if (this.day !== undefined && day !== this.day) this.ctx.note(`${this.name}: tally to ${new Date(day * DAY_MS).toISOString().slice(0, 10)}: ${this.summary()}`);
    this.day = day;
    this.vwap.add(bar);
    this.emaFast.add(bar.close);
    this.emaSlow.add(bar.close);
    this.rsi.add(bar.close);
    this.atr.add(bar);
    this.quoteVolume.add(bar.volume * bar.close);
    this.breaker.observe(bar.closeTimeMs, this.ctx.account.equity);
    if (!this.position.isFlat && !this.closing && this.timeStop.due(bar.index)) this.closeOnTime(bar);
  }

  /** Counters so far, for the journal and the results table. */
  summary(): string {
    return `checklist ${this.checklist.summary()}; sizer refusals ${this.sizerRefusals}; entries sent ${this.entriesSent}, expired ${this.entriesExpired}; time stops ${this.timeStops}; breaker trips ${this.breaker.trips}, setups refused by it ${this.breaker.refused}`;
  }

  /**
   * Takes a setup at this bar's close: side filter, breaker, checklist, sizer, then the bracket. Returns true when
   * the bracket was sent. Every refusal except the side filter and the breaker's (counted) is noted with its reason.
   */
  enter(bar: BarView, s: ScalpSignal): boolean {
    const p = this.p;
    if (p.sides !== 'both' && p.sides !== s.side) return false;
    if (!this.breaker.allowsEntry(bar.closeTimeMs, this.ctx.account.equity)) return false;
    const tag = `${this.name}:${s.side}`;
    // The entry is an IOC limit: it fills at the next open when that is no worse than the limit, and expires rather
    // than chase beyond it. The limit is the worst fill, so the target, the reward:risk and the size are all
    // reckoned from it: the real risk can only be smaller.
    const entryLimit = bar.close * (1 + (dir(s.side) * p.entrySlippagePct) / 100);
    const target = s.target ?? targetPrice(s.side, entryLimit, s.stop, this.targetRule, this.atr.value);
    const verdict = this.checklist.judge({
      side: s.side,
      barIntervalMs: bar.closeTimeMs - bar.openTimeMs,
      avgQuoteVolume: this.quoteVolume.value,
      spreadPct: this.spreadPct,
      close: bar.close,
      vwap: this.vwap.value,
      emaFast: this.emaFast.value,
      emaSlow: this.emaSlow.value,
      rsi: this.rsi.value,
      stochK: s.stochK,
      entry: entryLimit,
      stop: s.stop,
      target: target ?? bar.close,
    });
    if (!verdict.accepted) {
      this.ctx.note(`${tag}: ${s.reason}; ${EntryChecklist.describe(verdict)}`);
      return false;
    }
    const sized = sizeEntry(this.ctx.instrument, this.ctx.account.equity, s.side, entryLimit, s.stop, {
      riskPct: p.riskPct,
      maxUtilisationPct: p.maxUtilisationPct,
      leverage: p.leverage,
      slippagePct: p.slippagePct,
    });
    if (!sized.ok) {
      this.sizerRefusals++;
      this.ctx.note(`${tag}: ${s.reason}; checklist passed; sizer refused: ${sized.reason}`);
      return false;
    }
    const z = sized.size;
    const ids = this.ctx.orders.bracket({
      entry: { type: 'limit', action: s.side === 'long' ? 'buy' : 'sell', lots: z.lots, price: { ticks: z.entryTicks }, timeInForce: 'IOC', tag },
      takeProfit: { price: target! },
      stopLoss: { price: { ticks: z.stopTicks } },
    });
    if (ids === undefined) {
      this.ctx.note(`${tag}: ${s.reason}; checklist passed; the engine refused the bracket (see the funnel)`);
      return false;
    }
    this.entriesSent++;
    this.entryId = ids.entry;
    this.balanceBeforeEntry = this.ctx.account.balance;
    const capped = z.cappedByMargin ? ' (cut to the margin cap)' : '';
    this.ctx.note(
      `${tag}: ${s.reason}; ${EntryChecklist.describe(verdict)}; size ${z.lots} lots${capped}, loss at stop with fees ${money(z.lossAtStop / 1e8)} of budget ${money(z.budget / 1e8)}, margin ${z.marginUtilisationPct.toFixed(2)} % of equity, leverage ${z.effectiveLeverage.toFixed(2)}x; target ${target!.toPrecision(8)}`,
    );
    return true;
  }

  /** Tracks entries and closes (for the time stop and the breaker). Call from the strategy's onFill. */
  onFill(fill: FillView): void {
    if (fill.role === 'entry' && !this.inTrade) {
      this.inTrade = true;
      // The fill happens while the venue processes the bar after the last onBar.
      this.timeStop.start(this.barIndex + 1);
    }
    if (this.inTrade && this.position.isFlat) {
      const net = this.ctx.account.balance - this.balanceBeforeEntry;
      this.inTrade = false;
      this.closing = false;
      this.timeStop.clear();
      this.breaker.recordTrade(net, fill.timeMs);
    }
  }

  /** Notes an entry that expired (the next open was beyond the IOC limit) or was refused. Call from onOrder. */
  onOrder(u: OrderUpdateView): void {
    if (u.clientId !== this.entryId) return;
    if (u.status === 'expired' || u.status === 'rejected') {
      if (u.status === 'expired') this.entriesExpired++;
      this.ctx.note(`${this.name}: entry ${u.status}${u.reason !== undefined ? ` (${u.reason})` : ''}`);
    }
  }

  /** Keeps the spread for the checklist's liquidity item. Call from onQuote when the run has quotes. */
  onQuote(q: QuoteView): void {
    const mid = (q.bid + q.ask) / 2;
    this.spreadPct = mid > 0 ? ((q.ask - q.bid) / mid) * 100 : undefined;
  }

  private closeOnTime(bar: BarView): void {
    const lots = Math.abs(this.position.signedLots);
    this.closing = true;
    this.timeStops++;
    this.ctx.orders.cancelAll();
    this.ctx.orders.market({ action: this.position.signedLots > 0 ? 'sell' : 'buy', lots, reduceOnly: true, tag: `${this.name}:time-stop` });
    this.ctx.note(`${this.name}: time stop after ${this.timeStop.barsHeld(bar.index)} bars (limit ${this.p.timeStopBars}); closing ${lots} lots at market`);
  }
}
