import { describe, expect, it } from 'vitest';
import { IMAGE_EXTENSIONS, isImageFileName } from '../../../src/data/cohort/isImageFileName.js';

describe('isImageFileName', () => {
  it('accepts the image extensions in any case', () => {
    for (const ext of IMAGE_EXTENSIONS) expect(isImageFileName(`a${ext.toUpperCase()}`)).toBe(true);
    expect(isImageFileName('dir/000000.jpg')).toBe(true);
  });

  it('rejects other files, names without extension and custom lists', () => {
    expect(isImageFileName('notes.txt')).toBe(false);
    expect(isImageFileName('jpg')).toBe(false);
    expect(isImageFileName('x.jpg', ['.png'])).toBe(false);
  });
});
