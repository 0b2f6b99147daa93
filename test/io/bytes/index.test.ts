import { describe, expect, it } from 'vitest';
import * as bytes from '../../../src/io/bytes/index.js';
import * as io from '../../../src/io/index.js';

describe('io/bytes index', () => {
  it('exports sources, reading and atomic writes, also through src/io', () => {
    for (const name of ['describeImageSource', 'readImageBytes', 'atomicWriteFile'] as const) {
      expect(typeof bytes[name], name).toBe('function');
      expect(io[name], name).toBe(bytes[name]);
    }
  });
});
