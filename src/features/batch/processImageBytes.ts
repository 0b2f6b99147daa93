import type { RgbImage } from '../../io/image/rgbImage.js';
import type { DecodeImageOptions } from '../../io/index.js';
import type { CellFeatureOptions, CellFeatures } from '../cell/index.js';

/**
 * The two per-image steps of a batch: bytes → {@link RgbImage} → {@link CellFeatures}.
 *
 * By default they are the library's `decodeImageBytes` (src/io) and `extractCellFeatures`
 * (src/features/cell). A module given as `extractorModule` to `extractFeaturesBatch` may replace
 * either one by exporting a function of the same name; it is loaded in every worker, so it must
 * be a module URL or path, not a function.
 */
export interface CellExtractor {
  /** Decode encoded image bytes (JPEG/PNG) to an RGB image. */
  decodeImageBytes(bytes: Uint8Array, options?: DecodeImageOptions): Promise<RgbImage>;
  /** Segment the cell and compute its measurements and features. */
  extractCellFeatures(image: RgbImage, options?: CellFeatureOptions): CellFeatures;
}

/** What one image became: its features, or the error message that stopped it. */
export type ImageOutcome =
  | ({ ok: true } & CellFeatures)
  | { ok: false; message: string };

/**
 * Load the per-image steps: the library's own, with any export of `moduleUrl` named
 * `decodeImageBytes` / `extractCellFeatures` taking their place.
 *
 * @param moduleUrl - a `file:`/`data:` URL or a path (relative to the working directory) of an ES module;
 *   omitted: the library's steps
 * @returns the two steps
 * @throws Error naming `moduleUrl` when it exports neither step
 */
export async function loadCellExtractor(moduleUrl?: string): Promise<CellExtractor> {
  let custom: Partial<CellExtractor> = {};
  if (moduleUrl !== undefined) {
    // A URL as it is; a path (Node) resolved against the working directory. Two or more scheme
    // characters, so that a Windows drive letter ('C:\\…') counts as a path.
    const spec = /^[a-z][a-z0-9+.-]+:/i.test(moduleUrl)
      ? moduleUrl
      : (await import('node:url')).pathToFileURL((await import('node:path')).resolve(moduleUrl)).href;
    custom = (await import(/* @vite-ignore */ spec)) as Partial<CellExtractor>;
    if (typeof custom.decodeImageBytes !== 'function' && typeof custom.extractCellFeatures !== 'function') {
      throw new Error(
        `loadCellExtractor: module ${moduleUrl} exports neither decodeImageBytes nor extractCellFeatures`,
      );
    }
  }
  const decode = typeof custom.decodeImageBytes === 'function'
    ? custom.decodeImageBytes
    : (await import('../../io/image/decodeImageBytes.js')).decodeImageBytes;
  const extract = typeof custom.extractCellFeatures === 'function'
    ? custom.extractCellFeatures
    : (await import('../cell/extractCellFeatures.js')).extractCellFeatures;
  return { decodeImageBytes: decode, extractCellFeatures: extract };
}

/**
 * Decode one image and extract its cell features, turning any exception into an
 * `{ ok: false, message }` outcome (so one bad image never aborts a batch).
 *
 * @param bytes - the encoded image (JPEG/PNG bytes)
 * @param extractor - the per-image steps, from {@link loadCellExtractor}
 * @param cell - options for `extractCellFeatures`
 * @param decode - options for `decodeImageBytes`
 * @returns the outcome; `features` is `null` exactly when `status !== 'ok'`
 */
export async function processImageBytes(
  bytes: Uint8Array,
  extractor: CellExtractor,
  cell: CellFeatureOptions,
  decode: DecodeImageOptions,
): Promise<ImageOutcome> {
  try {
    const image = await extractor.decodeImageBytes(bytes, decode);
    const { status, measurements, features } = extractor.extractCellFeatures(image, cell);
    return { ok: true, status, measurements, features };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
