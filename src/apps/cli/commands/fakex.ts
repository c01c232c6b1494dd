// `microfut fakex`: starts the Binance USD-M-compatible fake exchange on loopback and runs until interrupted.
// Wiring only: the server is src/apps/fakex/fakex-server.ts. Must never print the secret.
import type { Command } from 'commander';

interface FakexFlags {
  readonly port: string;
  readonly host: string;
  readonly replay?: string;
  readonly speed: string;
  readonly faults?: string;
  readonly key?: string;
  readonly secret?: string;
  readonly balance: string;
  readonly quiet?: boolean;
}

/** The capture replayed when --replay is not given (relative to the current directory, or MICROFUT_SHARED_DATA). */
export const DEFAULT_CAPTURE = 'binance/futures-um/stream/BTCUSDT-wsRaw-2023-04-04T2358.txt.gz';

export function registerFakex(program: Command): void {
  program
    .command('fakex')
    .description('a Binance USD-M-compatible fake exchange on 127.0.0.1: our simulated venue fed by a real capture, with seeded faults')
    .option('--port <n>', 'TCP port (0 = any free port; the URL is printed)', '0')
    .option('--host <addr>', 'address to bind; keep the loopback default unless you mean to expose it', '127.0.0.1')
    .option('--replay <file>', `a Binance websocket capture (.txt.gz); default ../shared/data/${DEFAULT_CAPTURE}`)
    .option('--speed <x>', 'replay speed: 1 = real time, 10 = ten times faster, 0 = as fast as possible', '1')
    .option('--faults <spec>', 'seeded faults, e.g. timeout:0.05,5xx-after-accept:0.05,reset:0.02,ws-drop:0.01,depth-gap:0.01,rate-limit:0.02,skew-ms:500,seed:7')
    .option('--key <k>', 'API key clients must send (default: env MICROFUT_FAKEX_KEY, else "fakex-key")')
    .option('--secret <s>', 'API secret for HMAC-SHA256 signatures (default: env MICROFUT_FAKEX_SECRET, else "fakex-secret")')
    .option('--balance <usdt>', 'starting wallet balance in the settle asset', '10000')
    .option('--quiet', 'do not log requests')
    .action(async (flags: FakexFlags) => runFakex(flags));
}

async function runFakex(flags: FakexFlags): Promise<void> {
  const { existsSync } = await import('node:fs');
  const { resolve } = await import('node:path');
  const { InputError } = await import('../../../core/errors.js');
  const { loadRegistry } = await import('../../../data/spec-files.js');
  const { parseFaultSpec, NO_FAULTS } = await import('../../fakex/fault-plan.js');
  const { startFakex } = await import('../../fakex/fakex-server.js');

  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError('INVALID_OPTION', '--port', `"${flags.port}" is not a port number`, 'give an integer from 0 to 65535 (0 = any free port)');
  const speed = Number(flags.speed);
  if (!Number.isFinite(speed) || speed < 0) throw new InputError('INVALID_OPTION', '--speed', `"${flags.speed}" is not a speed`, 'give 0 (as fast as possible) or a positive factor such as 1 or 10');
  const faults = flags.faults === undefined ? NO_FAULTS : parseFaultSpec(flags.faults);
  const sharedData = process.env.MICROFUT_SHARED_DATA ?? resolve('..', 'shared', 'data');
  const replayFile = flags.replay ?? resolve(sharedData, DEFAULT_CAPTURE);
  if (!existsSync(replayFile)) throw new InputError('INVALID_FILE', '--replay', `${replayFile} does not exist`, 'give a Binance USD-M capture such as ../shared/data/binance/futures-um/stream/BTCUSDT-wsRaw-2023-04-04T2358.txt.gz');
  const apiKey = flags.key ?? process.env.MICROFUT_FAKEX_KEY ?? 'fakex-key';
  const secret = flags.secret ?? process.env.MICROFUT_FAKEX_SECRET ?? 'fakex-secret';
  const server = await startFakex({
    port,
    host: flags.host,
    replayFile,
    speed,
    faults,
    credentials: { apiKey, secret },
    registry: loadRegistry(),
    startingBalance: flags.balance,
    ...(flags.quiet ? {} : { log: (line: string) => process.stderr.write(`${line}\n`) }),
  });
  process.stdout.write(`fakex ${server.symbol} listening on ${server.url} (websocket ${server.wsUrl}); api key ${apiKey}; truth: GET ${server.url}/__truth\n`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise<never>(() => undefined);
}
