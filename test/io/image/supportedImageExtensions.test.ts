import { describe, expect, it } from 'vitest';
import { IMAGE_EXTENSIONS, isImageFileName } from '../../../src/data/cohort/index.js';
import { SUPPORTED_IMAGE_EXTENSIONS, SUPPORTED_IMAGE_FORMATS, sniffImageFormat } from '../../../src/io/image/index.js';

// A file the cohort loaders list as an image must be one the decoder policy accepts: IMAGE_EXTENSIONS used to list
// .webp, which both decoders refuse (so a WebP cohort image always became a failure), and missed .gif, which both read.

const FORMAT_OF: Record<string, string> = { '.jpg': 'jpeg', '.jpeg': 'jpeg', '.png': 'png', '.bmp': 'bmp', '.tif': 'tiff', '.tiff': 'tiff', '.gif': 'gif' };

describe('SUPPORTED_IMAGE_EXTENSIONS', () => {
  it('names exactly the supported formats, and is what the cohort loaders list', () => {
    expect(IMAGE_EXTENSIONS).toEqual(SUPPORTED_IMAGE_EXTENSIONS);
    for (const ext of SUPPORTED_IMAGE_EXTENSIONS) expect(SUPPORTED_IMAGE_FORMATS, ext).toContain(FORMAT_OF[ext]);
    expect(new Set(SUPPORTED_IMAGE_EXTENSIONS.map((e) => FORMAT_OF[e]))).toEqual(new Set(SUPPORTED_IMAGE_FORMATS));
    expect(isImageFileName('P1/cell.webp')).toBe(false);
    expect(isImageFileName('P1/cell.GIF')).toBe(true);
  });

  it('WebP is still recognised from its bytes (to be refused by name), and is not a supported format', () => {
    const webp = new Uint8Array([...'RIFF'].map((c) => c.charCodeAt(0)).concat([0, 0, 0, 0], [...'WEBPVP8 '].map((c) => c.charCodeAt(0))));
    expect(sniffImageFormat(webp)).toBe('webp');
    expect(SUPPORTED_IMAGE_FORMATS).not.toContain('webp');
  });
});
