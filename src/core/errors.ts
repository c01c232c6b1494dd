// Base error types. A user-facing error names the input, the problem and the fix; the CLI prints only that
// (no stack trace unless --debug). Must never carry secrets in its message.

/** Machine-readable codes for errors a user can fix by changing their input or config. */
export type InputErrorCode =
  | 'INVALID_NUMBER'
  | 'OFF_GRID'
  | 'OUT_OF_RANGE'
  | 'WRONG_SIDE'
  | 'UNKNOWN_INSTRUMENT'
  | 'INVALID_SPEC'
  | 'INVALID_OPTION'
  | 'MISSING_OPTION'
  | 'CONFLICTING_OPTIONS'
  | 'INVALID_FILE'
  | 'INVALID_DATA'
  | 'NOT_FOUND'
  | 'CHECKSUM_MISMATCH'
  | 'NETWORK';

/**
 * An error caused by something the user gave us: a flag, a file, a config value.
 * `input` names it (e.g. "--stop", "specs/my.json: instruments[2].tickSize"), `problem` says what is wrong
 * with the value that was found, and `fix` says what to do.
 */
export class InputError extends Error {
  readonly code: InputErrorCode;
  readonly input: string;
  readonly problem: string;
  readonly fix: string;

  constructor(code: InputErrorCode, input: string, problem: string, fix: string) {
    super(`${input}: ${problem}. ${fix}`);
    this.name = 'InputError';
    this.code = code;
    this.input = input;
    this.problem = problem;
    this.fix = fix;
  }
}

/** A broken invariant inside microfut: a bug. Says what was expected and what was found. */
export class InvariantError extends Error {
  constructor(expected: string, found: string) {
    super(`internal invariant broken: expected ${expected}, found ${found}`);
    this.name = 'InvariantError';
  }
}

/** Throws an InvariantError when `condition` is false. */
export function invariant(condition: boolean, expected: string, found: () => string): asserts condition {
  if (!condition) throw new InvariantError(expected, found());
}
