// Position sides and their signs: +1 for long, -1 for short. The only place a side becomes a number, so the
// contract math never branches on a side; must never hold order sides (buy/sell), which live in order.ts.

/** The direction of a position: long gains when price rises, short when it falls. */
export type Side = 'long' | 'short';

/** +1 for long, -1 for short: multiplies a price move into a signed P&L. */
export type SideSign = 1 | -1;

export const SIDES: readonly Side[] = ['long', 'short'];

/** +1 for long, -1 for short. */
export function sideSign(side: Side): SideSign {
  switch (side) {
    case 'long':
      return 1;
    case 'short':
      return -1;
  }
}

/** The other side: what closes or hedges a position. */
export function oppositeSide(side: Side): Side {
  switch (side) {
    case 'long':
      return 'short';
    case 'short':
      return 'long';
  }
}

/** The side of a signed size (positive lots are long); undefined when flat (zero). */
export function sideOfSigned(signedSize: number): Side | undefined {
  if (signedSize > 0) return 'long';
  if (signedSize < 0) return 'short';
  return undefined;
}

/** A size with the side's sign: signed(side, 5) is 5 for long and -5 for short. */
export function signed(side: Side, size: number): number {
  return sideSign(side) * size;
}
