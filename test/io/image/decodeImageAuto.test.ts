import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as SharpDecoderModule from '../../../src/io/image/sharpDecoder.js';

// sharp is installed here: pretend it is not, as on a machine where its optional install failed.
vi.mock('../../../src/io/image/sharpDecoder.js', async (importOriginal) => ({
  ...(await importOriginal<typeof SharpDecoderModule>()),
  loadSharp: () => Promise.resolve(null),
}));

const { JIMP_FALLBACK_WARNING, decodeImageBytes, resolveDecoder } = await import('../../../src/io/image/decodeImageBytes.js');
const { jimpDecoder } = await import('../../../src/io/image/jimpDecoder.js');
const { encodePng } = await import('../../../src/io/image/encodePng.js');
const { createRgbImage } = await import('../../../src/io/image/rgbImage.js');

afterEach(() => {
  vi.restoreAllMocks();
});

describe("decoder 'auto' in Node without sharp", () => {
  it('falls back to jimp and warns once, saying the features may differ and how to install sharp', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await resolveDecoder('jimp')).toBe(jimpDecoder);
    expect(warn).not.toHaveBeenCalled(); // choosing jimp is not a fallback
    expect(await resolveDecoder('auto')).toBe(jimpDecoder);
    expect(await resolveDecoder()).toBe(jimpDecoder);
    const png = await encodePng(createRgbImage(2, 2, new Uint8Array(12).fill(9)));
    expect((await decodeImageBytes(png)).data[0]).toBe(9);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(JIMP_FALLBACK_WARNING);
    expect(JIMP_FALLBACK_WARNING).toMatch(/features may differ from the reference/);
    expect(JIMP_FALLBACK_WARNING).toContain('npm install sharp');
  });
});
