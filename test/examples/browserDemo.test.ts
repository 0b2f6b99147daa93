/**
 * The browser demo (examples/browser) end to end: Vite builds it, the CLI trains a tiny model on a tiny synthetic
 * cohort in Node, a local server serves both, and headless Chromium (playwright-core, SwiftShader WebGPU) uploads the
 * PNG images of two patients the model never saw. The page's probability, gate and per-image attention must equal
 * `LymphocytosisPipeline.predict` in Node for the same files and model, on the backend `'auto'` picks (WebGPU) and on
 * wasm and WebGPU forced through `?backend=`, with no console error. The model is the mixture of experts on a tiny
 * random ResNet backbone (convolutions, attention pooling, the gate): every backend runs real tensor work.
 *
 * With LYMPHOMIX_UPDATE_SCREENSHOTS=1 the first run retakes docs/browser-demo.png. Skipped when no Chromium
 * executable exists (`CHROMIUM_PATH`, default `/usr/bin/chromium`). For WebGPU without a GPU, set
 * `VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json` (CI does).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/runCli.js';
import { synthesizeCohort } from '../../src/data/synthetic/index.js';
import { encodePng } from '../../src/io/image/encodePng.js';
import { LymphocytosisPipeline, type PatientPrediction } from '../../src/pipeline/index.js';
import { startStaticServer, type StaticServer } from '../browser/helpers/staticServer.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DEMO = fileURLToPath(new URL('../../examples/browser/', import.meta.url));
const SCREENSHOT =
  process.env['LYMPHOMIX_UPDATE_SCREENSHOTS'] === '1'
    ? fileURLToPath(new URL('../../docs/browser-demo.png', import.meta.url))
    : join(tmpdir(), `lymphomix-browser-demo-${process.pid}.png`);
/**
 * The page against Node. On wasm the page runs Node's float32 kernels (measured: bit-identical); WebGPU's shaders sum
 * in another order (measured: ≤ 1e-7 on SwiftShader).
 */
const TOLERANCE = 1e-6;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
};

/** Every file under `dir`, relative, `/`-separated. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

/** Runs the CLI in this process. */
async function lymphomix(...argv: string[]): Promise<{ code: number; err: string }> {
  const out = new PassThrough().resume();
  const err = new PassThrough();
  const chunks: Buffer[] = [];
  err.on('data', (c: Buffer) => chunks.push(c));
  const code = await runCli(argv, { out, err });
  return { code, err: Buffer.concat(chunks).toString() };
}

/** A patient to predict: PNG files (lossless, so the browser's pixels are Node's) and its clinical values. */
interface TestPatient {
  readonly files: string[];
  readonly age: number;
  readonly lymphCount: number;
}

/** What the page shows after a prediction (full precision from data attributes). */
interface PageResult {
  probability: number;
  gate: number | null;
  attention: (number | null)[];
  /** Per image: its status, and its error when it has one. */
  images: string[];
  /** The status lines shown while it ran (the worker's progress events). */
  progress: string[];
  backend: string;
}

describe.skipIf(!existsSync(CHROMIUM))('the browser demo (examples/browser)', () => {
  let root: string;
  let server: StaticServer;
  let browser: Browser;
  const patients: TestPatient[] = [];
  const expected: PatientPrediction[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lymphomix-browser-demo-'));
    const { build } = await import('vite');
    const site = join(root, 'site');
    const built = build({ configFile: join(DEMO, 'vite.config.ts'), logLevel: 'error', build: { outDir: site, emptyOutDir: true } });

    // A tiny labelled cohort, and the model the README's `lymphomix train` makes with the demo's configuration.
    const synth = await lymphomix('--quiet', 'synth', '--out', join(root, 'cohort'), '--patients', '12', '--malignant', '0.5', '--images', '3-4', '--seed', '3');
    expect(synth.code, synth.err).toBe(0);
    const train = await lymphomix('--quiet', 'train', '--data', join(root, 'cohort'), '--config', join(DEMO, 'model-config.json'), '--cache', join(root, 'cache'), '--workers', '0', '--out', join(root, 'model'));
    expect(train.code, train.err).toBe(0);

    // Two new patients as PNG files, and Node's prediction of each.
    for (const patient of synthesizeCohort({ seed: 77, patientCount: 2, malignantFraction: 0.5, imagesPerPatient: { min: 3, max: 4 } })) {
      const dir = join(root, 'upload', patient.id);
      await mkdir(dir, { recursive: true });
      const files: string[] = [];
      for (const [i, cell] of [...patient.images()].entries()) {
        files.push(join(dir, `${String(i).padStart(6, '0')}.png`));
        await writeFile(files[i]!, await encodePng(cell.image));
      }
      await writeFile(join(dir, 'notes.txt'), 'not an image');
      patients.push({ files, age: patient.age, lymphCount: patient.lymphCount });
    }
    const pipeline = await LymphocytosisPipeline.load(join(root, 'model'), { workers: 0 });
    try {
      expected.push(...(await pipeline.predict(patients.map((p) => ({ images: p.files, age: p.age, lymphCount: p.lymphCount })))));
    } finally {
      pipeline.dispose();
    }
    expect(expected.map((p) => p.gate === null || p.images.some((i) => i.attention === null))).toEqual([false, false]);

    await built;
    server = await startStaticServer();
    for (const file of await filesUnder(site)) server.set(`/${file}`, { path: join(site, file) }, CONTENT_TYPES[file.slice(file.lastIndexOf('.'))]);
    for (const file of await filesUnder(join(root, 'model'))) {
      server.set(`/model/${file}`, { path: join(root, 'model', file) }, CONTENT_TYPES[file.slice(file.lastIndexOf('.'))]);
    }
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless=new', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader'],
      timeout: 60_000,
    });
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  /** Opens the page, waits for the model, and returns the page and its error list. */
  async function open(query: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 820 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
    });
    await page.goto(`${server.origin}/index.html${query}`);
    await page.waitForSelector('body[data-backend], #status.error', { timeout: 60_000 });
    expect(await page.locator('#status').getAttribute('class'), (await page.locator('#status').textContent()) ?? '').toBe('muted');
    return { page, errors };
  }

  /** Uploads a patient's files, enters its values, predicts, and reads the result. */
  async function predictInPage(page: Page, patient: TestPatient, how: 'files' | 'folder' = 'files'): Promise<PageResult> {
    if (how === 'files') await page.setInputFiles('#files', patient.files);
    else await page.setInputFiles('#folder', dirname(patient.files[0]!));
    await page.fill('#age', String(patient.age));
    await page.fill('#count', String(patient.lymphCount));
    await page.evaluate(() => {
      delete document.body.dataset['state'];
      const status = document.getElementById('status')!;
      const seen: string[] = [];
      (globalThis as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => seen.push(status.textContent ?? '')).observe(status, { childList: true, characterData: true, subtree: true });
    });
    await page.click('#predict');
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 60_000 });
    expect(await page.locator('body').getAttribute('data-state'), (await page.locator('#status').textContent()) ?? '').toBe('done');
    return page.evaluate(() => {
      const num = (s: string | undefined): number | null => (s === undefined || s === 'null' ? null : Number(s));
      return {
        probability: Number(document.getElementById('probability')!.dataset['value']),
        gate: num(document.getElementById('gate')!.dataset['value']),
        attention: [...document.querySelectorAll<HTMLElement>('#gallery figure')].map((f) => num(f.dataset['attention'])),
        images: [...document.querySelectorAll<HTMLElement>('#gallery figcaption')].map((c) => `${c.textContent ?? ''} ${c.title}`.trim()),
        backend: document.body.dataset['backend'] ?? '',
        progress: (globalThis as unknown as { seen: string[] }).seen,
      };
    });
  }

  function expectClose(result: PageResult, node: PatientPrediction, tolerance: number): void {
    expect(Math.abs(result.probability - node.probability), `probability ${result.probability} vs ${node.probability}; ${result.images.join('; ')}`).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(result.gate! - node.gate!), `gate ${result.gate} vs ${node.gate}`).toBeLessThanOrEqual(tolerance);
    expect(result.attention).toHaveLength(node.images.length);
    result.attention.forEach((a, i) => expect(Math.abs(a! - node.images[i]!.attention!), `attention of image ${i}`).toBeLessThanOrEqual(tolerance));
  }

  it("'auto' picks WebGPU; the page predicts both patients as Node does, with overlays and no console error", async () => {
    const { page, errors } = await open('');
    try {
      const first = await predictInPage(page, patients[0]!);
      expect(first.backend).toBe('webgpu');
      // The worker's progress events reached the page: each stage up to its last image.
      const n = patients[0]!.files.length;
      expect(first.progress).toEqual(expect.arrayContaining([`decoding and segmenting: ${n} / ${n}`, `features: ${n} / ${n}`, `embedding: ${n} / ${n}`]));
      expectClose(first, expected[0]!, TOLERANCE);
      // One overlay canvas per image, drawn (not blank).
      expect(await page.locator('#gallery figure canvas').count()).toBe(patients[0]!.files.length);
      expectClose(await predictInPage(page, patients[1]!), expected[1]!, TOLERANCE);
      expect(errors).toEqual([]);
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await page.close();
    }
    const { size } = await stat(SCREENSHOT);
    expect(size).toBeGreaterThan(20_000);
  }, 90_000);

  it.each(['wasm', 'webgpu'])('?backend=%s runs the model on that backend and agrees with Node', async (backend) => {
    const { page, errors } = await open(`?backend=${backend}`);
    try {
      const result = await predictInPage(page, patients[0]!);
      expect(result.backend).toBe(backend);
      expectClose(result, expected[0]!, TOLERANCE);
      if (backend === 'wasm') {
        // The same patient as a folder (with a file that is not an image, which the page leaves out).
        const folder = await predictInPage(page, patients[0]!, 'folder');
        expect(await page.locator('#chosen').textContent()).toBe(`${patients[0]!.files.length} images (a folder)`);
        expectClose(folder, expected[0]!, TOLERANCE);
        // The sample button: a synthetic patient rendered in the worker, with its age and count filled in.
        await page.click('#sample');
        await page.waitForSelector('#chosen:has-text("synthetic")');
        expect(Number(await page.inputValue('#age'))).toBeGreaterThan(0);
        await page.evaluate(() => delete document.body.dataset['state']);
        await page.click('#predict');
        await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 60_000 });
        expect(await page.locator('#status').textContent()).toMatch(/^done in .* on wasm$/);
        const probability = Number(await page.locator('#probability').getAttribute('data-value'));
        expect(probability).toBeGreaterThan(0);
        expect(probability).toBeLessThan(1);
        expect(await page.locator('#gallery figure canvas').count()).toBeGreaterThanOrEqual(6);
      }
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);
});
