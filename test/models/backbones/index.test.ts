import { describe, expect, it } from 'vitest';
import * as root from '../../../src/index.js';
import * as backbones from '../../../src/models/backbones/index.js';

describe('models/backbones index', () => {
  it('exports the frozen-model backbone API, also from the package root', () => {
    for (const name of ['FrozenModelBackbone', 'checkFrozenModelBackboneOptions', 'checkBackboneSpec', 'loadModelBackbone', 'SAVED_MODEL_KINDS', 'isModelBackboneSpec', 'describeBackboneSpec', 'buildBackbone', 'embedImages', 'embedImagesPool', 'backboneFingerprint'] as const) {
      expect(typeof backbones[name], name).not.toBe('undefined');
      expect(root[name], name).toBe(backbones[name]);
    }
    expect(backbones.SAVED_MODEL_KINDS).toEqual(['layers', 'graph']);
  });
});
