// Spawns the compiled CLI as a user runs it, for the CLI tests. `npm test` builds first; when dist is missing (a
// focused `npx vitest run test/cli`), ensureBuilt compiles it once.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from '../support/shared-data.js';

export const CLI = resolve(REPO_ROOT, 'dist/src/apps/cli/main.js');

export function ensureBuilt(): void {
  if (existsSync(CLI)) return;
  spawnSync(process.execPath, [resolve(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing and the build did not produce it: run npx tsc -p tsconfig.build.json`);
}

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export function runCli(...args: string[]): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, MICROFUT_SPECS: '' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Runs with --json and parses stdout, failing with stderr when the command did not succeed. */
export function runJson(...args: string[]): { readonly json: Record<string, unknown>; readonly err: string } {
  const r = runCli(...args, '--json');
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.err}`);
  return { json: JSON.parse(r.out) as Record<string, unknown>, err: r.err };
}
