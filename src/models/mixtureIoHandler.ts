import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../core/index.js';
import { fileSystemIO, resolveModelHandler } from '../io/modelIo/index.js';

/** Where a model is saved to or loaded from: a folder or `model.json` path, a URL, or a tfjs `IOHandler`. */
export type ModelLocation = string | URL | tf.io.IOHandler;

/**
 * The one way {@link MixtureOfExperts.save} and `loadMixtureOfExperts` turn a location into a tfjs handler, so that
 * what one writes the other reads: a path or `file:` URL is a folder of the Node file system (`model.json` + weight
 * shards, io's `fileSystemIO`); `indexeddb://`, `localstorage://` (and `downloads://` for saving) go to tfjs's own
 * handlers; `http(s)://` loads with io's checked loader and saves by a POST (tfjs's `http` handler); an `IOHandler`
 * is used as it is. Locations are checked by io's `resolveModelHandler` for both directions.
 *
 * @param location - See {@link ModelLocation}.
 * @param direction - `'save'` or `'load'`.
 * @param fn - The public function, for messages (e.g. `'MixtureOfExperts.save'`).
 * @returns A handler with the `save` (or `load`) method.
 * @throws {ArgumentError} For a handler without the method; io's `ModelIoError` for an unusable location.
 */
export function resolveMixtureHandler(location: ModelLocation, direction: 'save' | 'load', fn: string): tf.io.IOHandler {
  const argument = direction === 'save' ? 'destination' : 'source';
  if (typeof location === 'object' && !(location instanceof URL)) {
    if (location === null || typeof location[direction] !== 'function') {
      throw new ArgumentError(fn, argument, `a path, a URL or a tfjs IOHandler that can ${direction}`, location);
    }
    return location;
  }
  if (typeof location !== 'string' && !(location instanceof URL)) {
    throw new ArgumentError(fn, argument, 'a path, a URL or a tfjs IOHandler', location);
  }
  const resolved = resolveModelHandler(location); // checks the location (same rules both ways)
  if (typeof resolved === 'string') {
    const handler = (direction === 'save' ? tf.io.getSaveHandlers(resolved) : tf.io.getLoadHandlers(resolved))[0];
    if (handler === undefined) throw new ArgumentError(fn, argument, `a location tfjs can ${direction} here`, resolved);
    return handler;
  }
  if (direction === 'load') return resolved;
  const href = location instanceof URL ? location.href : location;
  if (/^https?:\/\//i.test(href)) return tf.io.http(href);
  if (/^file:/i.test(href)) return fileSystemIO(decodeURIComponent(new URL(href).pathname).replace(/^\/([a-z]:\/)/i, '$1'));
  return fileSystemIO(href);
}
