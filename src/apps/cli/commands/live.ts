// `microfut live`: the strategy on a real venue with real orders, behind pre-flight and the risk guard, journaled
// with power-loss durability. Wiring only (src/live/live-run.ts). Must never print a key or start without the
// explicit confirmation flag.
import type { Command } from 'commander';
import { InputError } from '../../../core/errors.js';
import { moneyFromText, type Money } from '../../../core/money.js';
import { checkSpotHoldingFlag, durationMs, guardLimits, sessionOptions, spotQtyOf, type SessionFlags } from './paper.js';

interface LiveFlags extends SessionFlags {
  readonly keyFile?: string;
  readonly iUnderstandThisTradesRealMoney?: boolean;
  readonly run?: string;
  readonly resume?: boolean;
  readonly positionMode: string;
  readonly marginMode: string;
  readonly minBalance: string;
  readonly pollMs: string;
  readonly spotFromVenue?: boolean;
  readonly spotPoll: string;
}

export function registerLive(program: Command): void {
  sessionOptions(program.command('live').description('trade a strategy for real on the venue: pre-flight, risk guard, journal; resume after a crash with --run'))
    .option('--key-file <file>', 'JSON key file readable only by you (chmod 600); default: MICROFUT_<VENUE>_API_KEY / _API_SECRET')
    .option('--i-understand-this-trades-real-money', 'required: confirms that orders go to the real venue')
    .option('--run <id>', 'resume this live run after a crash or kill (client ids continue, working orders are adopted)')
    .option('--resume', 'resume the last unfinished live run of this strategy, instrument and venue (as --run)')
    .option('--position-mode <m>', 'expected position mode on the venue: one-way or hedge', 'one-way')
    .option('--margin-mode <m>', 'expected margin mode on the venue: cross or isolated', 'cross')
    .option('--min-balance <amount>', 'pre-flight: least wallet balance in the settle asset', '10')
    .option('--poll-ms <ms>', 'how often the venue is asked for order states and fills', '1000')
    .option('--spot-from-venue', 'hedge-keeper: hedge the spot balance of the base asset read from the venue (Binance spot, same keys)')
    .option('--spot-poll <d>', 'hedge-keeper with --spot-from-venue: how often the spot balance is read (also after each hedge fill)', '30s')
    .action(async (flags: LiveFlags) => runLive(flags));
}

async function runLive(f: LiveFlags): Promise<void> {
  if (f.iUnderstandThisTradesRealMoney !== true) {
    throw new InputError('MISSING_OPTION', '--i-understand-this-trades-real-money', 'live trading sends real orders and was not confirmed', 'add --i-understand-this-trades-real-money, or use `microfut paper` to rehearse');
  }
  if (f.positionMode !== 'one-way' && f.positionMode !== 'hedge') throw new InputError('INVALID_OPTION', '--position-mode', `"${f.positionMode}" is not a position mode`, 'use one-way or hedge');
  if (f.marginMode !== 'cross' && f.marginMode !== 'isolated') throw new InputError('INVALID_OPTION', '--margin-mode', `"${f.marginMode}" is not a margin mode`, 'use cross or isolated');
  const { loadRegistry } = await import('../../../data/spec-files.js');
  const { loadStrategy } = await import('../../../backtest/strategy-loader.js');
  const { paramTexts, parseParams } = await import('../../../engine/strategy-params.js');
  const { openJournalDb, resolveJournalPath } = await import('../../../journal/journal-db.js');
  const { credentialEnvNames, loadCredentials } = await import('../../../venues/ccxt/credentials.js');
  const { createLiveVenue } = await import('../../../live/live-venue.js');
  const { startLive } = await import('../../../live/live-run.js');
  const { binanceWsBase } = await import('../../../live/trade-stream.js');
  const { depthFor, tradeStreamFor } = await import('../../../live/trade-stream-for.js');
  const credentials = loadCredentials(f.venue, { ...(f.keyFile === undefined ? {} : { keyFile: f.keyFile }), env: process.env });
  if (credentials === undefined) throw new InputError('MISSING_OPTION', '--key-file', `no API keys for ${f.venue}`, `set ${credentialEnvNames(f.venue).apiKey} and _API_SECRET, or pass --key-file (chmod 600)`);
  const spec = loadRegistry().get(f.instrument);
  const trades = tradeStreamFor({ venue: f.venue, spec, baseUrl: f.baseUrl, log: (line) => log(line) });
  const loaded = await loadStrategy(f.strategy);
  const params = parseParams(loaded.definition.params, paramTexts(f.param));
  const holdingFrom = spotHoldingFrom(f, { name: loaded.definition.name, builtIn: loaded.origin === 'built-in' });
  const minBalance = moneyFromText(f.minBalance);
  if (minBalance === undefined) throw new InputError('INVALID_OPTION', '--min-balance', `"${f.minBalance}" is not an amount`, 'give an amount such as 10');
  const limits = guardLimits(f);
  const depth = (await import('../../../live/depth-feed.js')).depthWatchOf(f, f.baseUrl);
  const clock = { nowMs: () => Date.now() as never };
  const log = (line: string): void => void process.stderr.write(`${redact(line)}\n`);
  const { venue, redact, exchange, profile } = createLiveVenue({
    venue: f.venue,
    ...(f.baseUrl === undefined ? {} : { baseUrl: f.baseUrl }),
    credentials,
    instruments: [spec],
    clock,
    positionMode: f.positionMode,
    marginMode: f.marginMode,
    leverage: Number(f.leverage),
    onFailure: (failure) => log(`venue failure ${failure.code}: ${failure.message}`),
  });
  // A key that can move funds off the exchange is never used for trading (issue: refuse keys that can withdraw).
  const permission = await venue.withdrawPermission();
  if (permission.canWithdraw === true) {
    throw new InputError('INVALID_OPTION', 'API key', `this key can withdraw funds (${permission.source})`, 'create a trade-only key without the withdrawal permission and use it instead');
  }
  if (permission.canWithdraw === 'unknown') log(`warning: could not tell whether this key can withdraw (${permission.source}); use a trade-only key`);
  const { binanceSpotReader, givenSpotHolding, hedgeKeeperOn, venueSpotHolding } = await import('../../../live/spot-holding.js');
  const holding =
    holdingFrom === undefined
      ? undefined
      : holdingFrom.kind === 'given'
        ? givenSpotHolding(holdingFrom.qty, spec.base)
        : venueSpotHolding({ reader: binanceSpotReader(credentials, f.baseUrl), asset: spec.base, symbol: `${spec.base}${spec.quote}`, pollMs: holdingFrom.pollMs, clock, redact, log });
  if (holding !== undefined) {
    // The first read happens before anything is journaled or sent: a hedge must know what it hedges.
    await holding.refresh();
    if (holding.qty() === undefined) {
      throw new InputError('INVALID_OPTION', '--spot-from-venue', `the ${holding.source} could not be read (${holding.lastError ?? 'no answer'})`, 'check that the key may read the spot account (Binance: "Enable Reading"), or give the holding with --spot-qty');
    }
    log(`spot holding: ${holding.source}: ${holding.qty()} ${spec.base}`);
  }
  const strategy = holding === undefined ? loaded.definition : hedgeKeeperOn(holding);
  const { file, inputName } = resolveJournalPath(f.journal);
  const journal = openJournalDb(file, { create: true, inputName, durability: 'power-loss' });
  const { lastUnfinishedRun } = await import('../../../live/run-journal-state.js');
  const resumeRunId = f.run ?? (f.resume === true ? lastUnfinishedRun(journal.db, { source: 'live', strategy: loaded.definition.name, instrument: spec.id, venue: f.venue }) : undefined);
  if (f.resume === true && resumeRunId === undefined) {
    journal.close();
    throw new InputError('NOT_FOUND', '--resume', `the journal ${file} has no unfinished live run of ${loaded.definition.name} on ${spec.id} (${f.venue})`, 'start without --resume, or give --run ID (see `microfut journal runs`)');
  }
  try {
    holding?.start();
    const handle = await startLive({
      spec,
      strategy,
      params,
      venue,
      venueName: f.venue,
      journal,
      ...(resumeRunId === undefined ? {} : { resumeRunId }),
      reconcileWith: { exchange, profile, account: { positionMode: f.positionMode, marginMode: f.marginMode, leverage: Number(f.leverage) } },
      wsBase: binanceWsBase(f.baseUrl),
      limits,
      leverage: Number(f.leverage),
      positionMode: f.positionMode,
      marginMode: f.marginMode,
      minBalance: minBalance as Money,
      replaySpeed: Number(f.replaySpeed),
      durationMs: durationMs(f.duration),
      depth: depthFor(f.venue, depth, log),
      trades,
      pollMs: Number(f.pollMs),
      clock,
      config: { strategy: f.strategy, instrument: f.instrument, venue: f.venue, params, limits, baseUrl: f.baseUrl ?? null, ...(holding === undefined ? {} : { spotHolding: holding.source }) },
      redact,
      log,
    });
    process.stdout.write(`live run ${handle.runId}: ${loaded.definition.name} on ${spec.id} (${f.venue}); journal ${file}; resume with --run ${handle.runId}\n`);
    const onSignal = (): void => void handle.stop();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const result = await handle.done;
    process.stdout.write(`finished ${handle.runId}: ${result.bars} bars, ${result.trips.length} round trips, ${handle.session.guarded.denials.length} orders refused by the risk guard\n`);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new Error(redact(e instanceof Error ? e.message : String(e)));
  } finally {
    holding?.stop();
    journal.close();
  }
}

/**
 * Where a live hedge keeper's spot holding comes from: `--spot-qty` or `--spot-from-venue` (one of them, or the
 * `spotQty`/`schedule` params given outright), checked before anything is read or sent. Undefined for other strategies.
 */
function spotHoldingFrom(f: LiveFlags, strategy: { readonly name: string; readonly builtIn: boolean }): { readonly kind: 'given'; readonly qty: number } | { readonly kind: 'venue'; readonly pollMs: number } | undefined {
  if (f.spotQty !== undefined && f.spotFromVenue === true) throw new InputError('CONFLICTING_OPTIONS', '--spot-qty', 'and --spot-from-venue both give the spot holding', 'keep one of them');
  if (f.spotQty !== undefined) {
    checkSpotHoldingFlag('--spot-qty', strategy, f.param);
    return { kind: 'given', qty: spotQtyOf(f.spotQty) };
  }
  if (f.spotFromVenue === true) {
    checkSpotHoldingFlag('--spot-from-venue', strategy, f.param);
    if (f.venue !== 'binanceusdm') throw new InputError('INVALID_OPTION', '--spot-from-venue', `reads Binance spot balances, not ${f.venue}'s`, 'use --venue binanceusdm, or give the holding with --spot-qty');
    return { kind: 'venue', pollMs: durationMs(f.spotPoll, '--spot-poll') };
  }
  const explicit = f.param.some((t) => /^\s*(spotQty|schedule)\s*=/.test(t));
  if (strategy.builtIn && strategy.name === 'hedge-keeper' && !explicit) {
    throw new InputError('MISSING_OPTION', '--spot-from-venue', 'a live hedge needs the spot holding it hedges', 'add --spot-from-venue (the spot balance, read with the same keys) or --spot-qty 0.5');
  }
  return undefined;
}
