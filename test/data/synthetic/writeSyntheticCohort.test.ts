import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeCohort } from '../../../src/data/synthetic/synthesizeCohort.js';
import { writeSyntheticCohort } from '../../../src/data/synthetic/writeSyntheticCohort.js';
import type { WriteSyntheticCohortProgress, WriteSyntheticCohortResult } from '../../../src/data/synthetic/writeSyntheticCohort.js';
import type { ProgressEvent } from '../../../src/core/index.js';
import { decodeImageBytes } from '../../../src/io/image/decodeImageBytes.js';
import { loadCohort } from '../../../src/data/cohort/loadCohort.js';

const OPTIONS = { seed: 11, patientCount: 3, imagesPerPatient: { min: 2, max: 3 } } as const;

describe('writeSyntheticCohort', () => {
  let root: string;
  let result: WriteSyntheticCohortResult;
  const progress: ProgressEvent<WriteSyntheticCohortProgress>[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lymphomix-synthetic-'));
    result = await writeSyntheticCohort(join(root, 'a'), { ...OPTIONS, onProgress: (p) => progress.push(p) });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes the challenge layout: P<i>/<nnnnnn>.jpg, .masks/P<i>/<nnnnnn>.png, trainset_true.csv, manifest', async () => {
    const patients = synthesizeCohort(OPTIONS);
    const entries = (await readdir(result.dir)).sort();
    expect(entries).toEqual(['.masks', 'P0', 'P1', 'P2', 'synthetic-cohort.json', 'trainset_true.csv']);
    for (const p of patients) {
      const names = Array.from({ length: p.imageCount }, (_, i) => String(i).padStart(6, '0'));
      expect((await readdir(join(result.dir, p.id))).sort()).toEqual(names.map((n) => `${n}.jpg`));
      expect((await readdir(join(result.dir, '.masks', p.id))).sort()).toEqual(names.map((n) => `${n}.png`));
    }
    expect(result.patients).toBe(3);
    expect(result.images).toBe(patients.reduce((a, p) => a + p.imageCount, 0));
    // one ProgressEvent per image, stage 'synthetic-cohort'; a patient counts as done with its last image
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: result.images }, (_, i) => i + 1));
    expect(progress.every((p) => p.stage === 'synthetic-cohort' && p.total === result.images && p.detail.patients === 3)).toBe(true);
    expect(progress.filter((p, i) => p.detail.patientsDone !== (progress[i - 1]?.detail.patientsDone ?? 0)).map((p) => p.detail.patient)).toEqual(['P0', 'P1', 'P2']);
    expect(progress.at(-1)).toMatchObject({ done: result.images, etaSeconds: 0, detail: { patient: 'P2', patientsDone: 3 } });
  });

  it('writes the CSV with header ID,LABEL,GENDER,DOB,LYMPH_COUNT and M/D/YYYY dates matching the patients', async () => {
    const lines = (await readFile(result.csvPath, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('ID,LABEL,GENDER,DOB,LYMPH_COUNT');
    const patients = synthesizeCohort(OPTIONS);
    lines.slice(1).forEach((line, i) => {
      const p = patients[i]!;
      const [id, label, gender, dob, count] = line.split(',');
      expect(id).toBe(p.id);
      expect(Number(label)).toBe(p.label);
      expect(gender).toBe(p.gender);
      const [m, d, y] = dob!.split('/').map(Number);
      expect(`${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`).toBe(p.dateOfBirth);
      expect(dob).toMatch(/^[1-9]\d?\/[1-9]\d?\/\d{4}$/);
      expect(Number(count)).toBe(p.lymphCount);
    });
  });

  it('writes masks that decode to the ground truth and JPEGs close to the rendered pixels', async () => {
    const [p] = synthesizeCohort(OPTIONS);
    const cell = p!.renderImage(1);
    const mask = await decodeImageBytes(new Uint8Array(await readFile(join(result.dir, '.masks', 'P0', '000001.png'))));
    const m = cell.nucleus.data;
    let diff = 0;
    for (let i = 0; i < m.length; i++) if ((mask.data[3 * i]! > 127 ? 1 : 0) !== m[i]) diff++;
    expect(diff).toBe(0);
    const jpeg = await decodeImageBytes(new Uint8Array(await readFile(join(result.dir, 'P0', '000001.jpg'))));
    expect(jpeg.shape).toEqual([224, 224, 3]);
    let err = 0;
    for (let i = 0; i < jpeg.data.length; i++) err += Math.abs(jpeg.data[i]! - cell.image.data[i]!);
    expect(err / jpeg.data.length).toBeLessThan(4);
  });

  it('is byte-for-byte reproducible for the same seed and differs for another seed', async () => {
    const again = await writeSyntheticCohort(join(root, 'b'), { ...OPTIONS, masks: false });
    const other = await writeSyntheticCohort(join(root, 'c'), { ...OPTIONS, seed: 12, masks: false, patientCount: 1 });
    const file = (dir: string): Promise<Buffer> => readFile(join(dir, 'P0', '000000.jpg'));
    expect((await file(again.dir)).equals(await file(result.dir))).toBe(true);
    expect(await readFile(again.csvPath, 'utf8')).toBe(await readFile(result.csvPath, 'utf8'));
    expect((await file(other.dir)).equals(await file(result.dir))).toBe(false);
    expect((await readdir(again.dir)).includes('.masks')).toBe(false);
  });

  it('is read back by the cohort loader with the same metadata and no issues (the masks folder is skipped)', async () => {
    const cohort = await loadCohort(result.dir);
    expect(cohort.issues).toEqual([]);
    const patients = synthesizeCohort(OPTIONS);
    expect(cohort.patients.map((p) => p.id).sort()).toEqual(patients.map((p) => p.id).sort());
    for (const p of patients) {
      const loaded = cohort.patients.find((q) => q.id === p.id)!;
      expect(loaded.label).toBe(p.label);
      expect(loaded.gender).toBe(p.gender);
      expect(loaded.dateOfBirth).toBe(p.dateOfBirth);
      expect(loaded.age).toBeCloseTo(p.age, 10);
      expect(loaded.lymphCount).toBe(p.lymphCount);
      expect(loaded.images).toHaveLength(p.imageCount);
    }
  });

  it('leaves no temporary file behind when writing the CSV fails (the target is a folder)', async () => {
    const dir = join(root, 'fail');
    // trainset_true.csv as a non-empty folder: the temporary file is written, renaming it over the folder fails.
    await mkdir(join(dir, 'trainset_true.csv'), { recursive: true });
    await writeFile(join(dir, 'trainset_true.csv', 'keep'), 'x');
    await expect(writeSyntheticCohort(dir, { ...OPTIONS, patientCount: 1, masks: false })).rejects.toThrow();
    expect((await readdir(dir)).filter((f) => f.includes('tmp'))).toEqual([]);
  });

  it('rejects bad arguments naming the function and the value', async () => {
    await expect(writeSyntheticCohort('', OPTIONS)).rejects.toThrow(/^writeSyntheticCohort: dir must be a non-empty string, got ""$/);
    await expect(writeSyntheticCohort(join(root, 'd'), { jpegQuality: 0 })).rejects.toThrow(/writeSyntheticCohort: options.jpegQuality must be an integer ≥ 1 and ≤ 100, got 0/);
    await expect(writeSyntheticCohort(join(root, 'd'), { onProgress: true as unknown as () => void })).rejects.toThrow(
      /writeSyntheticCohort: options.onProgress must be a function, got true/,
    );
    await expect(writeSyntheticCohort(join(root, 'd'), { patientCount: -2 })).rejects.toThrow(/^writeSyntheticCohort: options.patientCount must be .*got -2$/);
    await expect(readdir(join(root, 'd'))).rejects.toThrow();
  });
});
