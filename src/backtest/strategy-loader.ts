// Finds the strategy a run names: a built-in by name, or a user module by path (.js/.mjs; .ts where this Node can
// strip types). Must never run a module that does not export a strategy definition as its default.
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../core/errors.js';
import { defineStrategy, isStrategyDefinition, type StrategyDefinition } from '../engine/strategy.js';
import { BUILT_IN_STRATEGIES } from '../strategies/index.js';

export interface LoadedStrategy {
  readonly definition: StrategyDefinition;
  /** `built-in` or the module's absolute path. */
  readonly origin: string;
}

const looksLikePath = (s: string): boolean => s.includes('/') || s.includes('\\') || /\.(c|m)?(j|t)s$/.test(s);

/** Loads a strategy by built-in name or file path. Throws InputError naming --strategy on anything wrong. */
export async function loadStrategy(nameOrPath: string): Promise<LoadedStrategy> {
  const builtIn = BUILT_IN_STRATEGIES.get(nameOrPath);
  if (builtIn !== undefined) return { definition: builtIn, origin: 'built-in' };
  if (!looksLikePath(nameOrPath)) {
    throw new InputError('NOT_FOUND', '--strategy', `"${nameOrPath}" is not a built-in strategy`, `use one of: ${[...BUILT_IN_STRATEGIES.keys()].join(', ')}, or the path of a strategy module`);
  }
  const path = resolve(nameOrPath);
  if (!existsSync(path)) throw new InputError('NOT_FOUND', '--strategy', `${nameOrPath} does not exist`, 'pass the path of a .js strategy module (see docs/strategy-api.md)');
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && extname(path) === '.ts') {
      throw new InputError(
        'INVALID_FILE',
        '--strategy',
        `this Node (${process.version}) cannot load TypeScript directly`,
        'compile the strategy to JavaScript (npx tsc) and pass the .js file, or use Node 22.6+ with --experimental-strip-types (23.6+ strips types by default)',
      );
    }
    throw new InputError('INVALID_FILE', '--strategy', `${nameOrPath} failed to load: ${(e as Error).message}`, 'fix the module so that `node` can import it');
  }
  const definition = module.default;
  if (!isStrategyDefinition(definition)) {
    throw new InputError('INVALID_FILE', '--strategy', `${nameOrPath} has no strategy as its default export`, 'end the module with `export default defineStrategy({ name, params, data, create })` (docs/strategy-api.md)');
  }
  return { definition: defineStrategy(definition), origin: path };
}
