import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Examples import the package by name, as users do; here the name points at the sources.
  resolve: {
    alias: [
      { find: /^lymphomix\/cli$/, replacement: fileURLToPath(new URL('./src/cli/index.ts', import.meta.url)) },
      { find: /^lymphomix\/(segmentation|backbones|node)$/, replacement: fileURLToPath(new URL('./src/entries/$1.ts', import.meta.url)) },
      { find: /^lymphomix$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
