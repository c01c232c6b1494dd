// Keys come only from the environment or an owner-only key file, and the redactor blanks them out of any text.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import { credentialEnvNames, credentialsFromEnv, credentialsFromFile, redactorFor } from './credentials.js';

const SECRET = 'canary-secret-Zq81xK+/=';
const KEY = 'canary-key-7f3a9c';

function keyFile(mode: number, body = JSON.stringify({ apiKey: KEY, secret: SECRET })): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mf-keys-')), 'keys.json');
  writeFileSync(path, body);
  chmodSync(path, mode);
  return path;
}

describe('credentials', () => {
  it('reads MICROFUT_<VENUE>_API_KEY and _API_SECRET from the environment', () => {
    const names = credentialEnvNames('binanceusdm');
    expect(names.apiKey).toBe('MICROFUT_BINANCEUSDM_API_KEY');
    const c = credentialsFromEnv('binanceusdm', { [names.apiKey]: KEY, [names.secret]: SECRET });
    expect(c).toMatchObject({ apiKey: KEY, secret: SECRET, origin: 'environment MICROFUT_BINANCEUSDM_API_KEY' });
    expect(credentialsFromEnv('binanceusdm', {}), 'no keys is paper mode, not an error').toBeUndefined();
  });

  it('refuses half a key pair, naming both variables and no value', () => {
    const names = credentialEnvNames('bybit-linear');
    expect(() => credentialsFromEnv('bybit-linear', { [names.apiKey]: KEY })).toThrow(InputError);
    expect(() => credentialsFromEnv('bybit-linear', { [names.apiKey]: KEY })).toThrow(/MICROFUT_BYBIT_LINEAR_API_SECRET/);
  });

  it('reads an owner-only (0600) key file', () => {
    expect(credentialsFromFile(keyFile(0o600))).toMatchObject({ apiKey: KEY, secret: SECRET });
  });

  it('refuses a key file that group or others can read, with the chmod fix, and never quotes its content', () => {
    const path = keyFile(0o644);
    let error: unknown;
    try {
      credentialsFromFile(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain(`chmod 600 ${path}`);
    expect((error as InputError).message.includes(SECRET), 'the secret is not in the error').toBe(false);
  });

  it('refuses a key file that is not JSON without quoting it', () => {
    const path = keyFile(0o600, `{"apiKey": "${KEY}", "secret": "${SECRET}"`);
    expect(() => credentialsFromFile(path)).toThrow(/is not valid JSON/);
    try {
      credentialsFromFile(path);
    } catch (e) {
      expect((e as Error).message.includes(SECRET), 'a parse error must not echo the file').toBe(false);
    }
  });

  it('redacts the key, the secret and the secret URL-encoded', () => {
    const redact = redactorFor({ apiKey: KEY, secret: SECRET, origin: 'test' });
    const text = `key=${KEY}&secret=${SECRET}&again=${encodeURIComponent(SECRET)}`;
    const out = redact(text);
    expect(out.includes(KEY) || out.includes(SECRET) || out.includes(encodeURIComponent(SECRET)), out).toBe(false);
    expect(out).toBe('key=[redacted]&secret=[redacted]&again=[redacted]');
  });
});
