// Runs every benchmark in bench/ one after another (each is also runnable alone: npm run bench:<name>).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['data', 'indicators', 'bar-fill', 'sim-venue', 'engine'];
let failed = 0;
for (const name of names) {
  const file = join(here, `${name}.js`);
  if (!existsSync(file)) {
    console.error(`bench ${name}: ${file} not found (known benchmarks: data, indicators, bar-fill, sim-venue, engine)`);
    failed += 1;
    continue;
  }
  console.log(`\n## bench: ${name}\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', file], { stdio: 'inherit' });
  if (r.status !== 0) failed += 1;
}
process.exitCode = failed === 0 ? 0 : 1;
