/**
 * Format rows as an aligned plain-text table (numbers right-aligned).
 *
 * @param header - column titles
 * @param rows - cells; numbers are printed as given by `format`
 * @param format - how numbers are printed; defaults to 3 significant decimals
 * @returns the table, lines joined with '\n'
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  format: (n: number) => string = (n) => (Number.isInteger(n) ? String(n) : n.toFixed(n >= 100 ? 1 : n >= 10 ? 2 : 3)),
): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? format(c) : c)));
  const widths = header.map((h, j) => Math.max(h.length, ...cells.map((r) => (r[j] ?? '').length)));
  const numeric = header.map((_, j) => rows.length > 0 && rows.every((r) => typeof r[j] === 'number'));
  const line = (r: readonly string[]) =>
    r.map((c, j) => (numeric[j] ? c.padStart(widths[j] ?? 0) : c.padEnd(widths[j] ?? 0))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** Parse `--name value` / `--flag` options into a map (values as strings; a bare flag maps to 'true'). */
export function parseOptions(args: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('--')) throw new Error(`bench: unexpected argument ${JSON.stringify(a)}`);
    const eq = a.indexOf('=');
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < args.length && !(args[i + 1] as string).startsWith('--')) out.set(a.slice(2), args[++i] as string);
    else out.set(a.slice(2), 'true');
  }
  return out;
}

/** A positive integer option, or `fallback`; throws naming the option otherwise. */
export function intOption(options: Map<string, string>, name: string, fallback: number): number {
  const v = options.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`bench: --${name} expects an integer ≥ 0, got ${JSON.stringify(v)}`);
  return n;
}
