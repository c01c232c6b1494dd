// Locates the real exchange data shared beside the checkout (../shared/data). Tests and benchmarks read it in
// place; it is never copied into this repository. Override with MICROFUT_SHARED_DATA.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const REPO_ROOT = resolve(here, '..', '..');
/** Absolute path of the shared real-data folder. */
export const SHARED_DATA = process.env.MICROFUT_SHARED_DATA ?? resolve(REPO_ROOT, '..', 'shared', 'data');

/** Absolute path of a file under ../shared/data, e.g. sharedData('binance/futures-um/klines/FILUSDT-1m-2023-10.csv.gz'). */
export function sharedData(relative: string): string {
  const p = resolve(SHARED_DATA, relative);
  if (!existsSync(p)) throw new Error(`shared data file missing: ${p} (expected ../shared/data beside the checkout)`);
  return p;
}
