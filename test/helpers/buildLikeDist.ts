import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'tsup';
import type { Options } from 'tsup';
import tsupConfig from '../../tsup.config.js';

/**
 * Build source entries with the project's own tsup settings, ESM only, as `npm run build` puts them in dist/
 * (no .d.ts, no source maps), and mark the folder as an ES module package. Put `outDir` under
 * node_modules/.cache so that the bundle's external imports (@tensorflow/*, jimp, ndarray) resolve as from dist/.
 *
 * @param entry - output name (without extension) → source path, e.g.
 *   `{ 'features/batch/worker': '<repo>/src/features/batch/worker.ts' }`
 * @param outDir - the folder to write to
 * @param clean - empty `outDir` first. Defaults to false.
 */
export async function buildLikeDist(entry: Record<string, string>, outDir: string, clean = false): Promise<void> {
  await build({
    ...(tsupConfig as Options),
    entry,
    outDir,
    format: ['esm'],
    dts: false,
    clean,
    sourcemap: false,
    silent: true,
    config: false,
  });
  await writeFile(join(outDir, 'package.json'), '{"type":"module"}\n');
}
