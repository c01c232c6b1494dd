// Terminal output helpers: aligned tables for people, one JSON object for tools. Nothing else writes to stdout.

/** Prints one JSON object, pretty-printed with two spaces, followed by a newline. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Renders rows of cells as an aligned table; numbers-looking cells are right-aligned. */
export function renderTable(header: readonly string[] | undefined, rows: readonly (readonly string[])[]): string {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const numeric = /^[-+]?[\d,]*\.?\d+%?$/;
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) => (numeric.test(cell) && i > 0 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = all.map(line);
  if (header) out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return `${out.join('\n')}\n`;
}

/** Prints a two-column key/value table. */
export function printKeyValues(rows: readonly (readonly [string, string])[]): void {
  process.stdout.write(renderTable(undefined, rows));
}

export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  process.stdout.write(renderTable(header, rows));
}

/** Warnings go to stderr so that --json output on stdout stays one parseable object. */
export function printWarning(text: string): void {
  process.stderr.write(`warning: ${text}\n`);
}
