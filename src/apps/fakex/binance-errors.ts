// Binance USD-M error replies as fakex sends them: HTTP status, code and message, and the one table from our
// venue reject codes to Binance's. Messages follow Binance's error-code list
// (https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code); never include a secret.
import type { RejectCode } from '../../venues/venue.js';

export interface BinanceError {
  readonly httpStatus: number;
  readonly code: number;
  readonly msg: string;
}

const bad = (code: number, msg: string): BinanceError => ({ httpStatus: 400, code, msg });

export const BINANCE_ERRORS = {
  signature: { httpStatus: 400, code: -1022, msg: 'Signature for this request is not valid.' },
  apiKey: { httpStatus: 401, code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' },
  timestamp: bad(-1021, "Timestamp for this request is outside of the recvWindow."),
  unknownOrder: bad(-2011, 'Unknown order sent.'),
  orderDoesNotExist: bad(-2013, 'Order does not exist.'),
  duplicateClientId: bad(-4116, 'ClientOrderId is duplicated.'),
  invalidSymbol: bad(-1121, 'Invalid symbol.'),
  useAlgoEndpoint: bad(-4120, 'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.'),
  noChangePositionSide: bad(-4059, 'No need to change position side.'),
  positionSideWithPosition: bad(-4068, 'Position side cannot be changed if there exists position.'),
  positionSideWithOrders: bad(-4067, 'Position side cannot be changed if there exists open orders.'),
  noChangeMarginType: bad(-4046, 'No need to change margin type.'),
  marginTypeWithPosition: bad(-4048, 'Margin type cannot be changed if there exists position.'),
  marginTypeWithOrders: bad(-4047, 'Margin type cannot be changed if there exists open orders.'),
  positionSideMismatch: bad(-4061, "Order's position side does not match user's setting."),
  listenKey: bad(-1125, 'This listenKey does not exist.'),
  tooManyRequests: { httpStatus: 429, code: -1003, msg: 'Too many requests; current limit of IP is 2400 requests per minute. Please use the websocket for live updates to avoid polling the API.' },
  banned: { httpStatus: 418, code: -1003, msg: 'Way too many requests; IP banned. Please use the websocket for live updates to avoid bans.' },
  unknownAfterAccept: { httpStatus: 503, code: -1007, msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.' },
  notFound: { httpStatus: 404, code: -1000, msg: 'An unknown error occurred while processing the request.' },
} as const satisfies Record<string, BinanceError>;

/** -1102: a mandatory parameter is missing or malformed. */
export const missingParameter = (name: string): BinanceError => bad(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
/** -1116 / -1117 / -1106 style refusals of a parameter value. */
export const invalidParameter = (code: number, msg: string): BinanceError => bad(code, msg);
/** -1000 with a fakex-specific reason: a request Binance would accept but fakex does not model. */
export const unsupported = (what: string): BinanceError => bad(-1000, `An unknown error occurred while processing the request. [fakex does not support ${what}]`);

/** Our venue's reject codes mapped to Binance USD-M error replies (the inverse of the adapter's error table). */
export function binanceErrorForReject(code: RejectCode, minNotionalText: string): BinanceError {
  switch (code) {
    case 'MIN_NOTIONAL':
      return bad(-4164, `Order's notional must be no smaller than ${minNotionalText} (unless you choose reduce only).`);
    case 'MIN_QTY':
      return bad(-4004, 'Quantity less than min quantity.');
    case 'MAX_QTY':
      return bad(-4005, 'Quantity greater than max quantity.');
    case 'OFF_GRID':
      return bad(-1111, 'Precision is over the maximum defined for this asset.');
    case 'INSUFFICIENT_MARGIN':
      return bad(-2019, 'Margin is insufficient.');
    case 'REDUCE_ONLY_WOULD_INCREASE':
      return bad(-2022, 'ReduceOnly Order is rejected.');
    case 'POST_ONLY_WOULD_TAKE':
      return bad(-5022, 'Due to the order could not be executed as maker, the Post Only order will be rejected.');
    case 'FOK_NOT_FILLABLE':
      return bad(-5021, 'Due to the order could not be filled immediately, the FOK order has been rejected.');
    case 'IOC_NOT_FILLABLE':
      return bad(-5021, 'Due to the order could not be filled immediately, the IOC order has been rejected.');
    case 'UNSUPPORTED':
      return bad(-1116, 'Invalid orderType.');
    case 'UNKNOWN_ORDER':
      return BINANCE_ERRORS.unknownOrder;
    case 'DUPLICATE_CLIENT_ID':
      return BINANCE_ERRORS.duplicateClientId;
    case 'PRICE_OUT_OF_BOUNDS':
      return bad(-2007, 'Invalid callBack rate.');
    case 'VENUE_ERROR':
      return bad(-1000, 'An unknown error occurred while processing the request.');
  }
}
