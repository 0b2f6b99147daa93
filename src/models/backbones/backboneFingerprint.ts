import type { ImageEmbedder } from './imageEmbedder.js';

const ARCHITECTURE = /^[a-z0-9][a-z0-9-]*$/;

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
 *   (a folder name of the embedding cache)
 * @throws TypeError naming `backboneFingerprint` and the value when `architecture` is not lower-case letters,
 *   digits and hyphens starting with a letter or digit (`/^[a-z0-9][a-z0-9-]*$/`): the id names a cache folder,
 *   so `../` or `/` must not get in
 * @example
 * const id = await backboneFingerprint(createBackbone('resnet18', { seed: 1 }));
 */
export async function backboneFingerprint(backbone: ImageEmbedder): Promise<string> {
  const architecture: unknown = backbone.architecture;
  if (typeof architecture !== 'string' || !ARCHITECTURE.test(architecture)) {
    throw new TypeError(
      `backboneFingerprint: architecture must match /^[a-z0-9][a-z0-9-]*$/ (it names the cache folder), got ${JSON.stringify(architecture)}`,
    );
  }
  const parts = await backbone.fingerprintBytes();
  const bytes = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    bytes.set(p, offset);
    offset += p.byteLength;
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(digest.subarray(0, 12), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${architecture}-${hex}`;
}
