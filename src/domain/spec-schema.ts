// The spec file format (specs/*.json and a user's --specs file): a zod schema with decimals as strings, checks
// that span fields (grids, bracket continuity) and the conversion to InstrumentSpec. Pure: never reads files.
import { z } from 'zod';
import {
  compareDecimal,
  decimalToFloat,
  type ExactDecimal,
  formatDecimal,
  normalise,
  parseDecimal,
  unitsAtScale,
} from '../core/decimal.js';
import { countFromDecimal, type Grid, gridFromDecimal } from '../core/grid.js';
import { err, ok, type Result } from '../core/result.js';
import type { InstrumentId, InstrumentSpec, MaintenanceBracket, MarginModel, VenueId } from './instrument.js';
import { VENUE_IDS } from './instrument.js';
import { problemFromIssue, type SpecProblem } from './spec-problems.js';

export type { SpecProblem } from './spec-problems.js';

/** The format tag every spec file carries, so a future format change is detected instead of misread. */
export const SPEC_FORMAT = 'microfut.specs/v1';

type Sign = 'positive' | 'non-negative' | 'any';

/** A decimal written as a JSON string, exactly as the venue publishes it ("0.10", "0.001", "-0.0001"). */
function decimalText(what: string, sign: Sign, example: string) {
  return z.string().superRefine((text, ctx) => {
    const d = parseDecimal(text);
    const problem =
      d === undefined
        ? `"${text}" is not a decimal number`
        : sign === 'positive' && d.units <= 0n
          ? `${what} is "${text}" but must be greater than zero`
          : sign === 'non-negative' && d.units < 0n
            ? `${what} is "${text}" but must not be negative`
            : undefined;
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: problem, params: { fix: `write ${what} as a decimal string, e.g. "${example}"` } });
    }
  });
}

/** A fraction such as a fee or maintenance rate, as a decimal string within [min, max]. */
function rateText(what: string, min: string, max: string, example: string) {
  return decimalText(what, 'any', example).superRefine((text, ctx) => {
    const d = parseDecimal(text);
    if (!d) return;
    const lo = parseDecimal(min) as ExactDecimal;
    const hi = parseDecimal(max) as ExactDecimal;
    if (compareDecimal(d, lo) < 0 || compareDecimal(d, hi) > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `${what} is ${text}, outside ${min}..${max}`,
        params: { fix: `write ${what} as a fraction (0.0005 = 0.05 %), e.g. "${example}"` },
      });
    }
  });
}

const positiveInt = (what: string) =>
  z.number().int(`${what} must be a whole number`).positive(`${what} must be greater than zero`);

const bracketSchema = z.strictObject({
  bracket: positiveInt('bracket'),
  notionalFloor: decimalText('notionalFloor', 'non-negative', '0'),
  /** Omitted on the last bracket: no upper limit. */
  notionalCap: decimalText('notionalCap', 'positive', '50000').optional(),
  maintRate: rateText('maintRate', '0', '1', '0.004'),
  cum: decimalText('cum', 'non-negative', '50'),
  maxLeverage: decimalText('maxLeverage', 'positive', '125'),
});

const marginSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('tiered'), brackets: z.array(bracketSchema).min(1, 'needs at least one bracket') }),
  z.strictObject({
    kind: z.literal('fixed-per-contract'),
    initialPerContract: decimalText('initialPerContract', 'positive', '1800'),
    maintenancePerContract: decimalText('maintenancePerContract', 'positive', '1650'),
  }),
]);

const fundingSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({
    kind: z.literal('periodic'),
    intervalHours: positiveInt('intervalHours'),
    capRate: rateText('capRate', '0', '1', '0.003').optional(),
    floorRate: rateText('floorRate', '-1', '0', '-0.003').optional(),
  }),
  z.strictObject({
    kind: z.literal('accrued'),
    accrualHours: positiveInt('accrualHours'),
    settlementHoursUtc: z.array(z.number().int().min(0).max(23)).min(1),
  }),
]);

const expirySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('perpetual') }),
  z.strictObject({
    kind: z.literal('dated'),
    listingCycle: z.enum(['monthly', 'quarterly', 'monthly-and-quarterly']),
    listedCount: positiveInt('listedCount'),
    lastTradingDay: z.enum(['last-friday', 'last-friday-of-month']),
    lastTradingHourUtc: z.number().min(0).max(24),
    tenorYears: positiveInt('tenorYears').optional(),
    contractCodeRoot: z.string().regex(/^[A-Z0-9]{1,6}$/, 'must be 1 to 6 capital letters or digits').optional(),
    additionalDecembers: z.number().int().min(0).max(4).optional(),
    lastTradingLocalTime: z
      .strictObject({
        hour: z.number().int().min(0).max(23),
        minute: z.number().int().min(0).max(59),
        timeZone: z.enum(['Europe/London', 'America/New_York', 'UTC']),
      })
      .optional(),
    holidayRollback: z.array(z.enum(['UK', 'US'])).optional(),
    fixedExpiryDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD').optional(),
  }),
]);

const sourceSchema = z.strictObject({
  url: z.string().regex(/^https:\/\/\S+$/, 'must be an https:// address'),
  note: z.string().min(10, 'must say what was read (document, endpoint or file) in at least 10 characters'),
  retrieved: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD'),
});

const symbolText = z.string().regex(/^[A-Z0-9][A-Z0-9_.-]{0,39}$/, 'must be the venue symbol in capitals, e.g. BTCUSDT');
const assetText = z.string().regex(/^[A-Z0-9]{1,12}$/, 'must be an asset code in capitals, e.g. BTC');

/** One instrument as written in a spec file. The id is `${venue}:${symbol}`. */
export const specEntrySchema = z.strictObject({
  venue: z.enum(VENUE_IDS as [VenueId, ...VenueId[]]),
  symbol: symbolText,
  ccxtSymbol: z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+:[A-Z0-9]+(-\d{6})?$/, 'must be a ccxt symbol such as BTC/USDT:USDT'),
  description: z.string().min(1),
  base: assetText,
  quote: assetText,
  settle: assetText,
  contractType: z.enum(['linear', 'inverse']),
  contractSize: decimalText('contractSize', 'positive', '0.01'),
  tickSize: decimalText('tickSize', 'positive', '0.1'),
  lotSize: decimalText('lotSize', 'positive', '1'),
  minQty: decimalText('minQty', 'positive', '1'),
  maxQty: decimalText('maxQty', 'positive', '1000').optional(),
  minNotional: decimalText('minNotional', 'non-negative', '100').optional(),
  margin: marginSchema,
  fees: z.strictObject({
    maker: rateText('fees.maker', '-0.01', '0.01', '0.0002'),
    taker: rateText('fees.taker', '-0.01', '0.01', '0.0005'),
  }),
  liquidationFeeRate: rateText('liquidationFeeRate', '0', '0.1', '0.0125').optional(),
  funding: fundingSchema,
  expiry: expirySchema,
  source: sourceSchema,
  notes: z.array(z.string()).optional(),
});

export const specDocumentSchema = z.strictObject({
  $schema: z.string().optional(),
  format: z.literal(SPEC_FORMAT),
  description: z.string().optional(),
  instruments: z.array(specEntrySchema),
});

export type SpecEntry = z.infer<typeof specEntrySchema>;
type BracketEntry = z.infer<typeof bracketSchema>;
export type SpecDocument = z.infer<typeof specDocumentSchema>;

/** Validates parsed JSON as a spec document: the schema, then the checks that span fields. */
export function parseSpecDocument(json: unknown): Result<SpecDocument, readonly SpecProblem[]> {
  const parsed = specDocumentSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) return err(parsed.error.issues.map(problemFromIssue));
  const problems: SpecProblem[] = [];
  const seen = new Map<string, number>();
  parsed.data.instruments.forEach((entry, i) => {
    const at = `instruments[${i}]`;
    const id = `${entry.venue}:${entry.symbol}`;
    const first = seen.get(id);
    if (first !== undefined) {
      problems.push({
        path: `${at}.symbol`,
        problem: `duplicate id ${id} (already defined at instruments[${first}])`,
        fix: 'keep one entry per venue and symbol; a user file overrides built-in specs by id without repeating them',
      });
    } else seen.set(id, i);
    problems.push(...crossFieldProblems(entry, at));
  });
  return problems.length > 0 ? err(problems) : ok(parsed.data);
}

function crossFieldProblems(e: SpecEntry, at: string): SpecProblem[] {
  const out: SpecProblem[] = [];
  const lot = gridOf(e.lotSize);
  for (const field of ['minQty', 'maxQty'] as const) {
    const text = e[field];
    if (text === undefined) continue;
    const q = countFromDecimal(dec(text), lot, 'exact', text);
    if (!q.ok) {
      out.push({ path: `${at}.${field}`, problem: `${text} is not a multiple of lotSize ${lot.step}`, fix: `write a multiple of ${lot.step}` });
    }
  }
  if (e.maxQty !== undefined && compareDecimal(dec(e.maxQty), dec(e.minQty)) < 0) {
    out.push({ path: `${at}.maxQty`, problem: `maxQty ${e.maxQty} is below minQty ${e.minQty}`, fix: 'make maxQty at least minQty' });
  }
  if (e.ccxtSymbol.split('/')[0] !== e.base) {
    out.push({ path: `${at}.ccxtSymbol`, problem: `${e.ccxtSymbol} does not start with the base ${e.base}`, fix: `write ${e.base}/${e.quote}:${e.settle}` });
  }
  if (e.margin.kind === 'tiered') out.push(...bracketProblems(e.margin.brackets, `${at}.margin.brackets`));
  return out;
}

/**
 * Brackets must tile [0, cap_last) without gaps, with non-decreasing rates and non-increasing leverage, and each
 * cum must follow the continuity rule cum_n = cum_{n-1} + floor_n x (rate_n - rate_{n-1}) exactly, so maintenance
 * margin (notional x rate - cum) has no jump at a boundary. Source: Binance "Leverage and Margin of USDⓈ-M
 * Futures", https://www.binance.com/en/support/faq/360033162192 (maintenance amount column).
 */
function bracketProblems(brackets: readonly BracketEntry[], at: string): SpecProblem[] {
  const out: SpecProblem[] = [];
  brackets.forEach((b, i) => {
    const here = `${at}[${i}]`;
    const floor = dec(b.notionalFloor);
    if (b.bracket !== i + 1) out.push({ path: `${here}.bracket`, problem: `is ${b.bracket}, expected ${i + 1}`, fix: 'number brackets 1, 2, 3 ... in order' });
    if (b.notionalCap === undefined && i < brackets.length - 1) {
      out.push({ path: `${here}.notionalCap`, problem: 'is missing', fix: 'only the last bracket may omit notionalCap (no upper limit)' });
    }
    if (b.notionalCap !== undefined && compareDecimal(dec(b.notionalCap), floor) <= 0) {
      out.push({ path: `${here}.notionalCap`, problem: `${b.notionalCap} is not above notionalFloor ${b.notionalFloor}`, fix: 'make each cap greater than its floor' });
    }
    const prev = brackets[i - 1];
    if (prev === undefined) {
      if (floor.units !== 0n) out.push({ path: `${here}.notionalFloor`, problem: `is ${b.notionalFloor}, the first bracket must start at 0`, fix: 'write "0"' });
      if (dec(b.cum).units !== 0n) out.push({ path: `${here}.cum`, problem: `is ${b.cum}, the first bracket's cum must be 0`, fix: 'write "0"' });
      return;
    }
    if (prev.notionalCap !== undefined && compareDecimal(floor, dec(prev.notionalCap)) !== 0) {
      const ascending = compareDecimal(floor, dec(prev.notionalFloor)) > 0;
      out.push({
        path: `${here}.notionalFloor`,
        problem: ascending
          ? `is ${b.notionalFloor} but the previous bracket ends at ${prev.notionalCap} (brackets must not leave gaps or overlap)`
          : `is ${b.notionalFloor}, not above the previous floor ${prev.notionalFloor} (floors must ascend)`,
        fix: `start this bracket at the previous cap, "${prev.notionalCap}"`,
      });
    }
    if (compareDecimal(dec(b.maintRate), dec(prev.maintRate)) < 0) {
      out.push({ path: `${here}.maintRate`, problem: `${b.maintRate} is below the previous bracket's ${prev.maintRate}`, fix: 'maintenance rates must not fall as notional grows' });
    }
    if (compareDecimal(dec(b.maxLeverage), dec(prev.maxLeverage)) > 0) {
      out.push({ path: `${here}.maxLeverage`, problem: `${b.maxLeverage} is above the previous bracket's ${prev.maxLeverage}`, fix: 'maximum leverage must not rise as notional grows' });
    }
    const expected = continuityCum(prev.cum, b.notionalFloor, b.maintRate, prev.maintRate);
    if (compareDecimal(dec(b.cum), expected) !== 0) {
      out.push({
        path: `${here}.cum`,
        problem: `is ${b.cum} but the continuity rule cum_n = cum_(n-1) + floor_n x (rate_n - rate_(n-1)) gives ${formatDecimal(expected)}`,
        fix: `write "${formatDecimal(expected)}" or correct the floor or rate`,
      });
    }
  });
  return out;
}

/** cum_n = cum_{n-1} + floor_n x (rate_n - rate_{n-1}), exactly. */
function continuityCum(prevCum: string, floor: string, rate: string, prevRate: string): ExactDecimal {
  const f = dec(floor);
  const r = dec(rate);
  const pr = dec(prevRate);
  const pc = dec(prevCum);
  const rs = Math.max(r.scale, pr.scale);
  const productUnits = f.units * (unitsAtScale(r, rs) - unitsAtScale(pr, rs));
  const productScale = f.scale + rs;
  const s = Math.max(productScale, pc.scale);
  return normalise({ units: unitsAtScale(pc, s) + productUnits * 10n ** BigInt(s - productScale), scale: s });
}

/** Converts a validated entry to the model. Call only with entries from parseSpecDocument. */
export function instrumentFromEntry(e: SpecEntry): InstrumentSpec {
  const lot = gridOf(e.lotSize);
  const lotsOf = (text: string): number => {
    const q = countFromDecimal(dec(text), lot, 'exact', text);
    if (!q.ok) throw new RangeError(`${text} is not on the lot grid ${lot.step}; validate with parseSpecDocument first`);
    return q.value;
  };
  const spec: InstrumentSpec = {
    id: `${e.venue}:${e.symbol}` as InstrumentId,
    venue: e.venue,
    symbol: e.symbol,
    ccxtSymbol: e.ccxtSymbol,
    description: e.description,
    base: e.base,
    quote: e.quote,
    settle: e.settle,
    contractType: e.contractType,
    contractSize: dec(e.contractSize),
    tick: gridOf(e.tickSize),
    lot,
    minQtyLots: lotsOf(e.minQty),
    ...(e.maxQty !== undefined ? { maxQtyLots: lotsOf(e.maxQty) } : {}),
    ...(e.minNotional !== undefined ? { minNotional: dec(e.minNotional) } : {}),
    margin: marginFromEntry(e.margin),
    fees: { maker: rate(e.fees.maker), taker: rate(e.fees.taker) },
    ...(e.liquidationFeeRate !== undefined ? { liquidationFeeRate: rate(e.liquidationFeeRate) } : {}),
    funding:
      e.funding.kind === 'periodic'
        ? {
            kind: 'periodic',
            intervalHours: e.funding.intervalHours,
            ...(e.funding.capRate !== undefined ? { capRate: rate(e.funding.capRate) } : {}),
            ...(e.funding.floorRate !== undefined ? { floorRate: rate(e.funding.floorRate) } : {}),
          }
        : e.funding,
    expiry: e.expiry,
    source: e.source,
    ...(e.notes !== undefined ? { notes: e.notes } : {}),
  };
  return spec;
}

function marginFromEntry(m: SpecEntry['margin']): MarginModel {
  switch (m.kind) {
    case 'fixed-per-contract':
      return { kind: m.kind, initialPerContract: dec(m.initialPerContract), maintenancePerContract: dec(m.maintenancePerContract) };
    case 'tiered': {
      const brackets: MaintenanceBracket[] = m.brackets.map((b) => ({
        bracket: b.bracket,
        notionalFloor: rate(b.notionalFloor),
        notionalCap: b.notionalCap === undefined ? Number.POSITIVE_INFINITY : rate(b.notionalCap),
        maintRate: rate(b.maintRate),
        cum: rate(b.cum),
        maxLeverage: rate(b.maxLeverage),
      }));
      return { kind: 'tiered', maxLeverage: brackets[0]?.maxLeverage ?? 1, brackets };
    }
  }
}

function dec(text: string): ExactDecimal {
  const d = parseDecimal(text);
  if (!d) throw new RangeError(`"${text}" is not a decimal; validate with parseSpecDocument first`);
  return d;
}

function gridOf(text: string): Grid {
  const g = gridFromDecimal(dec(text));
  if (!g) throw new RangeError(`"${text}" is not a positive step; validate with parseSpecDocument first`);
  return g;
}

/** Rates, leverage and bracket bounds are floats in the model (STYLE: no floats in specs except rates). */
const rate = (text: string): number => decimalToFloat(dec(text));
