/**
 * Vite configuration of the browser demo: `npx vite examples/browser` (development server) or
 * `npx vite build examples/browser` (static files in examples/browser/dist).
 *
 * The page imports `lymphomix` by name, as an application would; here the name points at the package's sources
 * (an installed package would resolve it from node_modules instead and need no alias).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative URLs, so the built page works from any folder of any server.
  base: './',
  resolve: {
    alias: [{ find: /^lymphomix$/, replacement: fileURLToPath(new URL('../../src/index.ts', import.meta.url)) }],
  },
  // The worker imports tfjs lazily (one chunk per backend): ES-module workers allow that code splitting.
  worker: { format: 'es' },
  // The development server pre-bundles the worker's dependencies too (else it finds them late and reloads the page).
  optimizeDeps: { entries: ['index.html', 'worker.ts'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 8000 },
});
