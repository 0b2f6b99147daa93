import type { ImageEmbedder } from './imageEmbedder.js';

/**
 * A content identifier of a backbone: its architecture and every weight value. Two backbones with the same
 * id compute the same embeddings; any change of a weight (loading, training, merging LoRA) changes it.
 *
 * SHA-256 (Web Crypto, Node ≥ 20 and browsers) of the backbone's {@link ImageEmbedder.fingerprintBytes}:
 * for the built-in architectures the layer config (name excluded) and the float32 bytes of the weights in
 * declaration order; for a `FrozenModelBackbone` the model's topology, its weights and the input settings.
 *
 * @param backbone - a built-in `Backbone` or any {@link ImageEmbedder} (e.g. a `FrozenModelBackbone`)
 * @returns `<architecture>-<first 24 hex digits of the digest>`, e.g. `'resnet-3f2a…'`, `'tfjs-layers-…'`
 * @example
 * const id = await backboneFingerprint(createBackbone('resnet18', { seed: 1 }));
 */
export async function backboneFingerprint(backbone: ImageEmbedder): Promise<string> {
  const parts = await backbone.fingerprintBytes();
  const bytes = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    bytes.set(p, offset);
    offset += p.byteLength;
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(digest.subarray(0, 12), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${backbone.architecture}-${hex}`;
}
