// WEEX USDT-M perpetual contracts through ccxt's weex (present in ccxt 4.5): capability map and error-code table.
// ccxt cannot edit WEEX orders, exposes no trailing stop and no time in force on trigger orders: all refused before sending.
import { failure, refusal, type VenueErrorTable } from './venue-failure.js';
import { isConditional, setOf, unifiedLegParams, unifiedTriggerParams, type VenueProfile } from './venue-profile.js';

/** WEEX contract error codes as ccxt's weex maps them (https://www.weex.com/api-doc/contract/ErrorCodes). */
export const WEEX_ERRORS: VenueErrorTable = {
  '-1000': failure('UNKNOWN_STATE'), // unknown error while processing the request
  '-1040': failure('AUTH'), // API key missing / invalid
  '-1041': failure('AUTH'),
  '-1042': failure('AUTH'),
  '-1043': failure('AUTH'),
  '-1044': failure('AUTH'),
  '-1047': failure('AUTH'),
  '-1049': failure('AUTH'),
  '-1050': failure('AUTH'), // permission denied
  '-1115': refusal('VENUE_ERROR'), // invalid time in force
  '-1116': refusal('VENUE_ERROR'), // invalid order type
  '-1117': refusal('VENUE_ERROR'), // invalid side
  '-1121': refusal('UNSUPPORTED'), // invalid symbol
  '-2007': refusal('UNSUPPORTED'), // symbol not tradable
  '-2200': refusal('UNKNOWN_ORDER'), // order not found
  FAILED_ORDER_NOT_FOUND: refusal('UNKNOWN_ORDER'),
};

export const weexProfile: VenueProfile = {
  name: 'weex',
  ccxtId: 'weex',
  venueId: 'WEEX',
  capabilities: {
    // Stops and take-profits go to POST /capi/v3/algoOrder and execute at market; ccxt refuses a time in force on
    // them, which every limit-priced trigger carries, so stop-limit and take-profit-limit are refused.
    orderTypes: setOf('market', 'limit', 'stop-market', 'take-profit-market'),
    timeInForce: setOf('GTC', 'IOC', 'FOK', 'GTX'),
    reduceOnly: true,
    positionModes: setOf('one-way', 'hedge'),
    marginModes: setOf('isolated', 'cross'),
    brackets: 'emulated',
    clientOrderIds: true,
  },
  clientIdPattern: /^[A-Za-z0-9_-]{1,36}$/,
  errors: WEEX_ERRORS,
  sources: ['https://www.weex.com/api-doc/contract/Transaction_API/PlaceOrder', 'https://www.weex.com/api-doc/contract/ErrorCodes'],
  trades: (spec) => spec.venue === 'WEEX' && spec.contractType === 'linear',
  triggerParams: (kind, _action, triggerPrice) => unifiedTriggerParams(kind, triggerPrice),
  legParams: unifiedLegParams,
  // Trigger orders live on the algo endpoints: ccxt cancels and lists them with `trigger: true`.
  queryParams: (type) => (isConditional(type) ? { trigger: true } : {}),
  orderTradesParams: () => ({}),
  // GET /capi/v3/order reads plain orders by origClientOrderId (ccxt maps clientOrderId to it); algo orders have no
  // single-order read, so a stop or take-profit is looked for among the open algo orders (GET /capi/v3/openAlgoOrders).
  clientIdQuery: (clientId, type) => (isConditional(type) ? { kind: 'open-orders', params: { trigger: true } } : { kind: 'fetch-order', params: { clientOrderId: clientId } }),
  // POST /capi/v3/account/marginType sets the margin type and the position mode (separatedType) in one request, and
  // POST /capi/v3/account/leverage must name the account's current margin type
  // (https://www.weex.com/api-doc/contract/Account_API/ChangeMarginModeTRADE); ccxt refuses setPositionMode without it.
  setterParams: (setting, account) => {
    switch (setting) {
      case 'position-mode':
      case 'leverage':
        return [account.marginMode === undefined ? {} : { marginMode: account.marginMode }];
      case 'margin-mode':
        return [account.positionMode === undefined ? {} : { separatedType: account.positionMode === 'hedge' ? 'SEPARATED' : 'COMBINED' }];
    }
  },
  // WEEX answers a setter with {"code":"200","msg":"success"}; ccxt 4.5.84 (weex.handleErrors) throws on any `msg`.
  isSuccessAnswer: (message) => /"code"\s*:\s*"?200"?/.test(message) && /"msg"\s*:\s*"success"/.test(message),
};
