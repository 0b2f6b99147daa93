import { describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';
import * as segmentationEntry from '../../src/entries/segmentation.js';
import * as backbonesEntry from '../../src/entries/backbones.js';
import * as nodeEntry from '../../src/entries/node.js';
import * as segmentation from '../../src/segmentation/index.js';
import * as cellFeatures from '../../src/features/cell/index.js';
import * as textureFeatures from '../../src/features/texture/index.js';
import * as aggregateFeatures from '../../src/features/aggregate/index.js';
import * as image from '../../src/io/image/index.js';
import * as backbones from '../../src/models/backbones/index.js';
import * as backend from '../../src/backend/index.js';

/** Names of `mod`'s runtime exports. */
const names = (mod: object): string[] => Object.keys(mod).sort();

describe('the subpath entries', () => {
  it('lymphomix/segmentation has every typed-array name of segmentation, per-cell/texture/aggregate features and image decoding (not the *Tensor colour ops)', () => {
    const expected = [segmentation, cellFeatures, textureFeatures, aggregateFeatures, image].flatMap(names).filter((n) => !n.endsWith('Tensor'));
    const missing = expected.filter((n) => !(n in segmentationEntry));
    expect(missing).toEqual([]);
    expect(names(segmentationEntry).filter((n) => n.endsWith('Tensor'))).toEqual([]);
  });

  it('lymphomix/backbones has every name of the backbones and the backend layers', () => {
    const missing = [backbones, backend].flatMap(names).filter((n) => !(n in backbonesEntry));
    expect(missing).toEqual([]);
  });

  it('every name of each subpath is the root entry’s same value', () => {
    const rootValues: Record<string, unknown> = root;
    for (const entry of [segmentationEntry, backbonesEntry, nodeEntry] as Record<string, unknown>[]) {
      const different = Object.keys(entry).filter((n) => entry[n] !== rootValues[n]);
      expect(different).toEqual([]);
    }
  });
});
