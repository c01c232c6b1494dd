import { describe, expect, it } from 'vitest';
import { parseDateBound, parseDateRange } from './date-range.js';

describe('parseDateBound', () => {
  it('reads a bare day as its first millisecond for --from and its last for --to', () => {
    expect(parseDateBound('--from', '2024-01-07', 'start')).toBe(Date.UTC(2024, 0, 7));
    expect(parseDateBound('--to', '2024-01-07', 'end'), 'the whole of 7 January counts').toBe(Date.UTC(2024, 0, 8) - 1);
  });

  it('reads a time as that UTC instant, with or without Z and seconds', () => {
    expect(parseDateBound('--from', '2024-01-07T15:30Z', 'start')).toBe(Date.UTC(2024, 0, 7, 15, 30));
    expect(parseDateBound('--to', '2024-01-07T15:30:05.25', 'end')).toBe(Date.UTC(2024, 0, 7, 15, 30, 5, 250));
  });

  it('refuses impossible dates, other zones and other formats, naming the flag', () => {
    expect(() => parseDateBound('--from', '2024-02-30', 'start')).toThrow(/^--from: "2024-02-30" is not a real calendar date/);
    expect(() => parseDateBound('--to', '2024-01-07T25:00Z', 'end')).toThrow(/not a valid time of day/);
    expect(() => parseDateBound('--to', '2024-01-07T10:00+02:00', 'end')).toThrow(/is not a date\. Pass a UTC date as YYYY-MM-DD/);
    expect(() => parseDateBound('--from', '07/01/2024', 'start')).toThrow(/is not a date/);
  });
});

describe('parseDateRange', () => {
  it('refuses a range that ends before it starts', () => {
    expect(() => parseDateRange('2024-01-08', '2024-01-07')).toThrow(/^--from and --to: --to 2024-01-07 is before --from 2024-01-08/);
    expect(parseDateRange('2024-01-07', '2024-01-07')).toEqual({ fromMs: Date.UTC(2024, 0, 7), toMs: Date.UTC(2024, 0, 8) - 1 });
    expect(parseDateRange(undefined, undefined)).toEqual({});
  });
});
