import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { badSpecCases, validDocument, validEntry } from '../../test/support/spec-cases.js';
import { builtInFiles, loadRegistry, loadSpecLayer, SPECS_ENV } from './spec-files.js';

const dir = mkdtempSync(join(tmpdir(), 'microfut-specs-'));
const write = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

function loadError(file: string): InputError {
  try {
    loadRegistry({ userSpecsFile: file, env: {} });
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error(`${file} was accepted`);
}

describe('built-in spec files', () => {
  it('every file in specs/ validates and every spec cites an https source with a note', () => {
    const files = builtInFiles();
    expect(files.length, 'the registry ships several venue files').toBeGreaterThanOrEqual(8);
    for (const f of files) {
      const layer = loadSpecLayer(f);
      expect(layer.instruments.length, `${f} holds instruments`).toBeGreaterThan(0);
      for (const s of layer.instruments) {
        expect(s.source.url, `${s.id} cites a URL`).toMatch(/^https:\/\//);
        expect(s.source.note.length, `${s.id} says what was read`).toBeGreaterThan(20);
      }
    }
  });

  it('covers every venue the issue names', () => {
    const venues = new Set(loadRegistry({ env: {} }).list().map((s) => s.venue));
    expect([...venues].sort()).toEqual(['BINANCE', 'BINANCECOINM', 'BINGX', 'BYBIT', 'CME', 'COINBASE', 'MEXC', 'WEEX']);
  });
});

describe('user spec files', () => {
  it('adds an instrument and overrides a built-in one by id', () => {
    const override = { ...validEntry(), symbol: 'BTCUSDT', ccxtSymbol: 'BTC/USDT:USDT', base: 'BTC', description: 'my fee tier' };
    const file = write('user.json', JSON.stringify(validDocument([validEntry(), override])));
    const r = loadRegistry({ userSpecsFile: file, env: {} });
    expect(r.get('BINANCE:MYUSDT').tick.step).toBe('0.01');
    expect(r.get('BINANCE:BTCUSDT').description, 'the user file wins').toBe('my fee tier');
    expect(r.originOf('BINANCE:BTCUSDT')).toBe(file);
  });

  it('reads the user file from MICROFUT_SPECS when --specs is not given', () => {
    const file = write('env.json', JSON.stringify(validDocument()));
    expect(loadRegistry({ env: { [SPECS_ENV]: file } }).get('BINANCE:MYUSDT').symbol).toBe('MYUSDT');
  });

  it('names a missing file and where it came from', () => {
    expect(loadError(join(dir, 'nope.json')).input).toBe(`--specs ${join(dir, 'nope.json')}`);
    try {
      loadRegistry({ env: { [SPECS_ENV]: '/nonexistent/specs.json' } });
      throw new Error('accepted');
    } catch (e) {
      expect((e as InputError).input).toBe(`${SPECS_ENV}=/nonexistent/specs.json`);
    }
  });

  for (const c of badSpecCases) {
    it(`refuses a file with ${c.name}, naming file, field and fix`, () => {
      const file = write(`${c.name.replace(/\W+/g, '-')}.json`, c.text);
      const e = loadError(file);
      expect(e.code).toMatch(/INVALID_SPEC|INVALID_FILE/);
      expect(e.input, 'the error names the file and the JSON path').toBe(c.path === '' ? file : `${file}: ${c.path}`);
      expect(e.problem).toMatch(c.problem);
      expect(e.fix.length, 'the error says how to fix it').toBeGreaterThan(5);
    });
  }
});
