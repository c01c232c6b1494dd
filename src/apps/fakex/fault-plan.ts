// Fault injection for fakex: parses `--faults SPEC` into probabilities per fault kind and draws each decision from
// one seeded generator, so the same seed and the same request order give the same faults. Must never read
// Math.random: a failing trial must be replayable from its seed.
import { InputError } from '../../core/errors.js';
import { SeededRandom } from '../../engine/seeded-random.js';

/** Per-request and per-message faults, each a probability in [0, 1]. */
export const FAULT_KINDS = ['timeout', '5xx-after-accept', 'reset', 'ws-drop', 'depth-gap', 'rate-limit'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSettings {
  readonly probability: Readonly<Record<FaultKind, number>>;
  /** Added to the server clock (ms): /fapi/v1/time and the recvWindow check see it. */
  readonly skewMs: number;
  readonly seed: number;
  /** How long a `timeout` fault holds the response before dropping the connection (ms). */
  readonly holdMs: number;
  /** Retry-After of a 429 (s); requests inside that window get 418 (Binance's ban after ignoring a 429). */
  readonly retryAfterS: number;
}

export const NO_FAULTS: FaultSettings = {
  probability: { timeout: 0, '5xx-after-accept': 0, reset: 0, 'ws-drop': 0, 'depth-gap': 0, 'rate-limit': 0 },
  skewMs: 0,
  seed: 1,
  holdMs: 10_000,
  retryAfterS: 1,
};

const SPEC_EXAMPLE = 'timeout:0.05,5xx-after-accept:0.05,reset:0.02,ws-drop:0.01,depth-gap:0.01,rate-limit:0.02,skew-ms:500,seed:7';

/**
 * Parses `kind:value,...`. Probabilities are fractions in [0, 1]; `skew-ms` a signed integer; `seed`, `hold-ms`
 * and `retry-after-s` non-negative integers. Unnamed kinds keep their value from `base`. An empty spec is `base`.
 */
export function parseFaultSpec(spec: string, input = '--faults', base: FaultSettings = NO_FAULTS): FaultSettings {
  const probability: Record<FaultKind, number> = { ...base.probability };
  let { skewMs, seed, holdMs, retryAfterS } = base;
  const fail = (problem: string): InputError => new InputError('INVALID_OPTION', input, problem, `write comma-separated kind:value pairs, e.g. ${SPEC_EXAMPLE}`);
  for (const part of spec.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const colon = part.indexOf(':');
    if (colon <= 0) throw fail(`"${part}" is not kind:value`);
    const key = part.slice(0, colon);
    const text = part.slice(colon + 1);
    const value = Number(text);
    if (text === '' || !Number.isFinite(value)) throw fail(`"${text}" in "${part}" is not a number`);
    const integer = (min: number): number => {
      if (!Number.isSafeInteger(value) || value < min) throw fail(`${key} must be an integer${min === 0 ? ' >= 0' : ''}, found "${text}"`);
      return value;
    };
    switch (key) {
      case 'skew-ms':
        skewMs = integer(Number.MIN_SAFE_INTEGER);
        break;
      case 'seed':
        seed = integer(0);
        break;
      case 'hold-ms':
        holdMs = integer(0);
        break;
      case 'retry-after-s':
        retryAfterS = integer(0);
        break;
      default: {
        if (!(FAULT_KINDS as readonly string[]).includes(key)) {
          throw fail(`unknown fault "${key}" (known: ${[...FAULT_KINDS, 'skew-ms', 'seed', 'hold-ms', 'retry-after-s'].join(', ')})`);
        }
        if (value < 0 || value > 1) throw fail(`${key} is a probability between 0 and 1, found ${text}`);
        probability[key as FaultKind] = value;
      }
    }
  }
  return { probability, skewMs, seed, holdMs, retryAfterS };
}

/** The fault decisions of one server run: one seeded draw per question, in the order the questions are asked. */
export class FaultPlan {
  private random: SeededRandom;
  private current: FaultSettings;
  private readonly counts: Record<FaultKind, number> = { timeout: 0, '5xx-after-accept': 0, reset: 0, 'ws-drop': 0, 'depth-gap': 0, 'rate-limit': 0 };

  constructor(settings: FaultSettings) {
    this.current = settings;
    this.random = new SeededRandom(settings.seed);
  }

  get settings(): FaultSettings {
    return this.current;
  }

  /** Replaces the settings and restarts the generator from the new seed (POST /__control). */
  reset(settings: FaultSettings): void {
    this.current = settings;
    this.random = new SeededRandom(settings.seed);
  }

  /** Whether `kind` strikes now. A kind with probability 0 draws nothing, so it does not shift other decisions. */
  strikes(kind: FaultKind): boolean {
    const p = this.current.probability[kind];
    if (p <= 0) return false;
    const hit = this.random.next() < p;
    if (hit) this.counts[kind] += 1;
    return hit;
  }

  /** How many times each fault has struck (for the truth endpoint and tests). */
  injected(): Readonly<Record<FaultKind, number>> {
    return { ...this.counts };
  }
}
