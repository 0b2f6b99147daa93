import * as tf from '@tensorflow/tfjs';
import { isNode } from '../bytes/isNode.js';
import { checkWeightBytes } from './checkWeightBytes.js';
import { fileSystemIO } from './fileSystemIO.js';
import { ModelIoError } from './modelIoError.js';

/** Options of {@link loadLayersModelFrom} and {@link loadGraphModelFrom}. */
export interface LoadModelFromOptions {
  /** Passed to `fetch` for http(s) URLs (headers, credentials, …). Defaults to none. */
  requestInit?: RequestInit;
  /** A `fetch` replacement for http(s) URLs. Defaults to the global `fetch`. */
  fetchFunc?: typeof fetch;
  /** Called with the fraction loaded, in [0, 1], while weights download over http(s). Defaults to none. */
  onProgress?: (fraction: number) => void;
  /**
   * Layers models only: require every weight of the file to match a weight of the model.
   * Defaults to true (as `tf.loadLayersModel`).
   */
  strict?: boolean;
}

const TFJS_SCHEME = /^(indexeddb|localstorage|downloads):\/\//i;
const HTTP_SCHEME = /^https?:\/\//i;

/**
 * The tfjs load handler (or router URL) for a folder, a `model.json` path, a `file:` URL, an http(s) URL or a
 * tfjs storage URL (`indexeddb://`, `localstorage://`).
 *
 * http(s) URLs name the `model.json` (a URL ending in `/` gets `model.json` appended); file and http loads
 * are wrapped so that failures are {@link ModelIoError}s naming the location and weight shards are
 * checked against the manifest size.
 *
 * @param pathOrUrl - where the model is
 * @param options - see {@link LoadModelFromOptions}
 * @returns an IOHandler, or the tfjs storage URL as given
 * @throws {@link ModelIoError} for an empty location or a file path outside Node
 */
export function resolveModelHandler(pathOrUrl: string | URL, options: LoadModelFromOptions = {}): tf.io.IOHandler | string {
  const location = pathOrUrl instanceof URL ? pathOrUrl.href : pathOrUrl;
  if (typeof location !== 'string' || location.length === 0) {
    throw new ModelIoError(String(location), 'expected a folder, a model.json path or a URL');
  }
  if (TFJS_SCHEME.test(location)) return location;
  if (HTTP_SCHEME.test(location)) {
    const url = location.endsWith('/') ? `${location}model.json` : location;
    const loadOptions: tf.io.LoadOptions = {};
    if (options.requestInit !== undefined) loadOptions.requestInit = options.requestInit;
    if (options.fetchFunc !== undefined) loadOptions.fetchFunc = options.fetchFunc;
    if (options.onProgress !== undefined) loadOptions.onProgress = options.onProgress;
    return checkedLoad(url, tf.io.http(url, loadOptions));
  }
  if (/^file:/i.test(location)) {
    if (!isNode()) throw new ModelIoError(location, 'file: URLs need Node');
    return checkedLoad(location, fileSystemIO(fileUrlToPath(location)));
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new ModelIoError(location, 'unsupported URL scheme (use a path, file:, http(s):, indexeddb:// or localstorage://)');
  }
  return checkedLoad(location, fileSystemIO(location));
}

function fileUrlToPath(href: string): string {
  const url = new URL(href);
  // Same result as node:url fileURLToPath for local files, without importing node:url at module load.
  const path = decodeURIComponent(url.pathname);
  return /^\/[a-z]:\//i.test(path) ? path.slice(1) : path;
}

function checkedLoad(location: string, handler: tf.io.IOHandler): tf.io.IOHandler {
  // tfjs handlers are classes: keep `this`.
  const load = handler.load!.bind(handler);
  return {
    load: async () => {
      let artifacts: tf.io.ModelArtifacts;
      try {
        artifacts = await load();
      } catch (e) {
        if (e instanceof ModelIoError) throw e;
        throw new ModelIoError(location, e instanceof Error ? e.message : String(e), { cause: e });
      }
      const data = artifacts.weightData;
      checkWeightBytes(location, artifacts.weightSpecs ?? [], data === undefined ? [] : Array.isArray(data) ? data : [data]);
      return artifacts;
    },
  };
}
