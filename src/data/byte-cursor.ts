// A cursor over one line of bytes that reads comma-separated numbers in place, without building strings.
// Hand-written because speed is the point: `line.split(',')` + `Number()` allocates one string per field and
// runs at about a third of this speed (bench/data.ts measures both). It must never round a value differently
// from `Number(text)`: fast paths are exact, everything else falls back to `Number`.

const COMMA = 44;
const DOT = 46;
const MINUS = 45;
const PLUS = 43;
const ZERO = 48;
const NINE = 57;
const LOWER_E = 101;
const UPPER_E = 69;
const DASH = 45;
const SPACE = 32;
const COLON = 58;
const UPPER_T_BYTE = 84;

/** Exact powers of ten as doubles: 10^0 .. 10^22 are all exactly representable. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const MAX_EXACT = 2 ** 53;

/**
 * Reads fields left to right from `buf[pos, end)`. Each read consumes the field and its trailing comma.
 * A read that finds no valid value returns NaN and leaves `failedAt` at the field's start: callers check with
 * `Number.isNaN` (cheaper than a Result object per field in a loop of millions) and then build a named error.
 */
export class ByteCursor {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  end = 0;
  /** Byte offset where the first failed read of the current line started; -1 when none failed. */
  failedAt = -1;
  /** Decimal digits of the last integer read by `epoch`, to tell s / ms / µs / ns apart. */
  lastDigits = 0;

  reset(buf: Buffer, start: number, end: number): void {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.failedAt = -1;
  }

  /** True when every field has been consumed. */
  atEnd(): boolean {
    return this.pos > this.end || (this.pos === this.end && this.buf[this.end - 1] !== COMMA);
  }

  /**
   * A decimal number such as `-12.340`, `6.818e-05` or `95505`, correctly rounded to the nearest double
   * (same result as `Number(text)`). Fast path (Clinger 1990): when the digits form an integer m < 2^53 and the
   * power of ten is at most 22, m / 10^k and m * 10^k are single correctly rounded IEEE operations on exact values.
   */
  num(): number {
    const b = this.buf;
    const end = this.end;
    const start = this.pos;
    let i = start;
    let neg = false;
    let c = i < end ? (b[i] as number) : COMMA;
    if (c === MINUS) {
      neg = true;
      i++;
    } else if (c === PLUS) i++;
    let m = 0;
    let digits = 0;
    let frac = 0;
    let dot = false;
    while (i < end) {
      c = b[i] as number;
      if (c >= ZERO && c <= NINE) {
        m = m * 10 + (c - ZERO);
        digits++;
        if (dot) frac++;
      } else if (c === DOT && !dot) dot = true;
      else break;
      i++;
    }
    let exp = 0;
    if (i < end && (c === LOWER_E || c === UPPER_E) && digits > 0) {
      i++;
      let expNeg = false;
      c = i < end ? (b[i] as number) : COMMA;
      if (c === MINUS || c === PLUS) {
        expNeg = c === MINUS;
        i++;
      }
      let expDigits = 0;
      while (i < end) {
        c = b[i] as number;
        if (c < ZERO || c > NINE) break;
        exp = exp * 10 + (c - ZERO);
        expDigits++;
        i++;
      }
      if (expDigits === 0) return this.fail(start);
      if (expNeg) exp = -exp;
    }
    if (digits === 0 || (i < end && b[i] !== COMMA)) return this.fail(start);
    this.pos = i + 1;
    const e = exp - frac;
    let x: number;
    if (m < MAX_EXACT && e >= -22 && e <= 22) x = e < 0 ? m / (POW10[-e] as number) : m * (POW10[e] as number);
    else if (m < MAX_EXACT && e > 22 && e < 22 + 16 && m * (POW10[e - 22] as number) < MAX_EXACT)
      x = m * (POW10[e - 22] as number) * (POW10[22] as number);
    else x = Number(b.toString('latin1', neg ? start + 1 : start, i));
    return neg ? -x : x;
  }

  /**
   * An epoch timestamp written as a non-negative integer in seconds, ms, µs or ns, returned in **milliseconds**
   * (floored when finer). The unit is read from the digit count (10 s, 13 ms, 16 µs, 19 ns for dates between
   * 2001 and 2286) and left in `lastDigits` so callers can report it.
   */
  epochMs(): number {
    return this.epoch(3);
  }

  /** Like `epochMs` but in **microseconds** (ms and s values are scaled up exactly; ns floored). */
  epochUs(): number {
    return this.epoch(6);
  }

  private epoch(targetDecimals: number): number {
    const b = this.buf;
    const end = this.end;
    const start = this.pos;
    let i = start;
    while (i < end) {
      const c = b[i] as number;
      if (c < ZERO || c > NINE) break;
      i++;
    }
    const n = i - start;
    if (n === 0 || n > 20 || (i < end && b[i] !== COMMA)) return this.fail(start);
    this.pos = i + 1;
    this.lastDigits = n;
    // Digit counts 9..11 are seconds, 12..14 ms, 15..17 µs, 18..20 ns.
    const sourceDecimals = n <= 11 ? 0 : n <= 14 ? 3 : n <= 17 ? 6 : 9;
    const drop = Math.max(0, sourceDecimals - targetDecimals);
    let m = 0;
    for (let k = start; k < i - drop; k++) m = m * 10 + ((b[k] as number) - ZERO);
    const scaleUp = targetDecimals - sourceDecimals;
    return scaleUp > 0 ? m * (POW10[scaleUp] as number) : m;
  }

  /**
   * A UTC date-time written as text, `YYYY-MM-DD HH:MM:SS` (a `T` instead of the space and a fraction of a second
   * `.fff` are accepted), as epoch **milliseconds**; a field of digits only is read as an epoch (see `epochMs`).
   * data.binance.vision's bookDepth and metrics files write their times this way.
   */
  dateTimeMs(): number {
    const b = this.buf;
    const start = this.pos;
    if (start + 4 >= this.end || b[start + 4] !== DASH) return this.epochMs();
    const d = (at: number, n: number): number => {
      let v = 0;
      for (let k = at; k < at + n; k++) {
        const c = b[k] as number;
        if (c < ZERO || c > NINE) return NaN;
        v = v * 10 + (c - ZERO);
      }
      return v;
    };
    const sep = b[start + 10];
    const shapeOk = b[start + 7] === DASH && (sep === SPACE || sep === UPPER_T_BYTE) && b[start + 13] === COLON && b[start + 16] === COLON;
    let i = start + 19;
    let ms = 0;
    if (shapeOk && b[i] === DOT) {
      let scale = 100;
      i++;
      while (i < this.end && (b[i] as number) >= ZERO && (b[i] as number) <= NINE) {
        ms += ((b[i] as number) - ZERO) * scale;
        scale /= 10;
        i++;
      }
      ms = Math.floor(ms);
    }
    const month = d(start + 5, 2);
    const day = d(start + 8, 2);
    const hour = d(start + 11, 2);
    const minute = d(start + 14, 2);
    const second = d(start + 17, 2);
    const t = Date.UTC(d(start, 4), month - 1, day, hour, minute, second) + ms;
    const fieldEnds = i >= this.end || b[i] === COMMA;
    const inRange = month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59;
    if (!shapeOk || !fieldEnds || !inRange || !Number.isFinite(t) || new Date(t).getUTCDate() !== day) return this.fail(start);
    this.pos = i + 1;
    this.lastDigits = 13;
    return t;
  }

  /** A non-negative integer below 2^53 (ids, counts). */
  int(): number {
    const b = this.buf;
    const end = this.end;
    const start = this.pos;
    let i = start;
    let m = 0;
    while (i < end) {
      const c = b[i] as number;
      if (c < ZERO || c > NINE) break;
      m = m * 10 + (c - ZERO);
      i++;
    }
    if (i === start || m >= MAX_EXACT || (i < end && b[i] !== COMMA)) return this.fail(start);
    this.pos = i + 1;
    return m;
  }

  /** An integer that may be negative (Binance `pu` is -1 on snapshot rows). */
  signedInt(): number {
    if (this.pos < this.end && this.buf[this.pos] === MINUS) {
      this.pos++;
      const v = this.int();
      return Number.isNaN(v) ? this.fail(this.pos - 1) : -v;
    }
    return this.int();
  }

  /** The first byte of the next field, consuming the field (for one-letter or word flags such as b/a, true/false). */
  flagByte(): number {
    const b = this.buf;
    const start = this.pos;
    let i = start;
    while (i < this.end && b[i] !== COMMA) i++;
    this.pos = i + 1;
    return i > start ? (b[start] as number) : -1;
  }

  /** True when the next field equals `word` (ASCII), consuming the field either way. */
  fieldEquals(word: Buffer): boolean {
    const start = this.pos;
    let i = start;
    while (i < this.end && this.buf[i] !== COMMA) i++;
    this.pos = i + 1;
    return i - start === word.length && this.buf.compare(word, 0, word.length, start, i) === 0;
  }

  /** True when the next field is empty (`,,` or a trailing comma), without consuming it. */
  nextIsEmpty(): boolean {
    return this.pos >= this.end || this.buf[this.pos] === COMMA;
  }

  /** Skips one field. */
  skip(): void {
    let i = this.pos;
    while (i < this.end && this.buf[i] !== COMMA) i++;
    this.pos = i + 1;
  }

  /** The next field as a string (slow path: symbols, error messages). */
  text(): string {
    const start = this.pos;
    let i = start;
    while (i < this.end && this.buf[i] !== COMMA) i++;
    this.pos = i + 1;
    return this.buf.toString('latin1', start, i);
  }

  /** The raw text of the field that starts at `at` (for error messages). */
  fieldTextAt(at: number): string {
    let i = at;
    while (i < this.end && this.buf[i] !== COMMA) i++;
    return this.buf.toString('latin1', at, i);
  }

  private fail(at: number): number {
    if (this.failedAt < 0) this.failedAt = at;
    return NaN;
  }
}

/** Number of comma-separated fields in `buf[start, end)`. */
export function countFields(buf: Buffer, start: number, end: number): number {
  let n = 1;
  for (let i = start; i < end; i++) if (buf[i] === COMMA) n++;
  return n;
}
