/**
 * Formats rows as an aligned plain-text table (numbers right-aligned), for the summary the CLI prints at the end.
 *
 * @param rows - Objects with the same keys; the keys of the first row are the columns.
 * @returns The table, one line per row after a header line and a rule, ending with a newline.
 */
export function formatTable(rows: readonly Readonly<Record<string, string | number | null>>[]): string {
  if (rows.length === 0) return '';
  const columns = Object.keys(rows[0]!);
  const integral = columns.map((c) => rows.every((r) => typeof r[c] !== 'number' || Number.isInteger(r[c])));
  const cell = (v: string | number | null | undefined, j: number): string =>
    v === null || v === undefined ? '' : typeof v === 'number' ? (integral[j] === true ? String(v) : v.toFixed(3)) : v;
  const cells = rows.map((r) => columns.map((c, j) => cell(r[c], j)));
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j]!.length)));
  const numeric = columns.map((c) => rows.every((r) => typeof r[c] === 'number' || r[c] === null));
  const line = (values: readonly string[]): string =>
    values.map((v, j) => (numeric[j] === true ? v.padStart(widths[j]!) : v.padEnd(widths[j]!))).join('  ').trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n') + '\n';
}
