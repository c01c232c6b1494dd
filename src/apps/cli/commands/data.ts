// The `microfut data` command group: each data subcommand registers itself here, one line each.
// Wiring only: must never hold data logic.
import type { Command } from 'commander';
import { registerDataDownload } from './data-download.js';
import { registerDataImport } from './data-import.js';
import { registerDataVerify } from './data-verify.js';

/** Creates `microfut data` and its subcommands. */
export function registerData(program: Command): void {
  const data = program.command('data').description('market data: download, verify, import into the columnar cache');
  registerDataDownload(data);
  registerDataVerify(data);
  registerDataImport(data);
  // data subcommands (one register line each) go above this line
}
