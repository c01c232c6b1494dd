// Nominal ("branded") number types. A brand costs nothing at run time and stops a price in ticks from being
// passed where a quantity in lots or an amount of money is expected. Must never wrap a value in an object.
declare const brand: unique symbol;

/** A value of type T that the type checker treats as distinct from other T's carrying another brand name. */
export type Brand<T, Name extends string> = T & { readonly [brand]: Name };
