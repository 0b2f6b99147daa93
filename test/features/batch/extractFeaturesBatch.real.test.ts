import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFeaturesBatch } from '../../../src/features/batch/extractFeaturesBatch.js';
import { FEATURE_NAMES, MEASUREMENT_NAMES, extractCellFeatures } from '../../../src/features/cell/index.js';
import { decodeImage } from '../../../src/io/index.js';
import { BAD_IMAGES_DIR, DLMI_DIR } from '../../helpers/shared.js';

// The library's own decoder and extractCellFeatures, on real images (read from the shared folder).
let real: string[];
let bad: string[];
let cacheDir: string;
beforeAll(async () => {
  const patients = (await readdir(DLMI_DIR, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  real = [];
  for (const p of patients.slice(0, 3)) {
    const files = (await readdir(join(DLMI_DIR, p))).filter((f) => f.endsWith('.jpg')).sort().slice(0, 2);
    real.push(...files.map((f) => join(DLMI_DIR, p, f)));
  }
  bad = ['empty.jpg', 'not-an-image.jpg', 'truncated-header.jpg'].map((f) => join(BAD_IMAGES_DIR, f));
  cacheDir = await mkdtemp(join(tmpdir(), 'lymphomix-batch-real-'));
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe('extractFeaturesBatch on real images', () => {
  it('gives, in worker threads, exactly what extractCellFeatures gives in this thread; bad files fail by name', async () => {
    const blank = join(BAD_IMAGES_DIR, 'blank-background.png');
    const sources = [real[0] as string, ...bad.slice(0, 2), ...real.slice(1), blank, bad[2] as string];
    const pooled = await extractFeaturesBatch(sources, { workers: 2, cacheDir });
    expect(pooled.failures.map((f) => f.source)).toEqual(bad);
    for (const f of pooled.failures) {
      expect(f.message).toContain(f.source);
      expect(f.message.indexOf(f.source)).toBe(f.message.lastIndexOf(f.source)); // named once, by the decoder
    }
    expect(pooled.results.map((r) => r.source)).toEqual([...real, blank]);

    for (const r of pooled.results) {
      const direct = extractCellFeatures(await decodeImage(r.source));
      expect(r.status).toBe(direct.status);
      expect(r.measurements).toEqual(direct.measurements);
      expect(r.features).toEqual(direct.features);
      expect(Object.keys(r.measurements).sort()).toEqual([...MEASUREMENT_NAMES].sort());
      if (r.status === 'ok') {
        expect(Object.keys(r.features ?? {}).sort()).toEqual([...FEATURE_NAMES].sort());
        expect(Object.values(r.features ?? {}).every(Number.isFinite)).toBe(true);
      } else {
        expect(r.features).toBeNull();
      }
    }
    expect(pooled.results.filter((r) => r.status === 'ok').length).toBeGreaterThanOrEqual(real.length - 1);
    expect(pooled.results.at(-1)?.status).not.toBe('ok'); // the blank background has no cell

    // Same images again in this thread: all from the cache, identical.
    const again = await extractFeaturesBatch(sources, { workers: 0, cacheDir });
    expect(again.results.every((r) => r.cached)).toBe(true);
    expect(again.results.map((r) => r.features)).toEqual(pooled.results.map((r) => r.features));
  });
});
