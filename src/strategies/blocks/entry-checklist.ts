// The scalping setup checklist (seed "Micro-Futures Scalping with Precision", section 4.1): timeframe, liquidity,
// VWAP confirmation, momentum confirmation, minimum reward:risk. Judges a setup the strategy describes and counts
// the outcome; must never read market data itself or place orders.

/** The checklist items, in the order the source lists them (and the order they are judged). */
export const CHECKLIST_ITEMS = ['timeframe', 'liquidity', 'vwap', 'momentum', 'reward-risk'] as const;
export type ChecklistItem = (typeof CHECKLIST_ITEMS)[number];

/**
 * How price must sit against VWAP: `with` = a long closes at or above VWAP (a short at or below), the bounce and
 * breakout reading; `toward` = a long sits below VWAP and targets it (a short above), the mean-reversion reading;
 * `off` = not checked (the item passes and says so).
 */
export type VwapRule = 'with' | 'toward' | 'off';

/**
 * The momentum confirmation: `ema` = the short EMAs aligned (fast above slow for a long); `rsi` = RSI on the
 * trade's side of 50; `ema-or-rsi` = either; `rsi-reversal` = an oscillator overextended against the trade (RSI
 * at or below `oversold` for a long, at or above `overbought` for a short, or the stochastic %K beyond
 * `stochOversold` / `stochOverbought` where the setup gives it), the mean-reversion signal; `off` = not checked.
 */
export type MomentumRule = 'ema' | 'rsi' | 'ema-or-rsi' | 'rsi-reversal' | 'off';

export interface ChecklistConfig {
  /** Bar intervals accepted, in minutes (the source: 1-minute or 3-minute charts). */
  readonly timeframesMin: readonly number[];
  /** Least average quote volume per bar (e.g. USDT a minute) over the strategy's volume window. */
  readonly minQuoteVolume: number;
  /** Widest bid/ask spread accepted, percent of the mid, where quotes exist. */
  readonly maxSpreadPct: number;
  readonly vwap: VwapRule;
  readonly momentum: MomentumRule;
  readonly oversold: number;
  readonly overbought: number;
  readonly stochOversold: number;
  readonly stochOverbought: number;
  /** Least reward:risk (target distance / stop distance); the source: minimum 1:1. */
  readonly minRewardRisk: number;
  /** The reward:risk the source calls ideal (1.5:1); reaching it is recorded, not required. */
  readonly idealRewardRisk: number;
}

/** What the strategy saw at the decision (prices in the quote asset, floats). Undefined = not known yet. */
export interface Setup {
  readonly side: 'long' | 'short';
  readonly barIntervalMs: number;
  /** Average quote volume per bar over the strategy's volume window. */
  readonly avgQuoteVolume: number | undefined;
  /** Spread in percent of the mid from the last quote; undefined when the run has no quotes. */
  readonly spreadPct: number | undefined;
  readonly close: number;
  readonly vwap: number | undefined;
  readonly emaFast: number | undefined;
  readonly emaSlow: number | undefined;
  readonly rsi: number | undefined;
  /** Stochastic %K, for `rsi-reversal`; undefined when the strategy does not use it. */
  readonly stochK?: number | undefined;
  readonly entry: number;
  readonly stop: number;
  readonly target: number;
}

export interface ItemResult {
  readonly item: ChecklistItem;
  readonly pass: boolean;
  /** The numbers behind the verdict, in words (kept in the journal note). */
  readonly detail: string;
}

/** The verdict: `failed` names the first item that failed (undefined when accepted); `items` lists every judged one. */
export interface ChecklistVerdict {
  readonly accepted: boolean;
  readonly failed: ChecklistItem | undefined;
  readonly items: readonly ItemResult[];
  readonly rewardRisk: number;
  readonly ideal: boolean;
}

const fmt = (x: number): string => String(Number(x.toPrecision(8)));

/**
 * The checklist, with counters of what it judged: `accepted`, and `rejected` per first failed item, so a run can
 * say "23 setups refused on liquidity". Items are judged in order and judging stops at the first failure: the note
 * of a rejected setup names the item that failed, the note of an accepted one lists all five.
 */
export class EntryChecklist {
  accepted = 0;
  readonly rejected = new Map<ChecklistItem, number>(CHECKLIST_ITEMS.map((i) => [i, 0]));

  constructor(readonly config: ChecklistConfig) {}

  judge(s: Setup): ChecklistVerdict {
    const items: ItemResult[] = [];
    const long = s.side === 'long';
    const risk = Math.abs(s.entry - s.stop);
    const reward = long ? s.target - s.entry : s.entry - s.target;
    // A stop or target on the wrong side gives no ratio; 0 fails any minimum.
    const stopBehind = long ? s.stop < s.entry : s.stop > s.entry;
    const rewardRisk = risk > 0 && stopBehind && reward > 0 ? reward / risk : 0;
    const checks: readonly (() => ItemResult)[] = [
      () => this.timeframe(s),
      () => this.liquidity(s),
      () => this.vwapItem(s, long),
      () => this.momentumItem(s, long),
      () => ({
        item: 'reward-risk',
        pass: rewardRisk >= this.config.minRewardRisk,
        detail: `reward:risk ${fmt(rewardRisk)} (target ${fmt(s.target)}, stop ${fmt(s.stop)}, entry ${fmt(s.entry)}; minimum ${this.config.minRewardRisk}, ideal ${this.config.idealRewardRisk})`,
      }),
    ];
    for (const check of checks) {
      const r = check();
      items.push(r);
      if (!r.pass) {
        this.rejected.set(r.item, (this.rejected.get(r.item) ?? 0) + 1);
        return { accepted: false, failed: r.item, items, rewardRisk, ideal: false };
      }
    }
    this.accepted++;
    return { accepted: true, failed: undefined, items, rewardRisk, ideal: rewardRisk >= this.config.idealRewardRisk };
  }

  /** One line for the journal: "rejected at vwap: ..." or "accepted: timeframe ...; liquidity ...; ...". */
  static describe(v: ChecklistVerdict): string {
    if (!v.accepted) {
      const failed = v.items[v.items.length - 1]!;
      return `checklist rejected: ${failed.item} (${failed.detail})`;
    }
    return `checklist accepted${v.ideal ? ' (ideal reward:risk)' : ''}: ${v.items.map((i) => `${i.item} ${i.detail}`).join('; ')}`;
  }

  /** The counters as text, e.g. "accepted 12; rejected: liquidity 3, vwap 40" (zero counts left out). */
  summary(): string {
    const parts = CHECKLIST_ITEMS.filter((i) => (this.rejected.get(i) ?? 0) > 0).map((i) => `${i} ${this.rejected.get(i)}`);
    return `accepted ${this.accepted}; rejected: ${parts.length > 0 ? parts.join(', ') : 'none'}`;
  }

  private timeframe(s: Setup): ItemResult {
    const minutes = s.barIntervalMs / 60_000;
    const pass = this.config.timeframesMin.includes(minutes);
    return { item: 'timeframe', pass, detail: `${fmt(minutes)}m bars (allowed ${this.config.timeframesMin.map((m) => `${m}m`).join(', ')})` };
  }

  private liquidity(s: Setup): ItemResult {
    const c = this.config;
    if (s.avgQuoteVolume === undefined) return { item: 'liquidity', pass: false, detail: 'average volume not known yet (warming up)' };
    const volumeOk = s.avgQuoteVolume >= c.minQuoteVolume;
    const spreadOk = s.spreadPct === undefined || s.spreadPct <= c.maxSpreadPct;
    const spread = s.spreadPct === undefined ? 'spread n/a (no quotes)' : `spread ${fmt(s.spreadPct)} % (max ${c.maxSpreadPct} %)`;
    return { item: 'liquidity', pass: volumeOk && spreadOk, detail: `average quote volume ${fmt(s.avgQuoteVolume)} a bar (min ${c.minQuoteVolume}), ${spread}` };
  }

  private vwapItem(s: Setup, long: boolean): ItemResult {
    const rule = this.config.vwap;
    if (rule === 'off') return { item: 'vwap', pass: true, detail: 'not checked (vwap rule off)' };
    if (s.vwap === undefined) return { item: 'vwap', pass: false, detail: 'VWAP not known yet' };
    const above = s.close >= s.vwap;
    const below = s.close <= s.vwap;
    switch (rule) {
      case 'with':
        return { item: 'vwap', pass: long ? above : below, detail: `close ${fmt(s.close)} ${above ? 'at/above' : 'below'} VWAP ${fmt(s.vwap)} (needs ${long ? 'at/above' : 'at/below'})` };
      case 'toward': {
        const targetOk = long ? s.target <= s.vwap : s.target >= s.vwap;
        const sideOk = long ? below : above;
        return { item: 'vwap', pass: sideOk && targetOk, detail: `close ${fmt(s.close)} ${below ? 'at/below' : 'above'} VWAP ${fmt(s.vwap)}, target ${fmt(s.target)} ${targetOk ? 'not beyond' : 'beyond'} it (reverting toward VWAP)` };
      }
    }
  }

  private momentumItem(s: Setup, long: boolean): ItemResult {
    const c = this.config;
    const emaOk = s.emaFast !== undefined && s.emaSlow !== undefined && (long ? s.emaFast > s.emaSlow : s.emaFast < s.emaSlow);
    const emaText = s.emaFast === undefined || s.emaSlow === undefined ? 'EMAs warming up' : `fast EMA ${fmt(s.emaFast)} ${s.emaFast > s.emaSlow ? '>' : '<='} slow EMA ${fmt(s.emaSlow)}`;
    const rsiText = s.rsi === undefined ? 'RSI warming up' : `RSI ${fmt(s.rsi)}`;
    switch (c.momentum) {
      case 'off':
        return { item: 'momentum', pass: true, detail: 'not checked (momentum rule off)' };
      case 'ema':
        return { item: 'momentum', pass: emaOk, detail: emaText };
      case 'rsi':
        return { item: 'momentum', pass: s.rsi !== undefined && (long ? s.rsi > 50 : s.rsi < 50), detail: `${rsiText} (needs ${long ? '> 50' : '< 50'})` };
      case 'ema-or-rsi': {
        const rsiOk = s.rsi !== undefined && (long ? s.rsi > 50 : s.rsi < 50);
        return { item: 'momentum', pass: emaOk || rsiOk, detail: `${emaText}, ${rsiText} (needs EMAs aligned or RSI ${long ? '> 50' : '< 50'})` };
      }
      case 'rsi-reversal': {
        const rsiOk = s.rsi !== undefined && (long ? s.rsi <= c.oversold : s.rsi >= c.overbought);
        const k = s.stochK;
        const stochOk = k !== undefined && (long ? k <= c.stochOversold : k >= c.stochOverbought);
        const stochText = k === undefined ? '' : `, stochastic %K ${fmt(k)} (or ${long ? `<= ${c.stochOversold}` : `>= ${c.stochOverbought}`})`;
        return { item: 'momentum', pass: rsiOk || stochOk, detail: `${rsiText} (needs ${long ? `<= ${c.oversold}` : `>= ${c.overbought}`})${stochText}` };
      }
    }
  }
}
