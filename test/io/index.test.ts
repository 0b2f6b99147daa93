import { describe, expect, it } from 'vitest';
import * as io from '../../src/io/index.js';

describe('io/index', () => {
  it('exports the cross-team contract (io API and rgbImage.ts)', () => {
    for (const fn of [
      'decodeImage',
      'decodeImageBytes',
      'readImageBytes',
      'encodePng',
      'resolveDecoder',
      'isSharpAvailable',
      'describeImageSource',
      'createRgbImage',
      'createMask',
      'toContiguousRgb',
      'toContiguousMask',
    ] as const) {
      expect(typeof io[fn], fn).toBe('function');
    }
    expect(new io.ImageDecodeError('a.jpg', 'x')).toBeInstanceOf(Error);
    expect(io.jimpDecoder.name).toBe('jimp');
    expect(io.sharpDecoder.name).toBe('sharp');
  });
});
