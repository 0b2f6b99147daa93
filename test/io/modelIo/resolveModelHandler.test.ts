import { describe, expect, it } from 'vitest';
import { ModelIoError } from '../../../src/io/modelIo/modelIoError.js';
import { resolveModelHandler } from '../../../src/io/modelIo/resolveModelHandler.js';

describe('resolveModelHandler', () => {
  it('passes tfjs storage URLs through for tfjs routers (browsers)', () => {
    expect(resolveModelHandler('indexeddb://mil-head')).toBe('indexeddb://mil-head');
    expect(resolveModelHandler('localstorage://m')).toBe('localstorage://m');
  });

  it('wraps paths, file: and http(s) URLs into load-only handlers', () => {
    for (const src of ['models/x', 'file:///tmp/models/x/model.json', 'https://example.org/m/model.json', new URL('http://example.org/m/')]) {
      const h = resolveModelHandler(src);
      expect(typeof h).toBe('object');
      expect(typeof (h as { load?: unknown }).load).toBe('function');
      expect((h as { save?: unknown }).save).toBeUndefined();
    }
  });

  it('rejects an empty location and unknown URL schemes with ModelIoError', () => {
    expect(() => resolveModelHandler('')).toThrow(ModelIoError);
    expect(() => resolveModelHandler('s3://bucket/model.json')).toThrow('model s3://bucket/model.json: unsupported URL scheme');
  });
});
