import { describe, expect, it } from 'vitest';
import { isSecretKey, REDACTED, redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it('replaces values under credential-like keys at any depth, in objects and arrays', () => {
    const canary = 'CANARY-91c2';
    const out = redactSecrets({
      apiKey: canary,
      nested: { API_SECRET: canary, list: [{ passphrase: canary, size: 3 }], 'X-MBX-APIKEY': canary },
      accessToken: canary,
      privateKeyPem: canary,
      strategy: 'vwap-bounce',
    });
    expect(JSON.stringify(out).includes(canary), 'no canary survives').toBe(false);
    expect(out).toEqual({
      apiKey: REDACTED,
      nested: { API_SECRET: REDACTED, list: [{ passphrase: REDACTED, size: 3 }], 'X-MBX-APIKEY': REDACTED },
      accessToken: REDACTED,
      privateKeyPem: REDACTED,
      strategy: 'vwap-bounce',
    });
  });

  it('redacts a whole object kept under a secret key and keeps ordinary keys', () => {
    expect(redactSecrets({ credentials: { user: 'a', key: 'b' }, riskPct: 1 })).toEqual({ credentials: REDACTED, riskPct: 1 });
    expect(['targetPct', 'stopPct', 'instrument', 'keyLevel'].filter(isSecretKey), 'ordinary config keys are not secrets').toEqual([]);
  });
});
