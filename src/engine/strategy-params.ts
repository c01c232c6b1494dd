// Strategy parameters from text (`--param fast=9`, a sweep's grid) to the values the schema accepts, and the schema
// described for sweeps (defaults, ranges, descriptions). Must never guess a type the schema does not state.
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import type { ParamSchema } from './strategy.js';

/** One parameter as a sweep or a help text reads it. */
export interface ParamInfo {
  readonly name: string;
  readonly type: string;
  readonly default?: unknown;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly unknown[];
  readonly description?: string;
}

interface JsonSchemaProperty {
  readonly type?: string;
  readonly default?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly enum?: readonly unknown[];
  readonly description?: string;
}

/** The parameters of a schema, in declaration order (from zod's JSON Schema of it). */
export function describeParams(schema: ParamSchema): readonly ParamInfo[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonSchemaProperty> };
  return Object.entries(json.properties ?? {}).map(([name, p]) => ({
    name,
    type: p.enum !== undefined ? 'enum' : (p.type ?? 'unknown'),
    ...(p.default !== undefined ? { default: p.default } : {}),
    ...(p.minimum ?? p.exclusiveMinimum) !== undefined ? { min: (p.minimum ?? p.exclusiveMinimum)! } : {},
    ...(p.maximum ?? p.exclusiveMaximum) !== undefined ? { max: (p.maximum ?? p.exclusiveMaximum)! } : {},
    ...(p.enum !== undefined ? { values: p.enum } : {}),
    ...(p.description !== undefined ? { description: p.description } : {}),
  }));
}

/**
 * Parses `key=value` texts against the schema: numbers and booleans are read as the schema types them, then the
 * whole object is validated (defaults fill the rest). Throws InputError naming `--param <key>` with the range.
 */
export function parseParams(schema: ParamSchema, texts: Readonly<Record<string, string>>): Record<string, unknown> {
  const info = describeParams(schema);
  const byName = new Map(info.map((p) => [p.name, p]));
  const raw: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(texts)) {
    const p = byName.get(key);
    if (p === undefined) {
      throw new InputError('INVALID_OPTION', `--param ${key}`, 'is not a parameter of this strategy', `use one of: ${info.map((i) => i.name).join(', ')}`);
    }
    raw[key] = valueOf(p, text);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    const p = byName.get(key);
    const range = p === undefined ? '' : rangeText(p);
    throw new InputError('OUT_OF_RANGE', `--param ${key}`, `${raw[key] !== undefined ? `${String(raw[key])}: ` : ''}${issue.message}`, `give ${key} ${range || 'a valid value'}`);
  }
  return parsed.data as Record<string, unknown>;
}

function valueOf(p: ParamInfo, text: string): unknown {
  switch (p.type) {
    case 'number':
    case 'integer': {
      const x = Number(text);
      if (text.trim() === '' || !Number.isFinite(x)) {
        throw new InputError('INVALID_NUMBER', `--param ${p.name}`, `"${text}" is not a number`, `give ${p.name} ${rangeText(p) || 'a number'}`);
      }
      return x;
    }
    case 'boolean':
      if (text === 'true' || text === 'false') return text === 'true';
      throw new InputError('INVALID_OPTION', `--param ${p.name}`, `"${text}" is not true or false`, `give ${p.name}=true or ${p.name}=false`);
    default:
      return text;
  }
}

function rangeText(p: ParamInfo): string {
  if (p.values !== undefined) return `one of ${p.values.join(', ')}`;
  if (p.min !== undefined || p.max !== undefined) return `a ${p.type === 'integer' ? 'whole number' : 'number'} from ${p.min ?? '-inf'} to ${p.max ?? 'inf'}`;
  return '';
}

/** Splits `--param` texts `k=v` into a record; a text without `=` is an InputError. */
export function paramTexts(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError('INVALID_OPTION', '--param', `"${pair}" is not key=value`, 'write each parameter as --param key=value, e.g. --param fast=9');
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}
