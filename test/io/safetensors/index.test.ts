import { describe, expect, it } from 'vitest';
import * as io from '../../../src/io/index.js';
import * as safetensors from '../../../src/io/safetensors/index.js';

describe('io/safetensors index', () => {
  it('exports the public API, also through src/io', () => {
    for (const name of [
      'parseSafetensors',
      'serializeSafetensors',
      'readSafetensors',
      'SafetensorsFile',
      'SafetensorsError',
      'SAFETENSORS_DTYPES',
      'SAFETENSORS_ITEM_SIZE',
      'SAFETENSORS_MAX_HEADER_BYTES',
      'isSafetensorsDtype',
      'float16BitsToFloat32',
      'float32ToFloat16Bits',
      'bfloat16BitsToFloat32',
      'float32ToBfloat16Bits',
      'permuteDims',
      'convertLayout',
      'WEIGHT_LAYOUTS',
      'mapWeights',
      'WeightMappingError',
    ]) {
      expect(typeof (safetensors as Record<string, unknown>)[name], name).not.toBe('undefined');
      expect((io as Record<string, unknown>)[name], name).toBe((safetensors as Record<string, unknown>)[name]);
    }
  });

  it('isSafetensorsDtype accepts exactly the listed dtypes', () => {
    for (const d of safetensors.SAFETENSORS_DTYPES) expect(safetensors.isSafetensorsDtype(d)).toBe(true);
    for (const d of ['F4', 'f32', 'toString', '__proto__', 3, null]) expect(safetensors.isSafetensorsDtype(d)).toBe(false);
  });
});
