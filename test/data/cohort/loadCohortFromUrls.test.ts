import { describe, expect, it } from 'vitest';
import { CohortError } from '../../../src/data/cohort/cohortError.js';
import { loadCohortFromUrls } from '../../../src/data/cohort/loadCohortFromUrls.js';
import { HEADER } from './tempCohort.js';

const csv = `${HEADER}\nA1,1,M,7/4/1950,2.5\nA2,0,f,02-03-1953,4\n`;
const dataUrl = `data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`;

/** A fetch that serves fixed texts by URL and answers 404 otherwise, recording the requests. */
function fakeFetch(texts: Record<string, string>) {
  const requested: string[] = [];
  const fetch = async (input: string | URL) => {
    requested.push(String(input));
    const text = texts[String(input)];
    return { ok: text !== undefined, status: text === undefined ? 404 : 200, statusText: text === undefined ? 'Not Found' : 'OK', text: async () => text ?? '' };
  };
  return { fetch, requested };
}

describe('loadCohortFromUrls', () => {
  it('fetches the CSV (data: URL with the real fetch) and groups a flat URL list by folder', async () => {
    const urls = ['https://x.org/c/A1/000001.jpg', 'https://x.org/c/A1/000000.jpg', new URL('https://x.org/c/A2/0.png')];
    const { patients, issues, csvFiles } = await loadCohortFromUrls(dataUrl, urls);
    expect(csvFiles).toEqual([dataUrl]);
    expect(issues).toEqual([]);
    expect(patients.map((p) => [p.id, p.gender, p.images])).toEqual([
      ['A1', 'M', ['https://x.org/c/A1/000001.jpg', 'https://x.org/c/A1/000000.jpg']],
      ['A2', 'F', [urls[2]]],
    ]);
  });

  it('accepts relative URLs, a record by patient ID, and never fetches images', async () => {
    const { fetch, requested } = fakeFetch({ '/cohort/trainset_true.csv': csv });
    const flat = await loadCohortFromUrls('/cohort/trainset_true.csv', ['/cohort/A1/a.jpg', 'A2/b%20c.jpg'], { fetch });
    expect(flat.patients.map((p) => p.id)).toEqual(['A1', 'A2']);
    const byId = await loadCohortFromUrls('/cohort/trainset_true.csv', { A1: ['u1'], A2: ['u2', 'u3'] }, { fetch });
    expect(byId.patients.map((p) => p.images)).toEqual([['u1'], ['u2', 'u3']]);
    expect(requested).toEqual(['/cohort/trainset_true.csv', '/cohort/trainset_true.csv']);
  });

  it('reports rows without images, URL groups without rows and non-image URLs', async () => {
    const { fetch } = fakeFetch({ 'c.csv': csv });
    const { patients, issues } = await loadCohortFromUrls('c.csv', ['/A1/0.jpg', '/Z9/0.jpg', '/A1/notes.txt', 'top.jpg'], { fetch });
    expect(patients.map((p) => p.id)).toEqual(['A1']);
    expect(issues.map((i) => [i.kind, i.id ?? i.file])).toEqual([
      ['ignored-file', '/A1/notes.txt'],
      ['ignored-file', 'top.jpg'],
      ['row-without-images', 'A2'],
      ['folder-without-row', 'Z9'],
    ]);
  });

  it('fails with the URL and HTTP status when the CSV cannot be fetched', async () => {
    const { fetch } = fakeFetch({});
    const err = await loadCohortFromUrls('https://x.org/missing.csv', [], { fetch }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CohortError);
    expect((err as Error).message).toBe('loadCohortFromUrls: could not fetch https://x.org/missing.csv: HTTP 404 Not Found');
    const throwing = async () => {
      throw new Error('offline');
    };
    await expect(loadCohortFromUrls('u.csv', [], { fetch: throwing })).rejects.toThrow(/could not fetch u\.csv: offline/);
  });

  it('applies the row policy and reference date', async () => {
    const { fetch } = fakeFetch({ 'c.csv': `${HEADER}\nA1,1,M,1-1-1950,x\nA2,1,M,1-1-1950,1\n` });
    await expect(loadCohortFromUrls('c.csv', [], { fetch })).rejects.toThrow(/c\.csv line 2 \(ID A1\)/);
    const { patients, issues } = await loadCohortFromUrls('c.csv', { A2: ['u'] }, { fetch, onInvalidRow: 'skip', referenceDate: '2000-01-01' });
    expect(patients[0]?.age).toBeCloseTo(18262 / 365.25, 12);
    expect(issues.map((i) => i.kind)).toEqual(['invalid-row']);
  });
});
