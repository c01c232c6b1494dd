// Loads instrument spec files: the built-in registry in `specs/` at the package root, then an optional user file
// (--specs FILE or MICROFUT_SPECS) that overrides or adds by id. A bad file is an InputError naming file, field, fix.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import { buildRegistry, type Registry, type SpecLayer } from '../domain/registry.js';
import { instrumentFromEntry, parseSpecDocument } from '../domain/spec-schema.js';

export type { Registry } from '../domain/registry.js';

export interface LoadRegistryOptions {
  /** A user spec file (from --specs); overrides the MICROFUT_SPECS environment variable. */
  readonly userSpecsFile?: string;
  /** The built-in specs folder; defaults to `specs/` at the package root. */
  readonly builtInDir?: string;
  /** Environment to read MICROFUT_SPECS from; defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The environment variable naming a user spec file. */
export const SPECS_ENV = 'MICROFUT_SPECS';

/**
 * Builds the registry: every `specs/*.json` in name order, then the user's file. Throws InputError for a missing or
 * invalid file (nothing is cached for a file that failed).
 */
export function loadRegistry(options: LoadRegistryOptions = {}): Registry {
  const env = options.env ?? process.env;
  const builtInDir = options.builtInDir ?? builtInSpecsDir();
  const layers: SpecLayer[] = builtInFiles(builtInDir).map((file) => loadSpecLayer(file, `specs/${relative(builtInDir, file)}`));
  const fromFlag = options.userSpecsFile;
  const fromEnv = env[SPECS_ENV];
  const user = fromFlag ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined);
  if (user !== undefined) {
    const label = fromFlag !== undefined ? user : `${user} (from ${SPECS_ENV})`;
    if (!existsSync(user)) {
      throw new InputError(
        'NOT_FOUND',
        fromFlag !== undefined ? `--specs ${user}` : `${SPECS_ENV}=${user}`,
        'no such file',
        'give the path of a spec JSON file (see docs/instruments.md), or unset it to use the built-in specs',
      );
    }
    layers.push(loadSpecLayer(user, label));
  }
  return buildRegistry(layers);
}

/** The built-in spec files, sorted by name so the registry is the same on every machine. */
export function builtInFiles(dir: string = builtInSpecsDir()): readonly string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

/** Reads, parses and validates one spec file. `label` is how errors name the file. */
export function loadSpecLayer(file: string, label: string = file): SpecLayer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError('INVALID_FILE', label, `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 'check the path and permissions');
  }
  return { origin: label, instruments: parseSpecText(text, label) };
}

/** Parses the text of a spec file; errors name `label`, the JSON path of the field, the problem and the fix. */
export function parseSpecText(text: string, label: string): readonly InstrumentSpec[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError('INVALID_FILE', label, `is not valid JSON (${jsonErrorWhere(text, e)})`, 'fix the JSON syntax (a validator or `node -e "JSON.parse(require(\'fs\').readFileSync(0,\'utf8\'))" < FILE` shows where)');
  }
  const parsed = parseSpecDocument(json);
  if (!parsed.ok) {
    const [first, ...more] = parsed.error;
    if (first === undefined) throw new InputError('INVALID_SPEC', label, 'is invalid', 'see docs/instruments.md');
    const others = more.length > 0 ? ` (and ${more.length} more: ${more.slice(0, 3).map((p) => p.path || '(top level)').join(', ')}${more.length > 3 ? ', ...' : ''})` : '';
    throw new InputError('INVALID_SPEC', `${label}: ${first.path || '(top level)'}`, `${first.problem}${others}`, capitalise(first.fix));
  }
  return parsed.value.instruments.map(instrumentFromEntry);
}

function capitalise(s: string): string {
  return s.length > 0 ? `${s[0]?.toUpperCase()}${s.slice(1)}` : s;
}

/** Line and column of a JSON syntax error, from the position V8 reports. */
function jsonErrorWhere(text: string, e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const m = /position (\d+)/.exec(message);
  if (!m) return message;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `${message.replace(/ in JSON at position \d+.*$/, '').replace(/ \(line \d+ column \d+\)$/, '')} at line ${line}, column ${column}`;
}

/** `specs/` at the package root: the nearest ancestor of this module holding package.json and specs/. */
export function builtInSpecsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'specs'))) return join(dir, 'specs');
    const up = resolve(dir, '..');
    if (up === dir) throw new InputError('NOT_FOUND', 'specs/', 'the built-in spec folder was not found beside the package', 'reinstall microfut; the package must include specs/');
    dir = up;
  }
}
