// `microfut flatten`: the kill switch. Cancels every working order and closes every position with reduce-only
// market orders on the venue, then prints what it did and what is left. Wiring only (src/live/flatten.ts).
import type { Command } from 'commander';
import { InputError } from '../../../core/errors.js';

interface FlattenFlags {
  readonly venue: string;
  readonly instrument?: string;
  readonly baseUrl?: string;
  readonly keyFile?: string;
}

export function registerFlatten(program: Command): void {
  program
    .command('flatten')
    .description('kill switch: cancel every order and close every position reduce-only on the venue')
    .requiredOption('--venue <name>', 'venue profile, e.g. binanceusdm')
    .option('--instrument <id>', 'only this instrument (default: every instrument of the venue in the spec registry)')
    .option('--base-url <url>', 'REST base URL instead of the exchange (e.g. fakex on loopback)')
    .option('--key-file <file>', 'JSON key file readable only by you (chmod 600); default: MICROFUT_<VENUE>_API_KEY / _API_SECRET')
    .action(async (flags: FlattenFlags) => runFlatten(flags));
}

async function runFlatten(f: FlattenFlags): Promise<void> {
  const { loadRegistry } = await import('../../../data/spec-files.js');
  const { loadCredentials } = await import('../../../venues/ccxt/credentials.js');
  const { venueProfile } = await import('../../../venues/ccxt/venue-profiles.js');
  const { createLiveVenue } = await import('../../../live/live-venue.js');
  const { flatten } = await import('../../../live/flatten.js');
  const profile = venueProfile(f.venue);
  const credentials = loadCredentials(f.venue, { ...(f.keyFile === undefined ? {} : { keyFile: f.keyFile }), env: process.env });
  if (credentials === undefined) throw new InputError('MISSING_OPTION', '--key-file', `no API keys for ${f.venue}`, 'set MICROFUT_<VENUE>_API_KEY and _API_SECRET, or pass --key-file (chmod 600)');
  const registry = loadRegistry();
  const specs = f.instrument !== undefined ? [registry.get(f.instrument)] : registry.list(profile.venueId);
  const clock = { nowMs: () => Date.now() as never };
  const { venue, redact } = createLiveVenue({ venue: f.venue, ...(f.baseUrl === undefined ? {} : { baseUrl: f.baseUrl }), credentials, instruments: specs, clock, positionMode: 'one-way', marginMode: 'cross' });
  const stamp = Date.now().toString(36);
  try {
    const report = await flatten(venue, { ...(f.instrument === undefined ? {} : { instruments: [specs[0]!.id] }), clientId: (n) => `mf-flat-${stamp}-${n}`, clock });
    process.stdout.write(`working orders before: ${report.ordersBefore} (cancelled)\n`);
    for (const c of report.closes) process.stdout.write(`close ${c.instrument}: ${c.action} ${c.lots} lots reduce-only market (${c.clientId}): ${c.outcome}\n`);
    process.stdout.write(`left on the venue: ${report.openOrdersAfter} working orders, ${report.positionsAfter.length} positions\n`);
    if (report.openOrdersAfter > 0 || report.positionsAfter.length > 0) process.exitCode = 1;
  } catch (e) {
    throw new Error(redact(e instanceof Error ? e.message : String(e)));
  }
}
