import { describe, expect, it } from 'vitest';
import { mapWeights } from '../../../src/io/safetensors/mapWeights.js';
import type { MappedWeight, WeightSpec } from '../../../src/io/safetensors/mapWeights.js';
import { parseSafetensors } from '../../../src/io/safetensors/parseSafetensors.js';
import { serializeSafetensors } from '../../../src/io/safetensors/serializeSafetensors.js';
import { WeightMappingError } from '../../../src/io/safetensors/weightMappingError.js';
import { thrown } from './rawSafetensors.js';

const range = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => i);

/** A tiny PyTorch-like state dict: conv + batch norm + fused qkv + classifier. */
function stateDict(): Uint8Array {
  return serializeSafetensors({
    'conv1.weight': { shape: [2, 1, 2, 2], data: range(8) },
    'bn1.weight': { dtype: 'F16', shape: [2], data: [1, 0.5] },
    'bn1.running_mean': { dtype: 'BF16', shape: [2], data: [0.25, -1] },
    'bn1.num_batches_tracked': { shape: [], data: new BigInt64Array([7n]) },
    'attn.qkv.weight': { shape: [6, 2], data: range(12) },
    'fc.weight': { shape: [3, 2], data: range(6) },
    'fc.bias': { shape: [3], data: new Float64Array([0.1, 0.2, 0.3]) },
  });
}

const SPEC: WeightSpec = {
  'conv1/kernel': { from: 'conv1.weight', layout: 'conv2d', shape: [2, 2, 1, 2] },
  'bn1/gamma': 'bn1.weight',
  'bn1/moving_mean': { from: 'bn1.running_mean', shape: [2] },
  'attn/query/kernel': {
    from: (get) => {
      const qkv = get('attn.qkv.weight'); // [3·D, D], the first D rows are the query
      return { data: qkv.data.slice(0, 4), shape: [2, 2] };
    },
    layout: 'linear',
  },
  'fc/kernel': { from: 'fc.weight', layout: 'linear', shape: [2, 3] },
  'fc/bias': 'fc.bias',
};

describe('mapWeights', () => {
  it('maps, converts layouts and dtypes (F16/BF16 exact, F64 rounded) for a safetensors file', () => {
    const { weights, warnings } = mapWeights(parseSafetensors(stateDict()), SPEC, { ignore: [/num_batches_tracked$/] });
    expect(warnings).toEqual([]);
    expect([...weights.keys()]).toEqual(Object.keys(SPEC));
    const conv = weights.get('conv1/kernel')!;
    expect(conv.shape).toEqual([2, 2, 1, 2]);
    // HWIO[h, w, 0, o] = OIHW[o, 0, h, w] = o·4 + h·2 + w
    expect([...conv.data]).toEqual([0, 4, 1, 5, 2, 6, 3, 7]);
    expect([...weights.get('bn1/gamma')!.data]).toEqual([1, 0.5]);
    expect([...weights.get('bn1/moving_mean')!.data]).toEqual([0.25, -1]);
    expect(weights.get('attn/query/kernel')).toEqual({ data: new Float32Array([0, 2, 1, 3]), shape: [2, 2] });
    expect([...weights.get('fc/kernel')!.data]).toEqual([0, 2, 4, 1, 3, 5]);
    expect(weights.get('fc/bias')!.data).toEqual(new Float32Array([0.1, 0.2, 0.3]));
    for (const w of weights.values()) expect(w.data).toBeInstanceOf(Float32Array);
  });

  it('reads tensors given by value (Map or record), bigints included', () => {
    const source = new Map([
      ['a', { shape: [2], data: [1, 2] }],
      ['b', { shape: [1], data: new BigInt64Array([5n]) }],
    ]);
    const { weights } = mapWeights(source, { x: 'a', y: 'b' });
    expect(weights.get('y')!.data).toEqual(new Float32Array([5]));
    expect(mapWeights({ a: { shape: [1], data: [3] } }, { x: 'a' }).weights.get('x')!.data).toEqual(new Float32Array([3]));
  });

  it('strict: one WeightMappingError naming every missing, unexpected and wrongly shaped tensor', () => {
    const spec: WeightSpec = {
      ...SPEC,
      'fc/kernel': { from: 'fc.weight', layout: 'linear', shape: [3, 2] }, // wrong: tfjs wants [in, out] = [2, 3]
      'head/kernel': { from: 'head.weight', layout: 'linear' }, // missing
      'conv1/kernel': { from: 'conv1.weight', layout: 'linear' }, // rank 4 is not a linear weight
    };
    const e = thrown(() => mapWeights(parseSafetensors(stateDict()), spec)) as WeightMappingError;
    expect(e).toBeInstanceOf(WeightMappingError);
    expect(e.problems.map((p) => [p.kind, p.target ?? null, p.source ?? null])).toEqual([
      ['shape', 'conv1/kernel', 'conv1.weight'],
      ['shape', 'fc/kernel', 'fc.weight'],
      ['missing', 'head/kernel', 'head.weight'],
      ['unexpected', null, 'bn1.num_batches_tracked'],
    ]);
    expect(e.message).toMatch(/^mapWeights: 4 problems:/);
    expect(e.message).toContain('target "fc/kernel" from "fc.weight": shape [2, 3] after linear (source [3, 2]) differs from the expected [3, 2]');
    expect(e.message).toContain('missing source tensor "head.weight" for target "head/kernel"');
    expect(e.message).toContain('unexpected source tensor "bn1.num_batches_tracked" is not used by any target');
    expect(e.message).toContain('target "conv1/kernel" from "conv1.weight": shape must be a rank-2 weight shape for layout linear, got [2, 1, 2, 2]');
  });

  it('non-strict: returns the good weights and the problems as warnings', () => {
    const { weights, warnings } = mapWeights(
      parseSafetensors(stateDict()),
      { 'fc/bias': 'fc.bias', 'gone/kernel': 'gone.weight' },
      { strict: false, ignore: ['fc.weight', /^bn1\./, /^attn/] },
    );
    expect([...weights.keys()]).toEqual(['fc/bias']);
    expect(warnings.map((w) => w.kind)).toEqual(['missing', 'unexpected']);
    expect(warnings[1]!.source).toBe('conv1.weight');
  });

  it('reports a missing tensor asked for inside a spec function, and an error thrown by it', () => {
    const spec: WeightSpec = {
      fused: { from: (get) => get('nope') },
      broken: {
        from: (): MappedWeight => {
          throw new Error('cannot fold');
        },
      },
    };
    const { warnings } = mapWeights({ a: { shape: [1], data: [1] } }, spec, { strict: false, ignore: ['a'] });
    expect(warnings).toEqual([
      { kind: 'missing', target: 'fused', source: 'nope', message: 'missing source tensor "nope" for target "fused"' },
      { kind: 'error', target: 'broken', message: 'target "broken" (computed): cannot fold' },
    ]);
  });

  it('an empty spec over an empty source is fine; over a non-empty one every tensor is unexpected', () => {
    expect(mapWeights(new Map(), {}).weights.size).toBe(0);
    const e = thrown(() => mapWeights({ a: { shape: [1], data: [1] }, b: { shape: [1], data: [2] } }, {})) as WeightMappingError;
    expect(e.problems.map((p) => p.source)).toEqual(['a', 'b']);
    expect(e.message).toMatch(/^mapWeights: 2 problems:/);
  });

  it('a source tensor given by value with a wrong length is an error naming it', () => {
    const { warnings } = mapWeights({ a: { shape: [3], data: [1] } }, { x: 'a' }, { strict: false });
    expect(warnings[0]).toMatchObject({ kind: 'error', target: 'x', source: 'a' });
    expect(warnings[0]!.message).toMatch(/source tensor "a" has 1 values, shape \[3\] needs 3/);
  });
});
