import type * as tf from '@tensorflow/tfjs';

/**
 * Reads a monitored quantity from `model.fit` epoch logs, which hold numbers (or, in some tfjs paths, scalars).
 *
 * @param fnName - the calling callback, for the error message.
 * @param logs - the epoch logs.
 * @param monitor - the key to read, e.g. `'val_loss'`.
 * @returns the value.
 * @throws Error naming the available keys when `monitor` is missing (e.g. `'val_loss'` without validation data).
 */
export async function monitoredValue(
  fnName: string,
  logs: Readonly<Record<string, number | tf.Tensor>> | undefined,
  monitor: string,
): Promise<number> {
  const value = logs?.[monitor];
  if (value === undefined) {
    const keys = Object.keys(logs ?? {}).join(', ');
    throw new Error(`${fnName}: '${monitor}' is not in the epoch logs (available: ${keys || 'none'}); pass validation data or set monitor`);
  }
  if (typeof value === 'number') return value;
  const data = await value.data();
  return data[0] as number;
}
