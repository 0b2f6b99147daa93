/**
 * Every file of ../shared/data/bad-images through the batch extractor (its README says what each should give):
 * nothing throws, undecodable files fail by name, decodable ones segment or return a clear status, no NaN.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractFeaturesBatch } from '../../../src/features/batch/index.js';
import { BAD_IMAGES_DIR } from '../../helpers/shared.js';

const MUST_FAIL = ['empty.jpg', 'not-an-image.jpg', 'truncated-header.jpg'];
const NO_CELL = ['all-black.png', 'blank-background.png', 'one-pixel.png', 'solid-nucleus-colour.png'];
const MUST_SEGMENT = [
  'grayscale.jpg', 'grayscale.png', 'rgba.png', 'palette.png', 'cmyk.jpg', 'progressive.jpg', 'gray16.png',
  'odd-size-97x131.jpg', 'large-1024.jpg', 'exif-rotated.jpg',
];

describe('extractFeaturesBatch on every bad image', () => {
  it('never throws; fails only the undecodable files, by name; no-cell images get no-nucleus; no NaN', async () => {
    const files = readdirSync(BAD_IMAGES_DIR).filter((f) => !f.endsWith('.md')).sort();
    for (const name of [...MUST_FAIL, ...NO_CELL, ...MUST_SEGMENT]) expect(files).toContain(name);
    const sources = files.map((f) => join(BAD_IMAGES_DIR, f));
    for (const workers of [0, 2]) {
      const { results, failures } = await extractFeaturesBatch(sources, { workers });
      expect(results.length + failures.length).toBe(files.length);
      const failed = failures.map((f) => files[f.index]);
      for (const name of MUST_FAIL) expect(failed).toContain(name);
      // truncated-half.jpg may fail or be recovered by the decoder (README); nothing else may fail
      expect(failed.filter((n) => !MUST_FAIL.includes(n!) && n !== 'truncated-half.jpg')).toEqual([]);
      for (const f of failures) expect(f.message).toContain(files[f.index]!);
      const byName = new Map(results.map((r) => [files[r.index]!, r]));
      for (const name of NO_CELL) expect(byName.get(name)?.status, name).toBe('no-nucleus');
      // grayscale images carry no colour: segmenting them may or may not find a nucleus, but must not throw
      for (const name of MUST_SEGMENT.filter((n) => !n.startsWith('gray'))) expect(byName.get(name)?.status, name).toBe('ok');
      for (const r of results) {
        expect(Object.values(r.measurements).every(Number.isFinite), files[r.index]).toBe(true);
        if (r.features !== null) expect(Object.values(r.features).every(Number.isFinite), files[r.index]).toBe(true);
        else expect(r.status).not.toBe('ok');
      }
    }
  });
});
