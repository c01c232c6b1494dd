// Downloads data.binance.vision files (or a mirror's) with sha256 verification, retries and resume. A file appears
// under its final name only after its checksum matched; it must never leave a half-written file under that name.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { InputError } from '../core/errors.js';
import { dailyFiles, hasDailyFiles, parseChecksumFile, type VisionFile } from './binance-vision.js';

export const DEFAULT_VISION_URL = 'https://data.binance.vision';

export interface DownloadOptions {
  /** Base URL of the archive or a mirror of its layout, e.g. https://data.binance.vision. */
  readonly baseUrl: string;
  /** Local root; each file goes to dir/<archive path>, so spot and futures files of one symbol never collide. */
  readonly dir: string;
  readonly files: readonly VisionFile[];
  /** Parallel downloads, 1..4 (default 3): enough to fill a link without hammering the archive. */
  readonly concurrency?: number;
  /** Extra attempts after a 5xx, 408, 429, a dropped connection or a checksum mismatch (default 4). */
  readonly retries?: number;
  /** First retry delay in ms; doubles on each retry (default 500). */
  readonly backoffMs?: number;
  /** Idle timeout in ms: a request that receives no byte for this long is aborted and retried (default 60000). */
  readonly timeoutMs?: number;
  /** A monthly file the archive does not have (yet) is replaced by the daily files of that month (default true). */
  readonly monthlyFallbackToDaily?: boolean;
  readonly onEvent?: (event: DownloadEvent) => void;
}

export type DownloadOutcome = 'downloaded' | 'already-present';

export interface FileResult {
  readonly file: VisionFile;
  readonly localPath: string;
  readonly outcome: DownloadOutcome;
  readonly bytes: number;
  readonly sha256: string;
}

export interface FileFailure {
  readonly file: VisionFile;
  readonly error: InputError;
}

export type DownloadEvent =
  | { readonly type: 'total'; readonly files: number }
  | { readonly type: 'file-done'; readonly result: FileResult }
  | { readonly type: 'file-failed'; readonly failure: FileFailure }
  | { readonly type: 'retry'; readonly url: string; readonly attempt: number; readonly reason: string; readonly delayMs: number }
  | { readonly type: 'monthly-replaced'; readonly file: VisionFile; readonly dailyFiles: number };

export interface DownloadReport {
  /** Files now present and verified, in time order. */
  readonly results: readonly FileResult[];
  /** Files that could not be fetched; nothing was written under their final names. */
  readonly failures: readonly FileFailure[];
  /** HTTP requests made (0 when every file was already present and verified). */
  readonly requests: number;
}

/** Where a file of the plan lives locally. */
export const localPathOf = (dir: string, file: VisionFile): string => join(dir, ...file.path.split('/'));

const joinUrl = (base: string, path: string): string => `${base.replace(/\/+$/, '')}/${path}`;

/** An error that another attempt may fix (server busy, connection dropped, body corrupted in transit). */
class RetryableError extends Error {
  constructor(
    message: string,
    readonly final: InputError,
  ) {
    super(message);
  }
}

async function sha256OfFile(path: string): Promise<string | undefined> {
  try {
    const hash = createHash('sha256');
    await pipeline(createReadStream(path), hash);
    return hash.digest('hex');
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const describeCause = (e: unknown): string => {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as Error & { cause?: unknown }).cause;
  const inner = cause instanceof Error ? `: ${(cause as Error & { code?: string }).code ?? cause.message}` : '';
  return `${e.message}${inner}`;
};

function httpError(url: string, status: number, file: VisionFile): InputError | RetryableError {
  if (status === 404) {
    const when = file.period === 'daily' ? `the day ${file.date}` : `the month ${file.date}`;
    const publish =
      file.period === 'daily'
        ? 'daily files appear the day after'
        : 'monthly files appear in the first days of the next month';
    return new InputError(
      'NOT_FOUND',
      url,
      `not found (HTTP 404): the archive has no ${file.symbol} ${file.kind}${file.interval ? ` ${file.interval}` : ''} file for ${when}`,
      `Check --symbol, --market, --kind and --interval; the symbol may not have traded then, or the exchange has not published it yet (${publish})`,
    );
  }
  const final = new InputError('NETWORK', url, `the server answered HTTP ${status}`, 'Try again later, or use --base-url (or MICROFUT_DATA_URL) with a mirror');
  if (status >= 500 || status === 408 || status === 429) return new RetryableError(`HTTP ${status}`, final);
  return final;
}

interface Session {
  readonly opts: Required<Omit<DownloadOptions, 'onEvent'>> & Pick<DownloadOptions, 'onEvent'>;
  requests: number;
}

/** Aborts a request when no byte has arrived for `idleMs`; `kick` on every chunk, `stop` when done. */
interface Watchdog {
  readonly signal: AbortSignal;
  kick(): void;
  stop(): void;
}

function watchdog(idleMs: number): Watchdog {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const kick = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`no data for ${idleMs} ms`)), idleMs);
  };
  kick();
  return { signal: controller.signal, kick, stop: () => clearTimeout(timer) };
}

/**
 * One GET. The timeout is an idle timeout (no byte for timeoutMs), not a total one, so a large monthly file on a
 * slow link is never cut off while it is still arriving. Converts transport failures into RetryableError; the
 * caller stops the returned watchdog once it has read the body.
 */
async function get(session: Session, url: string, file: VisionFile): Promise<{ readonly res: Response; readonly dog: Watchdog }> {
  session.requests += 1;
  const dog = watchdog(session.opts.timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, { signal: dog.signal });
  } catch (e) {
    dog.stop();
    const why = describeCause(e);
    throw new RetryableError(why, new InputError('NETWORK', url, `the connection failed (${why})`, 'Check the network and --base-url, then run again; finished files are kept and skipped'));
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    dog.stop();
    throw httpError(url, res.status, file);
  }
  return { res, dog };
}

/** Runs `attempt` with retries and exponential backoff for RetryableError only. */
async function withRetries<T>(session: Session, url: string, attempt: () => Promise<T>): Promise<T> {
  let delay = session.opts.backoffMs;
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof RetryableError)) throw e;
      if (n >= session.opts.retries) {
        const f = e.final;
        throw new InputError(f.code, f.input, `${f.problem} (after ${n + 1} attempts)`, f.fix);
      }
      session.opts.onEvent?.({ type: 'retry', url, attempt: n + 1, reason: e.message, delayMs: delay });
      await sleep(delay);
      delay *= 2;
    }
  }
}

async function fetchChecksum(session: Session, file: VisionFile): Promise<string> {
  const url = joinUrl(session.opts.baseUrl, `${file.path}.CHECKSUM`);
  return withRetries(session, url, async () => {
    const { res, dog } = await get(session, url, file);
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      const why = describeCause(e);
      throw new RetryableError(why, new InputError('NETWORK', url, `the connection dropped (${why})`, 'Run again; finished files are kept and skipped'));
    } finally {
      dog.stop();
    }
    const hex = parseChecksumFile(text, file.fileName);
    if (hex === undefined) {
      throw new InputError('INVALID_DATA', url, `expected "<64 hex digits>  ${file.fileName}", found "${text.slice(0, 120).trim()}"`, 'The server is not serving data.binance.vision checksum files; check --base-url');
    }
    return hex;
  });
}

/** Streams the body to `partPath` while hashing it; returns the digest and size. Removes the part file on failure. */
async function fetchToPart(session: Session, url: string, file: VisionFile, partPath: string): Promise<{ readonly sha256: string; readonly bytes: number }> {
  const { res, dog } = await get(session, url, file);
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      dog.kick();
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    if (!res.body) throw new Error('empty response body');
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), tap, createWriteStream(partPath));
  } catch (e) {
    await rm(partPath, { force: true });
    const why = describeCause(e);
    throw new RetryableError(why, new InputError('NETWORK', url, `the download broke off after ${bytes} bytes (${why})`, 'Run again; finished files are kept and skipped'));
  } finally {
    dog.stop();
  }
  return { sha256: hash.digest('hex'), bytes };
}

async function downloadOne(session: Session, file: VisionFile): Promise<FileResult> {
  const { dir, baseUrl } = session.opts;
  const finalPath = localPathOf(dir, file);
  const checksumPath = `${finalPath}.CHECKSUM`;
  const partPath = `${finalPath}.part`;

  // Resume without touching the network: the file and the checksum we stored after verifying it still agree.
  if ((await exists(finalPath)) && (await exists(checksumPath))) {
    const stored = parseChecksumFile(await readFile(checksumPath, 'utf8'), file.fileName);
    const actual = await sha256OfFile(finalPath);
    if (stored !== undefined && stored === actual) {
      return { file, localPath: finalPath, outcome: 'already-present', bytes: (await stat(finalPath)).size, sha256: actual };
    }
  }

  const expected = await fetchChecksum(session, file);
  try {
    await mkdir(dirname(finalPath), { recursive: true });
  } catch (e) {
    throw new InputError('INVALID_FILE', dirname(finalPath), `cannot create the folder (${describeCause(e)})`, 'Choose a writable --dir');
  }
  const checksumText = `${expected}  ${file.fileName}\n`;
  if ((await sha256OfFile(finalPath)) === expected) {
    await writeAtomically(checksumPath, checksumText);
    return { file, localPath: finalPath, outcome: 'already-present', bytes: (await stat(finalPath)).size, sha256: expected };
  }

  const url = joinUrl(baseUrl, file.path);
  const got = await withRetries(session, url, async () => {
    const r = await fetchToPart(session, url, file, partPath);
    if (r.sha256 !== expected) {
      await rm(partPath, { force: true });
      throw new RetryableError(
        'checksum mismatch',
        new InputError('CHECKSUM_MISMATCH', url, `the sha256 of the ${r.bytes} bytes received is ${r.sha256}, but ${file.fileName}.CHECKSUM says ${expected}`, 'The file was corrupted in transit or the mirror is inconsistent; run again or use another --base-url'),
      );
    }
    return r;
  });
  await rename(partPath, finalPath);
  await writeAtomically(checksumPath, checksumText);
  return { file, localPath: finalPath, outcome: 'downloaded', bytes: got.bytes, sha256: got.sha256 };
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.part`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/**
 * Downloads every planned file that is not already present and verified. Each file: GET its `.CHECKSUM`
 * (`<sha256 hex>  <name>`), stream the zip to `<name>.part` while hashing, rename to the final name only when the
 * sha256 matches, then store the `.CHECKSUM` beside it (so the next run skips the file without any request).
 * 5xx/408/429, dropped connections and checksum mismatches are retried with exponential backoff; 404 and other
 * 4xx never are. A failed file never stops the others: failures are collected in the report.
 */
export async function downloadVisionFiles(options: DownloadOptions): Promise<DownloadReport> {
  const concurrency = options.concurrency ?? 3;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 4) {
    throw new InputError('OUT_OF_RANGE', 'concurrency', `${concurrency} parallel downloads`, 'Use 1 to 4');
  }
  const session: Session = {
    opts: {
      baseUrl: options.baseUrl,
      dir: options.dir,
      files: options.files,
      concurrency,
      retries: options.retries ?? 4,
      backoffMs: options.backoffMs ?? 500,
      timeoutMs: options.timeoutMs ?? 60_000,
      monthlyFallbackToDaily: options.monthlyFallbackToDaily ?? true,
      onEvent: options.onEvent,
    },
    requests: 0,
  };
  const queue: VisionFile[] = [...options.files];
  let total = queue.length;
  options.onEvent?.({ type: 'total', files: total });
  const results: FileResult[] = [];
  const failures: FileFailure[] = [];

  const worker = async (): Promise<void> => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      try {
        const result = await downloadOne(session, file);
        results.push(result);
        options.onEvent?.({ type: 'file-done', result });
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        if (e.code === 'NOT_FOUND' && file.period === 'monthly' && session.opts.monthlyFallbackToDaily && hasDailyFiles(file)) {
          const days = dailyFiles(file, file.startMs, file.endMs);
          queue.push(...days);
          total += days.length - 1;
          options.onEvent?.({ type: 'monthly-replaced', file, dailyFiles: days.length });
          options.onEvent?.({ type: 'total', files: total });
          continue;
        }
        const failure = { file, error: e };
        failures.push(failure);
        options.onEvent?.({ type: 'file-failed', failure });
      }
    }
  };
  // Rounds, so that daily files queued in place of a missing monthly one are fetched with full concurrency too.
  while (queue.length > 0) await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  const byTime = (a: { file: VisionFile }, b: { file: VisionFile }): number => a.file.startMs - b.file.startMs || a.file.endMs - b.file.endMs;
  return { results: results.sort(byTime), failures: failures.sort(byTime), requests: session.requests };
}
