import { convertLayout } from './convertLayout.js';
import type { WeightLayout } from './convertLayout.js';
import { SafetensorsFile } from './safetensorsFile.js';
import { WeightMappingError } from './weightMappingError.js';
import type { WeightMappingProblem } from './weightMappingError.js';
import { ArgumentError } from '../../core/index.js';

/** A weight: float32 values, row-major, and its shape. */
export interface MappedWeight {
  /** product(shape) values. */
  data: Float32Array;
  /** The shape. */
  shape: number[];
}

/** A source tensor given by value (e.g. from a `.npz` reader or built in a test). */
export interface SourceTensor {
  /** The shape. */
  shape: readonly number[];
  /** product(shape) values, row-major; bigints are converted with `Number`. */
  data: ArrayLike<number> | ArrayLike<bigint>;
}

/** Where {@link mapWeights} reads source tensors: a parsed safetensors file (decoded lazily) or tensors by name. */
export type MapWeightsSource = SafetensorsFile | ReadonlyMap<string, SourceTensor> | Readonly<Record<string, SourceTensor>>;

/**
 * How one target weight is made.
 *
 * `from` is a source tensor name, or a function that builds the weight (still in PyTorch layout) from
 * source tensors read with `get`, e.g. to split a fused `qkv` projection or fold a batch norm; every name
 * passed to `get` counts as used.
 */
export interface WeightSpecEntry {
  /** Source tensor name, or a function of a getter of source tensors (as float32). */
  from: string | ((get: (name: string) => MappedWeight) => MappedWeight);
  /** Conversion from the PyTorch layout. Defaults to `'identity'`. */
  layout?: WeightLayout;
  /** Channel multiplier of a `'depthwiseConv2d'` layout. Defaults to 1. */
  depthMultiplier?: number;
  /** Expected target shape (after conversion); a different shape is a problem. Defaults to no check. */
  shape?: readonly number[];
}

/** Target name → how to make it; a string is shorthand for `{ from: string }` (identity layout). */
export type WeightSpec = Readonly<Record<string, WeightSpecEntry | string>>;

/** Options of {@link mapWeights}. */
export interface MapWeightsOptions {
  /**
   * Throw one {@link WeightMappingError} listing every missing, unexpected or wrongly shaped tensor; when
   * false, such weights are left out and the problems returned as `warnings`. Defaults to true.
   */
  strict?: boolean;
  /**
   * Source tensors that may go unused without a problem (exact names or patterns, e.g.
   * `/num_batches_tracked$/`, `/^head\./`). Defaults to none.
   */
  ignore?: readonly (string | RegExp)[];
}

/** Result of {@link mapWeights}. */
export interface MapWeightsResult {
  /** Target name → weight in tfjs layout, in spec order. */
  weights: Map<string, MappedWeight>;
  /** Problems found (always empty in strict mode, which throws instead). */
  warnings: WeightMappingProblem[];
}

class MissingSourceError extends Error {
  constructor(readonly sourceName: string) {
    super(`missing source tensor ${sourceName}`);
  }
}

/**
 * Map PyTorch weights (e.g. a timm or torchvision `state_dict` saved as safetensors) onto the weight names
 * and layouts of a tfjs model.
 *
 * For each target of `spec` in order: read the source tensor (or call the spec function), convert it to
 * float32 (F16/BF16 exactly, F64 and integers by rounding to the nearest float32), convert the layout with
 * {@link convertLayout} and check the expected shape. Source tensors that no target uses and `ignore` does
 * not match are unexpected.
 *
 * @param source - the source tensors
 * @param spec - target name → {@link WeightSpecEntry} (or a source name)
 * @param options - see {@link MapWeightsOptions}
 * @returns the converted weights and, when not strict, the problems
 * @throws {@link WeightMappingError} in strict mode, naming every missing, unexpected and wrongly shaped tensor
 * @example
 * const { weights } = mapWeights(await readSafetensors('resnet18.safetensors'), {
 *   'conv1/kernel': { from: 'conv1.weight', layout: 'conv2d', shape: [7, 7, 3, 64] },
 *   'fc/kernel': { from: 'fc.weight', layout: 'linear' },
 *   'fc/bias': 'fc.bias',
 * }, { ignore: [/num_batches_tracked$/] });
 */
export function mapWeights(source: MapWeightsSource, spec: WeightSpec, options: MapWeightsOptions = {}): MapWeightsResult {
  const strict = options.strict ?? true;
  const ignore = options.ignore ?? [];
  const read = sourceReader(source);
  const used = new Set<string>();
  const problems: WeightMappingProblem[] = [];
  const weights = new Map<string, MappedWeight>();

  const get = (name: string): MappedWeight => {
    used.add(name);
    const t = read.get(name);
    if (t === undefined) throw new MissingSourceError(name);
    return t;
  };

  for (const target of Object.keys(spec)) {
    const raw = spec[target]!;
    const entry: WeightSpecEntry = typeof raw === 'string' ? { from: raw } : raw;
    const sourceName = typeof entry.from === 'string' ? entry.from : undefined;
    const named = { target, ...(sourceName === undefined ? {} : { source: sourceName }) };
    const what = `target ${JSON.stringify(target)}${sourceName === undefined ? ' (computed)' : ` from ${JSON.stringify(sourceName)}`}`;
    let weight: MappedWeight;
    try {
      if (typeof entry.from === 'string') weight = get(entry.from);
      else if (typeof entry.from === 'function') weight = entry.from(get);
      else throw new Error(`spec entry has no source name or function`);
    } catch (e) {
      if (e instanceof MissingSourceError) {
        problems.push({ kind: 'missing', target, source: e.sourceName, message: `missing source tensor ${JSON.stringify(e.sourceName)} for target ${JSON.stringify(target)}` });
      } else {
        problems.push({ kind: 'error', ...named, message: `${what}: ${e instanceof Error ? e.message : String(e)}` });
      }
      continue;
    }
    const layout = entry.layout ?? 'identity';
    let converted: MappedWeight;
    try {
      converted = convertLayout(weight.data, weight.shape, layout, {
        ...(entry.depthMultiplier === undefined ? {} : { depthMultiplier: entry.depthMultiplier }),
      });
    } catch (e) {
      // The layout conversion is internal here: its argument error is this weight's problem, without its name.
      const why = e instanceof ArgumentError ? e.message.replace(/^(convertLayout|permuteDims): /, '') : e instanceof Error ? e.message : String(e);
      problems.push({ kind: 'shape', ...named, message: `${what}: ${why}` });
      continue;
    }
    if (entry.shape !== undefined && !sameShape(converted.shape, entry.shape)) {
      problems.push({
        kind: 'shape',
        ...named,
        message: `${what}: shape [${converted.shape.join(', ')}] after ${layout} (source [${weight.shape.join(', ')}]) differs from the expected [${entry.shape.join(', ')}]`,
      });
      continue;
    }
    weights.set(target, converted);
  }

  for (const name of read.names()) {
    if (used.has(name) || ignore.some((p) => (typeof p === 'string' ? p === name : p.test(name)))) continue;
    problems.push({ kind: 'unexpected', source: name, message: `unexpected source tensor ${JSON.stringify(name)} is not used by any target` });
  }
  if (strict && problems.length > 0) throw new WeightMappingError(problems);
  return { weights, warnings: problems };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function toFloat32(data: ArrayLike<number> | ArrayLike<bigint>): Float32Array {
  if (data instanceof Float32Array) return data;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  return out;
}

function sourceReader(source: MapWeightsSource): { get(name: string): MappedWeight | undefined; names(): string[] } {
  if (source instanceof SafetensorsFile) {
    const cache = new Map<string, MappedWeight>();
    return {
      get(name) {
        if (!source.has(name)) return undefined;
        let w = cache.get(name);
        if (w === undefined) {
          const t = source.tensor(name);
          w = { data: toFloat32(t.data), shape: t.shape };
          cache.set(name, w);
        }
        return w;
      },
      names: () => source.names,
    };
  }
  const map: ReadonlyMap<string, SourceTensor> =
    source instanceof Map ? source : new Map(Object.entries(source as Record<string, SourceTensor>));
  return {
    get(name) {
      const t = map.get(name);
      if (t === undefined) return undefined;
      let size = 1;
      for (const d of t.shape) size *= d;
      if (t.data.length !== size) {
        throw new Error(`source tensor ${JSON.stringify(name)} has ${t.data.length} values, shape [${t.shape.join(', ')}] needs ${size}`);
      }
      return { data: toFloat32(t.data), shape: [...t.shape] };
    },
    names: () => [...map.keys()],
  };
}
