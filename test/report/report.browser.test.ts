// The HTML report in a real browser: a real backtest on ../shared/data through the built CLI, `microfut report`,
// then Debian's chromium through playwright-core. Skips only when chromium is absent and CI is not set; under CI
// a missing chromium fails. Alone: `npx tsc -p tsconfig.build.json && npx vitest run test/report`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, CLI } from '../cli/run-cli.js';
import { REPO_ROOT, sharedData } from '../support/shared-data.js';

const CHROMIUM = '/usr/bin/chromium';
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !inCi) {
  console.warn(`SKIPPED report.browser.test.ts: ${CHROMIUM} is missing (install it with: apt-get install -y chromium). Under CI=true this test fails instead.`);
}

const KLINES = sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');
const ARTIFACTS = resolve(REPO_ROOT, 'test-artifacts');

function cli(...args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, MICROFUT_SPECS: '' } });
  if (r.status !== 0) throw new Error(`microfut ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(!haveChromium && !inCi)('the HTML report in chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'microfut-report-browser-'));
  const runDir = join(dir, 'run');
  const html = join(dir, 'report.html');
  let browser: Browser | undefined;

  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} must exist under CI (apt-get install -y chromium)`).toBe(true);
    ensureBuilt();
    cli('backtest', '--strategy', 'ema-cross', '--instrument', 'BINANCE:BTCUSDT', '--data', KLINES, '--from', '2025-05-12', '--to', '2025-05-15', '--out', runDir);
    cli('report', runDir, '--out', html);
    // launch() (not launchPersistentContext) always starts chromium with a new, empty temporary profile.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('renders without console errors, draws every chart and lists every trade of the run', async () => {
    const page = await browser!.newPage({ viewport: { width: 1366, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) problems.push(`network request: ${r.url()}`);
    });
    await page.goto(pathToFileURL(html).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });

    for (const id of ['price-chart', 'equity-chart', 'underwater-chart']) {
      const canvases = await page.locator(`#${id} canvas`).count();
      expect(canvases, `#${id} is drawn by lightweight-charts into canvases`).toBeGreaterThan(0);
    }
    const box = await page.locator('#price-chart canvas').first().boundingBox();
    expect(box?.width ?? 0, 'the price chart has a visible size').toBeGreaterThan(300);

    const csvRows = readFileSync(join(runDir, 'trades.csv'), 'utf8').trim().split('\n').length - 1;
    const reportJson = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { trades: unknown[] };
    const tableRows = await page.locator('#trades tbody tr').count();
    expect(csvRows, 'the run made trades to show').toBeGreaterThan(10);
    expect(tableRows, 'one table row per trade in trades.csv').toBe(csvRows);
    expect(reportJson.trades.length, 'one trade per row in report.json').toBe(csvRows);

    // Sorting by net P&L puts the worst trade first; its value is the smallest in the table.
    await page.locator('#trades th', { hasText: 'net P&L' }).click();
    const firstNet = Number(await page.locator('#trades tbody tr:first-child td').nth(10).getAttribute('data-v'));
    const allNet = await page.locator('#trades tbody tr td:nth-child(11)').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-v'))));
    expect(firstNet, 'ascending sort puts the smallest net P&L first').toBe(Math.min(...allNet));

    const download = page.waitForEvent('download');
    await page.locator('#csv').click();
    const csv = readFileSync((await (await download).path())!, 'utf8').trim().split(/\r?\n/);
    expect(csv.length - 1, 'the CSV export holds every row of the table').toBe(csvRows);

    await page.locator('#trades tbody tr:first-child').click();
    await page.waitForTimeout(300);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    expect(problems, 'no console errors, page errors or network requests').toEqual([]);
    await page.close();
  });
});
