// Exact integer price units for trade columns: finds the smallest power-of-ten step that writes every price of a
// column exactly and converts between steps. Must never change a price by a single bit (every conversion is
// checked or exact by construction).

const MAX_PRICE_SCALE = 15;
const INT32_MAX = 2 ** 31 - 1;

/**
 * Finds the smallest decimal scale s (0..15) at which every price is units / 10^s exactly as a double, and
 * returns the units: Int32 when they fit, else Float64 (integers below 2^53). A column no scale represents
 * (prices not from decimal text) keeps the doubles themselves with scale 0, still exact. Round-trip checked per
 * value, so the returned units always give back the input bit for bit.
 */
export function compactPrices(prices: Float64Array): { units: Int32Array | Float64Array; scale: number } {
  let scale = 0;
  let divisor = 1;
  let maxUnits = 0;
  for (let i = 0; i < prices.length; i++) {
    const p = prices[i] as number;
    let u = Math.round(p * divisor);
    while (u / divisor !== p) {
      if (scale === MAX_PRICE_SCALE) return { units: prices.slice(), scale: 0 };
      scale++;
      divisor *= 10;
      maxUnits *= 10;
      u = Math.round(p * divisor);
    }
    const a = Math.abs(u);
    if (a > maxUnits) maxUnits = a;
  }
  if (maxUnits >= 2 ** 53) return { units: prices.slice(), scale: 0 };
  const units = maxUnits <= INT32_MAX ? new Int32Array(prices.length) : new Float64Array(prices.length);
  for (let i = 0; i < prices.length; i++) units[i] = Math.round((prices[i] as number) * divisor);
  return { units, scale };
}

/**
 * Re-expresses price units of scale `from` at the larger scale `to` (x 10^(to - from), exact integer products);
 * Int32 when the result fits, else Float64.
 */
export function rescalePriceUnits(units: Int32Array | Float64Array, from: number, to: number): Int32Array | Float64Array {
  if (from === to) return units;
  const f = 10 ** (to - from);
  let max = 0;
  for (let i = 0; i < units.length; i++) max = Math.max(max, Math.abs(units[i] as number) * f);
  const out = max <= INT32_MAX ? new Int32Array(units.length) : new Float64Array(units.length);
  for (let i = 0; i < units.length; i++) out[i] = (units[i] as number) * f;
  return out;
}
