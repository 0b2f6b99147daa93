/**
 * The library in a real browser (headless Chromium through playwright-core): the bundle loads,
 * `decodeImage`'s `'auto'` picks the canvas decoder, its pixels match sharp's, URLs and Blobs
 * decode, bad files fail cleanly, and segmentation + cell features equal Node's.
 *
 * Skipped when no Chromium executable exists (`CHROMIUM_PATH`, default `/usr/bin/chromium`).
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleSyntheticCellParams } from '../../src/data/synthetic/sampleSyntheticCellParams.js';
import { renderSyntheticCell } from '../../src/data/synthetic/renderSyntheticCell.js';
import { seededRandom } from '../../src/core/index.js';
import { extractCellFeatures } from '../../src/features/cell/extractCellFeatures.js';
import { encodePng } from '../../src/io/image/encodePng.js';
import { segmentNucleus } from '../../src/segmentation/nucleus/segmentNucleus.js';
import type { RgbImage } from '../../src/io/image/rgbImage.js';
import { sharpDecoder } from '../../src/io/image/sharpDecoder.js';
import type * as Lib from '../../src/index.js';
import { BAD_IMAGES_DIR } from '../helpers/shared.js';
import { bundleForBrowser } from './helpers/bundleForBrowser.js';
import type { BrowserBundle } from './helpers/bundleForBrowser.js';
import { startStaticServer } from './helpers/staticServer.js';
import type { StaticServer } from './helpers/staticServer.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** What index.html puts on the page's globalThis: the library and base64 helpers (fast transfers). */
interface PageGlobals {
  L: typeof Lib;
  toB64(bytes: Uint8Array): string;
  fromB64(b64: string): Uint8Array<ArrayBuffer>;
  lmxReady?: boolean;
}

/** Page-side base64 helpers, defined in index.html (playwright serialises number[] slowly). */
const PAGE_HELPERS =
  'globalThis.toB64 = (u8) => { let s = ""; for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000)); return btoa(s); };' +
  'globalThis.fromB64 = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));';

/** What the page returns for one decode: the pixels (base64), or the error. */
type PageDecode =
  | { ok: true; width: number; height: number; data: string }
  | { ok: false; name: string; isDecodeError: boolean; message: string };

/** A synthetic lymphocyte crop, seeded. */
function cell(seed: number, abnormal: boolean, size = 96): RgbImage {
  return renderSyntheticCell(sampleSyntheticCellParams(seededRandom(seed), abnormal), { size }).image;
}

/** The image's pixels as sharp raw input. */
function rawOf(image: RgbImage): { buf: Buffer; raw: { width: number; height: number; channels: 3 } } {
  const [height, width] = image.shape as [number, number, number];
  return { buf: Buffer.from(image.data), raw: { width, height, channels: 3 } };
}

/** Base64 from the page → bytes. */
function b64(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64'));
}

/** max and mean |a - b| over two equally long arrays. */
function absDiff(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; mean: number } {
  expect(a.length).toBe(b.length);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    sum += d;
    if (d > max) max = d;
  }
  return { max, mean: a.length === 0 ? 0 : sum / a.length };
}

describe.skipIf(!existsSync(CHROMIUM))('lymphomix in Chromium', () => {
  let browser: Browser | undefined;
  let page: Page;
  let server: StaticServer | undefined;
  let bundle: BrowserBundle | undefined;
  /** Uncaught exceptions and console.error lines of the page. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const [{ chromium }, built, srv] = await Promise.all([import('playwright-core'), bundleForBrowser(), startStaticServer()]);
    bundle = built;
    server = srv;
    server.set('/lymphomix.js', { path: join(built.dir, built.file) });
    server.set('/index.html', {
      bytes: new TextEncoder().encode(
        '<!doctype html><meta charset="utf-8"><script type="module">' +
          PAGE_HELPERS +
          "import * as L from './lymphomix.js'; globalThis.L = L; globalThis.lmxReady = true;" +
          '</script>',
      ),
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'], timeout: 60_000 });
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      // Chromium logs every HTTP error (favicon, the deliberate 404) as "Failed to load resource":
      // those are checked through ImageDecodeError, not here.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(`console.error: ${m.text()}`);
    });
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).lmxReady === true, undefined, { timeout: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (bundle !== undefined) await rm(bundle.dir, { recursive: true, force: true });
  });

  /** Put bytes on the server at `route` and decode them in the page from bytes, URL and File. */
  async function decodeInPage(route: string, bytes: Uint8Array): Promise<Record<'fromBytes' | 'fromUrl' | 'fromFile' | 'fromBlobUrl', PageDecode>> {
    server?.set(route, { bytes });
    return page.evaluate(
      async ({ bytes, url }) => {
        const { L, toB64, fromB64 } = globalThis as unknown as PageGlobals;
        const run = async (source: Lib.ImageSource): Promise<PageDecode> => {
          try {
            const img = await L.decodeImage(source);
            return { ok: true, width: img.shape[1] as number, height: img.shape[0] as number, data: toB64(img.data) };
          } catch (e) {
            const err = e as Error;
            return { ok: false, name: err.name, isDecodeError: e instanceof L.ImageDecodeError, message: err.message };
          }
        };
        const u8 = fromB64(bytes);
        return {
          fromBytes: await run(u8),
          fromUrl: await run(url),
          fromFile: await run(new File([u8], 'upload.bin')),
          fromBlobUrl: await (async () => {
            const blobUrl = URL.createObjectURL(new Blob([u8]));
            try {
              return await run(blobUrl);
            } finally {
              URL.revokeObjectURL(blobUrl);
            }
          })(),
        };
      },
      { bytes: Buffer.from(bytes).toString('base64'), url: `${server?.origin ?? ''}${route}` },
    );
  }

  /** Decode with sharp (the Node reference), as RGB rows. */
  async function sharpPixels(bytes: Uint8Array): Promise<{ width: number; height: number; data: Uint8Array }> {
    const img = await sharpDecoder.decode(bytes, 'reference');
    return { width: img.shape[1] as number, height: img.shape[0] as number, data: img.data };
  }

  it('loads the full bundle and picks the canvas decoder for "auto"', async () => {
    const info = await page.evaluate(async () => {
      const { L } = globalThis as unknown as PageGlobals;
      return {
        canvasAvailable: L.isCanvasDecoderAvailable(),
        sharpAvailable: await L.isSharpAvailable(),
        auto: (await L.resolveDecoder('auto')).name,
        byDefault: (await L.resolveDecoder()).name,
      };
    });
    expect(info).toEqual({ canvasAvailable: true, sharpAvailable: false, auto: 'canvas', byDefault: 'canvas' });
    expect(pageErrors).toEqual([]);
  });

  it('decodes lossless PNGs (RGB, opaque RGBA, grayscale, palette) exactly', async () => {
    const image = cell(11, true);
    const { buf, raw } = rawOf(image);
    const gray = Buffer.alloc(raw.width * raw.height);
    for (let p = 0; p < gray.length; p++) gray[p] = image.data[p * 3 + 1] as number;
    const cases: [string, Uint8Array, Uint8Array][] = [
      ['rgb', await encodePng(image), image.data],
      ['rgba', new Uint8Array(await sharp(buf, { raw }).ensureAlpha(1).png().toBuffer()), image.data],
      ['gray', new Uint8Array(await sharp(gray, { raw: { ...raw, channels: 1 } }).png().toBuffer()), Uint8Array.from(Array.from(gray).flatMap((g) => [g, g, g]))],
    ];
    const palette = new Uint8Array(await sharp(buf, { raw }).png({ palette: true, colours: 64 }).toBuffer());
    cases.push(['palette', palette, (await sharpPixels(palette)).data]);
    for (const [kind, bytes, expected] of cases) {
      const { fromBytes, fromUrl, fromFile, fromBlobUrl } = await decodeInPage(`/synthetic-${kind}.png`, bytes);
      expect(fromBytes, kind).toMatchObject({ ok: true, width: raw.width, height: raw.height });
      if (!fromBytes.ok) continue;
      expect(absDiff(b64(fromBytes.data), expected), kind).toEqual({ max: 0, mean: 0 });
      expect(fromUrl, kind).toEqual(fromBytes);
      expect(fromFile, kind).toEqual(fromBytes);
      expect(fromBlobUrl, kind).toEqual(fromBytes);
    }
  });

  it('decodes a JPEG within a few levels of sharp', async () => {
    const diffs: Record<string, { max: number; mean: number }> = {};
    for (const seed of [3, 4]) {
      const { buf, raw } = rawOf(cell(seed, seed % 2 === 0, 224));
      const jpeg = new Uint8Array(await sharp(buf, { raw }).jpeg({ quality: 90 }).toBuffer());
      const reference = await sharpPixels(jpeg);
      const { fromBytes, fromUrl, fromFile, fromBlobUrl } = await decodeInPage(`/synthetic-${seed}.jpg`, jpeg);
      expect(fromBytes).toMatchObject({ ok: true, width: reference.width, height: reference.height });
      if (!fromBytes.ok) continue;
      const d = absDiff(b64(fromBytes.data), reference.data);
      diffs[`seed ${seed}`] = d;
      expect(d.max).toBeLessThanOrEqual(8);
      expect(d.mean).toBeLessThanOrEqual(1);
      expect(fromUrl).toEqual(fromBytes);
      expect(fromFile).toEqual(fromBytes);
      expect(fromBlobUrl).toEqual(fromBytes);
    }
    console.info('browser JPEG vs sharp |Δ|:', JSON.stringify(diffs));
  });

  it('rejects a missing URL with an ImageDecodeError naming it', async () => {
    const url = `${server?.origin ?? ''}/missing.png`;
    const res = await page.evaluate(async (u) => {
      const { L } = globalThis as unknown as PageGlobals;
      try {
        await L.decodeImage(u);
        return { ok: true as const };
      } catch (e) {
        return { ok: false as const, isDecodeError: e instanceof L.ImageDecodeError, message: (e as Error).message };
      }
    }, url);
    expect(res).toMatchObject({ ok: false, isDecodeError: true });
    expect(res.ok ? '' : res.message).toContain(url);
    expect(res.ok ? '' : res.message).toContain('404');
  });

  it.skipIf(!existsSync(BAD_IMAGES_DIR))('decodes or cleanly rejects every file of the bad-images folder by URL', async () => {
    const files = readdirSync(BAD_IMAGES_DIR).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort();
    expect(files.length).toBeGreaterThan(0);
    const report: string[] = [];
    for (const f of files) server?.set(`/bad/${f}`, { path: join(BAD_IMAGES_DIR, f) });
    const urls = files.map((f) => `${server?.origin ?? ''}/bad/${f}`);
    const results = await page.evaluate(async (list) => {
      const { L, toB64 } = globalThis as unknown as PageGlobals;
      const out: PageDecode[] = [];
      for (const url of list) {
        try {
          const img = await L.decodeImage(url);
          out.push({ ok: true, width: img.shape[1] as number, height: img.shape[0] as number, data: toB64(img.data) });
        } catch (e) {
          const err = e as Error;
          out.push({ ok: false, name: err.name, isDecodeError: e instanceof L.ImageDecodeError, message: err.message });
        }
      }
      return out;
    }, urls);
    for (const [i, f] of files.entries()) {
      const res = results[i] as PageDecode;
      let ref: Awaited<ReturnType<typeof sharpPixels>> | string;
      try {
        ref = await sharpPixels(new Uint8Array(await readFile(join(BAD_IMAGES_DIR, f))));
      } catch (e) {
        ref = (e as Error).message.replace(/^cannot decode image reference: /, '');
      }
      if (!res.ok) {
        expect(res.isDecodeError, f).toBe(true);
        expect(res.message, f).toContain(urls[i]);
        report.push(`${f}: browser rejects (${res.message.slice(res.message.indexOf(': ') + 2)}); sharp ${typeof ref === 'string' ? `rejects (${ref})` : 'decodes'}`);
        continue;
      }
      expect(res.width * res.height * 3, f).toBe(b64(res.data).length);
      if (typeof ref === 'string') {
        report.push(`${f}: browser decodes ${res.width}x${res.height}; sharp rejects (${ref})`);
        continue;
      }
      const sameSize = res.width === ref.width && res.height === ref.height;
      const d = sameSize ? absDiff(b64(res.data), ref.data) : undefined;
      report.push(
        `${f}: browser ${res.width}x${res.height}, sharp ${ref.width}x${ref.height}` +
          (d === undefined ? ' (SIZE DIFFERS)' : `, |Δ| max ${d.max} mean ${d.mean.toFixed(3)}`),
      );
    }
    console.info(`bad-images in Chromium vs sharp:\n  ${report.join('\n  ')}`);
    expect(pageErrors).toEqual([]);
  });

  it('segments and extracts cell features exactly as Node does', async () => {
    const images = [cell(21, false), cell(22, true), cell(23, true, 160), cell(24, false, 224)];
    const inputs = images.map((img) => ({ shape: img.shape as number[], data: Buffer.from(img.data).toString('base64') }));
    const inBrowser = await page.evaluate((list) => {
      const { L, toB64, fromB64 } = globalThis as unknown as PageGlobals;
      return list.map(({ shape, data }) => {
        const image = L.createRgbImage(shape[1] as number, shape[0] as number, fromB64(data));
        const seg = L.segmentNucleus(image);
        return { features: L.extractCellFeatures(image), nucleus: toB64(seg.nucleus.data), hull: toB64(seg.hull.data) };
      });
    }, inputs);
    let ok = 0;
    for (const [i, image] of images.entries()) {
      const got = inBrowser[i];
      const want = extractCellFeatures(image);
      const seg = segmentNucleus(image);
      expect(got?.features).toEqual(want);
      expect(got?.nucleus).toBe(Buffer.from(seg.nucleus.data).toString('base64'));
      expect(got?.hull).toBe(Buffer.from(seg.hull.data).toString('base64'));
      if (want.status === 'ok') ok++;
    }
    expect(ok).toBeGreaterThan(0);
  });
});
