import type { RgbImage } from '../../io/image/rgbImage.js';

/**
 * The image decoder of an ES module given as `decoderModule` to `embedImagesPool`: its `decodeImageBytes`
 * export, or the library's `decodeImageBytes` (default options) when no module is given.
 *
 * @param moduleUrl - a `file:`/`data:` URL of the module; undefined: the library's decoder
 * @returns bytes → {@link RgbImage} [H, W, 3] uint8
 * @throws Error naming `embedImagesPool` and the module when it exports no `decodeImageBytes` function
 * @example
 * const decode = await loadDecoderModule(pathToFileURL('my-decoder.mjs').href);
 */
export async function loadDecoderModule(moduleUrl: string | undefined): Promise<(bytes: Uint8Array) => Promise<RgbImage>> {
  if (moduleUrl === undefined) {
    const { decodeImageBytes } = await import('../../io/image/decodeImageBytes.js');
    return (bytes) => decodeImageBytes(bytes);
  }
  const custom = (await import(/* @vite-ignore */ moduleUrl)) as { decodeImageBytes?: unknown };
  if (typeof custom.decodeImageBytes !== 'function') {
    throw new Error(`embedImagesPool: decoderModule ${moduleUrl} does not export a decodeImageBytes function`);
  }
  const decode = custom.decodeImageBytes as (bytes: Uint8Array) => Promise<RgbImage>;
  return (bytes) => decode(bytes);
}
