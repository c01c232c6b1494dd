// The simulated venue behind the venue port: commands arrive after the configured latency and take part from the
// first market event at or after arrival; fills come from the configured fill model (bars, trades or quotes); the
// account books fees, funding and liquidation. Never reads the wall clock or randomness, never looks ahead.
import { InvariantError } from '../../core/errors.js';
import { SequentialIds, type IdGenerator } from '../../core/ids.js';
import type { Ticks } from '../../core/grid.js';
import type { InstrumentSpec } from '../../domain/instrument.js';
import type { OrderType, TimeInForce } from '../../domain/order.js';
import type { MarginMode, PositionMode, VenueCapabilities, VenueCommand, VenueEvent, VenueEventSink, VenuePort, VenueSnapshot } from '../venue.js';
import { BarFillModel, type TickBarColumns } from './bar-fill-model.js';
import { OrderIdMap } from '../../domain/order-id-map.js';
import { QuoteFillModel, type TickQuoteColumns } from './quote-fill-model.js';
import { SimAccount, type AccountMetrics, type AccountTotals } from './sim-account.js';
import { SimCommands } from './sim-commands.js';
import { resolveSimConfig, type SimVenueConfig, type SimVenueConfigInput } from './sim-config.js';
import { positionSideOfLeg, SimEventTranslator } from './sim-event-translator.js';
import { SimLiquidator } from './sim-liquidator.js';
import { describeSimModels } from './sim-model-notes.js';
import { snapshotOf } from './sim-snapshot.js';
import { SimMarket, type FundingSeries, type MarkSource, type OrderRecord } from './sim-market.js';
import { TradeFillModel, type TickTradeColumns } from './trade-fill-model.js';

/** One instrument the venue trades, with where its mark comes from and its real funding history. */
export interface SimInstrumentInput {
  readonly spec: InstrumentSpec;
  /** Default `price-proxy`: the venue's traded prices stand in for the mark (docs/simulated-venue.md). */
  readonly markSource?: MarkSource;
  /** Settlement times and rates; without it (or with funding off) no funding is charged. */
  readonly funding?: FundingSeries;
}

export interface SimulatedVenueOptions {
  readonly instruments: readonly SimInstrumentInput[];
  readonly config?: SimVenueConfigInput;
  /** Venue order ids; default sequential (`sim-1`, `sim-2`, ...), so a run is reproducible. */
  readonly ids?: IdGenerator;
}

const ORDER_TYPES: readonly OrderType[] = ['market', 'limit', 'stop-market', 'stop-limit', 'take-profit-market', 'take-profit-limit', 'trailing-stop'];
const TIME_IN_FORCE: readonly TimeInForce[] = ['GTC', 'IOC', 'FOK', 'GTX'];

type Models = { readonly kind: 'bar'; readonly bar: BarFillModel } | { readonly kind: 'trades'; readonly trades: TradeFillModel[] } | { readonly kind: 'quotes'; readonly quotes: QuoteFillModel };

export class SimulatedVenue implements VenuePort {
  readonly name = 'simulated';
  readonly capabilities: VenueCapabilities;
  readonly config: SimVenueConfig;
  readonly account: SimAccount;
  private readonly markets: readonly SimMarket[];
  private readonly byInstrument = new Map<string, SimMarket>();
  private readonly models: Models;
  private readonly latencyMs: number;
  private readonly commands: SimCommands;
  private readonly translator: SimEventTranslator;
  private readonly liquidator: SimLiquidator;
  private readonly active = new OrderIdMap<OrderRecord>();
  /**
   * Client ids of orders queued or working and their market: a cancel sent before its order arrives finds the
   * market, and a second order with an id still in use is refused (Binance: unique among open orders).
   */
  private readonly live = new OrderIdMap<SimMarket>();
  /** Commands refused before they reach a market (unknown instrument, reused client id), answered at the next event. */
  private orphans: { readonly command: VenueCommand; readonly code: 'UNSUPPORTED' | 'DUPLICATE_CLIENT_ID' | 'UNKNOWN_ORDER'; readonly reason: string }[] = [];
  private sink: VenueEventSink | undefined;
  private nowMs = 0;

  constructor(options: SimulatedVenueOptions) {
    const { config, startingBalance } = resolveSimConfig(options.config);
    this.config = config;
    this.latencyMs = config.latency.kind === 'constant' ? config.latency.ms : 0;
    this.account = new SimAccount(
      options.instruments.map((i) => i.spec),
      { positionMode: config.positionMode, marginMode: config.marginMode, leverage: config.leverage, fees: config.fees, startingBalance },
    );
    this.markets = options.instruments.map((input, i) => {
      const m = new SimMarket(this.account.instruments[i]!, input.markSource ?? 'price-proxy', config.funding === 'on' ? input.funding : undefined);
      this.byInstrument.set(input.spec.id, m);
      return m;
    });
    const fill = config.fill;
    switch (fill.kind) {
      case 'bar':
        this.models = { kind: 'bar', bar: new BarFillModel({ intrabar: fill.intrabar, limitFill: fill.limitFill === 'touch' ? 'touch' : 'trade-through' }) };
        break;
      case 'trades':
        this.models = { kind: 'trades', trades: this.markets.map(() => new TradeFillModel(fill.queue, fill.slippageTicks)) };
        break;
      case 'quotes':
        this.models = { kind: 'quotes', quotes: new QuoteFillModel() };
        break;
    }
    const emit = (e: VenueEvent): void => this.emit(e);
    this.translator = new SimEventTranslator(this.account, emit, this.active, this.live);
    this.commands = new SimCommands(this.account, config.positionMode, config.leverage, this.translator, emit, options.ids ?? new SequentialIds(), this.active, this.live);
    this.liquidator = new SimLiquidator(this.account, this.translator, emit);
    for (const m of this.markets) m.book.childPricer = (child, fillTicks) => this.commands.priceExit(m, child, fillTicks);
    this.capabilities = {
      orderTypes: new Set(ORDER_TYPES),
      timeInForce: new Set(TIME_IN_FORCE),
      reduceOnly: true,
      positionModes: new Set<PositionMode>([config.positionMode]),
      marginModes: new Set<MarginMode>([config.marginMode]),
      brackets: 'emulated',
      clientOrderIds: true,
      bracketExitsFromFill: true,
    };
  }

  /** Connects the sink; one that declares `eventsMayBeReused` gets the order events as reused objects. */
  connect(sink: VenueEventSink): void {
    this.sink = sink;
    this.translator.events.reuse = sink.eventsMayBeReused === true;
  }

  /** Queues a command; it arrives at tsLocal + latency and takes effect at the first market event at or after that. */
  send(command: VenueCommand): void {
    if (this.sink === undefined) throw new InvariantError('a connected sink before the first command', 'send() before connect()');
    const arrivalMs = command.tsLocal + this.latencyMs;
    const market = this.marketOf(command);
    if (market === undefined) return;
    market.enqueue(command, arrivalMs);
  }

  async snapshot(): Promise<VenueSnapshot> {
    return this.snapshotNow();
  }

  /** The snapshot without the promise (for the backtest driver and tests). */
  snapshotNow(): VenueSnapshot {
    return snapshotOf({ account: this.account, markets: this.markets, active: this.active, positionMode: this.config.positionMode, marginMode: this.config.marginMode }, this.nowMs);
  }

  /** Balance, equity, available margin and utilisation at the current marks. */
  metrics(): AccountMetrics {
    return this.account.metrics();
  }

  /** Realised P&L, fees, funding and liquidations so far. */
  totals(): AccountTotals {
    return this.account.totals();
  }

  /** What the run must say about its models (for the run metadata): fill model, mark source, funding. */
  describeModels(): readonly string[] {
    return describeSimModels(this.config, this.markets);
  }

  /**
   * One bar of instrument `ii` (prices in ticks, see TickBarColumns). Order of work at the bar's open: funding due
   * at or before the open, liquidation of positions held into the bar (the mark's adverse extreme vs the liquidation
   * price, unless a resting stop the bar reaches closes the position first), arrived commands (judged at the open),
   * then the bar fill model; a position changed inside the bar is checked against the bar's range again. The mark is
   * the bar's mark-price kline when `bars.mark` has one for it, else the traded prices (the documented proxy). On a
   * quiet bar this is a few comparisons and the fill model's own quick test.
   */
  onBar(ii: number, bars: TickBarColumns, i: number): void {
    if (this.models.kind !== 'bar') throw new InvariantError('bars only with fill.kind bar', this.models.kind);
    const m = this.markets[ii]!;
    const ia = m.ia;
    const t = bars.openTimeMs[i]!;
    const open = bars.openTicks[i]!;
    const high = bars.highTicks[i]!;
    const low = bars.lowTicks[i]!;
    let markOpen = open;
    let markHigh = high;
    let markLow = low;
    let markClose = bars.closeTicks[i]!;
    const mark = bars.mark;
    if (mark !== undefined && mark.lowTicks[i]! > 0) {
      markOpen = mark.openTicks[i]!;
      markHigh = mark.highTicks[i]!;
      markLow = mark.lowTicks[i]!;
      markClose = mark.closeTicks[i]!;
      m.markBars++;
    }
    m.bars++;
    this.nowMs = t;
    if (this.orphans.length > 0) this.answerOrphans(t);
    if (t >= m.nextFundingMs) this.settleFunding(m, t, markOpen);
    const proxy = m.markSource === 'price-proxy';
    if (proxy && (markLow <= ia.anyLiqLower || markHigh >= ia.anyLiqUpper)) this.liquidator.check(m, t, markLow, markHigh, markOpen, true, low, high);
    if (m.hasArrived(t)) this.applyCommands(m, t, open);
    if (m.mustWalk || low <= m.reachLowTicks || high >= m.reachHighTicks) {
      this.models.bar.processBarAt(m.book, bars, i, m.out);
      if (m.out.count > 0) {
        this.translator.flush(m);
        if (proxy && (markLow <= ia.anyLiqLower || markHigh >= ia.anyLiqUpper)) this.liquidator.check(m, t, markLow, markHigh, markOpen, false, low, high);
        m.refreshReach();
      }
    }
    m.lastPriceTicks = bars.closeTicks[i]!;
    if (proxy) ia.markTicks = markClose;
  }

  /** One trade of instrument `ii` (price in ticks, quantity in lots, see TickTradeColumns). */
  onTrade(ii: number, trades: TickTradeColumns, i: number): void {
    if (this.models.kind !== 'trades') throw new InvariantError('trades only with fill.kind trades', this.models.kind);
    const m = this.markets[ii]!;
    const t = trades.timeMs[i]!;
    const price = trades.priceTicks[i]!;
    this.before(m, t, price, price, price);
    if (m.mustWalk || price <= m.reachLowTicks || price >= m.reachHighTicks) this.models.trades[ii]!.processTrade(m.book, t, price, trades.qtyLots[i]!, m.out);
    this.after(m, t, price, price);
  }

  /**
   * One best bid / ask update of instrument `ii`. With fill.kind quotes it drives the fills (market orders cross the
   * spread); with fill.kind trades it only tells the queue model the size quoted at each price.
   */
  onQuote(ii: number, quotes: TickQuoteColumns, i: number): void {
    const m = this.markets[ii]!;
    if (this.models.kind === 'trades') {
      this.models.trades[ii]!.quote(quotes.bidTicks[i]!, quotes.bidLots[i]!, quotes.askTicks[i]!, quotes.askLots[i]!);
      return;
    }
    if (this.models.kind !== 'quotes') throw new InvariantError('quotes only with fill.kind quotes or trades', this.models.kind);
    const t = quotes.timeMs[i]!;
    const bid = quotes.bidTicks[i]!;
    const ask = quotes.askTicks[i]!;
    const mid = (bid + ask) / 2;
    this.before(m, t, mid, bid, ask);
    this.models.quotes.processQuote(m.book, t, bid, ask, m.out);
    this.after(m, t, bid, ask);
  }

  /** A mark price of instrument `ii` (instruments with markSource mark-series): equity and liquidation follow it. */
  onMark(ii: number, timeMs: number, markTicks: number): void {
    const m = this.markets[ii]!;
    if (m.markSource !== 'mark-series') throw new InvariantError('onMark only for an instrument with markSource mark-series', m.ia.spec.id);
    this.nowMs = Math.max(this.nowMs, timeMs);
    // The mark moved continuously from its last value: a crossing happened at the liquidation price itself.
    const previous = m.ia.markTicks > 0 ? m.ia.markTicks : markTicks;
    m.ia.markTicks = markTicks;
    if (markTicks <= m.ia.anyLiqLower || markTicks >= m.ia.anyLiqUpper) {
      this.liquidator.check(m, timeMs, Math.min(previous, markTicks), Math.max(previous, markTicks), previous, false);
    }
  }

  /**
   * Settles one funding payment now, for drivers that replay funding themselves (paper trading, tests) instead of
   * giving the history up front: `rate` a fraction, at `markTicks` (default: the instrument's current mark).
   */
  onFunding(ii: number, timeMs: number, rate: number, markTicks?: number): void {
    const m = this.markets[ii]!;
    this.nowMs = Math.max(this.nowMs, timeMs);
    this.settleOne(m, timeMs, rate, markTicks ?? (m.ia.markTicks > 0 ? m.ia.markTicks : m.lastPriceTicks));
  }

  /** Before a trade or quote: funding due, liquidation on the price seen, then the commands that have arrived. */
  private before(m: SimMarket, t: number, reference: number, low: number, high: number): void {
    this.nowMs = t;
    if (this.orphans.length > 0) this.answerOrphans(t);
    if (t >= m.nextFundingMs) this.settleFunding(m, t, reference);
    if (m.markSource === 'price-proxy' && (low <= m.ia.anyLiqLower || high >= m.ia.anyLiqUpper)) this.liquidator.check(m, t, low, high, reference, true);
    if (m.hasArrived(t)) this.applyCommands(m, t, reference);
  }

  /** After a trade or quote: book and report events, re-check liquidation, and move the mark proxy to the mid. */
  private after(m: SimMarket, t: number, low: number, high: number): void {
    if (m.out.count > 0) {
      this.translator.flush(m);
      if (m.markSource === 'price-proxy' && (low <= m.ia.anyLiqLower || high >= m.ia.anyLiqUpper)) this.liquidator.check(m, t, low, high, low, false);
      m.refreshReach();
    }
    m.lastPriceTicks = (low + high) / 2;
    if (m.markSource === 'price-proxy') m.ia.markTicks = m.lastPriceTicks;
  }

  private applyCommands(m: SimMarket, t: number, referenceTicks: number): void {
    while (m.hasArrived(t)) {
      const arrivalMs = m.nextArrivalMs();
      this.commands.apply(m, m.takeArrived(), arrivalMs, t, referenceTicks);
    }
    m.refreshReach();
  }

  /**
   * Funding settlements due at or before `t`, each at the settlement's own mark (`FundingSeries.markTicks`) when
   * known, else at the mark (series) or `proxyTicks` (the price at `t`).
   */
  private settleFunding(m: SimMarket, t: number, proxyTicks: number): void {
    const f = m.funding!;
    while (m.fundingIndex < f.timeMs.length && f.timeMs[m.fundingIndex]! <= t) {
      const known = f.markTicks === undefined ? 0 : f.markTicks[m.fundingIndex]!;
      const mark = known > 0 ? known : m.markSource === 'mark-series' && m.ia.markTicks > 0 ? m.ia.markTicks : proxyTicks;
      this.settleOne(m, f.timeMs[m.fundingIndex]!, f.rate[m.fundingIndex]!, mark);
      m.fundingIndex++;
    }
    m.nextFundingMs = m.fundingIndex < f.timeMs.length ? f.timeMs[m.fundingIndex]! : Number.POSITIVE_INFINITY;
  }

  private settleOne(m: SimMarket, timeMs: number, rate: number, markTicks: number): void {
    for (const p of this.account.settleFunding(m.ia, rate, markTicks)) {
      const positionSide = positionSideOfLeg(p.leg);
      this.emit({
        tsVenue: timeMs,
        tsLocal: timeMs,
        type: 'FundingSettled',
        instrument: m.ia.spec.id,
        rate,
        markTicks: markTicks as Ticks,
        signedLots: p.signedLots,
        amount: p.amount,
        ...(positionSide === undefined ? {} : { positionSide }),
      });
    }
  }

  private marketOf(command: VenueCommand): SimMarket | undefined {
    switch (command.type) {
      case 'SubmitOrder':
        return this.claim(command, command.order.instrument, command.order.clientId, undefined, undefined);
      case 'SubmitOco':
        return command.orders.length === 0 ? undefined : this.claimAll(command, command.orders[0]!.instrument, command.orders.map((o) => o.clientId));
      case 'SubmitBracket': {
        const b = command.bracket;
        return this.claim(command, b.entry.instrument, b.entry.clientId, b.takeProfit?.clientId, b.stopLoss.clientId);
      }
      case 'ModifyOrder':
      case 'CancelOrder':
        return this.live.get(command.clientId) ?? this.orphan(command, 'UNKNOWN_ORDER', `no order with client id ${command.clientId} is queued or working`);
      case 'CancelAll':
        return this.byInstrument.get(command.instrument) ?? this.orphan(command, 'UNSUPPORTED', `instrument ${command.instrument} is not traded on this simulated venue`);
    }
  }

  /** The market of a submission, reserving its client ids; undefined (answered later) when refused. */
  private claimAll(command: VenueCommand, instrument: string, clientIds: readonly string[]): SimMarket | undefined {
    const m = this.byInstrument.get(instrument);
    if (m === undefined) return this.orphan(command, 'UNSUPPORTED', `instrument ${instrument} is not traded on this simulated venue`);
    for (const id of clientIds) {
      if (this.live.has(id)) return this.orphan(command, 'DUPLICATE_CLIENT_ID', `client id ${id} belongs to an order still queued or working`);
    }
    for (const id of clientIds) this.live.set(id, m);
    return m;
  }

  /** `claimAll` for up to three ids (a single order or a bracket), without building an array per command. */
  private claim(command: VenueCommand, instrument: string, a: string, b: string | undefined, c: string | undefined): SimMarket | undefined {
    const m = this.byInstrument.get(instrument);
    if (m === undefined) return this.orphan(command, 'UNSUPPORTED', `instrument ${instrument} is not traded on this simulated venue`);
    const taken = this.live.has(a) ? a : b !== undefined && this.live.has(b) ? b : c !== undefined && this.live.has(c) ? c : undefined;
    if (taken !== undefined) return this.orphan(command, 'DUPLICATE_CLIENT_ID', `client id ${taken} belongs to an order still queued or working`);
    this.live.set(a, m);
    if (b !== undefined) this.live.set(b, m);
    if (c !== undefined) this.live.set(c, m);
    return m;
  }

  private orphan(command: VenueCommand, code: 'UNSUPPORTED' | 'DUPLICATE_CLIENT_ID' | 'UNKNOWN_ORDER', reason: string): undefined {
    this.orphans.push({ command, code, reason });
    return undefined;
  }

  private answerOrphans(t: number): void {
    const orphans = this.orphans;
    this.orphans = [];
    for (const o of orphans) this.commands.rejectCommand(o.command, t, o.code, o.reason);
  }

  private emit(event: VenueEvent): void {
    this.sink!.onVenueEvent(event);
  }
}
