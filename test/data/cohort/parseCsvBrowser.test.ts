/**
 * The CSV parser is csv-parse's browser build: bundled for browsers, the cohort module must load and parse where
 * Node's `Buffer` does not exist (checked in a child process that deletes it, as vitest itself needs it).
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bundleForBrowser } from '../../browser/helpers/bundleForBrowser.js';

const script = (url: string) => `
delete globalThis.Buffer;
const m = await import(${JSON.stringify(url)});
const out = {};
out.buffer = typeof globalThis.Buffer;
out.records = m.parseClinicalCsv('ID,GENDER,DOB,LYMPH_COUNT\\r\\nP1,"F",1/2/1950,"4.5"\\r\\n').records;
out.lines = m.parseCsv('\\uFEFFa,"b\\r\\nc"\\r\\nd,e').map((r) => [r.line, r.fields]);
try { m.parseCsv('a\\n"x"y', { fileName: 'f.csv' }); } catch (e) { out.error = e.message; }
console.log(JSON.stringify(out));
`;

describe('parseCsv in a browser bundle', () => {
  it('bundles for browsers and parses with no Buffer global', async () => {
    const { dir, file } = await bundleForBrowser('src/data/cohort/index.ts');
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script(pathToFileURL(join(dir, file)).href)]);
      const out = JSON.parse(stdout) as { buffer: string; records: { id: string; lymphCount: number; line: number }[]; lines: unknown; error: string };
      expect(out.buffer).toBe('undefined');
      expect(out.records).toEqual([expect.objectContaining({ id: 'P1', gender: 'F', lymphCount: 4.5, line: 2 })]);
      expect(out.lines).toEqual([
        [1, ['a', 'b\r\nc']],
        [3, ['d', 'e']],
      ]);
      expect(out.error).toMatch(/f\.csv line 2: text after a closing quote/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
