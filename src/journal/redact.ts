// Redacts secrets from run metadata before it reaches the journal: any value under a key that names a credential
// (apiKey, secret, passphrase, password, token, private key, signature) is replaced. Must never log what it removes.

/** What a redacted value reads as in the journal. */
export const REDACTED = '[redacted]';

// Compared with separators removed and lower-cased, so apiKey, api_key, API-KEY and X-MBX-APIKEY all match.
const SECRET_KEY_PARTS: readonly string[] = ['apikey', 'secret', 'passphrase', 'password', 'passwd', 'token', 'privatekey', 'signature', 'credential', 'authorization'];

/** Whether a key of a config object names a secret. */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_KEY_PARTS.some((part) => k.includes(part));
}

/**
 * A deep copy of JSON-compatible `value` with every value under a secret-looking key replaced by REDACTED, at any
 * depth and inside arrays. Values that JSON cannot hold (functions, undefined) are dropped, as JSON.stringify would.
 */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function') continue;
      out[k] = isSecretKey(k) ? REDACTED : redactSecrets(v);
    }
    return out;
  }
  return value;
}

/** redactSecrets for a record, keeping its type for callers. */
export const redactRecord = (r: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> =>
  redactSecrets(r) as Readonly<Record<string, unknown>>;
