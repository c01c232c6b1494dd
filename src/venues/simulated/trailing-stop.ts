// Trailing stop state on the simulated order book: activation, the best price since activation, and the trail
// price it implies. Must never fill anything itself (the fill models decide when the trail is reached).
import { roundFloat } from '../../core/rounding.js';
import type { SimOrderBook } from './sim-order-book.js';

/**
 * The trail (trigger) price in ticks for a best price since activation, Binance USD-M TRAILING_STOP_MARKET
 * semantics (https://binance-docs.github.io/apidocs/futures/en/#new-order-trade; the spot FAQ states the same rule:
 * https://github.com/binance-us/binance-us-api-docs/blob/master/faqs/trailing-stop-faq.md): a sell triggers when
 * price falls callbackRate below the highest price since activation, a buy when it rises callbackRate above the
 * lowest. On the tick grid: sell floor(best x (1 - rate)), buy ceil(best x (1 + rate)), so the order never
 * triggers before the retrace is complete. `action` is +1 buy, -1 sell; `callbackRate` a fraction (0.01 = 1 %).
 */
export function trailTicks(bestTicks: number, callbackRate: number, action: number): number {
  return action > 0 ? roundFloat(bestTicks * (1 + callbackRate), 'ceil')! : roundFloat(bestTicks * (1 - callbackRate), 'floor')!;
}

function setBest(book: SimOrderBook, s: number, bestTicks: number): void {
  book.trailBestTicks[s] = bestTicks;
  book.triggerTicks[s] = trailTicks(bestTicks, book.callbackRate[s]!, book.action[s]!);
}

/**
 * The order meets the market at `priceTicks` when it arrives: without an activation price it is active at once
 * with that price as its best (Binance: activationPrice defaults to the latest price); with one, it activates only
 * when price reaches it (sell: at or above, buy: at or below).
 */
export function startTrailing(book: SimOrderBook, s: number, priceTicks: number): void {
  book.trailActive[s] = 0;
  if (book.hasActivation[s] === 0 || activationReached(book, s, priceTicks)) {
    book.trailActive[s] = 1;
    setBest(book, s, priceTicks);
  }
}

/**
 * A move to `priceTicks` in the order's favour (sell: up, buy: down) raises (lowers) the best price, or activates
 * the order when it reaches the activation price. A price move is monotone, so the best after activation is the
 * price moved to. Moves against the order change nothing here.
 */
export function trailFavourableMove(book: SimOrderBook, s: number, priceTicks: number): void {
  if (book.trailActive[s] === 0) {
    if (book.hasActivation[s] === 1 && activationReached(book, s, priceTicks)) {
      book.trailActive[s] = 1;
      setBest(book, s, priceTicks);
    }
    return;
  }
  const best = book.trailBestTicks[s]!;
  if (book.action[s]! < 0 ? priceTicks > best : priceTicks < best) setBest(book, s, priceTicks);
}

/** True when the order is active and `priceTicks` is at or beyond its trail (sell: at or below, buy: at or above). */
export function trailReached(book: SimOrderBook, s: number, priceTicks: number): boolean {
  if (book.trailActive[s] === 0) return false;
  const trail = book.triggerTicks[s]!;
  return book.action[s]! > 0 ? priceTicks >= trail : priceTicks <= trail;
}

function activationReached(book: SimOrderBook, s: number, priceTicks: number): boolean {
  const activation = book.activationTicks[s]!;
  return book.action[s]! < 0 ? priceTicks >= activation : priceTicks <= activation;
}
