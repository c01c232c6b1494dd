// The parameters every scalp shares (risk, exits, circuit breaker, checklist thresholds), as one zod shape the
// four scalps spread into their schemas, so defaults and ranges are written once. Must never hold logic.
import { z } from 'zod';
import { ATR_TARGET_K, TARGET_KINDS } from './exits.js';

export const scalpParamsShape = {
  sides: z.enum(['both', 'long', 'short']).default('both').describe('which setups to trade: long, the mirrored short, or both'),
  riskPct: z.number().min(0.5).max(1).default(1).describe('equity at risk per entry at the stop, fees included, percent (sources: 0.5-1 %)'),
  maxUtilisationPct: z.number().gt(0).max(100).default(10).describe('most initial margin of an entry, percent of equity (PRODUCT.md: 10 %)'),
  leverage: z.number().min(1).max(125).default(10).describe('leverage the margin is computed at; set it to the backtest --leverage'),
  slippagePct: z.number().min(0).max(5).default(0).describe('spread + slippage budgeted per taker fill, percent of notional (raise it for small caps)'),
  entrySlippagePct: z.number().min(0).max(2).default(0.05).describe('the entry is an IOC limit this far beyond the signal close, percent; it expires if the next open is beyond it'),
  target: z.enum(TARGET_KINDS).default('reward-risk').describe('take-profit rule: reward-risk (x stop distance), atr (k x ATR), pct (percent of entry)'),
  rewardRisk: z.number().min(1).max(10).default(1.5).describe('target = this x the stop distance (target reward-risk); sources: ideally 1.5'),
  atrK: z.number().min(0.1).max(3).default(ATR_TARGET_K.default).describe('target = k x ATR (target atr); sources: ATR $5 -> $2-3, k 0.4-0.6'),
  targetPct: z.number().min(0.05).max(5).default(0.2).describe('target distance, percent of the entry (target pct); sources: 0.1-0.5 %'),
  minRewardRisk: z.number().min(0.5).max(10).default(1).describe('checklist: least reward:risk accepted (sources: minimum 1:1)'),
  idealRewardRisk: z.number().min(1).max(10).default(1.5).describe('checklist: reward:risk recorded as ideal (sources: 1.5:1)'),
  minQuoteVolume: z.number().min(0).max(1e12).default(50_000).describe('checklist liquidity: least average quote volume a bar over volumeWindow bars'),
  maxSpreadPct: z.number().gt(0).max(10).default(0.05).describe('checklist liquidity: widest spread accepted where quotes exist, percent'),
  volumeWindow: z.number().int().min(2).max(500).default(20).describe('bars in the average volume'),
  emaFast: z.number().int().min(2).max(50).default(5).describe('short EMA period (sources: 5)'),
  emaSlow: z.number().int().min(3).max(100).default(8).describe('second short EMA period (sources: 8)'),
  rsiPeriod: z.number().int().min(2).max(100).default(14).describe('RSI period, bars'),
  atrPeriod: z.number().int().min(1).max(200).default(14).describe('ATR period, bars (TA-Lib ATR)'),
  stopBufferTicks: z.number().int().min(0).max(10_000).default(2).describe('ticks beyond the invalidating level the stop sits'),
  timeStopBars: z.number().int().min(0).max(10_000).default(15).describe('close at market after this many bars in the trade; 0 = off'),
  maxConsecutiveLosses: z.number().int().min(0).max(100).default(5).describe('circuit breaker: losing trades in a row that stop entries for the day; 0 = off'),
  dailyLossLimitPct: z.number().min(0).max(100).default(3).describe('circuit breaker: day loss, percent of the day\'s starting equity, that stops entries; 0 = off'),
};

/** The shared scalp parameters after parsing (defaults applied). */
export type ScalpParams = z.output<z.ZodObject<typeof scalpParamsShape>>;
