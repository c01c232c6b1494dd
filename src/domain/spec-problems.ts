// The problems a spec file can have, worded for a person: a zod issue becomes a JSON path, what is wrong and the fix.
// Pure: never reads files, never throws.
import type { z } from 'zod';

/** One thing wrong with a spec file: where (a JSON path such as `instruments[2].tickSize`), what, and the fix. */
export interface SpecProblem {
  readonly path: string;
  readonly problem: string;
  readonly fix: string;
}

/** Turns a zod issue into a problem with a fix a person can act on. */
export function problemFromIssue(issue: z.core.$ZodIssue): SpecProblem {
  const path = jsonPath(issue.path);
  switch (issue.code) {
    case 'custom': {
      const fix = (issue.params as { fix?: string } | undefined)?.fix;
      return { path, problem: issue.message, fix: fix ?? 'see docs/instruments.md for the file format' };
    }
    case 'invalid_type':
      return issue.input === undefined
        ? { path, problem: `is missing (expected ${issue.expected})`, fix: 'add the field; see docs/instruments.md for the file format' }
        : { path, problem: `is ${describe(issue.input)}, expected ${issue.expected}`, fix: fixForType(issue.expected) };
    case 'unrecognized_keys':
      return { path, problem: `has unknown field(s) ${issue.keys.join(', ')}`, fix: 'remove them or correct the spelling (field names are case-sensitive)' };
    case 'invalid_value':
      return {
        path,
        problem: `is ${describe(issue.input)}`,
        fix: `use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'invalid_union': {
      const note = 'note' in issue ? issue.note : undefined;
      const key = 'discriminator' in issue ? String(issue.discriminator) : 'kind';
      return note === 'No matching discriminator'
        ? {
            path: issue.path.at(-1) === key ? path : path ? `${path}.${key}` : key,
            problem: `is ${describe(issue.input)}, not one of the known kinds`,
            fix: 'see docs/instruments.md for the kinds allowed here',
          }
        : { path, problem: 'does not match any allowed form', fix: 'see docs/instruments.md for the file format' };
    }
    default:
      return { path, problem: issue.message, fix: 'see docs/instruments.md for the file format' };
  }
}

function fixForType(expected: string): string {
  switch (expected) {
    case 'string':
      return 'write the value as a JSON string; decimals are strings ("0.1") so they stay exact';
    case 'number':
      return 'write a JSON number';
    case 'array':
      return 'write a JSON array [ ... ]';
    case 'object':
      return 'write a JSON object { ... }';
    default:
      return `write a value of type ${expected}`;
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** ["instruments", 2, "tickSize"] -> "instruments[2].tickSize". */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}
