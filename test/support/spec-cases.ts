// Malformed spec files shared by the loader test and the CLI test: each case names the JSON path and the
// problem the error must mention. The base document is one valid BINANCE:MYUSDT entry.

export const validEntry = (): Record<string, unknown> => ({
  venue: 'BINANCE',
  symbol: 'MYUSDT',
  ccxtSymbol: 'MY/USDT:USDT',
  description: 'A test perpetual',
  base: 'MY',
  quote: 'USDT',
  settle: 'USDT',
  contractType: 'linear',
  contractSize: '1',
  tickSize: '0.01',
  lotSize: '0.1',
  minQty: '0.1',
  minNotional: '5',
  margin: {
    kind: 'tiered',
    brackets: [
      { bracket: 1, notionalFloor: '0', notionalCap: '10000', maintRate: '0.01', cum: '0', maxLeverage: '50' },
      { bracket: 2, notionalFloor: '10000', notionalCap: '50000', maintRate: '0.02', cum: '100', maxLeverage: '25' },
    ],
  },
  fees: { maker: '0.0002', taker: '0.0005' },
  funding: { kind: 'periodic', intervalHours: 8 },
  expiry: { kind: 'perpetual' },
  source: { url: 'https://example.com/spec', note: 'written by hand for a test', retrieved: '2025-01-01' },
});

export const validDocument = (entries: unknown[] = [validEntry()]): Record<string, unknown> => ({
  format: 'microfut.specs/v1',
  instruments: entries,
});

type Entry = Record<string, unknown> & { margin: { brackets: Record<string, unknown>[] } };

const withEntry = (change: (e: Entry) => void): string => {
  const e = validEntry() as Entry;
  change(e);
  return JSON.stringify(validDocument([e]));
};

export interface BadSpecCase {
  readonly name: string;
  readonly text: string;
  /** The JSON path the error must name ('' for a file-level problem). */
  readonly path: string;
  readonly problem: RegExp;
}

export const badSpecCases: readonly BadSpecCase[] = [
  { name: 'missing field', text: withEntry((e) => delete e['tickSize']), path: 'instruments[0].tickSize', problem: /is missing/ },
  { name: 'tick "0"', text: withEntry((e) => (e['tickSize'] = '0')), path: 'instruments[0].tickSize', problem: /must be greater than zero/ },
  { name: 'negative lot', text: withEntry((e) => (e['lotSize'] = '-1')), path: 'instruments[0].lotSize', problem: /greater than zero/ },
  { name: 'decimal written as a JSON number', text: withEntry((e) => (e['tickSize'] = 0.01)), path: 'instruments[0].tickSize', problem: /expected string/ },
  { name: 'not a decimal', text: withEntry((e) => (e['contractSize'] = '1,5')), path: 'instruments[0].contractSize', problem: /not a decimal number/ },
  { name: 'minQty off the lot grid', text: withEntry((e) => (e['minQty'] = '0.15')), path: 'instruments[0].minQty', problem: /not a multiple of lotSize 0.1/ },
  {
    name: 'bracket floors not ascending',
    text: withEntry((e) => {
      const b = e.margin.brackets[1];
      if (b) b['notionalFloor'] = '0';
    }),
    path: 'instruments[0].margin.brackets[1].notionalFloor',
    problem: /floors must ascend/,
  },
  {
    name: 'cum inconsistent with the continuity rule',
    text: withEntry((e) => {
      const b = e.margin.brackets[1];
      if (b) b['cum'] = '90';
    }),
    path: 'instruments[0].margin.brackets[1].cum',
    problem: /continuity rule .* gives 100/,
  },
  {
    name: 'cap missing on a middle bracket',
    text: withEntry((e) => {
      const b = e.margin.brackets[0];
      if (b) delete b['notionalCap'];
    }),
    path: 'instruments[0].margin.brackets[0].notionalCap',
    problem: /is missing/,
  },
  { name: 'maintenance rate above 1', text: withEntry((e) => { const b = e.margin.brackets[0]; if (b) b['maintRate'] = '1.5'; }), path: 'instruments[0].margin.brackets[0].maintRate', problem: /outside 0\.\.1/ },
  { name: 'unknown venue', text: withEntry((e) => (e['venue'] = 'KRAKEN')), path: 'instruments[0].venue', problem: /"KRAKEN"/ },
  { name: 'unknown field (typo)', text: withEntry((e) => (e['tickSzie'] = '0.01')), path: 'instruments[0]', problem: /unknown field\(s\) tickSzie/ },
  { name: 'unknown funding kind', text: withEntry((e) => (e['funding'] = { kind: 'sometimes' })), path: 'instruments[0].funding.kind', problem: /not one of the known kinds/ },
  { name: 'source without https url', text: withEntry((e) => (e['source'] = { url: 'ftp://x', note: 'read by hand somewhere', retrieved: '2025-01-01' })), path: 'instruments[0].source.url', problem: /https/ },
  { name: 'duplicate id', text: JSON.stringify(validDocument([validEntry(), validEntry()])), path: 'instruments[1].symbol', problem: /duplicate id BINANCE:MYUSDT/ },
  { name: 'wrong format tag', text: JSON.stringify({ ...validDocument(), format: 'v0' }), path: 'format', problem: /"v0"/ },
  { name: 'bad JSON', text: '{ "format": "microfut.specs/v1", "instruments": [ }', path: '', problem: /not valid JSON/ },
];
