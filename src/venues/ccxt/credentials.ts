// API keys for live venues: read only from environment variables or a key file that only its owner can read, and a
// redactor that blanks every secret out of any text before it is logged, thrown or stored. Must never print a key.
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../../core/errors.js';

/** Keys for one venue. `password` is the passphrase some venues add (WEEX, Bitget-style); absent elsewhere. */
export interface Credentials {
  readonly apiKey: string;
  readonly secret: string;
  readonly password?: string;
  /** Where they came from, for messages: an env var prefix or the key file path. Never a value. */
  readonly origin: string;
}

/** Env variable names for a venue: MICROFUT_<VENUE>_API_KEY, _API_SECRET, _API_PASSWORD (e.g. MICROFUT_BINANCEUSDM_API_KEY). */
export function credentialEnvNames(venue: string): { readonly apiKey: string; readonly secret: string; readonly password: string } {
  const prefix = `MICROFUT_${venue.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  return { apiKey: `${prefix}_API_KEY`, secret: `${prefix}_API_SECRET`, password: `${prefix}_API_PASSWORD` };
}

/** Keys from the environment; undefined when neither key nor secret is set, an InputError when only one is. */
export function credentialsFromEnv(venue: string, env: NodeJS.ProcessEnv): Credentials | undefined {
  const names = credentialEnvNames(venue);
  const apiKey = env[names.apiKey];
  const secret = env[names.secret];
  const password = env[names.password];
  if (apiKey === undefined && secret === undefined) return undefined;
  if (apiKey === undefined || apiKey === '' || secret === undefined || secret === '') {
    throw new InputError('MISSING_OPTION', `${names.apiKey} / ${names.secret}`, 'only one of the two is set', 'Set both variables, or neither');
  }
  return { apiKey, secret, ...(password === undefined || password === '' ? {} : { password }), origin: `environment ${names.apiKey}` };
}

/**
 * Keys from a JSON file `{"apiKey": "...", "secret": "...", "password"?: "..."}`. Refused when group or others may
 * read or write it (mode & 0o077 != 0), as ssh refuses a private key: a readable key file is a leaked key.
 */
export function credentialsFromFile(path: string): Credentials {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    throw new InputError('NOT_FOUND', `key file ${path}`, 'cannot be read', 'Give the path of an existing JSON key file');
  }
  if ((mode & 0o077) !== 0) {
    throw new InputError(
      'INVALID_FILE',
      `key file ${path}`,
      `is readable or writable by others (mode ${(mode & 0o777).toString(8).padStart(3, '0')})`,
      `Run: chmod 600 ${path}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // The parse error text can quote the file's content, so it is never passed on.
    throw new InputError('INVALID_FILE', `key file ${path}`, 'is not valid JSON', 'Write {"apiKey": "...", "secret": "..."}');
  }
  const field = (name: string): string | undefined => {
    const v = (parsed as Record<string, unknown> | null)?.[name];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const apiKey = field('apiKey');
  const secret = field('secret');
  const password = field('password');
  if (apiKey === undefined || secret === undefined) {
    throw new InputError('INVALID_FILE', `key file ${path}`, 'has no non-empty "apiKey" and "secret" strings', 'Write {"apiKey": "...", "secret": "..."}');
  }
  return { apiKey, secret, ...(password === undefined ? {} : { password }), origin: `key file ${path}` };
}

/** Keys from the key file when given, else from the environment; undefined when there are none (paper mode). */
export function loadCredentials(venue: string, options: { readonly keyFile?: string; readonly env: NodeJS.ProcessEnv }): Credentials | undefined {
  return options.keyFile === undefined ? credentialsFromEnv(venue, options.env) : credentialsFromFile(options.keyFile);
}

const MASK = '[redacted]';

/**
 * A function that replaces every occurrence of each secret (and of its URL-encoded form) with "[redacted]".
 * Secrets shorter than 4 characters are still masked; an empty list gives the identity.
 */
export function redactorFor(credentials: Credentials | undefined): (text: string) => string {
  if (credentials === undefined) return (text) => text;
  const values = [credentials.apiKey, credentials.secret, credentials.password].filter((v): v is string => v !== undefined && v !== '');
  const forms = [...new Set(values.flatMap((v) => [v, encodeURIComponent(v)]))].sort((a, b) => b.length - a.length);
  return (text) => forms.reduce((t, secret) => t.split(secret).join(MASK), text);
}
