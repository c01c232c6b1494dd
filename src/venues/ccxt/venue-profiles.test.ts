// Building venue clients: names resolve to profiles, ccxt retries are off, and --base-url moves every REST URL.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import { createExchange, venueProfile } from './venue-profiles.js';

describe('venue profiles', () => {
  it('refuses an unknown venue name and lists the known ones', () => {
    expect(() => venueProfile('binance-spot')).toThrow(InputError);
    expect(() => venueProfile('binance-spot')).toThrow(/binanceusdm, bybit-linear, bybit-inverse, bingx, mexc, weex/);
  });

  it('builds a client with ccxt retries off and every REST URL on the given base URL', () => {
    const exchange = createExchange(venueProfile('binanceusdm'), undefined, 'http://127.0.0.1:8765');
    expect(exchange.options['maxRetriesOnFailure'], 'the HTTP layer never retries an order').toBe(0);
    const urls = JSON.stringify(exchange.urls['api']);
    expect(urls).toContain('http://127.0.0.1:8765/fapi/v1');
    expect(urls.includes('binance.com'), 'no request may leave loopback').toBe(false);
  });
});
