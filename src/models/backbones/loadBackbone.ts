import { ensureBackend } from '../../backend/ensureBackend.js';
import type { ImageSource } from '../../io/bytes/imageSource.js';
import { readSafetensors } from '../../io/safetensors/readSafetensors.js';
import { SafetensorsFile } from '../../io/safetensors/safetensorsFile.js';
import type { Backbone, LoadTorchWeightsOptions } from './backbone.js';
import { createBackbone } from './createBackbone.js';
import type { BackboneName, CreateBackboneOptions } from './createBackbone.js';

/** Options of {@link loadBackbone}: the architecture ({@link CreateBackboneOptions}) and the loading rules. */
export interface LoadBackboneOptions extends CreateBackboneOptions, LoadTorchWeightsOptions {
  /** Aborts reading the file. Defaults to none. */
  signal?: AbortSignal;
}

/**
 * Build a backbone and load pretrained PyTorch weights into it from a `.safetensors` checkpoint as published
 * for timm (`model.safetensors` on the Hugging Face hub) or converted from torchvision (see
 * docs/pretrained-weights.md). Names are mapped, layouts converted (OIHW → HWIO, [out, in] → [in, out]) and
 * F32/F16/BF16 decoded. Strict by default: any missing, unexpected (other than the classifier head and
 * `num_batches_tracked`) or wrongly shaped tensor is an error that names it.
 *
 * @param name - the architecture, see `BACKBONE_NAMES`
 * @param weights - a path (Node), a URL (`file:`, `http(s):`, `data:`, `blob:`), the file bytes, a `Blob`, or a
 *   parsed `SafetensorsFile`
 * @param options - see {@link LoadBackboneOptions}
 * @returns the backbone with the weights; the caller disposes it
 * @throws `SafetensorsError` naming the source when it cannot be read or parsed; `WeightMappingError` (strict)
 *   listing every tensor problem
 * @example
 * const backbone = await loadBackbone('convnext_tiny', 'weights/convnext_tiny.in12k_ft_in1k/model.safetensors');
 * const z = backbone.embed(images); // [N, 768]
 */
export async function loadBackbone(
  name: BackboneName,
  weights: ImageSource | SafetensorsFile,
  options: LoadBackboneOptions = {},
): Promise<Backbone> {
  const file =
    weights instanceof SafetensorsFile
      ? weights
      : await readSafetensors(weights, options.signal === undefined ? {} : { signal: options.signal });
  await ensureBackend();
  const backbone = createBackbone(name, options);
  try {
    backbone.loadTorchWeights(file, {
      ...(options.strict === undefined ? {} : { strict: options.strict }),
      ...(options.ignore === undefined ? {} : { ignore: options.ignore }),
    });
  } catch (e) {
    backbone.dispose();
    throw e;
  }
  return backbone;
}
