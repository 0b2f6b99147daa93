import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MixtureEnsemble, MixtureOfExperts, ModelCheckpointError, loadMixtureEnsemble, loadMixtureOfExperts } from '../../src/models/index.js';
import { randomBags, useCpu } from './modelTestUtils.js';

const bags = randomBags({ patients: 5, imageDim: 4, handmadeDim: 3, seed: 7 });
const config = { imageDim: 4, handmadeDim: 3, imageAggregator: 'attention', handmadeAggregator: 'attention' } as const;

async function trainedLike(seed: number): Promise<MixtureOfExperts> {
  const model = new MixtureOfExperts({ ...config, seed });
  model.adaptNormalization(bags);
  return model;
}

describe('MixtureEnsemble', () => {
  beforeAll(useCpu);

  it('averages every output of its members (π, experts, count, attention) and keeps each member prediction', async () => {
    const ensemble = new MixtureEnsemble([await trainedLike(1), await trainedLike(2)]);
    const p = await ensemble.predict(bags);
    const [a, b] = p.members;
    if (a === undefined || b === undefined) throw new Error('expected two members');
    const mean = (x: ArrayLike<number> | null | undefined, y: ArrayLike<number> | null | undefined, i: number): number => ((x?.[i] as number) + (y?.[i] as number)) / 2;
    for (let i = 0; i < bags.length; i++) {
      expect(p.probability[i]).toBeCloseTo(mean(a.probability, b.probability, i), 6);
      expect(p.gate?.[i]).toBeCloseTo(mean(a.gate, b.gate, i), 6);
      expect(p.lymphCount?.[i]).toBeCloseTo(mean(a.lymphCount, b.lymphCount, i), 4);
      expect(p.experts.image?.[i]).toBeCloseTo(mean(a.experts.image, b.experts.image, i), 6);
      expect(p.experts.scalar?.[i]).toBeCloseTo(mean(a.experts.scalar, b.experts.scalar, i), 6);
      const attention = p.attention.image?.[i] as Float32Array;
      expect(attention).toHaveLength(bags[i]?.images?.rows as number);
      expect(attention.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
      expect(attention[0]).toBeCloseTo(mean(a.attention.image?.[i], b.attention.image?.[i], 0), 6);
      expect(p.attention.handmade?.[i]).toHaveLength(bags[i]?.handmade?.rows as number);
    }
    expect(a.probability).not.toEqual(b.probability);
    // ensembles of ensembles take the members over
    const both = new MixtureEnsemble([ensemble, await trainedLike(3)]);
    expect(both.members).toHaveLength(3);
    both.dispose();
    expect(() => new MixtureEnsemble([])).toThrow('MixtureEnsemble: members must be an array with at least 1 element, got an array of 0');
  });

  it('saves to a folder (manifest + one subfolder per member) and loads back to identical predictions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lymphomix-ensemble-'));
    try {
      const ensemble = new MixtureEnsemble([await trainedLike(4), await trainedLike(5)]);
      const before = await ensemble.predict(bags);
      await ensemble.save(join(dir, 'e'));
      const manifest = JSON.parse(await readFile(join(dir, 'e', 'ensemble.json'), 'utf8'));
      expect(manifest).toEqual({ format: 'lymphomix-mixture-ensemble', formatVersion: 1, members: ['member-0', 'member-1'] });
      for (const source of [join(dir, 'e'), pathToFileURL(join(dir, 'e'))]) {
        const loaded = await loadMixtureEnsemble(source);
        const after = await loaded.predict(bags);
        expect(after.probability).toEqual(before.probability);
        expect(after.gate).toEqual(before.gate);
        expect(after.lymphCount).toEqual(before.lymphCount);
        expect(after.attention).toEqual(before.attention);
        expect(after.members.map((m) => m.logit)).toEqual(before.members.map((m) => m.logit));
        loaded.dispose();
      }
      // each member folder is a MixtureOfExperts checkpoint
      const member = await loadMixtureOfExperts(join(dir, 'e', 'member-1'));
      expect((await member.predict(bags)).probability).toEqual(before.members[1]?.probability);
      member.dispose();
      ensemble.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a damaged manifest or member, leaving nothing loaded, and destinations it cannot write', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lymphomix-ensemble-'));
    const start = tf.memory().numTensors;
    try {
      const ensemble = new MixtureEnsemble([await trainedLike(6), await trainedLike(7)]);
      await ensemble.save(dir);
      ensemble.dispose();
      const manifest = join(dir, 'ensemble.json');
      await writeFile(manifest, JSON.stringify({ format: 'lymphomix-mixture-ensemble', formatVersion: 1, members: ['member-0', '../x'] }));
      await expect(loadMixtureEnsemble(dir)).rejects.toThrow(/members must be a non-empty list of subfolder names/);
      await writeFile(manifest, JSON.stringify({ format: 'lymphomix-mixture-ensemble', formatVersion: 9, members: ['member-0'] }));
      await expect(loadMixtureEnsemble(dir)).rejects.toThrow(/unsupported format version 9/);
      await writeFile(manifest, JSON.stringify({ format: 'other' }));
      await expect(loadMixtureEnsemble(dir)).rejects.toThrow(ModelCheckpointError);
      await writeFile(manifest, JSON.stringify({ format: 'lymphomix-mixture-ensemble', formatVersion: 1, members: ['member-0', 'member-1'] }));
      await rm(join(dir, 'member-1'), { recursive: true });
      await expect(loadMixtureEnsemble(dir)).rejects.toThrow(/member-1/);
      await rm(manifest);
      await expect(loadMixtureEnsemble(dir)).rejects.toThrow(/cannot read the ensemble manifest/);
      expect(tf.memory().numTensors).toBe(start);
      const model = await trainedLike(8);
      await expect(new MixtureEnsemble([model]).save('indexeddb://x')).rejects.toThrow(
        /MixtureEnsemble.save: folder must be a folder path or a file: URL \(Node\), got "indexeddb:\/\/x"/,
      );
      model.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('MixtureOfExperts save and load', () => {
  beforeAll(useCpu);

  it('resolve a location the same way: a path, a file: URL and a model.json path reach the same checkpoint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lymphomix-moe-'));
    try {
      const model = await trainedLike(9);
      const expected = (await model.predict(bags)).probability;
      await model.save(pathToFileURL(join(dir, 'a')));
      await model.save(join(dir, 'b'));
      for (const source of [join(dir, 'a'), pathToFileURL(join(dir, 'b')), join(dir, 'a', 'model.json')]) {
        const loaded = await loadMixtureOfExperts(source);
        expect((await loaded.predict(bags)).probability).toEqual(expected);
        loaded.dispose();
      }
      await expect(model.save('ftp://host/x')).rejects.toThrow(/unsupported URL scheme/);
      await expect(loadMixtureOfExperts('ftp://host/x')).rejects.toThrow(/unsupported URL scheme/);
      await expect(model.save({} as tf.io.IOHandler)).rejects.toThrow(
        /MixtureOfExperts.save: destination must be a path, a URL or a tfjs IOHandler that can save/,
      );
      model.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
