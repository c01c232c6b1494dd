// The layer rule from STYLE.md: arrows point down only.
// core <- domain <- risk/indicators <- engine/venues <- backtest/live/journal/reports <- apps
/** @type {import('dependency-cruiser').IConfiguration} */
const layer = (from, allowed) => ({
  name: `layer-${from}`,
  comment: `src/${from} may import only: ${allowed.join(', ') || 'nothing inside src'}`,
  severity: 'error',
  from: { path: `^src/${from}/` },
  to: {
    path: '^src/([^/]+)/',
    pathNot: [`^src/${from}/`, ...allowed.map((a) => `^src/${a}(/|\\.ts$)`)],
  },
});

module.exports = {
  forbidden: [
    layer('core', []),
    layer('domain', ['core']),
    layer('risk', ['core', 'domain']),
    layer('indicators', ['core']),
    layer('data', ['core', 'domain']),
    layer('venues', ['core', 'domain', 'risk', 'indicators', 'data']),
    layer('engine', ['core', 'domain', 'risk', 'indicators', 'data', 'venues/venue']),
    layer('strategies', ['core', 'domain', 'risk', 'indicators', 'engine']),
    layer('backtest', ['core', 'domain', 'risk', 'indicators', 'data', 'venues', 'engine', 'strategies']),
    layer('journal', ['core', 'domain', 'engine']),
    layer('live', ['core', 'domain', 'risk', 'indicators', 'data', 'venues', 'engine', 'strategies', 'journal', 'reports']),
    layer('reports', ['core', 'domain', 'risk', 'indicators', 'data', 'engine', 'journal']),
    {
      name: 'engine-sees-only-the-venue-port',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^src/venues/', pathNot: '^src/venues/venue\\.ts$' },
    },
    {
      name: 'venues-never-import-the-engine',
      severity: 'error',
      from: { path: '^src/venues/' },
      to: { path: '^src/engine/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
