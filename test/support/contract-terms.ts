// Hand-built instrument terms for the domain math tests, so they do not depend on the spec registry, and the real
// Binance leverage-bracket table read in place from ../shared/data. Test support only; never used by src.
import { readFileSync } from 'node:fs';
import { parseDecimal } from '../../src/core/decimal.js';
import { gridFromStep, type Grid } from '../../src/core/grid.js';
import type { ContractTerms } from '../../src/domain/contract-math.js';
import type { ContractType, FundingModel, InstrumentSpec, MaintenanceBracket, MarginModel, VenueId } from '../../src/domain/instrument.js';
import { sharedData } from './shared-data.js';

export function grid(step: string): Grid {
  const g = gridFromStep(step);
  if (!g) throw new Error(`bad step ${step}`);
  return g;
}

export function decimal(text: string): NonNullable<ReturnType<typeof parseDecimal>> {
  const d = parseDecimal(text);
  if (!d) throw new Error(`bad decimal ${text}`);
  return d;
}

/** Contract terms: type, contract size (multiplier or contract value), tick and lot step as decimal strings. */
export function terms(contractType: ContractType, contractSize: string, tick: string, lot: string): ContractTerms {
  return { contractType, contractSize: decimal(contractSize), tick: grid(tick), lot: grid(lot) };
}

/** One flat bracket (a single maintenance rate, cum 0) up to an unbounded cap. */
export function flatBrackets(maintRate: number, maxLeverage = 125): MaintenanceBracket[] {
  return [{ bracket: 1, notionalFloor: 0, notionalCap: Number.POSITIVE_INFINITY, maintRate, cum: 0, maxLeverage }];
}

/** An instrument with every field the domain math reads, defaults for the rest. */
export interface TestSpecOptions {
  readonly venue?: VenueId;
  readonly contractType?: ContractType;
  readonly contractSize?: string;
  readonly tick?: string;
  readonly lot?: string;
  readonly margin?: MarginModel;
  readonly fees?: { readonly maker: number; readonly taker: number };
  readonly funding?: FundingModel;
}

export function testSpec(o: TestSpecOptions = {}): InstrumentSpec {
  const venue = o.venue ?? 'BINANCE';
  const contractType = o.contractType ?? 'linear';
  return {
    id: `${venue}:TEST`,
    venue,
    symbol: 'TEST',
    ccxtSymbol: 'TEST/USDT:USDT',
    description: 'hand-built test instrument',
    base: 'BTC',
    quote: contractType === 'linear' ? 'USDT' : 'USD',
    settle: contractType === 'linear' ? 'USDT' : 'BTC',
    contractType,
    contractSize: decimal(o.contractSize ?? '1'),
    tick: grid(o.tick ?? '0.1'),
    lot: grid(o.lot ?? '0.001'),
    minQtyLots: 1,
    margin: o.margin ?? { kind: 'tiered', maxLeverage: 125, brackets: flatBrackets(0.004) },
    fees: o.fees ?? { maker: 0.0002, taker: 0.0005 },
    funding: o.funding ?? { kind: 'periodic', intervalHours: 8 },
    expiry: { kind: 'perpetual' },
    source: { url: 'https://example.invalid/test', note: 'hand-built for a unit test', retrieved: '2025-01-01' },
  };
}

interface RawBracket {
  readonly bracket: number;
  readonly initialLeverage: number;
  readonly notionalCap: number;
  readonly notionalFloor: number;
  readonly maintMarginRatio: number;
  readonly cum: number;
}

/** The real Binance USD-M bracket table of a symbol from ../shared/data (GET /fapi/v1/leverageBracket, 2024-10-24). */
export function binanceBrackets(symbol: string): MaintenanceBracket[] {
  const raw = JSON.parse(readFileSync(sharedData('binance/futures-um/meta/leverageBracket-2024-10-24.json'), 'utf8')) as {
    readonly symbol: string;
    readonly brackets: readonly RawBracket[];
  }[];
  const entry = raw.find((e) => e.symbol === symbol);
  if (!entry) throw new Error(`no brackets for ${symbol}`);
  return entry.brackets.map((b) => ({
    bracket: b.bracket,
    notionalFloor: b.notionalFloor,
    notionalCap: b.notionalCap,
    maintRate: b.maintMarginRatio,
    cum: b.cum,
    maxLeverage: b.initialLeverage,
  }));
}
