// The core layer: brands, exact decimals and grids, money, rounding, results, errors, time and ids. Imports nothing.
export * from './brand.js';
export * from './decimal.js';
export * from './errors.js';
export * from './grid.js';
export * from './ids.js';
export * from './money.js';
export * from './result.js';
export * from './rounding.js';
export * from './time.js';
