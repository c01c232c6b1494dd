// Expected outcomes (a denied check, an input that is not on the grid) are returned as values, never thrown.
// Must never be used for bugs or corrupt data: those throw.

export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<E> = { readonly ok: false; readonly error: E };
export type Result<T, E> = Ok<T> | Err<E>;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = <E>(error: E): Err<E> => ({ ok: false, error });

/** Returns the value of an Ok, or throws the error of an Err (for callers that have already validated). */
export function unwrap<T, E>(result: Result<T, E>): T {
  if (result.ok) return result.value;
  const e = result.error;
  throw e instanceof Error ? e : new Error(typeof e === 'string' ? e : JSON.stringify(e));
}
