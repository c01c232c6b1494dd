// A cached series' committed months live in one generation folder named by the series' HEAD file. An import stages
// a new generation (new months written, unchanged months hard-linked), then commits by renaming HEAD: one atomic
// step, so a crash leaves the old generation or the new one. Must never modify a committed generation's files.
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../core/errors.js';

const HEAD = 'HEAD';
const LOCK = 'LOCK';
const GENERATION = /^gen-[0-9a-z]+-\d+$/;
const PARTITION = /^\d{4}-\d{2}\.mfc$/;

/**
 * The folder holding a series' committed months: the generation HEAD names; for a cache written before generations
 * (no HEAD) the series folder itself; undefined when the series folder does not exist. Folders HEAD does not name
 * (an interrupted import's staging, a replaced generation) are never read.
 */
export function committedDir(seriesDir: string): string | undefined {
  let name: string;
  try {
    name = readFileSync(join(seriesDir, HEAD), 'utf8').trim();
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') throw e;
    return existsSync(seriesDir) ? seriesDir : undefined;
  }
  if (!GENERATION.test(name)) {
    throw new InputError('INVALID_FILE', join(seriesDir, HEAD), `corrupt cache: HEAD names "${name.slice(0, 40)}", not a generation`, 'delete this series folder and import its files again');
  }
  return join(seriesDir, name);
}

/** The committed months of a series (`YYYY-MM`), ascending. */
export function committedMonths(seriesDir: string): string[] {
  const dir = committedDir(seriesDir);
  if (dir === undefined || !existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => PARTITION.test(f))
    .map((f) => f.slice(0, 7))
    .sort();
}

let generationCounter = 0;

/**
 * One import into one series: holds the series lock, stages month partitions in a fresh generation folder and
 * commits them with the unchanged committed months in one rename of HEAD. `abort` removes the staging folder (and
 * the series folders the transaction created) and leaves the committed state untouched.
 */
export class SeriesTransaction {
  private done = false;
  private readonly staged = new Set<string>();

  private constructor(
    readonly seriesDir: string,
    /** The committed generation when the transaction began (undefined: nothing committed). */
    readonly base: string | undefined,
    /** The staging generation folder; becomes the committed one on commit. */
    readonly dir: string,
    private readonly createdFrom: string,
  ) {}

  /** Creates the series folder if needed, takes its lock (see acquireLock) and a fresh staging folder. */
  static begin(seriesDir: string): SeriesTransaction {
    const createdFrom = existingAncestor(seriesDir);
    mkdirSync(seriesDir, { recursive: true });
    acquireLock(seriesDir);
    try {
      const base = committedDir(seriesDir);
      const name = `gen-${Date.now().toString(36)}${(generationCounter++).toString(36)}-${process.pid}`;
      const dir = join(seriesDir, name);
      mkdirSync(dir);
      return new SeriesTransaction(seriesDir, base, dir, createdFrom);
    } catch (e) {
      releaseLock(seriesDir);
      throw e;
    }
  }

  /** The committed partition of `month`, or undefined when that month is not cached. */
  committedPath(month: string): string | undefined {
    if (this.base === undefined) return undefined;
    const p = join(this.base, `${month}.mfc`);
    return existsSync(p) ? p : undefined;
  }

  /** Where `month` is staged; marks the month as replaced by this transaction. */
  stagePath(month: string): string {
    this.staged.add(month);
    return join(this.dir, `${month}.mfc`);
  }

  /**
   * Commits: links every committed month this transaction did not restage into the staging folder, fsyncs it,
   * then points HEAD at it (temp file, fsync, rename, fsync of the series folder) and removes what HEAD no longer
   * names. A crash before the HEAD rename leaves the old state, after it the new one.
   */
  commit(): void {
    this.assertOpen();
    const head = join(this.seriesDir, HEAD);
    const tmp = `${head}.tmp-${process.pid}`;
    try {
      if (this.base !== undefined && existsSync(this.base)) {
        for (const f of readdirSync(this.base)) {
          if (!PARTITION.test(f) || this.staged.has(f.slice(0, 7))) continue;
          linkOrCopy(join(this.base, f), join(this.dir, f));
        }
      }
      fsyncDir(this.dir);
      const fd = openSync(tmp, 'w');
      try {
        writeSync(fd, `${this.dir.slice(this.seriesDir.length + 1)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, head);
      fsyncDir(this.seriesDir);
    } catch (e) {
      rmSync(tmp, { force: true });
      this.abort();
      throw e;
    }
    this.done = true;
    removeStale(this.seriesDir, this.dir);
    releaseLock(this.seriesDir);
  }

  /** Removes the staging folder and the folders the transaction created; the committed state is unchanged. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    rmSync(this.dir, { recursive: true, force: true });
    releaseLock(this.seriesDir);
    removeEmptyDirs(this.seriesDir, this.createdFrom);
  }

  private assertOpen(): void {
    if (this.done) throw new Error('SeriesTransaction used after commit or abort');
  }
}

/**
 * Takes the series lock: a `LOCK` file created exclusively, holding our pid. A lock whose process is gone (an
 * import killed with SIGKILL) is taken over; a live one is refused, since two imports into one series would race.
 */
function acquireLock(seriesDir: string): void {
  const path = join(seriesDir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
    }
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new InputError('CONFLICTING_OPTIONS', seriesDir, `another import (process ${pid}) is writing this series`, 'wait for it to finish, then run the import again');
    }
    rmSync(path, { force: true });
  }
  throw new InputError('CONFLICTING_OPTIONS', seriesDir, 'the series lock could not be taken', 'run the import again');
}

function releaseLock(seriesDir: string): void {
  rmSync(join(seriesDir, LOCK), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/**
 * After a commit: removes generations HEAD does not name (replaced ones, staging left by a killed import), partitions
 * and temp files of the pre-generation layout (already linked into the new generation) and stray HEAD temp files.
 */
function removeStale(seriesDir: string, keep: string): void {
  const kept = keep.slice(seriesDir.length + 1);
  for (const f of readdirSync(seriesDir)) {
    const stale = (GENERATION.test(f) && f !== kept) || PARTITION.test(f) || /\.mfc\.tmp-/.test(f) || f.startsWith(`${HEAD}.tmp-`);
    if (stale) rmSync(join(seriesDir, f), { recursive: true, force: true });
  }
}

/** Partitions are never modified once written, so a hard link shares them safely; copy where links are refused. */
function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The deepest ancestor of `dir` (or `dir` itself) that exists now. */
function existingAncestor(dir: string): string {
  let d = resolve(dir);
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

/** Removes `dir` and its parents up to (not including) `stop` while they are empty: folders a transaction made. */
function removeEmptyDirs(dir: string, stop: string): void {
  for (let d = resolve(dir); d !== stop && d.length > stop.length; d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
  }
}
