// `ctx.indicators`: factories over src/indicators, so a strategy builds its indicators without importing the
// library's paths. The strategy feeds them itself (`ema.add(bar.close)`, `atr.add(bar)`: a BarView is a BarInput);
// must never feed or hold indicators on its own, so nothing runs per bar that the strategy did not ask for.
import { Adx } from '../indicators/adx.js';
import { Atr, type AtrVariant } from '../indicators/atr.js';
import { BollingerBands, type BollingerOptions } from '../indicators/bollinger-bands.js';
import { Ema } from '../indicators/ema.js';
import { Macd, type MacdOptions } from '../indicators/macd.js';
import { RollingVwap } from '../indicators/rolling-vwap.js';
import { Rsi } from '../indicators/rsi.js';
import { Sma } from '../indicators/sma.js';
import { Stochastic, type StochasticOptions } from '../indicators/stochastic.js';
import { Vwap, type VwapConfig } from '../indicators/vwap.js';
import { Wma } from '../indicators/wma.js';

/** Streaming indicators by name; each call makes a fresh instance (see src/indicators for their definitions). */
export interface IndicatorFactory {
  ema(period: number): Ema;
  sma(period: number): Sma;
  wma(period: number): Wma;
  rsi(period: number): Rsi;
  atr(period: number, variant?: AtrVariant): Atr;
  adx(period: number): Adx;
  bollinger(options: BollingerOptions): BollingerBands;
  macd(options: MacdOptions): Macd;
  stochastic(options: StochasticOptions): Stochastic;
  /** Session-anchored VWAP with bands (default: the UTC day, hlc3). */
  vwap(config?: VwapConfig): Vwap;
  rollingVwap(period: number): RollingVwap;
}

export const indicatorFactory: IndicatorFactory = {
  ema: (period) => new Ema(period),
  sma: (period) => new Sma(period),
  wma: (period) => new Wma(period),
  rsi: (period) => new Rsi(period),
  atr: (period, variant) => new Atr(period, variant),
  adx: (period) => new Adx(period),
  bollinger: (options) => new BollingerBands(options),
  macd: (options) => new Macd(options),
  stochastic: (options) => new Stochastic(options),
  vwap: (config) => new Vwap(config),
  rollingVwap: (period) => new RollingVwap(period),
};
