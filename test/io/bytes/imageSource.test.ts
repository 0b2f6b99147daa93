import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../../src/core/index.js';
import { checkImageSources, describeImageSource, isImageSource, isUrlString } from '../../../src/io/bytes/imageSource.js';

describe('describeImageSource', () => {
  it('returns file paths and URLs as given', () => {
    expect(describeImageSource('/data/P0/000001.jpg')).toBe('/data/P0/000001.jpg');
    expect(describeImageSource(new URL('https://example.org/a/b.png'))).toBe('https://example.org/a/b.png');
  });

  it('cuts long data URLs', () => {
    const name = describeImageSource(`data:image/png;base64,${'A'.repeat(500)}`);
    expect(name.length).toBeLessThanOrEqual(81);
    expect(name.startsWith('data:image/png;base64,')).toBe(true);
  });

  it('names bytes by their length', () => {
    expect(describeImageSource(new Uint8Array(10))).toBe('<10 bytes>');
    expect(describeImageSource(new ArrayBuffer(3))).toBe('<3 bytes>');
  });

  it('names a File by its name and a Blob by its size', () => {
    expect(describeImageSource(new File([new Uint8Array(2)], 'cell.jpg'))).toBe('cell.jpg');
    expect(describeImageSource(new Blob([new Uint8Array(7)]))).toBe('<blob of 7 bytes>');
  });

  it('names the empty path instead of returning an empty string', () => {
    expect(describeImageSource('')).toBe('<empty path>');
  });
});

describe('isUrlString', () => {
  it('accepts the supported schemes and rejects paths, including Windows drive letters', () => {
    for (const s of ['http://a/b.jpg', 'HTTPS://a', 'data:image/png;base64,AA', 'blob:https://x/1', 'file:///tmp/a.png']) {
      expect(isUrlString(s)).toBe(true);
    }
    for (const s of ['/tmp/a.png', 'a.png', 'C:\\images\\a.png', 'c:/images/a.png', 'ftp://host/a.png']) {
      expect(isUrlString(s)).toBe(false);
    }
  });
});

describe('checkImageSources', () => {
  it('accepts paths, URLs, bytes, buffers and blobs, and returns the list', () => {
    const list = ['a.jpg', new URL('https://example.org/b.png'), new Uint8Array(2), new ArrayBuffer(1), new Blob(['x'])];
    expect(checkImageSources('f', 'sources', list)).toBe(list);
    expect(list.every((s) => isImageSource(s))).toBe(true);
  });

  it('names the function, the argument and the index of the first wrong element, bounded', () => {
    class Patient {
      constructor(readonly id: string, readonly label: number, readonly images: string[], readonly age: number, readonly gender: string) {}
    }
    const patients = [new Patient('P0', 1, ['a.jpg'], 60, 'M')];
    expect(() => checkImageSources('extractFeaturesBatch', 'sources', patients)).toThrow(ArgumentError);
    expect(() => checkImageSources('extractFeaturesBatch', 'sources', patients)).toThrow(
      /^extractFeaturesBatch: sources\[0\] must be an image source \(a file path, URL, Uint8Array, ArrayBuffer or Blob\), got a Patient \{id, label, images, age, …\}$/,
    );
    expect(() => checkImageSources('embedImages', 'images', ['a.jpg', null])).toThrow(/^embedImages: images\[1\] must be .*got null$/);
    expect(() => checkImageSources('embedImages', 'images', [''])).toThrow(/images\[0\] must be an image source/);
    expect(() => checkImageSources('embedImages', 'images', 'a.jpg')).toThrow(/^embedImages: images must be an array, got "a.jpg"$/);
    expect(isImageSource(new Float32Array(2))).toBe(false);
  });
});
