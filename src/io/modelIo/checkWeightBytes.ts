import type * as tf from '@tensorflow/tfjs';
import { ModelIoError } from './modelIoError.js';
import { weightsByteLength } from './weightsByteLength.js';

/**
 * Check that weight buffers hold exactly the bytes the specs need.
 *
 * @param file - name for errors
 * @param specs - weight entries
 * @param buffers - the weight data
 * @throws {@link ModelIoError} naming the file and both sizes
 */
export function checkWeightBytes(file: string, specs: readonly tf.io.WeightsManifestEntry[], buffers: readonly ArrayBuffer[]): void {
  let expected: number | undefined;
  try {
    expected = weightsByteLength(specs);
  } catch (e) {
    throw new ModelIoError(file, `corrupted weight manifest: ${message(e)}`, { cause: e });
  }
  const got = buffers.reduce((s, b) => s + b.byteLength, 0);
  if (expected !== undefined && expected !== got) {
    const sizes = buffers.map((b) => b.byteLength).join(' + ');
    throw new ModelIoError(
      file,
      `weight size mismatch: the manifest's ${specs.length} weights need ${expected} bytes but the shards hold ${got} (${sizes})`,
    );
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
