import { describe, expect, it } from 'vitest';
import * as io from '../../../src/io/index.js';
import * as modelIo from '../../../src/io/modelIo/index.js';

describe('io/modelIo index', () => {
  it('exports the public API, also through src/io', () => {
    for (const name of [
      'fileSystemIO',
      'loadLayersModelFrom',
      'loadGraphModelFrom',
      'saveModelTo',
      'resolveModelHandler',
      'weightsByteLength',
      'ModelIoError',
    ]) {
      expect(typeof (modelIo as Record<string, unknown>)[name], name).toBe('function');
      expect((io as Record<string, unknown>)[name], name).toBe((modelIo as Record<string, unknown>)[name]);
    }
  });
});
