import { ensureBackend } from '../../backend/ensureBackend.js';
import { ArgumentError, checkOneOf, checkThat, DescribedValue } from '../../core/index.js';
import type { LoadTorchWeightsOptions } from './backbone.js';
import type { Backbone } from './backbone.js';
import { BACKBONE_NAMES, createBackbone } from './createBackbone.js';
import type { BackboneName, CreateBackboneOptions } from './createBackbone.js';
import { checkFrozenModelBackboneOptions } from './frozenModelBackbone.js';
import type { FrozenModelBackboneOptions } from './frozenModelBackbone.js';
import type { ImageEmbedder } from './imageEmbedder.js';
import { loadBackbone } from './loadBackbone.js';
import { loadModelBackbone, SAVED_MODEL_KINDS } from './loadModelBackbone.js';
import type { SavedModelKind } from './loadModelBackbone.js';
import { checkOnnxEmbedderOptions } from './onnx/onnxEmbedder.js';
import type { OnnxEmbedderOptions } from './onnx/onnxEmbedder.js';

/** A built-in architecture by name, with its options and PyTorch weights (the first form of {@link BackboneSpec}). */
export interface NamedBackboneSpec {
  /** The architecture, see `BACKBONE_NAMES`. */
  name: BackboneName;
  /**
   * Options of `createBackbone` (input size and range, mean/std, seed of the random weights, architecture
   * overrides, LoRA) and the loading rules of `loadTorchWeights` (`strict`, `ignore`). Defaults to `{}`.
   */
  options?: CreateBackboneOptions & LoadTorchWeightsOptions;
  /**
   * The `.safetensors` checkpoint: a path or URL string (read by each thread itself) or the file bytes (copied
   * to each thread). Null: the random weights of `options.seed`. Defaults to null.
   */
  weights?: string | Uint8Array | null;
}

/** A saved tfjs layers or graph model used as a frozen backbone (the second form of {@link BackboneSpec}). */
export interface ModelBackboneSpec {
  /**
   * Where the model is and its kind: `url` is a folder or `model.json` path (Node; relative paths resolve
   * against the working directory, the same in every thread) or a `file:` / http(s) URL of the `model.json`,
   * always as a string (a `URL` object: pass its `href`); `kind` is `'layers'` or `'graph'`. Each thread loads
   * it itself (`loadModelBackbone`). A `file:` URL must be absolute, `file:///abs/path/model.json`
   * (`pathToFileURL(path).href`): `file:models/cnn` would mean `/models/cnn`, so it is rejected.
   */
  model: { url: string; kind: SavedModelKind };
  /** Input size and range, mean/std, graph output node: see `FrozenModelBackboneOptions`. Defaults to `{}`. */
  options?: FrozenModelBackboneOptions;
}

/** An ONNX model on onnxruntime used as a frozen backbone (the third form of {@link BackboneSpec}). */
export interface OnnxBackboneSpec {
  /**
   * The `.onnx` file: `url` is a path (Node; relative paths resolve against the working directory), a `file:` /
   * http(s) URL string, or the file bytes (copied to each thread). Each thread loads it itself (`loadOnnxEmbedder`).
   */
  onnx: { url: string | Uint8Array };
  /**
   * Input size, mean/std, layout, input/output names, pooling, runtime, execution providers, threads: see
   * `OnnxEmbedderOptions`. In `embedImagesPool`'s threads `threads` defaults to 1. Defaults to `{}`.
   */
  options?: OnnxEmbedderOptions;
}

/**
 * A backbone described by value, so that another thread can rebuild it. Everything in it is
 * structured-cloneable (it is sent to worker threads). Three forms:
 *
 * - {@link NamedBackboneSpec} `{ name, options?, weights? }`: a built-in architecture and its checkpoint;
 * - {@link ModelBackboneSpec} `{ model: { url, kind }, options? }`: any saved tfjs layers or graph model;
 * - {@link OnnxBackboneSpec} `{ onnx: { url }, options? }`: any ONNX model, on onnxruntime (optional peer
 *   dependency: onnxruntime-node or onnxruntime-web).
 */
export type BackboneSpec = NamedBackboneSpec | ModelBackboneSpec | OnnxBackboneSpec;

/** Whether the spec is the `{ model: { url, kind } }` form. */
export function isModelBackboneSpec(spec: BackboneSpec): spec is ModelBackboneSpec {
  const s = spec as { model?: unknown; name?: unknown; onnx?: unknown };
  return s.model !== undefined && s.name === undefined && s.onnx === undefined;
}

/** Whether the spec is the `{ onnx: { url } }` form. */
export function isOnnxBackboneSpec(spec: BackboneSpec): spec is OnnxBackboneSpec {
  const s = spec as { model?: unknown; name?: unknown; onnx?: unknown };
  return s.onnx !== undefined && s.name === undefined && s.model === undefined;
}

/**
 * A short description of a spec for messages: the architecture name, or the model kind and location.
 *
 * @param spec - the spec
 * @returns e.g. `'resnet18'` or `'tfjs layers model models/cnn'`
 */
export function describeBackboneSpec(spec: BackboneSpec): string {
  if (isOnnxBackboneSpec(spec)) {
    const url = spec.onnx.url;
    return `ONNX model ${typeof url === 'string' ? url : `<${url.byteLength} bytes>`}`;
  }
  return isModelBackboneSpec(spec) ? `tfjs ${spec.model.kind} model ${spec.model.url}` : spec.name;
}

/**
 * Check a {@link BackboneSpec} early, before any thread starts.
 *
 * @param spec - the spec
 * @param fnName - the function named in the error messages
 * @throws TypeError naming `fnName` and the value for a spec that is not an object, an unknown `name`,
 *   `weights` that are neither a string, bytes nor null, or a `model` without a non-empty `url` string (a
 *   `URL` object is named as such), a relative `file:` URL, a `kind` other than `'layers'` / `'graph'`, bad
 *   `options` (the checks of `FrozenModelBackbone`: not an object, `inputSize`, `inputRange`, `mean`, `std`,
 *   `outputNode` with kind `'layers'`), or with both `name` and `model`; an `onnx` without a non-empty `url` string
 *   or bytes, or bad ONNX `options` (`checkOnnxEmbedderOptions`), or `onnx` together with `name` or `model`
 */
export function checkBackboneSpec(spec: BackboneSpec, fnName: string): void {
  const kinds = 'a backbone spec { name, options?, weights? }, { model: { url, kind }, options? } or { onnx: { url }, options? }';
  checkThat(spec !== null && typeof spec === 'object', fnName, 'spec', kinds, spec);
  const both = spec as { model?: unknown; name?: unknown; onnx?: unknown };
  if ([both.model, both.name, both.onnx].filter((x) => x !== undefined).length > 1) {
    throw new ArgumentError(fnName, 'spec', `${kinds}: either name (built-in architecture) or model (saved tfjs model) or onnx (ONNX model), not both`, spec);
  }
  if (isOnnxBackboneSpec(spec)) {
    const o = spec.onnx as { url?: unknown } | null;
    const url = o !== null && typeof o === 'object' ? o.url : o;
    if (!(url instanceof Uint8Array) && (typeof url !== 'string' || url.length === 0)) {
      throw new ArgumentError(fnName, 'spec.onnx.url', 'a non-empty path or URL string of an .onnx file, or its bytes', url);
    }
    checkOnnxEmbedderOptions(spec.options, fnName, 'spec.options');
    return;
  }
  if (isModelBackboneSpec(spec)) {
    const m = spec.model as { url?: unknown; kind?: unknown } | null;
    if (m !== null && typeof m === 'object' && m.url instanceof URL) {
      const hint = `a string (it is sent to worker threads): pass the URL's href ${JSON.stringify(m.url.href)}`;
      throw new ArgumentError(fnName, 'spec.model.url', hint, new DescribedValue('a URL object'));
    }
    if (m === null || typeof m !== 'object' || typeof m.url !== 'string' || m.url.length === 0) {
      throw new ArgumentError(fnName, 'spec.model.url', 'a non-empty folder, model.json path or URL', m === null || typeof m !== 'object' ? m : m.url);
    }
    checkOneOf(fnName, 'spec.model.kind', m.kind, SAVED_MODEL_KINDS);
    if (/^file:(?!\/)/i.test(m.url)) {
      const hint = 'a path, or an absolute URL file:///… (pathToFileURL(path).href), not a relative file: URL (it would resolve from the root)';
      throw new ArgumentError(fnName, 'spec.model.url', hint, m.url);
    }
    checkFrozenModelBackboneOptions(spec.options, m.kind as SavedModelKind, `${fnName}: spec.options.`);
    return;
  }
  checkOneOf(fnName, 'spec.name', spec.name, BACKBONE_NAMES);
  const w = spec.weights;
  if (w !== undefined && w !== null && typeof w !== 'string' && !(w instanceof Uint8Array)) {
    throw new ArgumentError(fnName, 'spec.weights', 'a path or URL string, the checkpoint bytes or null', w);
  }
}

/**
 * Build the backbone a {@link BackboneSpec} describes, on the active tfjs backend (set up by `ensureBackend` when none is): `createBackbone` with random
 * weights or `loadBackbone` with the checkpoint (named form), or `loadModelBackbone` (model form).
 *
 * @param spec - the spec
 * @returns the backbone (a `Backbone` for the named form, a `FrozenModelBackbone` for the model form, an
 *   `OnnxEmbedder` for the onnx form: `loadOnnxEmbedder`, imported only then); the caller disposes it
 * @throws the errors of `createBackbone` / `loadBackbone` (unknown name, unreadable checkpoint, weight
 *   mismatch) or `loadModelBackbone` (unreadable model, not an image model)
 * @example
 * const backbone = await buildBackbone({ name: 'resnet18', weights: 'weights/resnet18.safetensors' });
 * const cnn = await buildBackbone({ model: { url: 'models/cnn', kind: 'layers' }, options: { inputSize: 96 } });
 */
export async function buildBackbone(spec: NamedBackboneSpec): Promise<Backbone>;
export async function buildBackbone(spec: BackboneSpec): Promise<ImageEmbedder>;
export async function buildBackbone(spec: BackboneSpec): Promise<ImageEmbedder> {
  if (isModelBackboneSpec(spec)) return loadModelBackbone(spec.model.url, spec.model.kind, spec.options ?? {});
  if (isOnnxBackboneSpec(spec)) {
    const { loadOnnxEmbedder } = await import('./onnx/loadOnnxEmbedder.js');
    return loadOnnxEmbedder(spec.onnx.url, spec.options ?? {}, 'buildBackbone');
  }
  const options = spec.options ?? {};
  const weights = spec.weights ?? null;
  if (weights === null) {
    const { strict: _strict, ignore: _ignore, ...create } = options;
    await ensureBackend();
    return createBackbone(spec.name, create);
  }
  return loadBackbone(spec.name, weights, options);
}
