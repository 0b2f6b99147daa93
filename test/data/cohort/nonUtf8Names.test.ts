import { mkdirSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCohort } from '../../../src/data/cohort/loadCohort.js';
import { HEADER, images, makeTempDir, removeTempDir } from './tempCohort.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTempDir));

/** A path whose last component is raw bytes (not valid UTF-8). */
const rawPath = (folder: string, bytes: number[], suffix = ''): Buffer => Buffer.concat([Buffer.from(folder + sep), Buffer.from(bytes), Buffer.from(suffix)]);

describe('loadCohort: names that are not valid UTF-8', () => {
  it('skips such an image and a patient folder so named, with an issue naming the folder and the raw bytes', async () => {
    const dir = makeTempDir({ 'trainset_true.csv': `${HEADER}\nA1,1,M,1/1/1950,5\nA2,0,F,2/2/1960,3\n`, ...images(['A1', 'A2']) });
    dirs.push(dir);
    const a1 = join(dir, 'A1');
    try {
      writeFileSync(rawPath(a1, [0xff, 0xfe, 0x41], '.jpg'), '');
      mkdirSync(rawPath(dir, [0x41, 0xc3, 0x28]));
    } catch (error) {
      // a file system that refuses such names cannot hold the case
      expect((error as NodeJS.ErrnoException).code).toMatch(/EILSEQ|EINVAL/);
      return;
    }
    const cohort = await loadCohort(dir);
    const p1 = cohort.patients.find((p) => p.id === 'A1');
    expect(p1?.images).toEqual([join(a1, '000000.jpg'), join(a1, '000001.jpg')]);
    expect(cohort.patients.flatMap((p) => p.images).some((f) => String(f).includes('\uFFFD'))).toBe(false);
    const bad = cohort.issues.filter((i) => i.message.includes('not valid UTF-8'));
    expect(bad).toEqual([
      {
        kind: 'ignored-file',
        message: `a folder in ${dir} has a name that is not valid UTF-8 (bytes 41 c3 28); ignored: rename it`,
        file: dir,
      },
      {
        kind: 'ignored-file',
        message: `a file in ${a1} has a name that is not valid UTF-8 (bytes ff fe 41 2e 6a 70 67); ignored: rename it`,
        id: 'A1',
        file: a1,
      },
    ]);
    expect(cohort.issues.some((i) => i.kind === 'folder-without-row' && /\uFFFD/.test(i.message))).toBe(false);
  });
});
