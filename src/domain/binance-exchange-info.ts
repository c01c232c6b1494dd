// Converts Binance USD-M payloads (GET /fapi/v1/exchangeInfo + GET /fapi/v1/leverageBracket) into a spec document.
// Pure: the caller reads the files; values are copied as the exchange wrote them, never re-computed through floats.
import { z } from 'zod';
import { formatDecimal, parseDecimal } from '../core/decimal.js';
import { err, ok, type Result } from '../core/result.js';
import { parseSpecDocument, SPEC_FORMAT, type SpecDocument, type SpecEntry, type SpecProblem } from './spec-schema.js';

const EXCHANGE_INFO_URL =
  'https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Exchange-Information';
const BRACKETS_URL =
  'https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Notional-and-Leverage-Brackets';

const num = z.union([z.number(), z.string()]);
const filterSchema = z.looseObject({ filterType: z.string() });
const symbolSchema = z.looseObject({
  symbol: z.string(),
  contractType: z.string(),
  status: z.string(),
  baseAsset: z.string(),
  quoteAsset: z.string(),
  marginAsset: z.string(),
  maintMarginPercent: z.string(),
  requiredMarginPercent: z.string(),
  liquidationFee: z.string().optional(),
  filters: z.array(filterSchema),
});
const exchangeInfoSchema = z.looseObject({ serverTime: z.number(), symbols: z.array(symbolSchema) });
const bracketSchema = z.looseObject({
  bracket: z.number(),
  initialLeverage: num,
  notionalCap: num,
  notionalFloor: num,
  maintMarginRatio: num,
  cum: num,
});
const bracketsSchema = z.array(z.looseObject({ symbol: z.string(), brackets: z.array(bracketSchema) }));

export interface BinanceImportOptions {
  /** Symbols to convert, e.g. ['BTCUSDT']; all TRADING perpetuals when omitted. */
  readonly symbols?: readonly string[];
  /** Default fee rates as decimal strings (GET /fapi/v1/commissionRate, e.g. maker "0.0002", taker "0.0005"). */
  readonly fees: { readonly maker: string; readonly taker: string };
  /** Funding interval per symbol where it is not 8 h (e.g. { ENAUSDT: 4, LAYERUSDT: 1 }). */
  readonly fundingIntervalHours?: Readonly<Record<string, number>>;
  /** File names quoted in each spec's source note. */
  readonly exchangeInfoName: string;
  readonly bracketsName: string;
}

/** Why a payload could not be converted; `input` names the payload or option. */
export interface ImportProblem {
  readonly input: 'exchangeInfo' | 'brackets' | 'symbols' | 'fees';
  readonly problem: string;
  readonly fix: string;
}

/**
 * Builds one linear spec per symbol: tickSize from PRICE_FILTER, stepSize/minQty/maxQty from LOT_SIZE, notional
 * from MIN_NOTIONAL, liquidationFee, and the leverage brackets (floor, cap, maintMarginRatio, cum,
 * initialLeverage). A symbol without brackets gets one bracket from exchangeInfo (maintMarginPercent, and
 * 100 / requiredMarginPercent as maximum leverage), which its source note states. The result is validated.
 */
export function specsFromBinance(
  exchangeInfoJson: unknown,
  bracketsJson: unknown,
  options: BinanceImportOptions,
): Result<SpecDocument, readonly ImportProblem[]> {
  const info = exchangeInfoSchema.safeParse(exchangeInfoJson);
  if (!info.success) {
    return err([{ input: 'exchangeInfo', problem: `is not a GET /fapi/v1/exchangeInfo payload (${info.error.issues[0]?.message ?? ''} at ${info.error.issues[0]?.path.join('.') ?? ''})`, fix: 'give the JSON saved from https://fapi.binance.com/fapi/v1/exchangeInfo' }]);
  }
  const bracketList = bracketsSchema.safeParse(bracketsJson);
  if (!bracketList.success) {
    return err([{ input: 'brackets', problem: 'is not a GET /fapi/v1/leverageBracket payload (an array of {symbol, brackets})', fix: 'give the JSON saved from GET /fapi/v1/leverageBracket (signed endpoint)' }]);
  }
  const retrieved = new Date(info.data.serverTime).toISOString().slice(0, 10);
  const bySymbol = new Map(info.data.symbols.map((s) => [s.symbol, s]));
  const brackets = new Map(bracketList.data.map((b) => [b.symbol, b.brackets]));
  const wanted = options.symbols ?? info.data.symbols.filter((s) => s.contractType === 'PERPETUAL' && s.status === 'TRADING').map((s) => s.symbol);
  const problems: ImportProblem[] = [];
  const instruments: SpecEntry[] = [];
  for (const symbol of wanted) {
    const s = bySymbol.get(symbol);
    if (!s) {
      problems.push({ input: 'symbols', problem: `${symbol} is not in the exchangeInfo payload`, fix: 'check the spelling (e.g. BTCUSDT) or use a newer exchangeInfo file' });
      continue;
    }
    if (s.contractType !== 'PERPETUAL') {
      problems.push({ input: 'symbols', problem: `${symbol} has contractType ${JSON.stringify(s.contractType)}, not PERPETUAL`, fix: 'import perpetuals only; dated USD-M contracts are not supported by this importer' });
      continue;
    }
    const filter = (type: string): Record<string, unknown> | undefined => s.filters.find((f) => f.filterType === type);
    const price = filter('PRICE_FILTER');
    const lot = filter('LOT_SIZE');
    const minNotional = filter('MIN_NOTIONAL');
    const marketLot = filter('MARKET_LOT_SIZE');
    if (!price || !lot) {
      problems.push({ input: 'exchangeInfo', problem: `${symbol} lacks a PRICE_FILTER or LOT_SIZE filter`, fix: 'use an unmodified exchangeInfo payload' });
      continue;
    }
    const own = brackets.get(symbol);
    const interval = options.fundingIntervalHours?.[symbol] ?? 8;
    const fallback = own === undefined;
    const sourceNote =
      `Binance GET /fapi/v1/exchangeInfo (${options.exchangeInfoName}, PRICE_FILTER, LOT_SIZE, MIN_NOTIONAL, liquidationFee) ` +
      (fallback
        ? `and no leverage brackets in ${options.bracketsName}: one bracket from exchangeInfo maintMarginPercent ${s.maintMarginPercent} % and requiredMarginPercent ${s.requiredMarginPercent} % (max leverage 100 / requiredMarginPercent); the live table (${BRACKETS_URL}) has more tiers. `
        : `and GET /fapi/v1/leverageBracket (${options.bracketsName}, ${BRACKETS_URL}). `) +
      `Fees: default-tier GET /fapi/v1/commissionRate (maker ${options.fees.maker}, taker ${options.fees.taker}). Funding every ${interval} h` +
      (interval === 8 ? ' (the usual interval).' : ' (from the real funding history).');
    const notes = [`Market orders at most ${text(marketLot?.['maxQty'])} ${s.baseAsset} (MARKET_LOT_SIZE); limit orders at most ${text(lot['maxQty'])}.`];
    instruments.push({
      venue: 'BINANCE',
      symbol,
      ccxtSymbol: `${s.baseAsset}/${s.quoteAsset}:${s.marginAsset}`,
      description: `Binance USD-M ${symbol} perpetual (linear, ${s.marginAsset}-margined)`,
      base: s.baseAsset,
      quote: s.quoteAsset,
      settle: s.marginAsset,
      contractType: 'linear',
      contractSize: '1',
      tickSize: text(price['tickSize']),
      lotSize: text(lot['stepSize']),
      minQty: text(lot['minQty']),
      maxQty: text(lot['maxQty']),
      ...(minNotional ? { minNotional: text(minNotional['notional']) } : {}),
      margin: {
        kind: 'tiered',
        brackets: fallback
          ? [{ bracket: 1, notionalFloor: '0', maintRate: percentToFraction(s.maintMarginPercent), cum: '0', maxLeverage: leverageFromPercent(s.requiredMarginPercent) }]
          : own.map((b) => ({
              bracket: b.bracket,
              notionalFloor: text(b.notionalFloor),
              notionalCap: text(b.notionalCap),
              maintRate: text(b.maintMarginRatio),
              cum: text(b.cum),
              maxLeverage: text(b.initialLeverage),
            })),
      },
      fees: { maker: options.fees.maker, taker: options.fees.taker },
      ...(s.liquidationFee !== undefined ? { liquidationFeeRate: text(s.liquidationFee) } : {}),
      funding: { kind: 'periodic', intervalHours: interval },
      expiry: { kind: 'perpetual' },
      source: { url: EXCHANGE_INFO_URL, note: sourceNote, retrieved },
      notes,
    });
  }
  if (problems.length > 0) return err(problems);
  const doc: SpecDocument = {
    format: SPEC_FORMAT,
    description: `Binance USD-M perpetuals generated by \`microfut specs import-binance\` from ${options.exchangeInfoName} and ${options.bracketsName}.`,
    instruments,
  };
  const checked = parseSpecDocument(doc);
  if (!checked.ok) return err(checked.error.map((p: SpecProblem) => ({ input: 'exchangeInfo' as const, problem: `${p.path}: ${p.problem}`, fix: p.fix })));
  return ok(checked.value);
}

/**
 * A payload value as a decimal string: strings exactly as the exchange wrote them ("0.10", "0.020000"); JSON
 * numbers (the bracket file) as their shortest round-trip decimal (0.0065 -> "0.0065"), normalised.
 */
function text(v: unknown): string {
  if (typeof v === 'string') return v;
  const d = parseDecimal(typeof v === 'number' ? String(v) : '');
  return d === undefined ? String(v) : formatDecimal(d);
}

/** "2.5000" (percent) -> "0.025", exactly. */
function percentToFraction(percent: string): string {
  const d = parseDecimal(percent);
  return d === undefined ? percent : formatDecimal({ units: d.units, scale: d.scale + 2 });
}

/** requiredMarginPercent 5 -> max leverage 20 (rounded down to a whole leverage so the margin is never less). */
function leverageFromPercent(percent: string): string {
  const d = parseDecimal(percent);
  if (d === undefined || d.units <= 0n) return '1';
  const lev = (100n * 10n ** BigInt(d.scale)) / d.units;
  return String(lev > 0n ? lev : 1n);
}
