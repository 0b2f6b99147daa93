import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PatientBag } from '../../../src/models/index.js';
import { logisticRegressionEstimator } from '../../../src/training/baselines/index.js';
import {
  crossValidate,
  hashPatientBags,
  memoryCheckpointStore,
  openFolderCheckpointStore,
  type CheckpointStore,
  type CrossValidationResult,
} from '../../../src/training/crossValidate/index.js';
import { decodeCheckpointJson, encodeCheckpointJson } from '../../../src/training/crossValidate/checkpointJson.js';
import { mixtureOfExpertsEstimator, type BagPrediction, type Estimator, type FittedModel } from '../../../src/training/estimator/index.js';
import { signalBags } from '../fit/signalBags.js';

const bags = signalBags(30, 11);

/** Wraps an estimator and counts its fits (a restored fold must not fit). */
function counting<P extends BagPrediction, M extends FittedModel<P>>(estimator: Estimator<P, M>): Estimator<P, M> & { fits: number } {
  const wrapped = {
    name: estimator.name,
    fits: 0,
    fit: async (b: readonly PatientBag[], o: Parameters<Estimator<P, M>['fit']>[1]) => {
      wrapped.fits++;
      return estimator.fit(b, o);
    },
  };
  return wrapped;
}

/** The result without the checkpoint report (what must equal an uncheckpointed run). */
function core(cv: CrossValidationResult): Omit<CrossValidationResult, 'checkpoint'> {
  const { checkpoint: _c, ...rest } = cv;
  return rest;
}

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'lymphomix-cv-checkpoint-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('crossValidate with a checkpoint', () => {
  it('reads every finished fold back instead of fitting it, bit-exact (mixture: gate, experts, count, attention)', async () => {
    const moe = counting(mixtureOfExpertsEstimator({ imageDim: 6, handmadeDim: 3, handmadeUnits: 4, scalarUnits: 4, multitask: true }, { epochs: 3, batchSize: 8, learningRate: 1e-2 }));
    const plain = await crossValidate(moe, bags, { folds: 3, seed: 2 });
    const store = memoryCheckpointStore();
    moe.fits = 0;
    const first = await crossValidate(moe, bags, { folds: 3, seed: 2, checkpoint: { store, context: { config: 'a' } } });
    expect(moe.fits).toBe(3);
    expect(first.checkpoint).toMatchObject({ restored: 0, computed: 3, invalid: 0, written: 3, warning: null });
    expect(core(first)).toEqual(plain);
    const events: unknown[] = [];
    const second = await crossValidate(moe, bags, {
      folds: 3,
      seed: 2,
      checkpoint: { store, context: { config: 'a' } },
      onProgress: (e) => events.push(e.detail),
    });
    expect(moe.fits).toBe(3); // nothing fitted again
    expect(second.checkpoint).toMatchObject({ restored: 3, computed: 0, invalid: 0, written: 0 });
    expect(core(second)).toEqual(plain);
    const oof = second.repeats[0]!.outOfFold;
    expect(oof.gate).toBeInstanceOf(Float32Array);
    expect(oof.lymphCount).toBeInstanceOf(Float32Array);
    expect(Buffer.from(oof.probability.buffer).equals(Buffer.from(plain.repeats[0]!.outOfFold.probability.buffer))).toBe(true);
    expect(events).toHaveLength(3);
    for (const e of events) expect(e).toMatchObject({ restored: true });
  });

  it('resumes a run cut short: only the missing folds are fitted, the result equals an uninterrupted run', async () => {
    const lr = counting(logisticRegressionEstimator());
    const plain = await crossValidate(lr, bags, { folds: 3, repeats: 3, seed: 4 });
    const entries = new Map<string, string>();
    // A run aborted after 4 of its 9 folds.
    const controller = new AbortController();
    await expect(
      crossValidate(lr, bags, {
        folds: 3,
        repeats: 3,
        seed: 4,
        signal: controller.signal,
        checkpoint: { store: memoryCheckpointStore(entries) },
        onProgress: (e) => {
          if (e.stage === 'cross-validation' && e.done === 4) controller.abort(new Error('killed'));
        },
      }),
    ).rejects.toThrow('killed');
    expect(entries.size).toBe(4);
    lr.fits = 0;
    const resumed = await crossValidate(lr, bags, { folds: 3, repeats: 3, seed: 4, checkpoint: { store: memoryCheckpointStore(entries) } });
    expect(lr.fits).toBe(5);
    expect(resumed.checkpoint).toMatchObject({ restored: 4, computed: 5, invalid: 0, written: 5 });
    expect(core(resumed)).toEqual(plain);
  });

  it('keys each fold by everything that determines it', async () => {
    const lr = counting(logisticRegressionEstimator());
    const entries = new Map<string, string>();
    const store = memoryCheckpointStore(entries);
    const base = { folds: 3, repeats: 1, seed: 4 };
    await crossValidate(lr, bags, { ...base, checkpoint: { store, context: { c: 1, d: [1, 2] } } });
    const restored = async (options: Parameters<typeof crossValidate>[2], data: readonly PatientBag[] = bags): Promise<number> =>
      (await crossValidate(lr, data, options)).checkpoint!.restored;
    // The context is compared with sorted keys.
    expect(await restored({ ...base, checkpoint: { store, context: { d: [1, 2], c: 1 } } })).toBe(3);
    // A restored fold's metrics follow the threshold of this call.
    const high = await crossValidate(lr, bags, { ...base, threshold: 0.8, checkpoint: { store, context: { c: 1, d: [1, 2] } } });
    expect(high.checkpoint!.restored).toBe(3);
    expect(core(high)).toEqual(await crossValidate(lr, bags, { ...base, threshold: 0.8 }));
    const context = { c: 1, d: [1, 2] };
    expect(await restored({ ...base, checkpoint: { store, context: { c: 2, d: [1, 2] } } })).toBe(0);
    expect(await restored({ ...base, seed: 5, checkpoint: { store, context } })).toBe(0);
    expect(await restored({ ...base, folds: 4, checkpoint: { store, context } })).toBe(0);
    // More repeats reuse the first.
    expect(await restored({ ...base, repeats: 2, checkpoint: { store, context } })).toBe(3);
    // One feature value of one patient changed by one ulp: nothing is reused.
    const changed = bags.map((b) => ({ ...b, handmade: { ...b.handmade!, data: Float32Array.from(b.handmade!.data) } }));
    const data = changed[7]!.handmade.data;
    data[0] = Math.fround(data[0]! * (1 + 2 ** -20));
    expect(await hashPatientBags(changed)).not.toBe(await hashPatientBags(bags));
    expect(await restored({ ...base, checkpoint: { store, context } }, changed)).toBe(0);
    // Another estimator of another name.
    const other = { name: 'other', fit: lr.fit };
    expect((await crossValidate(other, bags, { ...base, checkpoint: { store, context } })).checkpoint!.restored).toBe(0);
  });

  it('never serves a bad or mismatched entry: it is counted, fitted again and replaced', async () => {
    const lr = counting(logisticRegressionEstimator());
    const options = { folds: 3, seed: 1 };
    const plain = await crossValidate(lr, bags, options);
    const folder = join(dir, 'bad');
    const store = await openFolderCheckpointStore(folder);
    await crossValidate(lr, bags, { ...options, checkpoint: { store } });
    const files = (await readdir(folder)).sort();
    expect(files).toHaveLength(3);
    const entry = JSON.parse(await readFile(join(folder, files[0]!), 'utf8')) as Record<string, unknown>;
    const n = (entry.test as number[]).length;
    const probability = (values: number[]): unknown => encodeCheckpointJson({ probability: Float32Array.from(values) });
    const corruptions: [string, string | Record<string, unknown>][] = [
      ['not JSON', '{"format": 1, "key": '],
      ['another layout', { ...entry, format: 99 }],
      ['another key', { ...entry, key: '0'.repeat(64) }],
      ['another fold', { ...entry, fold: (entry.fold as number) + 1 }],
      ['other held-out patients', { ...entry, test: [...(entry.test as number[])].reverse() }],
      ['a probability too short', { ...entry, prediction: probability(Array.from({ length: n - 1 }, () => 0.5)) }],
      ['a probability above 1', { ...entry, prediction: probability(Array.from({ length: n }, () => 1.5)) }],
      ['a NaN probability', { ...entry, prediction: probability(Array.from({ length: n }, () => Number.NaN)) }],
      ['a gate of the wrong length', { ...entry, prediction: { ...(entry.prediction as object), gate: encodeCheckpointJson(new Float32Array(1)) } }],
      ['a bad typed array', { ...entry, prediction: { probability: { $typed: 'Float32Array', base64: 'AAA' } } }],
      ['no prediction', { ...entry, prediction: null }],
    ];
    for (const [what, bad] of corruptions) {
      await writeFile(join(folder, files[0]!), typeof bad === 'string' ? bad : JSON.stringify(bad));
      lr.fits = 0;
      const cv = await crossValidate(lr, bags, { ...options, checkpoint: { store } });
      expect(cv.checkpoint, what).toMatchObject({ restored: 2, computed: 1, invalid: 1, written: 1 });
      expect(lr.fits, what).toBe(1);
      expect(core(cv), what).toEqual(plain);
      // Replaced by a good entry.
      expect(JSON.parse(await readFile(join(folder, files[0]!), 'utf8')), what).toEqual(entry);
    }
    // A folder in place of an entry: counted, fitted, not written over (the write fails): a warning, a full result.
    await rm(join(folder, files[0]!));
    await (await import('node:fs/promises')).mkdir(join(folder, files[0]!));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const cv = await crossValidate(lr, bags, { ...options, checkpoint: { store } });
    expect(cv.checkpoint).toMatchObject({ restored: 2, computed: 1, invalid: 1, written: 0 });
    expect(cv.checkpoint!.warning).toMatch(/^crossValidate: the checkpoint could not be written in .*bad/);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
    expect(core(cv)).toEqual(plain);
  });

  it('goes on without checkpointing when the store cannot be written (said once)', async () => {
    const lr = logisticRegressionEstimator();
    const store: CheckpointStore = {
      location: 'nowhere',
      read: () => Promise.resolve(undefined),
      write: () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })),
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const cv = await crossValidate(lr, bags, { folds: 3, repeats: 2, seed: 1, checkpoint: { store } });
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
    expect(cv.checkpoint).toMatchObject({ computed: 6, written: 0, warning: expect.stringMatching(/nowhere \(ENOSPC: no space left/) as unknown });
    expect(core(cv)).toEqual(await crossValidate(lr, bags, { folds: 3, repeats: 2, seed: 1 }));
  });

  it('writes entries atomically into its folder and removes the stale temporary files of a killed run', async () => {
    const folder = join(dir, 'atomic');
    await (await import('node:fs/promises')).mkdir(folder, { recursive: true });
    const stale = join(folder, `${'a'.repeat(64)}.json.tmp-999999999-abc123`);
    const fresh = join(folder, `${'b'.repeat(64)}.json.tmp-${process.pid}-abc123`);
    await writeFile(stale, '{"half');
    await writeFile(fresh, '{"half');
    const old = new Date(Date.now() - 2 * 3_600_000);
    await utimes(stale, old, old);
    const store = await openFolderCheckpointStore(folder);
    await expect(stat(stale)).rejects.toThrow(/ENOENT/);
    await expect(stat(fresh)).resolves.toBeDefined();
    await crossValidate(logisticRegressionEstimator(), bags, { folds: 3, checkpoint: { store } });
    const names = (await readdir(folder)).filter((f) => f !== `${'b'.repeat(64)}.json.tmp-${process.pid}-abc123`);
    expect(names).toHaveLength(3);
    for (const name of names) expect(name).toMatch(/^[0-9a-f]{64}\.json$/);
  });

  it('refuses keepModels with a checkpoint and a store without read/write, naming the option', async () => {
    const lr = logisticRegressionEstimator();
    await expect(crossValidate(lr, bags, { keepModels: true, checkpoint: { store: memoryCheckpointStore() } })).rejects.toThrow(
      /^crossValidate: keepModels .*false with checkpoint/,
    );
    await expect(crossValidate(lr, bags, { checkpoint: { store: {} as CheckpointStore } })).rejects.toThrow(/crossValidate: checkpoint\.store\.read/);
    await expect(crossValidate(lr, bags, { checkpoint: null as never })).rejects.toThrow(/crossValidate: checkpoint/);
  });
});

describe('checkpoint JSON', () => {
  it('round-trips typed arrays bit-exact, non-finite numbers and nested records; refuses what has no JSON form', () => {
    const value = {
      probability: Float32Array.from([0.1, 1 / 3, Math.PI]),
      f64: Float64Array.from([Math.E, -0]),
      n: [Number.NaN, Infinity, -Infinity, 1.5, null, 'x', true],
      attention: { images: [Float32Array.from([0.5, 0.5]), new Float32Array(0)] },
    };
    const back = decodeCheckpointJson(JSON.parse(JSON.stringify(encodeCheckpointJson(value)))) as typeof value;
    expect(back).toEqual(value);
    expect(Buffer.from(back.probability.buffer).equals(Buffer.from(value.probability.buffer))).toBe(true);
    expect(encodeCheckpointJson({ model: new Map() })).toBeUndefined();
    expect(encodeCheckpointJson({ f: () => 1 })).toBeUndefined();
    expect(decodeCheckpointJson({ $number: 'many' })).toBeUndefined();
    expect(decodeCheckpointJson({ $typed: 'BigInt64Array', base64: '' })).toBeUndefined();
  });
});
