// How the CLI reports errors: a user's mistake prints one clear line (input, problem, fix) and exits 2; a bug
// prints what broke and exits 1. Stack traces only with --debug. Never prints secrets.
import { InputError } from '../../core/errors.js';

export function reportError(e: unknown, debug: boolean): number {
  if (e instanceof InputError) {
    process.stderr.write(`error: ${e.message}\n`);
    if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
    return 2;
  }
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`error: ${message}\n`);
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  else process.stderr.write('(run again with --debug for the stack trace)\n');
  return 1;
}
