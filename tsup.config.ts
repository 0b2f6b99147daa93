import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli/index.ts', 'src/cli/bin.ts', 'src/features/batch/featureWorker.ts', 'src/models/backbones/embeddingWorker.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  splitting: false,
  external: ['sharp', /^node:/, /^@tensorflow\//, 'jimp', 'ndarray'],
});
