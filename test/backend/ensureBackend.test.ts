import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { activeBackendName, defaultBackendName, ensureBackend } from '../../src/backend/ensureBackend.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const src = (path: string) => JSON.stringify(pathToFileURL(resolve(root, path)).href);
const BANNER = /looks like you are running TensorFlow\.js in Node\.js/;

/** Runs an ES module script in a fresh Node process (TypeScript sources through tsx); returns stdout + stderr. */
async function fresh(script: string): Promise<string> {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    timeout: 120_000,
  });
  return stdout + stderr;
}

describe('ensureBackend', () => {
  it('in a fresh process importing the package, a library call that makes tensors sets up wasm and tfjs prints no banner', async () => {
    const out = await fresh(`
      import * as tf from '@tensorflow/tfjs';
      const { buildBackbone } = await import(${src('src/index.ts')});
      const backbone = await buildBackbone({ name: 'resnet18', options: { inputSize: 32 } });
      const z = backbone.embed(tf.zeros([1, 32, 32, 3]));
      console.log('BACKEND=' + tf.getBackend() + ' SHAPE=' + z.shape.join('x'));
    `);
    expect(out).toMatch(/BACKEND=wasm SHAPE=1x512/);
    expect(out).not.toMatch(BANNER);
    expect(out).not.toMatch(/has not yet been initialized|Initialization of backend/);
  }, 150_000);

  it('in a fresh process, an ONNX embedder embeds image files with embedImages with no backend set up by the caller', async () => {
    const out = await fresh(`
      const { createRgbImage, embedImages, encodePng, loadOnnxEmbedder } = await import(${src('src/index.ts')});
      const embedder = await loadOnnxEmbedder(${src('test/fixtures/onnx/tiny_cnn.onnx')});
      const png = await encodePng(createRgbImage(40, 30));
      const { results, failures } = await embedImages(embedder, [png, png]);
      console.log('EMBEDDED=' + results.length + ' FAILED=' + failures.length + (failures[0] ? ' ' + failures[0].message : ''));
      embedder.dispose();
    `);
    expect(out).toMatch(/EMBEDDED=2 FAILED=0/);
  }, 150_000);

  it('the same tensors made without the library do print the banner (the check above can fail)', async () => {
    const out = await fresh(`
      import * as tf from '@tensorflow/tfjs';
      tf.zeros([2]).dataSync();
      console.log('BACKEND=' + tf.getBackend());
    `);
    expect(out).toMatch(/BACKEND=cpu/);
    expect(out).toMatch(BANNER);
  }, 150_000);

  it('keeps a backend the user set, sets up nothing, and names the default', async () => {
    await tf.setBackend('cpu');
    expect(activeBackendName()).toBe('cpu');
    await expect(ensureBackend()).resolves.toBeNull();
    expect(tf.getBackend()).toBe('cpu');
    expect(defaultBackendName()).toBe('wasm');
  });
});
