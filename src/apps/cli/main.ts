#!/usr/bin/env node
// The microfut command line: composition root only. Parses flags, calls library code, prints results.
// Must never hold domain logic; commands load their heavy modules lazily so the CLI starts fast.
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import { reportError } from './errors.js';
import { packageVersion } from './version.js';

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command();
  const debug = argv.includes('--debug');
  program
    .name('microfut')
    .description('Exact contract math, honest backtests and safe live trading for crypto micro-futures')
    .version(packageVersion())
    .option('--debug', 'print stack traces for errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
    });
  registerCommands(program);
  try {
    await program.parseAsync(argv as string[], { from: 'node' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has already printed its message (unknown option, missing value, --help, --version).
      return e.exitCode === 0 ? 0 : 2;
    }
    return reportError(e, debug);
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = reportError(e, process.argv.includes('--debug'));
  },
);
