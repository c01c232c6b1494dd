import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData, REPO_ROOT } from '../../test/support/shared-data.js';
import { instrumentFromEntry } from './spec-schema.js';
import { specsFromBinance, type BinanceImportOptions } from './binance-exchange-info.js';

const INFO = 'binance/futures-um/meta/exchangeInfo-2025-03-06.json';
const BRACKETS = 'binance/futures-um/meta/leverageBracket-2024-10-24.json';
const readJson = (rel: string): unknown => JSON.parse(readFileSync(sharedData(rel), 'utf8'));

/** The exact options of the command that generated specs/binance-usdm.json (docs/instruments.md shows it). */
const COMMITTED: BinanceImportOptions = {
  symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'LTCUSDT', 'DOGEUSDT', 'SUIUSDT', 'ENAUSDT', 'LAYERUSDT', 'FILUSDT', 'NEARUSDT', 'AVAXUSDT'],
  fees: { maker: '0.0002', taker: '0.0005' },
  fundingIntervalHours: { ENAUSDT: 4, LAYERUSDT: 1 },
  exchangeInfoName: 'exchangeInfo-2025-03-06.json',
  bracketsName: 'leverageBracket-2024-10-24.json',
};

function generate(options: BinanceImportOptions = COMMITTED) {
  const r = specsFromBinance(readJson(INFO), readJson(BRACKETS), options);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('specsFromBinance', () => {
  it('regenerates the committed specs/binance-usdm.json byte for byte from ../shared/data', () => {
    const committed = readFileSync(resolve(REPO_ROOT, 'specs', 'binance-usdm.json'), 'utf8');
    expect(`${JSON.stringify(generate(), null, 2)}\n`, 'the committed file must be exactly what the converter produces from the real payloads').toBe(committed);
  });

  it('copies BTCUSDT tick 0.10, step 0.001, minQty 0.001, min notional 100 and liquidation fee 0.02 from exchangeInfo', () => {
    const btc = generate().instruments.find((e) => e.symbol === 'BTCUSDT');
    expect(btc).toBeDefined();
    if (!btc) return;
    // Values read by hand from exchangeInfo-2025-03-06.json, symbols[BTCUSDT].filters and liquidationFee.
    expect(btc.tickSize).toBe('0.10');
    expect(btc.lotSize).toBe('0.001');
    expect(btc.minQty).toBe('0.001');
    expect(btc.minNotional).toBe('100');
    expect(btc.liquidationFeeRate).toBe('0.020000');
    const spec = instrumentFromEntry(btc);
    expect(spec.tick.stepUnits * 10 ** -spec.tick.scale, 'tick grid is 0.1').toBeCloseTo(0.1, 12);
    expect(spec.minQtyLots, 'minQty 0.001 is one lot of 0.001').toBe(1);
    expect(spec.liquidationFeeRate).toBe(0.02);
  });

  it('copies the 2024-10-24 BTCUSDT leverage brackets with their cum amounts', () => {
    const btc = instrumentFromEntry(generate().instruments.find((e) => e.symbol === 'BTCUSDT') ?? (undefined as never));
    if (btc.margin.kind !== 'tiered') throw new Error('expected tiered margin');
    expect(btc.margin.brackets).toHaveLength(12);
    expect(btc.margin.brackets[0]).toEqual({ bracket: 1, notionalFloor: 0, notionalCap: 50000, maintRate: 0.004, cum: 0, maxLeverage: 125 });
    // Continuity by hand: cum_2 = 0 + 50000 x (0.005 - 0.004) = 50; cum_3 = 50 + 600000 x (0.0065 - 0.005) = 950.
    expect(btc.margin.brackets[1]?.cum).toBe(50);
    expect(btc.margin.brackets[2]?.cum).toBe(950);
    expect(btc.margin.maxLeverage).toBe(125);
  });

  it('falls back to one exchangeInfo bracket for LAYERUSDT, which has no 2024 brackets, and says so', () => {
    const layer = generate().instruments.find((e) => e.symbol === 'LAYERUSDT');
    if (!layer || layer.margin.kind !== 'tiered') throw new Error('expected LAYERUSDT with tiered margin');
    // maintMarginPercent "2.5000" -> 0.025; requiredMarginPercent "5.0000" -> 100 / 5 = 20x.
    expect(layer.margin.brackets).toEqual([{ bracket: 1, notionalFloor: '0', maintRate: '0.025', cum: '0', maxLeverage: '20' }]);
    expect(layer.source.note).toMatch(/no leverage brackets/);
  });

  it('uses the funding intervals seen in the real funding files: ENAUSDT 4 h, LAYERUSDT 1 h, others 8 h', () => {
    const hours = Object.fromEntries(generate().instruments.map((e) => [e.symbol, e.funding.kind === 'periodic' ? e.funding.intervalHours : 0]));
    expect(hours).toMatchObject({ ENAUSDT: 4, LAYERUSDT: 1, BTCUSDT: 8, ETHUSDT: 8 });
    const ena = readFileSync(sharedData('binance/futures-um/fundingRate/ENAUSDT-fundingRate-2025-03-16_2025-06-03.csv'), 'utf8').split('\n');
    const t1 = Number(ena[1]?.split(',')[0]);
    const t2 = Number(ena[2]?.split(',')[0]);
    expect(Math.round((t2 - t1) / 3_600_000), 'the ENAUSDT file settles every 4 h').toBe(4);
  });

  it('refuses an unknown symbol and a dated contract, naming the symbol', () => {
    const r = specsFromBinance(readJson(INFO), readJson(BRACKETS), { ...COMMITTED, symbols: ['NOPEUSDT'] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error[0]?.problem).toMatch(/NOPEUSDT is not in the exchangeInfo payload/);
    const info = readJson(INFO) as { symbols: { symbol: string; contractType: string }[] };
    const dated = info.symbols.find((s) => s.contractType === 'CURRENT_QUARTER')?.symbol ?? '';
    const d = specsFromBinance(info, readJson(BRACKETS), { ...COMMITTED, symbols: [dated] });
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.error[0]?.problem).toMatch(/not PERPETUAL/);
  });

  it('refuses payloads of the wrong shape', () => {
    const r = specsFromBinance({ hello: 1 }, readJson(BRACKETS), COMMITTED);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error[0]?.input).toBe('exchangeInfo');
    const b = specsFromBinance(readJson(INFO), { symbols: [] }, COMMITTED);
    expect(b.ok).toBe(false);
    if (!b.ok) expect(b.error[0]?.input).toBe('brackets');
  });
});
