// The report page's own script (plain browser JavaScript, inlined): draws the lightweight-charts charts from the
// embedded data, sorts the trade table, exports it as CSV and shows a clicked trade on the chart. Must never fetch
// anything: the page works offline.

/** Runs after lightweight-charts' standalone build (global `LightweightCharts`) and the JSON data element. */
export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('report-data').textContent);
  var LC = window.LightweightCharts;
  var C = D.chart;
  var step = C.displayIntervalMs / 1000;
  var base = {
    autoSize: true,
    layout: { background: { type: 'solid', color: '#ffffff' }, textColor: '#334155', fontSize: 11 },
    grid: { vertLines: { color: '#f1f5f9' }, horzLines: { color: '#f1f5f9' } },
    timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#cbd5e1' },
    rightPriceScale: { borderColor: '#cbd5e1' },
    localization: { timeFormatter: function (t) { return new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' '); } }
  };
  function chartIn(id, whole) {
    var chart = LC.createChart(document.getElementById(id), base);
    // The whole run must fit in the equity and underwater panes: allow bars thinner than a pixel there.
    if (whole) chart.timeScale().applyOptions({ minBarSpacing: 0.001 });
    return chart;
  }
  function line(chart, color, title, width) {
    return chart.addSeries(LC.LineSeries, { color: color, lineWidth: width || 1, title: title, priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false });
  }

  var price = null;
  var candles = null;
  var focusLines = [];
  if (C.candles.t.length > 0) {
    price = chartIn('price-chart');
    candles = price.addSeries(LC.CandlestickSeries, { upColor: '#16a34a', downColor: '#dc2626', borderVisible: false, wickUpColor: '#16a34a', wickDownColor: '#dc2626', priceLineVisible: false });
    candles.setData(C.candles.t.map(function (t, i) { return { time: t, open: C.candles.o[i], high: C.candles.h[i], low: C.candles.l[i], close: C.candles.c[i] }; }));
    C.overlays.forEach(function (o) {
      line(price, o.color, o.name, o.name.indexOf('VWAP') === 0 ? 2 : 1).setData(C.candles.t.map(function (t, i) { return o.values[i] === null ? { time: t } : { time: t, value: o.values[i] }; }));
    });
    // A planned stop or target is drawn only while its trade is open. Whitespace does not break a line series, so the
    // link from one trade's exit to the next entry is drawn transparent: a segment takes the colour of its first point.
    var segments = function (key, color) {
      var at = new Map();
      C.trades.forEach(function (tr) {
        if (tr[key] === null || tr.exitT <= tr.entryT) return;
        at.set(tr.entryT, { value: tr[key], color: color });
        at.set(tr.exitT, { value: tr[key], color: 'rgba(0,0,0,0)' });
      });
      return Array.from(at.keys()).sort(function (a, b) { return a - b; }).map(function (t) { var p = at.get(t); return { time: t, value: p.value, color: p.color }; });
    };
    var stops = line(price, '#dc2626', '');
    stops.applyOptions({ lineStyle: 2 });
    stops.setData(segments('stop', '#dc2626'));
    var targets = line(price, '#16a34a', '');
    targets.applyOptions({ lineStyle: 2 });
    targets.setData(segments('target', '#16a34a'));
    var markers = [];
    C.trades.forEach(function (tr) {
      var long = tr.side === 'long';
      markers.push({ time: tr.entryT, position: long ? 'belowBar' : 'aboveBar', shape: long ? 'arrowUp' : 'arrowDown', color: long ? '#2563eb' : '#9333ea', id: 'e' + tr.id });
      markers.push({ time: tr.exitT, position: long ? 'aboveBar' : 'belowBar', shape: 'circle', color: tr.win ? '#16a34a' : '#dc2626', id: 'x' + tr.id });
    });
    markers.sort(function (a, b) { return a.time - b.time; });
    LC.createSeriesMarkers(candles, markers);
  }

  var eq = chartIn('equity-chart', true);
  var eqLine = line(eq, '#2563eb', 'strategy', 2);
  eqLine.setData(C.equity.t.map(function (t, i) { return { time: t, value: C.equity.equity[i] }; }));
  if (C.equity.buyHold.some(function (v) { return v !== null; })) {
    line(eq, '#94a3b8', 'buy & hold', 1).setData(C.equity.t.map(function (t, i) { var v = C.equity.buyHold[i]; return v === null ? { time: t } : { time: t, value: v }; }));
  }
  eq.timeScale().fitContent();

  var uw = chartIn('underwater-chart', true);
  var uwSeries = uw.addSeries(LC.BaselineSeries, {
    baseValue: { type: 'price', price: 0 }, topLineColor: '#94a3b8', topFillColor1: 'rgba(0,0,0,0)', topFillColor2: 'rgba(0,0,0,0)',
    bottomLineColor: '#dc2626', bottomFillColor1: 'rgba(220,38,38,0.05)', bottomFillColor2: 'rgba(220,38,38,0.35)', lineWidth: 1,
    priceLineVisible: false, priceFormat: { type: 'custom', formatter: function (v) { return v.toFixed(2) + '%'; } }
  });
  uwSeries.setData(C.equity.t.map(function (t, i) { return { time: t, value: C.equity.underwaterPct[i] }; }));
  // Only drawdowns at least a quarter as deep as the deepest get a marker: tiny ones would pile up unreadably.
  var deepest = C.drawdowns.length > 0 ? C.drawdowns[0].pct : 0;
  LC.createSeriesMarkers(uwSeries, C.drawdowns.filter(function (d) { return d.pct <= deepest / 4; }).map(function (d) {
    return { time: d.troughT, position: 'belowBar', shape: 'arrowUp', color: '#b91c1c', text: '#' + d.rank + ' ' + d.pct.toFixed(2) + '%' };
  }).sort(function (a, b) { return a.time - b.time; }));
  uw.timeScale().fitContent();
  // Equity and underwater share their time points, so one scroll moves both.
  var syncing = false;
  [[eq, uw], [uw, eq]].forEach(function (pair) {
    pair[0].timeScale().subscribeVisibleLogicalRangeChange(function (r) {
      if (syncing || r === null) return;
      syncing = true;
      pair[1].timeScale().setVisibleLogicalRange(r);
      syncing = false;
    });
  });

  var byId = new Map(C.trades.map(function (tr) { return [tr.id, tr]; }));
  function focusTrade(id) {
    var tr = byId.get(id);
    if (!tr || !price) return;
    var pad = Math.max(30, (tr.exitT - tr.entryT) / step);
    price.timeScale().setVisibleRange({ from: tr.entryT - pad * step, to: tr.exitT + pad * step });
    focusLines.forEach(function (l) { candles.removePriceLine(l); });
    focusLines = [];
    var add = function (p, color, title, style) { if (p !== null) focusLines.push(candles.createPriceLine({ price: p, color: color, lineWidth: 1, lineStyle: style, axisLabelVisible: true, title: title })); };
    add(tr.entry, '#2563eb', '#' + tr.id + ' entry', 0);
    add(tr.stop, '#dc2626', 'stop', 2);
    add(tr.target, '#16a34a', 'target', 2);
    add(tr.exit, tr.win ? '#16a34a' : '#dc2626', 'exit', 1);
    document.querySelectorAll('#trades tr.active').forEach(function (r) { r.classList.remove('active'); });
    var row = document.querySelector('#trades tr[data-trade="' + id + '"]');
    if (row) row.classList.add('active');
    document.getElementById('price-chart').scrollIntoView({ behavior: 'smooth', block: 'center' });
  }

  var table = document.getElementById('trades');
  var tbody = table.tBodies[0];
  table.tHead.addEventListener('click', function (ev) {
    var th = ev.target.closest('th');
    if (!th) return;
    var col = Number(th.getAttribute('data-col'));
    var dir = th.classList.contains('asc') ? -1 : 1;
    table.tHead.querySelectorAll('th').forEach(function (h) { h.classList.remove('asc', 'desc'); });
    th.classList.add(dir === 1 ? 'asc' : 'desc');
    var rows = Array.from(tbody.rows);
    var key = function (r) { return r.cells[col].getAttribute('data-v'); };
    var numeric = rows.every(function (r) { var v = key(r); return v === '' || !isNaN(Number(v)); });
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      if (x === '' || y === '') return x === y ? 0 : x === '' ? 1 : -1;
      return dir * (numeric ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0);
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
  });
  tbody.addEventListener('click', function (ev) {
    var row = ev.target.closest('tr');
    if (row) focusTrade(Number(row.getAttribute('data-trade')));
  });
  document.querySelectorAll('a[data-trade]').forEach(function (a) {
    a.addEventListener('click', function (ev) { ev.preventDefault(); focusTrade(Number(a.getAttribute('data-trade'))); });
  });
  var csvField = function (s) { return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; };
  document.getElementById('csv').addEventListener('click', function () {
    var lines = [Array.from(table.tHead.rows[0].cells).map(function (c) { return csvField(c.textContent); }).join(',')];
    Array.from(tbody.rows).forEach(function (r) { lines.push(Array.from(r.cells).map(function (c) { return csvField(c.textContent); }).join(',')); });
    var url = URL.createObjectURL(new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv' }));
    var a = document.createElement('a');
    a.href = url;
    a.download = D.runId + '-trades.csv';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  });
  document.body.setAttribute('data-ready', 'true');
})();
`;
