// Test support: the built CLI's `live` command as a child process against fakex (build it first when the build is
// older than the sources it runs), and the comparisons of a journal with fakex's truth. Loopback only.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { REPO_ROOT } from '../support/shared-data.js';

export const CLI = resolve(REPO_ROOT, 'dist/src/apps/cli/main.js');

/** Builds dist when it is missing or older than any file under src (tsc -p tsconfig.build.json emits despite errors). */
export function ensureBuilt(): void {
  const newestSrc = newest(resolve(REPO_ROOT, 'src'));
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newestSrc) return;
  try {
    execFileSync(process.execPath, [resolve(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'pipe' });
  } catch {
    // Type errors in files other people are still writing do not stop the emit.
  }
  if (!existsSync(CLI)) throw new Error(`the build did not produce ${CLI}`);
}

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : name.endsWith('.ts') && !name.endsWith('.test.ts') ? s.mtimeMs : 0);
  }
  return t;
}

/** A running `microfut live`, with everything it printed. */
export interface LiveProcess {
  readonly child: ChildProcess;
  readonly out: string[];
  readonly err: string[];
  /** Every line with the ms since the process was started when it arrived (stdout and stderr), for timelines. */
  readonly timeline: string[];
  /** Resolves with the first stdout/stderr line matching `re`; rejects after `limitMs` or when the process exits. */
  waitFor(re: RegExp, limitMs: number): Promise<RegExpExecArray>;
  readonly exited: Promise<number | null>;
}

export function startLiveProcess(args: readonly string[], env: Readonly<Record<string, string>>): LiveProcess {
  const child = spawn(process.execPath, [CLI, 'live', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  const err: string[] = [];
  const timeline: string[] = [];
  const startedMs = Date.now();
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const feed = (sink: string[]) => (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter((l) => l !== '')) {
      sink.push(line);
      timeline.push(`+${Date.now() - startedMs} ms ${line}`);
      for (const w of [...waiters]) {
        const m = w.re.exec(line);
        if (m !== null) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    }
  };
  child.stdout!.on('data', feed(out));
  child.stderr!.on('data', feed(err));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    out,
    err,
    timeline,
    exited,
    waitFor: (re, limitMs) => {
      for (const line of [...out, ...err]) {
        const m = re.exec(line);
        if (m !== null) return Promise.resolve(m);
      }
      return new Promise((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`no line matching ${re} within ${limitMs} ms; output: ${timeline.slice(-8).join(' | ')}`)), limitMs);
        void exited.then((code) => rej(new Error(`live exited (${code}) before printing ${re}; stderr: ${err.slice(-5).join(' | ')}`)));
        waiters.push({ re, resolve: (m) => (clearTimeout(timer), res(m)) });
      });
    },
  };
}

/** A fill as both sides can name it: intent client id, venue time, lots and price ticks. */
export type FillKey = string;

interface TruthOrder {
  readonly orderId?: number;
  readonly algoId?: number;
  readonly clientOrderId?: string;
  readonly clientAlgoId?: string;
  readonly type?: string;
  readonly origType?: string;
}
interface TruthFill {
  readonly orderId: number;
  readonly time: number;
  readonly qty: string;
  readonly price: string;
  readonly side: string;
}

/** Fills in fakex's truth as keys; the client id is the intent's (a re-placed exit's `.N` dropped). */
export function truthFillKeys(truth: { orders: readonly unknown[]; fills: readonly unknown[] }, lotStep: number, tickStep: number): FillKey[] {
  const clientOf = new Map<number, string>();
  for (const o of truth.orders as TruthOrder[]) if (o.orderId !== undefined && o.clientOrderId !== undefined) clientOf.set(o.orderId, o.clientOrderId);
  return (truth.fills as TruthFill[]).map((f) => `${(clientOf.get(f.orderId) ?? '?').replace(/\.\d+$/, '')}|${f.time}|${Math.round(Number(f.qty) / lotStep)}|${Math.round(Number(f.price) / tickStep)}`);
}

/** Venue orders per client id in the truth: algo orders and regular ones, not the child an algo order trades through. */
export function venueOrdersPerClientId(truth: { orders: readonly unknown[] }): Map<string, number> {
  const n = new Map<string, number>();
  for (const o of truth.orders as TruthOrder[]) {
    const child = o.algoId === undefined && o.origType !== undefined && o.origType !== o.type;
    const id = o.clientAlgoId ?? o.clientOrderId;
    if (child || id === undefined) continue;
    n.set(id, (n.get(id) ?? 0) + 1);
  }
  return n;
}

/** The run's journaled fills as keys, and the net position they add up to (lots, buys positive). */
export function journalFills(db: Database.Database, runId: string): { readonly keys: FillKey[]; readonly netLots: number } {
  const rows = db.prepare("SELECT payload FROM events WHERE run_id = ? AND type = 'Fill' ORDER BY seq").all(runId) as { payload: string }[];
  let netLots = 0;
  const keys = rows.map((r) => {
    const f = JSON.parse(r.payload) as { clientId: string; tsVenue: number; qtyLots: number; priceTicks: number; action: string };
    netLots += f.action === 'buy' ? f.qtyLots : -f.qtyLots;
    return `${f.clientId}|${f.tsVenue}|${f.qtyLots}|${f.priceTicks}`;
  });
  return { keys, netLots };
}

export const sorted = (xs: readonly string[]): string[] => [...xs].sort();
