// Asks a venue for one order by our client id, the way each venue needs it (profile.clientIdQuery), and reads ccxt's
// answers through the profile's repairs. Reads only; must never send, cancel or re-send an order, and never hands
// back an order that carries another client id.
import type { Exchange, Order as CcxtOrder } from 'ccxt';
import type { InstrumentSpec } from '../../domain/instrument.js';
import type { OrderSpec } from '../../domain/order.js';
import type { ClientIdQuery, VenueProfile } from './venue-profile.js';

/** ccxt's order as the venue meant it: the profile's repair where ccxt 4.5 misreads the venue's answer. */
export function repairedOrder(profile: VenueProfile, o: CcxtOrder): CcxtOrder {
  return profile.repairOrder?.(o) ?? o;
}

/** The query for one client id: the profile's, else ccxt's unified `clientOrderId` with the type's query params. */
export function clientIdQueryOf(profile: VenueProfile, clientId: string, type: OrderSpec['type'], spec: InstrumentSpec): ClientIdQuery {
  return profile.clientIdQuery?.(clientId, type, spec.symbol) ?? { kind: 'fetch-order', params: { clientOrderId: clientId, ...profile.queryParams(type) } };
}

interface ImplicitAnswer {
  readonly data?: unknown;
}

/**
 * The venue's order with our client id, repaired; undefined when the venue answered but lists no such order (or
 * only an order under another client id, which is never ours to adopt). Throws what ccxt throws (a missing order is
 * often ccxt's OrderNotFound); the caller classifies it.
 */
export async function fetchOrderByClientId(exchange: Exchange, profile: VenueProfile, spec: InstrumentSpec, clientId: string, type: OrderSpec['type']): Promise<CcxtOrder | undefined> {
  const query = clientIdQueryOf(profile, clientId, type, spec);
  let found: CcxtOrder | undefined;
  switch (query.kind) {
    case 'fetch-order':
      // The venue order id is unknown here: passed empty (ccxt requires an argument); the params name the client id.
      found = await exchange.fetchOrder('', spec.ccxtSymbol, { ...query.params });
      break;
    case 'open-orders': {
      const open = await exchange.fetchOpenOrders(spec.ccxtSymbol, undefined, undefined, { ...query.params });
      found = open.map((o) => repairedOrder(profile, o)).find((o) => o.clientOrderId === clientId);
      break;
    }
    case 'implicit': {
      const call = (exchange as unknown as Record<string, unknown>)[query.method];
      if (typeof call !== 'function') throw new Error(`ccxt ${exchange.id} has no method ${query.method} (profile ${profile.name})`);
      const answer = (await (call as (p: object) => Promise<ImplicitAnswer>).call(exchange, { ...query.params })) as ImplicitAnswer | undefined;
      const data = answer?.data;
      found = data === undefined || data === null || typeof data !== 'object' ? undefined : exchange.parseOrder(data as Record<string, unknown>, exchange.market(spec.ccxtSymbol));
      break;
    }
  }
  if (found === undefined) return undefined;
  const order = repairedOrder(profile, found);
  // A venue that ignored the filter answers with some other order: never adopted as ours.
  if (order.clientOrderId !== undefined && order.clientOrderId !== clientId) return undefined;
  return order;
}
