import { describe, expect, it } from 'vitest';
import { CohortError } from '../../../src/data/cohort/cohortError.js';
import { loadCohortFromFiles } from '../../../src/data/cohort/loadCohortFromFiles.js';
import { HEADER } from './tempCohort.js';

/** A File as a folder picker gives it: `webkitRelativePath` is read-only in browsers and absent in Node. */
function picked(relativePath: string, content = ''): File {
  const file = new File([content], relativePath.split('/').pop() ?? relativePath);
  Object.defineProperty(file, 'webkitRelativePath', { value: relativePath });
  return file;
}

const csv = `\uFEFF${HEADER}\r\nA1,1,m,7/4/1950,2.5\r\nA2,-1,F,02-03-1953,4\r\n`;

describe('loadCohortFromFiles (global File class in Node)', () => {
  it('reads a picked trainset folder: CSV parsed, images kept as the File objects in name order', async () => {
    const files = [
      picked('trainset/A1/10.jpg'),
      picked('trainset/A1/2.jpg'),
      picked('trainset/trainset_true.csv', csv),
      picked('trainset/A2/0.png'),
      picked('trainset/A2/.DS_Store'),
    ];
    const { patients, issues, csvFiles } = await loadCohortFromFiles(files);
    expect(csvFiles).toEqual(['trainset/trainset_true.csv']);
    expect(issues).toEqual([]);
    expect(patients.map((p) => ({ id: p.id, label: p.label, gender: p.gender, dob: p.dateOfBirth }))).toEqual([
      { id: 'A1', label: 1, gender: 'M', dob: '1950-07-04' },
      { id: 'A2', label: undefined, gender: 'F', dob: '1953-03-02' },
    ]);
    expect(patients[0]?.images).toEqual([files[1], files[0]]);
    expect(patients[0]?.images[0]).toBe(files[1]);
    expect(patients[1]?.images).toEqual([files[3]]);
  });

  it('reads a picked release root with the split option', async () => {
    const files = [
      picked('dlmi/clinical_annotation.csv', `,${HEADER}\n0,T1,1,M,7/4/1950,1\n1,S1,-1,F,7/4/1950,1\n`),
      picked('dlmi/trainset/T1/0.jpg'),
      picked('dlmi/testset/S1/0.jpg'),
    ];
    expect((await loadCohortFromFiles(files)).patients.map((p) => p.id)).toEqual(['T1']);
    expect((await loadCohortFromFiles(files, { split: 'test' })).patients.map((p) => p.id)).toEqual(['S1']);
    expect((await loadCohortFromFiles(files, { split: 'all' })).patients.map((p) => p.id)).toEqual(['T1', 'S1']);
  });

  it('uses a CSV picked separately (no folder path) or given as an option', async () => {
    const images = [picked('trainset/A1/0.jpg'), picked('trainset/A2/0.jpg')];
    const loose = new File([csv], 'trainset_true.csv');
    expect((await loadCohortFromFiles([...images, loose])).patients).toHaveLength(2);
    const viaOption = await loadCohortFromFiles(images, { csv: loose });
    expect(viaOption.csvFiles).toEqual(['trainset_true.csv']);
    expect(viaOption.patients).toHaveLength(2);
  });

  it('reports folders without rows, rows without images and non-image files', async () => {
    const files = [
      picked('c/cohort.csv', csv),
      picked('c/A1/0.jpg'),
      picked('c/A1/readme.txt'),
      picked('c/Z9/0.jpg'),
    ];
    const { patients, issues } = await loadCohortFromFiles(files);
    expect(patients.map((p) => p.id)).toEqual(['A1']);
    expect(issues.map((i) => [i.kind, i.id])).toEqual([
      ['ignored-file', 'A1'],
      ['row-without-images', 'A2'],
      ['folder-without-row', 'Z9'],
    ]);
  });

  it('propagates CSV errors with the relative path and line', async () => {
    const bad = [picked('t/trainset_true.csv', `${HEADER}\nA1,1,M,7/4/1950,-1\n`), picked('t/A1/0.jpg')];
    await expect(loadCohortFromFiles(bad)).rejects.toThrow(
      /^loadCohortFromFiles: t\/trainset_true\.csv line 2 \(ID A1\): LYMPH_COUNT must be ≥ 0/,
    );
  });

  it('fails without folder paths, without a CSV, and on non-File input', async () => {
    await expect(loadCohortFromFiles([new File([''], 'a.jpg')])).rejects.toThrow(CohortError);
    await expect(loadCohortFromFiles([])).rejects.toThrow(/none of the 0 files has a folder path/);
    await expect(loadCohortFromFiles([picked('t/A1/0.jpg')])).rejects.toThrow(/loadCohortFromFiles: no CSV file in t/);
    await expect(loadCohortFromFiles(['x' as unknown as File])).rejects.toThrow(/^loadCohortFromFiles: files\[0\] must be a File \(or Blob\), got "x"$/);
    await expect(loadCohortFromFiles([picked('t/A1/0.jpg')], { onInvalidRow: 'warn' as 'skip' })).rejects.toThrow(
      /^loadCohortFromFiles: options\.onInvalidRow must be one of "error", "skip", got "warn"$/,
    );
  });
});
