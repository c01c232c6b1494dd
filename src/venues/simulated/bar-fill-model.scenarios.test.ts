// Scenario tapes for the bar fill model: a few hand-written bars per case, with every expected event written out by
// hand (prices in ticks; read 10000 as 1000.0 USDT on a 0.1 tick). The reasoning for each number is in the comments.
import { describe, expect, it } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import type { OrderSpec, TimeInForce } from '../../domain/order.js';
import { BarFillModel, type BarFillConfig } from './bar-fill-model.js';
import { bracketExitTicks } from './bracket-prices.js';
import { EVENT_FILL, LIQUIDITY_MAKER, orderEventKind, reasonText, SimEvents } from './sim-events.js';
import { SimOrderBook } from './sim-order-book.js';

const MINUTE_MS = 60_000;
const T0 = Date.UTC(2025, 4, 4, 15, 33);
type Action = 'buy' | 'sell';
const base = (action: Action, qty: number) =>
  ({ clientId: 'c', instrument: 'BINANCE:BTCUSDT', action, qtyLots: qty as Lots, effect: 'open-or-reduce' }) as const;
const market = (action: Action, qty = 1): OrderSpec => ({ ...base(action, qty), type: 'market' });
const limit = (action: Action, price: number, tif: TimeInForce = 'GTC', qty = 1): OrderSpec => ({
  ...base(action, qty),
  type: 'limit',
  limitTicks: price as Ticks,
  timeInForce: tif,
});
const stop = (action: Action, trigger: number, qty = 1): OrderSpec => ({ ...base(action, qty), type: 'stop-market', triggerTicks: trigger as Ticks });
const stopLimit = (action: Action, trigger: number, price: number, qty = 1): OrderSpec => ({
  ...base(action, qty),
  type: 'stop-limit',
  triggerTicks: trigger as Ticks,
  limitTicks: price as Ticks,
  timeInForce: 'GTC',
});
const takeProfit = (action: Action, trigger: number, qty = 1): OrderSpec => ({ ...base(action, qty), type: 'take-profit-market', triggerTicks: trigger as Ticks });
const trailing = (action: Action, callbackRate: number, activation?: number, qty = 1): OrderSpec => ({
  ...base(action, qty),
  type: 'trailing-stop',
  callbackRate,
  ...(activation === undefined ? {} : { activationTicks: activation as Ticks }),
});
const reduceOnly = (spec: OrderSpec): OrderSpec => ({ ...spec, effect: 'reduce-only' });

/** Drives the model bar by bar and keeps a readable log: "bar 2: fill tp @10020 x1 maker". */
class Tape {
  readonly book = new SimOrderBook(4);
  readonly log: string[] = [];
  private readonly model: BarFillModel;
  private readonly out = new SimEvents(2);
  private readonly names = new Map<number, string>();
  private index = 0;

  constructor(config: Partial<BarFillConfig> = {}) {
    this.model = new BarFillModel(config);
  }

  /** Submits an order decided at the close of the last bar; it reaches the venue `latencyMs` later. */
  submit(name: string, spec: OrderSpec, latencyMs = 0): number {
    const slot = this.book.add(spec, T0 + this.index * MINUTE_MS + latencyMs);
    this.names.set(slot, name);
    return slot;
  }

  bar(open: number, high: number, low: number, close: number): void {
    this.out.clear();
    const openTimeMs = T0 + this.index * MINUTE_MS;
    this.model.processBar(this.book, openTimeMs, open, high, low, close, this.out);
    for (let i = 0; i < this.out.count; i++) {
      expect(this.out.timeMs[i], 'events carry the bar open time').toBe(openTimeMs);
      const name = this.names.get(this.out.slot[i]!)!;
      const kind = orderEventKind(this.out.kind[i]!);
      if (this.out.kind[i] === EVENT_FILL) {
        const liquidity = this.out.liquidity[i] === LIQUIDITY_MAKER ? 'maker' : 'taker';
        this.log.push(`bar ${this.index}: fill ${name} @${this.out.priceTicks[i]} x${this.out.lots[i]} ${liquidity}`);
      } else {
        const why = reasonText(this.out.reason[i]!);
        this.log.push(`bar ${this.index}: ${kind} ${name}${why === undefined ? '' : ` (${why})`}`);
      }
    }
    this.index += 1;
  }

  bars(rows: readonly (readonly [number, number, number, number])[]): void {
    for (const [o, h, l, c] of rows) this.bar(o, h, l, c);
  }
}

/** A long bracket entered at market after bar 0: TP 0.2 %, stop 0.15 % from the expected fill 10000. */
function longBracket(t: Tape): void {
  const { takeProfitTicks, stopTicks } = bracketExitTicks(10000, true, 0.2, 0.15);
  // 10000 x 1.002 = 10020 and 10000 x 0.9985 = 9985, both already on the tick grid.
  expect({ takeProfitTicks, stopTicks }).toEqual({ takeProfitTicks: 10020, stopTicks: 9985 });
  const entry = t.submit('entry', market('buy'));
  const tp = t.submit('tp', reduceOnly(limit('sell', takeProfitTicks)));
  const sl = t.submit('sl', reduceOnly(stop('sell', stopTicks)));
  t.book.bracket(entry, tp, sl);
}

describe('bar fill model: market orders', () => {
  it('fills a market order decided at a close at the next bar open, and a late arrival at the open after', () => {
    const t = new Tape();
    t.bar(10000, 10010, 9990, 10004);
    t.submit('m1', market('buy', 2));
    t.submit('m2', market('sell', 2), 50); // 50 ms latency: arrives inside bar 1, so it takes part from bar 2.
    t.bars([
      [10006, 10030, 10001, 10020],
      [10021, 10025, 10011, 10012],
      [10012, 10015, 10000, 10003],
      [10003, 10008, 9996, 10000],
      [10000, 10002, 9990, 9992],
    ]);
    expect(t.log, 'm1 fills at bar 1 open 10006; m2 at bar 2 open 10021; nothing else happens').toEqual([
      'bar 1: fill m1 @10006 x2 taker',
      'bar 2: fill m2 @10021 x2 taker',
    ]);
  });
});

describe('bar fill model: bracket take-profit vs stop on one bar', () => {
  const tape: readonly (readonly [number, number, number, number])[] = [
    [10000, 10010, 9990, 10005], // bar 1: entry at the open 10000; TP 10020 and stop 9985 both out of range
    [10005, 10030, 9980, 10000], // bar 2: high 10030 > 10020 and low 9980 <= 9985: both exits reachable
    [10000, 10040, 9950, 10010],
    [10010, 10020, 10000, 10015],
    [10015, 10030, 10010, 10025],
    [10025, 10035, 10020, 10030],
  ];

  it('gives the stop the win under stop-first, and cancels the take-profit', () => {
    const t = new Tape({ intrabar: 'stop-first' });
    t.bar(9995, 10002, 9990, 10000);
    longBracket(t);
    t.bars(tape);
    expect(t.log, 'stop fills at its price 9985 as taker; the TP is cancelled by OCO in the same bar').toEqual([
      'bar 1: fill entry @10000 x1 taker',
      'bar 1: accepted tp',
      'bar 1: accepted sl',
      'bar 2: triggered sl',
      'bar 2: cancelled tp (cancelled by OCO sibling)',
      'bar 2: fill sl @9985 x1 taker',
    ]);
  });

  it('follows the path under proximity: high and low equally far from the open go high first, so the TP wins', () => {
    const t = new Tape({ intrabar: 'proximity' });
    t.bar(9995, 10002, 9990, 10000);
    longBracket(t);
    // Bar 2: open 10005, high 25 away, low 25 away: a tie, high first; the move to 10030 trades through 10020.
    t.bars(tape);
    expect(t.log).toEqual([
      'bar 1: fill entry @10000 x1 taker',
      'bar 1: accepted tp',
      'bar 1: accepted sl',
      'bar 2: fill tp @10020 x1 maker',
      'bar 2: cancelled sl (cancelled by OCO sibling)',
    ]);
  });

  it('follows the path under proximity: a nearer low reaches the stop first', () => {
    const t = new Tape({ intrabar: 'proximity' });
    t.bar(9995, 10002, 9990, 10000);
    longBracket(t);
    // Bar 2: open 10005, high 25 away, low 9982 only 23 away: open -> low first, crossing the stop at 9985.
    t.bars([tape[0]!, [10005, 10030, 9982, 10000], ...tape.slice(2)]);
    expect(t.log).toEqual([
      'bar 1: fill entry @10000 x1 taker',
      'bar 1: accepted tp',
      'bar 1: accepted sl',
      'bar 2: triggered sl',
      'bar 2: cancelled tp (cancelled by OCO sibling)',
      'bar 2: fill sl @9985 x1 taker',
    ]);
  });
});

describe('bar fill model: stops', () => {
  it('fills a stop at the open when the bar gaps through it, at its price otherwise', () => {
    const t = new Tape();
    t.bar(10000, 10010, 9990, 10000);
    t.submit('entry', market('buy', 2));
    t.bar(10000, 10005, 9995, 9998); // bar 1: long 2 at 10000
    t.submit('sl-a', reduceOnly(stop('sell', 9985)));
    t.submit('sl-b', reduceOnly(stop('sell', 9960)));
    t.bars([
      [9998, 10003, 9990, 9992], // bar 2: low 9990 above both stops
      [9970, 9975, 9962, 9965], // bar 3: opens at 9970, below sl-a's 9985: gap, fills at the open; sl-b (9960) untouched
      [9965, 9968, 9955, 9958], // bar 4: low 9955 <= 9960: sl-b fills at its trigger 9960
      [9958, 9962, 9950, 9951],
      [9951, 9957, 9940, 9945],
    ]);
    expect(t.log).toEqual([
      'bar 1: fill entry @10000 x2 taker',
      'bar 2: accepted sl-a',
      'bar 2: accepted sl-b',
      'bar 3: triggered sl-a',
      'bar 3: fill sl-a @9970 x1 taker',
      'bar 4: triggered sl-b',
      'bar 4: fill sl-b @9960 x1 taker',
    ]);
  });

  it('fills a triggered stop-limit in the same bar only when the close is beyond its limit (stop-first)', () => {
    const t = new Tape();
    t.bar(10000, 10010, 9990, 10000);
    t.submit('entry', market('buy', 2));
    t.bar(10000, 10005, 9995, 10000); // bar 1: long 2 at 10000
    // a: limit 9980 below its trigger: marketable when it triggers at 9985, takes there.
    // b: limit 9990 above its trigger: rests as a sell limit from 9985 up; only the close is certain to come after.
    t.submit('a', reduceOnly(stopLimit('sell', 9985, 9980)));
    t.submit('b', reduceOnly(stopLimit('sell', 9985, 9990)));
    t.bars([
      [10000, 10004, 9998, 10001], // bar 2: nothing
      [10001, 10003, 9984, 9990], // bar 3: low 9984 triggers both; close 9990 is not above b's 9990: b rests
      [9990, 9995, 9986, 9988], // bar 4: high 9995 > 9990: b fills at 9990 as maker
      [9988, 9990, 9980, 9985],
      [9985, 9987, 9975, 9979],
    ]);
    expect(t.log).toEqual([
      'bar 1: fill entry @10000 x2 taker',
      'bar 2: accepted a',
      'bar 2: accepted b',
      'bar 3: triggered a',
      'bar 3: fill a @9985 x1 taker',
      'bar 3: triggered b',
      'bar 4: fill b @9990 x1 maker',
    ]);
  });
});

describe('bar fill model: limits', () => {
  const tape: readonly (readonly [number, number, number, number])[] = [
    [10000, 10004, 9995, 10001], // bar 1: low 9995 above the limit
    [10001, 10002, 9990, 9993], // bar 2: low touches 9990 exactly
    [9993, 9998, 9991, 9996], // bar 3: stays above
    [9996, 9999, 9989, 9994], // bar 4: low 9989 trades through 9990
    [9994, 9997, 9992, 9995],
    [9995, 9999, 9993, 9998],
  ];

  it('fills a resting buy limit only when the bar trades through it (default)', () => {
    const t = new Tape();
    t.bar(10000, 10005, 9998, 10000);
    t.submit('bid', limit('buy', 9990));
    t.bars(tape);
    expect(t.log, 'touched on bar 2 but not traded through until bar 4; fills at its own price as maker').toEqual([
      'bar 1: accepted bid',
      'bar 4: fill bid @9990 x1 maker',
    ]);
  });

  it('fills on touch with limitFill touch', () => {
    const t = new Tape({ limitFill: 'touch' });
    t.bar(10000, 10005, 9998, 10000);
    t.submit('bid', limit('buy', 9990));
    t.bars(tape);
    expect(t.log).toEqual(['bar 1: accepted bid', 'bar 2: fill bid @9990 x1 maker']);
  });

  it('rejects a post-only limit that would take at arrival and rests one that would not', () => {
    const t = new Tape();
    t.bar(10000, 10005, 9998, 10000);
    t.submit('gtx-taking', limit('buy', 10010, 'GTX')); // bar 1 opens at 10000: a bid at 10010 would take
    t.submit('gtx-resting', limit('buy', 9990, 'GTX'));
    t.bars(tape);
    expect(t.log).toEqual([
      'bar 1: rejected gtx-taking (post-only would take)',
      'bar 1: accepted gtx-resting',
      'bar 4: fill gtx-resting @9990 x1 maker',
    ]);
  });

  it('fills IOC and FOK only at arrival: marketable ones take at the open, the others expire', () => {
    const t = new Tape();
    t.bar(10000, 10005, 9998, 10000);
    t.submit('ioc-take', limit('buy', 10005, 'IOC', 3)); // open 10000 <= 10005: fills 3 at 10000 (price improvement)
    t.submit('ioc-miss', limit('buy', 9995, 'IOC'));
    t.submit('fok-take', limit('sell', 9998, 'FOK', 2)); // open 10000 >= 9998: the whole 2 fill at 10000
    t.submit('fok-miss', limit('sell', 10003, 'FOK'));
    t.bars(tape); // bar 1 later trades 9995 and 10004: too late for IOC/FOK
    expect(t.log).toEqual([
      'bar 1: fill ioc-take @10000 x3 taker',
      'bar 1: expired ioc-miss (IOC not marketable at arrival)',
      'bar 1: fill fok-take @10000 x2 taker',
      'bar 1: expired fok-miss (FOK not marketable at arrival)',
    ]);
  });

  it('gives the exits of an entry filled inside the bar only the part of the bar certain to follow it (stop-first)', () => {
    const rows: readonly (readonly [number, number, number, number])[] = [
      [10000, 10040, 9980, 10010], // bar 1: entry bid 9990 fills on the way down; TP 10010 not beyond max(9990, close 10010)
      [10010, 10015, 10005, 10012], // bar 2: high 10015 > 10010: TP fills
      [10012, 10020, 10008, 10018],
      [10018, 10022, 10011, 10020],
      [10020, 10025, 10015, 10021],
      [10021, 10026, 10016, 10022],
    ];
    const run = (intrabar: BarFillConfig['intrabar']): string[] => {
      const t = new Tape({ intrabar });
      t.bar(10000, 10005, 9998, 10000);
      const entry = t.submit('entry', limit('buy', 9990));
      const tp = t.submit('tp', reduceOnly(limit('sell', 10010)));
      const sl = t.submit('sl', reduceOnly(stop('sell', 9975)));
      t.book.bracket(entry, tp, sl);
      t.bars(rows);
      return t.log;
    };
    expect(run('stop-first'), 'the high may have come before the entry: the TP waits for bar 2').toEqual([
      'bar 1: accepted entry',
      'bar 1: fill entry @9990 x1 maker',
      'bar 1: accepted tp',
      'bar 1: accepted sl',
      'bar 2: fill tp @10010 x1 maker',
      'bar 2: cancelled sl (cancelled by OCO sibling)',
    ]);
    // Proximity: low (20 away) before high (40 away): down through 9990 (entry), then up through 10010 (TP).
    expect(run('proximity')).toEqual([
      'bar 1: accepted entry',
      'bar 1: fill entry @9990 x1 maker',
      'bar 1: accepted tp',
      'bar 1: accepted sl',
      'bar 1: fill tp @10010 x1 maker',
      'bar 1: cancelled sl (cancelled by OCO sibling)',
    ]);
  });
});

describe('bar fill model: trailing stops', () => {
  it('trails the best price since arrival and fills at the trail (callback 1 %, no activation price)', () => {
    for (const intrabar of ['stop-first', 'proximity'] as const) {
      const t = new Tape({ intrabar });
      t.bar(10000, 10010, 9990, 10000);
      t.submit('entry', market('buy'));
      t.bar(10000, 10005, 9995, 10000); // bar 1: long 1 at 10000
      t.submit('trail', reduceOnly(trailing('sell', 0.01)));
      t.bars([
        // bar 2: arrives at 10000 (best 10000, trail floor(9900) = 9900); high 10100 -> trail floor(9999) = 9999
        [10000, 10100, 9950, 10050],
        // bar 3: low 10000 > 9999; high 10200 -> trail floor(10200 x 0.99) = floor(10098) = 10098
        [10050, 10200, 10000, 10150],
        // bar 4: high 10160 < best 10200 keeps the trail at 10098; low 10050 <= 10098: fills at 10098
        [10150, 10160, 10050, 10080],
        [10080, 10090, 10000, 10010],
        [10010, 10020, 9990, 10000],
      ]);
      expect(t.log, intrabar).toEqual(['bar 1: fill entry @10000 x1 taker', 'bar 2: accepted trail', 'bar 4: triggered trail', 'bar 4: fill trail @10098 x1 taker']);
    }
  });

  it('does not trail before its activation price trades', () => {
    const rows: readonly (readonly [number, number, number, number])[] = [
      [10000, 10050, 9850, 9900], // bar 2
      [9900, 10120, 9890, 10100], // bar 3
      [10100, 10110, 10000, 10010], // bar 4
      [10010, 10030, 9990, 10000],
      [10000, 10010, 9980, 9990],
    ];
    const run = (activation?: number): string[] => {
      const t = new Tape();
      t.bar(10000, 10010, 9990, 10000);
      t.submit('entry', market('buy'));
      t.bar(10000, 10005, 9995, 10000);
      t.submit('trail', reduceOnly(trailing('sell', 0.01, activation)));
      t.bars(rows);
      return t.log;
    };
    // Without activation: active at 10000, trail 9900; bar 2 low 9850 reaches it: fills at 9900.
    expect(run()).toEqual(['bar 1: fill entry @10000 x1 taker', 'bar 2: accepted trail', 'bar 2: triggered trail', 'bar 2: fill trail @9900 x1 taker']);
    // Activation 10100: bar 2 (high 10050) never activates it. Bar 3 reaches 10120: active, best 10120,
    // trail floor(10120 x 0.99) = floor(10018.8) = 10018; close 10100 above. Bar 4 low 10000 <= 10018: fills at 10018.
    expect(run(10100)).toEqual(['bar 1: fill entry @10000 x1 taker', 'bar 2: accepted trail', 'bar 4: triggered trail', 'bar 4: fill trail @10018 x1 taker']);
  });
});

describe('bar fill model: OCO, take-profit market and reduce-only', () => {
  it('cancels the other member of an OCO group when one fills', () => {
    const t = new Tape();
    t.bar(10000, 10010, 9990, 10000);
    t.submit('entry', market('buy', 2));
    t.bar(10000, 10005, 9995, 10000); // long 2 at 10000
    const tp = t.submit('tp', reduceOnly(takeProfit('sell', 10050, 2)));
    const sl = t.submit('sl', reduceOnly(stop('sell', 9900, 2)));
    t.book.linkOco(tp, sl);
    t.bars([
      [10000, 10030, 9950, 10020], // bar 2: neither
      [10020, 10055, 10010, 10040], // bar 3: high 10055 >= 10050: TP triggers, fills at 10050 as taker
      [10040, 10045, 9850, 9860], // bar 4: would have hit the stop, but it was cancelled
      [9860, 9870, 9840, 9850],
      [9850, 9860, 9830, 9840],
      [9840, 9850, 9820, 9830],
    ]);
    expect(t.log).toEqual([
      'bar 1: fill entry @10000 x2 taker',
      'bar 2: accepted tp',
      'bar 2: accepted sl',
      'bar 3: triggered tp',
      'bar 3: cancelled sl (cancelled by OCO sibling)',
      'bar 3: fill tp @10050 x2 taker',
    ]);
  });

  it('refuses a reduce-only order that would increase the position and clips one above it', () => {
    const t = new Tape();
    t.bar(10000, 10010, 9990, 10000);
    t.submit('ro-flat', reduceOnly(market('sell'))); // flat: nothing to reduce
    t.submit('entry', market('buy', 2));
    t.bar(10000, 10005, 9995, 10000);
    t.submit('ro-add', reduceOnly(market('buy'))); // long 2: a buy would increase it
    t.submit('ro-big', reduceOnly(market('sell', 5))); // long 2: only 2 can be reduced
    t.bars([
      [10001, 10006, 9996, 10002],
      [10002, 10007, 9997, 10003],
      [10003, 10008, 9998, 10004],
      [10004, 10009, 9999, 10005],
      [10005, 10010, 10000, 10006],
    ]);
    expect(t.log).toEqual([
      'bar 1: rejected ro-flat (reduce-only would increase)',
      'bar 1: fill entry @10000 x2 taker',
      'bar 2: rejected ro-add (reduce-only would increase)',
      'bar 2: fill ro-big @10001 x2 taker',
      'bar 2: expired ro-big (reduce-only above position: rest expired)',
    ]);
  });
});
