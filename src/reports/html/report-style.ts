// The report page's stylesheet (inlined). Must never load a font or an image from the network.
export const REPORT_STYLE = `
:root { --fg: #0f172a; --muted: #64748b; --line: #e2e8f0; --pos: #15803d; --neg: #b91c1c; --bg: #f8fafc; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 20px 24px 60px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
h3 { font-size: 14px; margin: 0 0 4px; }
.muted { color: var(--muted); font-weight: normal; }
.note { background: #fef3c7; border: 1px solid #fcd34d; padding: 6px 10px; border-radius: 6px; margin: 6px 0; }
.pos { color: var(--pos); }
.neg { color: var(--neg); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; margin: 16px 0 8px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card .label { color: var(--muted); font-size: 12px; }
.card .value { font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.card small { font-size: 11px; color: var(--muted); font-weight: normal; margin-left: 3px; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px; }
.chart { height: 460px; }
.chart.mid { height: 260px; }
.chart.low { height: 170px; }
.legend { font-size: 12px; color: var(--muted); margin: 4px 2px 0; }
.legend i { display: inline-block; width: 14px; height: 3px; vertical-align: middle; margin: 0 4px 0 10px; }
details { margin: 8px 0; }
summary { cursor: pointer; color: #1d4ed8; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.kv th { text-align: left; font-weight: normal; color: var(--muted); padding: 2px 16px 2px 0; }
table.grid { background: #fff; width: 100%; }
table.grid th, table.grid td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: right; white-space: nowrap; }
table.grid th { background: #f1f5f9; position: sticky; top: 0; font-weight: 600; }
table.grid td:first-child, table.grid th:first-child { text-align: left; }
table.grid.small { font-size: 12px; }
table.grid tr.worse td { background: #fee2e2; }
#trades th { cursor: pointer; user-select: none; }
#trades th.asc::after { content: " ▲"; }
#trades th.desc::after { content: " ▼"; }
#trades tbody tr:hover td { background: #eff6ff; cursor: pointer; }
#trades tbody tr.active td { background: #dbeafe; }
.table-wrap { max-height: 560px; overflow: auto; border: 1px solid var(--line); border-radius: 8px; }
.heatmap td, .heatmap th { padding: 6px 8px; text-align: center; min-width: 58px; font-size: 12px; }
.heatmap td { border: 2px solid var(--bg); border-radius: 4px; }
.heatmap td.empty { background: #f1f5f9; }
.heatmap td.year { font-weight: 600; }
.splits { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 14px; }
.split { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px; }
.split-chart { width: 100%; height: auto; display: block; }
.split-chart .bar-pos { fill: #22c55e; }
.split-chart .bar-neg { fill: #ef4444; }
.split-chart .bar-worse { stroke: #7f1d1d; stroke-width: 2; }
.split-chart .zero { stroke: #94a3b8; stroke-width: 1; }
.split-chart text { font: 12px system-ui, sans-serif; fill: #334155; }
.split-chart text.sub { fill: #64748b; font-size: 11px; }
.split-chart text.flag, .flag { fill: #b91c1c; color: #b91c1c; font-weight: 700; }
.leaks li { margin: 6px 0; }
.leaks .ids { font-size: 12px; color: var(--muted); max-height: 3.2em; overflow: auto; }
.leaks a { color: #1d4ed8; margin-right: 4px; text-decoration: none; }
button { font: inherit; font-size: 12px; padding: 3px 10px; border: 1px solid #94a3b8; border-radius: 6px; background: #fff; cursor: pointer; margin-left: 8px; }
h3.gap { margin-top: 14px; }
`;
