import * as tf from '@tensorflow/tfjs';

/** The active backend's name, or null when none was set yet (does not initialise one). */
export function activeBackend(): string | null {
  return (tf.getBackend() as string | null | undefined) ?? null;
}

/**
 * Restore the backend active before a test: `await restoreBackend(saved)` in afterEach/afterAll, where
 * `saved = activeBackend()` was taken before. A null `saved` (none was active) switches to cpu.
 */
export async function restoreBackend(saved: string | null): Promise<void> {
  const target = saved ?? 'cpu';
  if (tf.getBackend() !== target) await tf.setBackend(target);
  await tf.ready();
}
