/**
 * The ONNX embedder in a real browser (headless Chromium through playwright-core) on onnxruntime-web: the library's
 * browser bundle (src/index.ts, which must not pull onnxruntime-node in) is handed the page's onnxruntime-web
 * (`provideOnnxRuntime`), loads the committed fixtures over http and must agree with PyTorch to 1e-4 and with
 * onnxruntime-node in Node.
 *
 * Skipped when no Chromium executable exists (`CHROMIUM_PATH`, default `/usr/bin/chromium`).
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Lib from '../../../src/index.js';
import { loadOnnxEmbedder } from '../../../src/models/backbones/onnx/loadOnnxEmbedder.js';
import { bundleForBrowser } from '../../browser/helpers/bundleForBrowser.js';
import type { BrowserBundle } from '../../browser/helpers/bundleForBrowser.js';
import { startStaticServer } from '../../browser/helpers/staticServer.js';
import type { StaticServer } from '../../browser/helpers/staticServer.js';
import { maxAbsDiff, ONNX_FIXTURE_NAMES, onnxFixture } from './onnxFixtures.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ORT_DIST = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-web')), '..', 'dist');

interface PageGlobals {
  L: typeof Lib;
  lmxReady?: boolean;
}

describe.skipIf(!existsSync(CHROMIUM))('the ONNX embedder in Chromium (onnxruntime-web)', () => {
  let browser: Browser | undefined;
  let page: Page;
  let server: StaticServer | undefined;
  let bundle: BrowserBundle | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const [{ chromium }, built, srv] = await Promise.all([import('playwright-core'), bundleForBrowser(), startStaticServer()]);
    bundle = built;
    server = srv;
    server.set('/lymphomix.js', { path: join(built.dir, built.file) });
    for (const f of readdirSync(ORT_DIST).filter((f) => /\.(mjs|wasm)$/.test(f))) {
      server.set(`/ort/${f}`, { path: join(ORT_DIST, f) }, f.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
    }
    for (const name of ONNX_FIXTURE_NAMES) server.set(`/${name}.onnx`, { bytes: new Uint8Array(await readFile(onnxFixture(name).path)) });
    server.set('/index.html', {
      bytes: new TextEncoder().encode(
        '<!doctype html><meta charset="utf-8"><script type="module">' +
          "import * as ort from './ort/ort.bundle.min.mjs'; import * as L from './lymphomix.js';" +
          `ort.env.wasm.wasmPaths = '${server.origin}/ort/'; ort.env.wasm.numThreads = 1;` +
          'L.provideOnnxRuntime(ort); globalThis.L = L; globalThis.lmxReady = true;' +
          '</script>',
      ),
    });
    server.set('/bare.html', {
      bytes: new TextEncoder().encode(
        "<!doctype html><meta charset=\"utf-8\"><script type=\"module\">import * as L from './lymphomix.js'; globalThis.L = L; globalThis.lmxReady = true;</script>",
      ),
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'], timeout: 60_000 });
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).lmxReady === true, undefined, { timeout: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (bundle !== undefined) await rm(bundle.dir, { recursive: true, force: true });
  });

  for (const name of ONNX_FIXTURE_NAMES) {
    it(`${name}: agrees with PyTorch to 1e-4 and with onnxruntime-node`, async () => {
      const f = onnxFixture(name);
      const got = await page.evaluate(
        async ({ url, options, input, n }) => {
          const { L } = globalThis as unknown as PageGlobals;
          const e = await L.loadOnnxEmbedder(url, options);
          try {
            const z = await e.embedPixels(Float32Array.from(input), n);
            return { runtime: e.runtime, d: e.embeddingSize, z: Array.from(z) };
          } finally {
            await e.dispose();
          }
        },
        {
          url: `${server!.origin}/${name}.onnx`,
          options: { mean: f.mean, std: f.std, outputName: f.outputs.at(-1)!, executionProviders: ['wasm'] },
          input: f.input,
          n: f.n,
        },
      );
      expect([got.runtime, got.d]).toEqual(['onnxruntime-web', f.embeddingSize]);
      expect(maxAbsDiff(got.z, f.output)).toBeLessThan(1e-4);
      const node = await loadOnnxEmbedder(f.path, { mean: f.mean, std: f.std, outputName: f.outputs.at(-1)!, runtime: 'node' });
      try {
        expect(maxAbsDiff(got.z, await node.embedPixels(Float32Array.from(f.input), f.n))).toBeLessThan(1e-5);
      } finally {
        await node.dispose();
      }
      expect(pageErrors).toEqual([]);
    }, 60_000);
  }

  it('without provideOnnxRuntime: one line saying what to do', async () => {
    const bare = await browser!.newPage();
    try {
      await bare.goto(`${server!.origin}/bare.html`);
      await bare.waitForFunction(() => (globalThis as unknown as PageGlobals).lmxReady === true, undefined, { timeout: 60_000 });
      const message = await bare.evaluate(async (url) => {
        const { L } = globalThis as unknown as PageGlobals;
        return L.loadOnnxEmbedder(url).then(
          () => 'loaded',
          (e: unknown) => (e as Error).message,
        );
      }, `${server!.origin}/tiny_cnn.onnx`);
      expect(message).toBe(
        "loadOnnxEmbedder: ONNX models need onnxruntime-web: import * as ort from 'onnxruntime-web' and call provideOnnxRuntime(ort) first; " +
          'without it use a tfjs backbone ({ name } or { model })',
      );
    } finally {
      await bare.close();
    }
  }, 60_000);

  it("the default providers ['webgpu', 'wasm'] load and agree (WebGPU where Chromium has an adapter, else wasm)", async () => {
    const f = onnxFixture('resnet_small');
    const got = await page.evaluate(
      async ({ url, options, input, n }) => {
        const { L } = globalThis as unknown as PageGlobals;
        const e = await L.loadOnnxEmbedder(url, options);
        try {
          return Array.from(await e.embedPixels(Float32Array.from(input), n));
        } finally {
          await e.dispose();
        }
      },
      { url: `${server!.origin}/resnet_small.onnx`, options: { mean: f.mean, std: f.std }, input: f.input, n: f.n },
    );
    expect(maxAbsDiff(got, f.output)).toBeLessThan(1e-4);
  }, 60_000);
});
