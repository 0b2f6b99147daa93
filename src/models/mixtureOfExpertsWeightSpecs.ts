import { MixtureOfExperts } from './mixtureOfExperts.js';
import { resolveMixtureConfig, type MixtureOfExpertsConfig } from './mixtureOfExpertsConfig.js';

/** One weight a configuration builds: its checkpoint name and shape. */
export interface MixtureWeightSpec {
  /** Checkpoint name, e.g. `'image.hidden/kernel'`. */
  readonly name: string;
  /** Shape, e.g. `[512, 64]`. */
  readonly shape: readonly number[];
}

/** The size fields of a configuration; every weight dimension is a constant plus a sum of some of them. */
const SIZES = ['imageDim', 'handmadeDim', 'attentionUnits', 'imageHiddenUnits', 'handmadeUnits', 'scalarUnits'] as const;

function specsOf(config: MixtureOfExpertsConfig): MixtureWeightSpec[] {
  const model = new MixtureOfExperts(config);
  try {
    return model.namedWeights().map((w) => ({ name: w.name, shape: w.variable.shape.map((d) => d as number) }));
  } finally {
    model.dispose();
  }
}

/**
 * The weights (names and shapes) that `new MixtureOfExperts(config)` would build, **without building it**: a
 * checkpoint's manifest can be checked against its configuration before any memory is spent on the model (an
 * inflated configuration fails in milliseconds). Computed from tiny models of the same structure: each positive size
 * is set to 3, then to 4 one at a time; every dimension is affine in the sizes, so the tiny shapes give it exactly.
 *
 * @param config - A configuration (checked by `resolveMixtureConfig`).
 * @returns The weights, in `namedWeights` order.
 * @throws If the configuration is invalid.
 * @example
 * ```ts
 * mixtureWeightSpecs({ imageDim: 512, handmadeDim: 51 }).find((w) => w.name === 'handmade.standardize/mean')?.shape; // [51]
 * ```
 */
export function mixtureWeightSpecs(config: MixtureOfExpertsConfig): MixtureWeightSpec[] {
  const c = resolveMixtureConfig(config);
  const used = SIZES.filter((k) => c[k] > 0);
  const tiny = (bumped?: (typeof SIZES)[number]): MixtureOfExpertsConfig => {
    const t: Record<string, unknown> = { ...c };
    for (const k of used) t[k] = k === bumped ? 4 : 3;
    return t as MixtureOfExpertsConfig;
  };
  const base = specsOf(tiny());
  const slopes = used.map((k) => {
    const bumped = specsOf(tiny(k));
    if (bumped.length !== base.length || bumped.some((w, i) => w.name !== base[i]?.name)) {
      throw new Error(`mixtureWeightSpecs: the weights of the configuration change with config.${k}`);
    }
    return bumped.map((w, i) => w.shape.map((d, j) => d - (base[i]?.shape[j] as number)));
  });
  return base.map((w, i) => ({
    name: w.name,
    shape: w.shape.map((d, j) => used.reduce((s, k, u) => s + (slopes[u]?.[i]?.[j] as number) * (c[k] - 3), d)),
  }));
}
