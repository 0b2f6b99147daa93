import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { CohortError } from '../../../src/data/cohort/cohortError.js';
import { loadCohort } from '../../../src/data/cohort/loadCohort.js';
import { DLMI_DIR } from '../../helpers/shared.js';
import { HEADER, images, linkEmptyImages, makeTempDir, removeTempDir } from './tempCohort.js';

const dirs: string[] = [];
/** A temp cohort folder removed after the tests. */
function temp(files: Record<string, string | Uint8Array>): string {
  const dir = makeTempDir(files);
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach(removeTempDir));

/** Expect `promise` to reject with a CohortError whose message matches and whose file/line are as given. */
async function expectCohortError(promise: Promise<unknown>, message: RegExp, file?: string, line?: number) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CohortError);
  expect((error as Error).message).toMatch(message);
  if (file !== undefined) expect((error as CohortError).file).toBe(file);
  if (line !== undefined) expect((error as CohortError).line).toBe(line);
}

describe('loadCohort on the real development cohort', () => {
  it('reads all 120 rows with their images, lazily, and reports nothing', async () => {
    const t0 = performance.now();
    const { patients, issues, csvFiles } = await loadCohort(DLMI_DIR);
    const ms = performance.now() - t0;
    const csvPath = join(DLMI_DIR, 'trainset_true.csv');
    expect(csvFiles).toEqual([csvPath]);
    expect(issues).toEqual([]);
    // Independent reading of the CSV: naive split, which is enough for this file (no quotes).
    const rows = readFileSync(csvPath, 'utf8')
      .split(/\r?\n/)
      .slice(1)
      .filter((l) => l.trim() !== '')
      .map((l) => l.split(','));
    expect(rows).toHaveLength(120);
    expect(patients.map((p) => p.id)).toEqual(rows.map((r) => r[0]));
    let total = 0;
    patients.forEach((p, i) => {
      const [, label, gender, dob, count] = rows[i] as string[];
      expect(p.label).toBe(label === '-1' ? undefined : Number(label));
      expect(p.gender).toBe(gender?.toUpperCase());
      expect(p.lymphCount).toBe(Number(count));
      const [a, b, y] = (dob as string).split(/[/-]/).map(Number) as [number, number, number];
      const [month, day] = dob?.includes('/') ? [a, b] : [b, a];
      expect(p.dateOfBirth).toBe(`${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
      expect(p.age).toBeGreaterThan(0);
      const files = readdirSync(join(DLMI_DIR, p.id)).filter((f) => f.endsWith('.jpg')).sort();
      expect(p.images).toEqual(files.map((f) => join(DLMI_DIR, p.id, f)));
      total += p.images.length;
    });
    console.log(`loadCohort(real cohort): ${patients.length} patients, ${total} image paths in ${ms.toFixed(0)} ms`);
  });

  it('accepts a file: URL for the folder', async () => {
    const { patients } = await loadCohort(pathToFileURL(DLMI_DIR));
    expect(patients).toHaveLength(120);
  });
});

describe('loadCohort CSV quirks (hand-made files)', () => {
  it('reads BOM, CRLF, quoted fields, an unnamed index column, mixed date formats, any-case gender and label -1', async () => {
    const csv =
      '\uFEFF,ID,LABEL,GENDER,DOB,LYMPH_COUNT\r\n' +
      '0,A1,1,m,7/4/1950,"12.5"\r\n' +
      '1,"A2",0,F,02-03-1953,4.25\r\n' +
      '2,A3,-1,f,"1/13/1938",100\r\n' +
      '\r\n';
    const dir = temp({ 'trainset_true.csv': csv, ...images(['A1', 'A2', 'A3']) });
    const { patients, issues } = await loadCohort(dir);
    expect(issues).toEqual([]);
    expect(patients.map(({ images: imgs, ...rest }) => ({ ...rest, n: imgs.length }))).toEqual([
      { id: 'A1', label: 1, gender: 'M', dateOfBirth: '1950-07-04', age: expect.closeTo(26844 / 365.25, 9), lymphCount: 12.5, n: 2 },
      { id: 'A2', label: 0, gender: 'F', dateOfBirth: '1953-03-02', age: expect.any(Number), lymphCount: 4.25, n: 2 },
      { id: 'A3', gender: 'F', dateOfBirth: '1938-01-13', age: expect.any(Number), lymphCount: 100, n: 2 },
    ]);
    expect(patients[2]).not.toHaveProperty('label');
  });

  it('computes ages at the reference date option', async () => {
    const dir = temp({ 'trainset_true.csv': `${HEADER}\nA1,1,M,1-1-1950,1\n`, ...images(['A1']) });
    expect((await loadCohort(dir)).patients[0]?.age).toBeCloseTo(74, 2);
    expect((await loadCohort(dir, { referenceDate: '2000-01-01' })).patients[0]?.age).toBeCloseTo(18262 / 365.25, 12);
  });

  it('lists images in numeric name order, skips hidden files and reports non-image files', async () => {
    const dir = temp({
      'cohort.csv': `${HEADER}\nA1,1,M,7/4/1950,1\n`,
      'A1/10.jpg': '',
      'A1/2.JPG': '',
      'A1/1.png': '',
      'A1/.DS_Store': '',
      'A1/notes.txt': 'x',
      '.hidden/': '',
    });
    const { patients, issues } = await loadCohort(dir);
    expect(patients[0]?.images).toEqual(['1.png', '2.JPG', '10.jpg'].map((f) => join(dir, 'A1', f)));
    expect(issues).toEqual([
      { kind: 'ignored-file', message: expect.stringMatching(/notes\.txt is not an image/), id: 'A1', file: join(dir, 'A1', 'notes.txt') },
    ]);
  });
});

describe('loadCohort CSV discovery', () => {
  it.each(['trainset_true.csv', 'testset_data.csv', 'my cohort.csv'])('finds %s in the folder', async (name) => {
    const dir = temp({ [name]: `${HEADER}\nA1,1,M,7/4/1950,1\n`, ...images(['A1']) });
    const { csvFiles, patients } = await loadCohort(dir);
    expect(csvFiles).toEqual([join(dir, name)]);
    expect(patients).toHaveLength(1);
  });

  it('prefers the known name over other CSV files', async () => {
    const dir = temp({ 'trainset_true.csv': `${HEADER}\n`, 'predictions.csv': 'x', ...images([]) });
    expect((await loadCohort(dir)).csvFiles).toEqual([join(dir, 'trainset_true.csv')]);
  });

  it('fails on several unknown CSV files or none, and takes an explicit csv path', async () => {
    const dir = temp({ 'a.csv': `${HEADER}\nA1,1,M,7/4/1950,1\n`, 'b.csv': 'nonsense', ...images(['A1']) });
    await expectCohortError(loadCohort(dir), /loadCohort: several CSV files in .* \(a\.csv, b\.csv\)/);
    expect((await loadCohort(dir, { csv: join(dir, 'a.csv') })).patients).toHaveLength(1);
    const absent = join(dir, 'absent.csv');
    await expectCohortError(loadCohort(dir, { csv: absent }), /^loadCohort: cannot read .*absent\.csv: ENOENT/, absent);
    const none = temp(images(['A1']));
    await expectCohortError(loadCohort(none), /loadCohort: no CSV file in /, none);
    // One level up only the known names are taken, never an unrelated lone CSV.
    const parent = temp({ 'unrelated.csv': `${HEADER}\nA1,1,M,7/4/1950,1\n`, ...images(['A1'], 1, 'cohort/') });
    await expectCohortError(loadCohort(join(parent, 'cohort')), /no CSV file in .*cohort .*then the known names in /);
  });

  it('fails clearly when the folder does not exist', async () => {
    const missing = join(temp({}), 'nope');
    await expectCohortError(loadCohort(missing), /loadCohort: .*nope is not a folder/);
    await expect(loadCohort('')).rejects.toThrow(/^loadCohort: dir must be a non-empty path or a file: URL, got ""$/);
  });
});

describe('loadCohort on the release layout', () => {
  // Made-up patients: T1..T3 in trainset/, S1..S2 in testset/, one shared CSV with an index column.
  const annotation =
    ',ID,LABEL,GENDER,DOB,LYMPH_COUNT\n' +
    '0,T1,1,M,7/4/1950,10\n1,T2,0,F,02-03-1953,5\n2,T3,1,F,1/1/1960,20\n' +
    '3,S1,-1,M,5/5/1955,8\n4,S2,-1,f,12-12-1966,9\n';
  const layout = () =>
    temp({
      'clinical_annotation.csv': annotation,
      ...images(['T1', 'T2', 'T3'], 3, 'trainset/'),
      ...images(['S1', 'S2'], 2, 'testset/'),
    });

  it("loads the train split by default and the test or both with the split option", async () => {
    const root = layout();
    const train = await loadCohort(root);
    expect(train.csvFiles).toEqual([join(root, 'clinical_annotation.csv')]);
    expect(train.patients.map((p) => p.id)).toEqual(['T1', 'T2', 'T3']);
    expect(train.patients[0]?.images[0]).toBe(join(root, 'trainset', 'T1', '000000.jpg'));
    expect(train.issues).toEqual([]);
    const test = await loadCohort(root, { split: 'test' });
    expect(test.patients.map((p) => [p.id, p.label, p.images.length])).toEqual([
      ['S1', undefined, 2],
      ['S2', undefined, 2],
    ]);
    expect(test.issues).toEqual([]);
    const all = await loadCohort(root, { split: 'all' });
    expect(all.patients.map((p) => p.id)).toEqual(['T1', 'T2', 'T3', 'S1', 'S2']);
    await expect(loadCohort(root, { split: 'dev' as 'all' })).rejects.toThrow(/^loadCohort: options\.split must be one of "train", "test", "all", got "dev"$/);
  });

  it('finds the shared CSV one level up from trainset/ and passes over the test rows', async () => {
    const root = layout();
    const { patients, issues, csvFiles } = await loadCohort(join(root, 'trainset'));
    expect(csvFiles).toEqual([join(root, 'clinical_annotation.csv')]);
    expect(patients.map((p) => p.id)).toEqual(['T1', 'T2', 'T3']);
    expect(issues).toEqual([]);
  });

  it('uses per-split CSVs when the root has none', async () => {
    const root = temp({
      'trainset/trainset_true.csv': `${HEADER}\nT1,1,M,7/4/1950,1\n`,
      'testset/testset_data.csv': `${HEADER}\nS1,-1,M,7/4/1950,1\n`,
      ...images(['T1'], 1, 'trainset/'),
      ...images(['S1'], 1, 'testset/'),
    });
    const all = await loadCohort(root, { split: 'all' });
    expect(all.csvFiles).toEqual([join(root, 'trainset', 'trainset_true.csv'), join(root, 'testset', 'testset_data.csv')]);
    expect(all.patients.map((p) => p.id)).toEqual(['T1', 'S1']);
    const missingSplit = temp({ 'clinical_annotation.csv': annotation, ...images(['T1'], 1, 'trainset/') });
    await expectCohortError(loadCohort(missingSplit, { split: 'test' }), /has no testset folder for split 'test'/);
  });

  it('reports a shared-CSV row whose patient is in neither split', async () => {
    const root = temp({
      'clinical_annotation.csv': annotation,
      ...images(['T1', 'T2'], 1, 'trainset/'),
      ...images(['S1', 'S2'], 1, 'testset/'),
    });
    const { patients, issues } = await loadCohort(root);
    expect(patients.map((p) => p.id)).toEqual(['T1', 'T2']);
    expect(issues).toEqual([expect.objectContaining({ kind: 'row-without-images', id: 'T3', line: 4 })]);
  });
});

describe('loadCohort bad input', () => {
  const rows = (...lines: string[]) => `${HEADER}\n${lines.join('\n')}\n`;
  const good = 'A1,1,M,7/4/1950,1';

  it.each([
    ['unparsable date', rows(good, 'A2,1,M,31/31/1990,1'), /line 3 \(ID A2\): unparsable DOB "31\/31\/1990"/],
    ['negative lymphocyte count', rows(good, 'A2,1,M,7/4/1950,-3.5'), /line 3 \(ID A2\): LYMPH_COUNT must be ≥ 0, got negative "-3\.5"/],
    ['non-numeric lymphocyte count', rows(good, 'A2,1,M,7/4/1950,n/a'), /line 3 \(ID A2\): LYMPH_COUNT must be a non-negative number, got "n\/a"/],
    ['duplicate ID', rows(good, 'A1,0,F,7/4/1951,2'), /line 3 \(ID A1\): duplicate ID \(first on line 2\)/],
    ['bad gender', rows(good, 'A2,1,?,7/4/1950,1'), /line 3 \(ID A2\): GENDER must be M or F/],
  ])('%s: error names the file and row; skip reports it', async (_name, csv, message) => {
    const dir = temp({ 'trainset_true.csv': csv, ...images(['A1', 'A2']) });
    const file = join(dir, 'trainset_true.csv');
    await expectCohortError(loadCohort(dir), new RegExp(`^loadCohort: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} ${message.source}`), file, 3);
    const { patients, issues } = await loadCohort(dir, { onInvalidRow: 'skip' });
    expect(patients.map((p) => p.id)).toEqual(['A1']);
    const invalid = issues.filter((i) => i.kind === 'invalid-row');
    expect(invalid).toEqual([expect.objectContaining({ file, line: 3, message: expect.stringMatching(message) })]);
    // A2's folder has no valid row left: reported too (for the duplicate, A2 never had a row).
    const orphan = issues.filter((i) => i.kind === 'folder-without-row').map((i) => i.id);
    expect(orphan).toEqual(['A2']);
  });

  it('a missing column always throws, naming the file, line 1 and the column', async () => {
    const dir = temp({ 'trainset_true.csv': 'ID,LABEL,GENDER,LYMPH_COUNT\nA1,1,M,1\n', ...images(['A1']) });
    const file = join(dir, 'trainset_true.csv');
    await expectCohortError(loadCohort(dir, { onInvalidRow: 'skip' }), /trainset_true\.csv line 1: missing column\(s\) DOB/, file, 1);
  });

  it('reports a patient folder without a CSV row and rows without images, never dropping them silently', async () => {
    const dir = temp({
      'trainset_true.csv': `${HEADER}\nA1,1,M,7/4/1950,1\nA2,0,F,7/4/1950,1\nA3,0,F,7/4/1950,1\n`,
      ...images(['A1', 'Z9']),
      'A3/': '',
    });
    const { patients, issues } = await loadCohort(dir);
    expect(patients.map((p) => p.id)).toEqual(['A1']);
    expect(issues).toEqual([
      { kind: 'row-without-images', id: 'A2', line: 3, file: join(dir, 'trainset_true.csv'), message: expect.stringMatching(/A2 has no image folder; left out/) },
      { kind: 'row-without-images', id: 'A3', line: 4, file: join(dir, 'trainset_true.csv'), message: expect.stringMatching(/A3 has an empty image folder/) },
      { kind: 'folder-without-row', id: 'Z9', file: join(dir, 'Z9'), message: expect.stringMatching(/Z9 \(2 images\) has no row/) },
    ]);
    const kept = await loadCohort(dir, { keepPatientsWithoutImages: true });
    expect(kept.patients.map((p) => [p.id, p.images.length])).toEqual([['A1', 2], ['A2', 0], ['A3', 0]]);
    expect(kept.issues).toHaveLength(3);
  });

  it('rejects a malformed quoted field with the file and line', async () => {
    const dir = temp({ 'trainset_true.csv': `${HEADER}\nA1,1,M,7/4/1950,"1\n`, ...images(['A1']) });
    await expectCohortError(loadCohort(dir), /loadCohort: .*trainset_true\.csv line 2: unterminated quoted field/);
  });
});

describe('loadCohort at scale (200 patients × 200 empty images in the OS temp dir)', () => {
  it('lists 40 000 image references without reading them; prints time and heap', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `Q${i}`);
    const csv = `${HEADER}\n${ids.map((id, i) => `${id},${i % 2},${i % 3 ? 'M' : 'F'},1/1/19${50 + (i % 40)},${i / 10}`).join('\n')}\n`;
    const dir = temp({ 'trainset_true.csv': csv });
    linkEmptyImages(dir, ids, 200);
    expect(existsSync(join(dir, 'Q199', '000199.jpg'))).toBe(true);
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void; // a full collection, to measure the heap the cohort retains
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const cohort = await loadCohort(dir);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000; // main-thread + libuv pool CPU, less sensitive to machine load
    gc();
    const heapMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
    expect(cohort.issues).toEqual([]);
    expect(cohort.patients).toHaveLength(200);
    expect(cohort.patients.every((p) => p.images.length === 200 && typeof p.images[0] === 'string')).toBe(true);
    // A printed figure, not an assertion (timings depend on the machine).
    console.log(
      `loadCohort(200 × 200 empty files): ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU, retained heap ${heapMb.toFixed(1)} MB`,
    );
  });
});
