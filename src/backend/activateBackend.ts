import * as tf from '@tensorflow/tfjs';
import { BackendInitError, errorText } from './backendInitError.js';

type Factory = () => tf.KernelBackend | Promise<tf.KernelBackend>;
/** The factory each of our error-recording wrappers wraps. */
const originals = new WeakMap<Factory, Factory>();

/** Whether tfjs has already created the instance of backend `name` (its factory ran successfully). */
export function isBackendInstantiated(name: string): boolean {
  const registry = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry;
  return registry[name] !== undefined;
}

/**
 * `tf.setBackend(name)` + `tf.ready()`, but throwing a {@link BackendInitError} with the factory's own error instead
 * of returning false. tfjs swallows factory errors (it logs them and returns false), so the factory of a backend that
 * is not yet instantiated is wrapped once to record what it threw. On failure the previously active backend is
 * restored (tfjs would leave the failed name active with no instance).
 *
 * @param name - A backend whose factory is registered.
 */
export async function activateBackend(name: string): Promise<void> {
  const factory = tf.findBackendFactory(name);
  if (factory === null || factory === undefined) {
    throw new BackendInitError(name, `no backend factory named '${name}' is registered with tfjs`);
  }
  let failure: unknown;
  let caught = false;
  if (!isBackendInstantiated(name)) {
    const original = originals.get(factory) ?? factory;
    const priority = (tf.engine() as unknown as { registryFactory: Record<string, { priority: number }> }).registryFactory[
      name
    ]?.priority;
    const wrapper = async (): Promise<tf.KernelBackend> => {
      try {
        return await original();
      } catch (e) {
        caught = true;
        failure = e;
        throw e;
      }
    };
    originals.set(wrapper, original); // a later attempt wraps the original again, not this wrapper
    tf.removeBackend(name);
    tf.registerBackend(name, wrapper, priority ?? 1);
  }
  const previous = tf.getBackend() as string | null | undefined;
  let ok: boolean;
  let thrown: unknown;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    ok = false;
    thrown = e;
  }
  if (!ok && typeof previous === 'string' && previous !== name && isBackendInstantiated(previous)) {
    // tfjs records the new name before initialising it and keeps it on failure: go back to the previous backend.
    await tf.setBackend(previous);
  }
  if (thrown !== undefined) throw new BackendInitError(name, errorText(thrown), { cause: thrown });
  if (!ok) {
    throw new BackendInitError(
      name,
      caught ? `initialisation failed: ${errorText(failure)}` : 'initialisation failed (see the warning tfjs logged)',
      caught ? { cause: failure } : {},
    );
  }
  await tf.ready();
}
