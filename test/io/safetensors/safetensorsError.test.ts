import { describe, expect, it } from 'vitest';
import { SafetensorsError } from '../../../src/io/safetensors/safetensorsError.js';
import { WeightMappingError } from '../../../src/io/safetensors/weightMappingError.js';

describe('SafetensorsError', () => {
  it('names the source, tensor and field in the message and as properties', () => {
    const e = new SafetensorsError('m.safetensors', 'must be a string', { tensor: 'w', field: 'dtype' });
    expect(e.message).toBe('safetensors m.safetensors: tensor "w" field dtype must be a string');
    expect([e.name, e.source, e.tensor, e.field]).toEqual(['SafetensorsError', 'm.safetensors', 'w', 'dtype']);
    expect(new SafetensorsError('f', 'too long', { field: 'header length' }).message).toBe('safetensors f: header length too long');
    expect(new SafetensorsError('f', 'bad').tensor).toBeUndefined();
  });
});

describe('WeightMappingError', () => {
  it('lists every problem, one per line, and keeps them', () => {
    const problems = [
      { kind: 'missing' as const, target: 't', source: 's', message: 'missing source tensor "s" for target "t"' },
      { kind: 'unexpected' as const, source: 'u', message: 'unexpected source tensor "u" is not used by any target' },
    ];
    const e = new WeightMappingError(problems);
    expect(e.message.split('\n')).toEqual(['mapWeights: 2 problems:', `  - ${problems[0]!.message}`, `  - ${problems[1]!.message}`]);
    expect(e.problems).toBe(problems);
    expect(new WeightMappingError([problems[0]!]).message).toMatch(/^mapWeights: 1 problem:/);
  });
});
